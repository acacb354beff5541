"""The bundle's integrity manifest: the sha256 of every file, written at training and checked at load.

``checksums.json`` maps each file name of the bundle to its sha256 (hex). It is written last, just before the
bundle is renamed into place; a bundle without it (trained before manifests existed) loads with a warning.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

CHECKSUMS_FILE = "checksums.json"
_CHUNK = 1 << 20
logger = logging.getLogger(__name__)


class ChecksumMismatch(ValueError):
    """A bundle file does not match the sha256 recorded at training (or the manifest lists a missing file)."""


def file_sha256(path: Path) -> str:
    """Hex sha256 of the file at ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_checksums(bundle_dir: Path, files: Iterable[str]) -> Path:
    """Record the sha256 of each of ``files`` (names inside ``bundle_dir``) in ``bundle_dir/checksums.json``."""
    manifest = {name: file_sha256(bundle_dir / name) for name in sorted(files)}
    path = bundle_dir / CHECKSUMS_FILE
    path.write_text(json.dumps({"algorithm": "sha256", "files": manifest}, indent=2), encoding="utf-8")
    return path


def verify_checksums(bundle_dir: Path, required: Iterable[str]) -> None:
    """Check every file against the manifest; raise :class:`ChecksumMismatch` naming the first altered file.

    Each of ``required`` must be listed in the manifest. A bundle without a manifest only logs a warning.
    """
    path = bundle_dir / CHECKSUMS_FILE
    if not path.is_file():
        logger.warning("model bundle %s has no %s (trained before integrity manifests); loading it unverified",
                       bundle_dir, CHECKSUMS_FILE)
        return
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ChecksumMismatch(f"{CHECKSUMS_FILE} is unreadable ({exc})") from None
    unlisted = sorted(set(required) - set(recorded))
    if unlisted:
        raise ChecksumMismatch(f"{CHECKSUMS_FILE} does not list {', '.join(unlisted)}")
    for name, expected in recorded.items():
        if Path(name).name != name or not (bundle_dir / name).is_file():
            raise ChecksumMismatch(f"{name} is listed in {CHECKSUMS_FILE} but missing from the bundle")
        if file_sha256(bundle_dir / name) != expected:
            raise ChecksumMismatch(f"{name} was altered after training (its sha256 does not match "
                                   f"{CHECKSUMS_FILE})")
