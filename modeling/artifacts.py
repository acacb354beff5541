"""The model bundle on disk: writing it atomically and loading it back.

Layout (``MODELS_DIR``)::

    LATEST                    the current model_version (replaced atomically)
    <model_version>/
        pipeline.joblib       one sklearn Pipeline: coerced raw records → predict_proba (classes_ [0, 1])
        feature_names.json    the model's input columns after encoding
        metadata.json         version, data, split, CV table, metrics, threshold, risk bands, schema, profile
        reference.parquet     training-period rows (raw features, date, target, prob_default)
        holdout.parquet       held-out-period rows (raw features, date, target)
        checksums.json        sha256 of every file above, written last and verified at load

A bundle is written into a hidden temporary directory next to its final place and renamed into place
(``os.rename``) only when complete; ``LATEST`` is replaced last (``os.replace``), so a crash at any point
leaves either the previous bundle or the new one, never a half-written bundle that loads.
This module never imports the training stack (Optuna, the candidates).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from modeling.bundle_checksums import CHECKSUMS_FILE, verify_checksums, write_checksums

LATEST_FILE = "LATEST"
PIPELINE_FILE = "pipeline.joblib"
FEATURE_NAMES_FILE = "feature_names.json"
METADATA_FILE = "metadata.json"
FRAME_FILES: dict[str, str] = {"reference": "reference.parquet", "holdout": "holdout.parquet"}
REQUIRED_FILES: tuple[str, ...] = (PIPELINE_FILE, FEATURE_NAMES_FILE, METADATA_FILE, *FRAME_FILES.values())
HOW_TO_TRAIN = "train one with `make train` or `python -m modeling.train --models-dir <dir>`"


class BundleNotFoundError(FileNotFoundError):
    """No loadable model bundle; the message says where it looked and how to train one."""


@dataclass(frozen=True)
class Bundle:
    """A loaded model bundle: the fitted pipeline and everything stored with it."""

    path: Path
    pipeline: Any
    metadata: dict[str, Any]
    feature_names: list[str]

    @property
    def model_version(self) -> str:
        """The bundle's version string (its directory name)."""
        return str(self.metadata["model_version"])

    @property
    def threshold(self) -> float:
        """Decision threshold on ``prob_default`` (flag as late payment when ``>=``)."""
        return float(self.metadata["threshold"])

    @property
    def risk_bands(self) -> dict[str, Any]:
        """``{"labels": ["Bajo", "Medio", "Alto"], "cuts": [low, high]}``."""
        return dict(self.metadata["risk_bands"])

    @property
    def schema(self) -> dict[str, Any]:
        """The input schema with training ranges and categories (``modeling.data.schema.schema_document``)."""
        return self.metadata["schema"]

    @property
    def reference_profile(self) -> dict[str, Any]:
        """The frozen drift reference profile of the training period."""
        return self.metadata["reference_profile"]

    def load_frame(self, name: str) -> pd.DataFrame:
        """The stored ``"reference"`` or ``"holdout"`` rows."""
        if name not in FRAME_FILES:
            raise ValueError(f"unknown bundle frame {name!r}; expected one of {sorted(FRAME_FILES)}")
        return pd.read_parquet(self.path / FRAME_FILES[name])


def unique_version(models_dir: str | Path, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … when a bundle of that name already exists."""
    models_dir = Path(models_dir)
    version, n = base, 1
    while (models_dir / version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


def save_bundle(models_dir: str | Path, *, pipeline: Any, metadata: Mapping[str, Any], feature_names: list[str],
                frames: Mapping[str, pd.DataFrame]) -> Path:
    """Write a complete bundle named ``metadata["model_version"]`` atomically, then point ``LATEST`` at it.

    Raises ``FileExistsError`` if that version already exists and ``ValueError`` for a bad version name
    or missing frames. On any failure the temporary directory is removed and ``LATEST`` is untouched.
    """
    models_dir = Path(models_dir)
    version = str(metadata["model_version"])
    _check_version_name(version)
    if set(frames) != set(FRAME_FILES):
        raise ValueError(f"frames: expected exactly {sorted(FRAME_FILES)}, got {sorted(frames)}")
    final = models_dir / version
    if final.exists():
        raise FileExistsError(f"a bundle named {version} already exists in {models_dir}")
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", suffix=".partial", dir=models_dir))
    try:
        joblib.dump(pipeline, staging / PIPELINE_FILE)
        _write_json(staging / FEATURE_NAMES_FILE, list(feature_names))
        _write_json(staging / METADATA_FILE, dict(metadata))
        for name, frame in frames.items():
            frame.to_parquet(staging / FRAME_FILES[name], index=False)
        write_checksums(staging, REQUIRED_FILES)
        for file in (*REQUIRED_FILES, CHECKSUMS_FILE):
            _fsync(staging / file)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    write_pointer(models_dir, LATEST_FILE, version)
    return final


def load_bundle(models_dir: str | Path, version: str | None = None) -> Bundle:
    """Load the bundle ``version`` (default: the one named in ``LATEST``) from ``models_dir``.

    Raises ``BundleNotFoundError`` — with how to train a model — when there is none, it is unreadable or a
    file differs from the sha256 recorded at training (the message names the file).
    """
    models_dir = Path(models_dir)
    if version is None:
        try:
            version = (models_dir / LATEST_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            raise BundleNotFoundError(f"no model bundle in {models_dir} (no {LATEST_FILE} file); "
                                      f"{HOW_TO_TRAIN}") from None
    path = models_dir / version
    try:
        _check_version_name(version)
        missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
        if missing:
            raise FileNotFoundError(f"missing {', '.join(missing)}")
        verify_checksums(path, REQUIRED_FILES)
        metadata = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
        feature_names = json.loads((path / FEATURE_NAMES_FILE).read_text(encoding="utf-8"))
        pipeline = joblib.load(path / PIPELINE_FILE)
        for key in ("model_version", "threshold", "risk_bands", "schema", "reference_profile"):
            if key not in metadata:
                raise KeyError(f"metadata.json lacks {key!r}")
    except Exception as exc:  # any unreadable bundle is reported the same way
        raise BundleNotFoundError(f"model bundle {path} cannot be loaded ({exc}); {HOW_TO_TRAIN}") from exc
    return Bundle(path=path, pipeline=pipeline, metadata=metadata, feature_names=list(feature_names))


def list_versions(models_dir: str | Path) -> list[str]:
    """Names of the complete bundles in ``models_dir`` (a checksums file, written last), sorted."""
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return []
    return sorted(p.name for p in models_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / CHECKSUMS_FILE).is_file())


def point_latest(models_dir: str | Path, version: str, *, name: str = LATEST_FILE) -> None:
    """Make the pointer file ``name`` (``LATEST``) name ``version``, atomically (``os.replace``): promotion and
    rollback. The bundle is loaded first, so a missing or damaged one raises ``BundleNotFoundError`` and the
    pointer does not move."""
    load_bundle(models_dir, version)
    write_pointer(models_dir, name, version)


def _check_version_name(version: str) -> None:
    if not version or version.startswith(".") or Path(version).name != version:
        raise ValueError(f"invalid model version name {version!r}")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def write_pointer(models_dir: str | Path, name: str, text: str) -> None:
    """Write the one-line pointer file ``name`` (``LATEST``, ``CHALLENGER``) in ``models_dir`` atomically: a
    temporary file, flushed to disk, then ``os.replace`` — a reader sees the old text or the new, never part."""
    models_dir = Path(models_dir)
    handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=models_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, models_dir / name)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
