"""The bundles in ``MODELS_DIR`` and the two pointers every host reads: ``LATEST`` (the champion, served) and
``CHALLENGER`` (the bundle scoring in shadow). Switching either is one atomic file replace; each switch is
recorded in ``model_promotions`` (who, when, from, to) and logged.

``CHALLENGER`` holds a version, or ``-`` for "no challenger"; when the file does not exist the
``CHALLENGER_VERSION`` setting applies. Promotion and rollback are the same action: :meth:`ModelRegistry.promote`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.models.tables import model_promotions
from modeling.artifacts import LATEST_FILE, BundleNotFoundError, list_versions, point_latest, write_pointer

logger = logging.getLogger(__name__)
CHALLENGER_FILE = "CHALLENGER"
NO_CHALLENGER = "-"
ACTOR_MAX = 128


class PromotionError(ValueError):
    """A switch that cannot be made; nothing changed. ``code``: ``unknown_version``, ``version_conflict`` (the
    served version already, or a challenger equal to it), ``bundle_not_loadable`` or ``not_writable`` (the
    models folder)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Switch:
    """One recorded switch."""

    kind: str
    from_version: str | None
    to_version: str | None
    actor: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from_version": self.from_version, "to_version": self.to_version,
                "actor": self.actor, "at": self.at.isoformat(timespec="seconds") + "Z"}


class ModelRegistry:
    """Read and switch the pointers of ``models_dir``; record switches in the log database."""

    def __init__(self, models_dir: Path, engine: Engine, default_challenger: str | None = None) -> None:
        self.models_dir, self.engine, self.default_challenger = Path(models_dir), engine, default_challenger

    def versions(self) -> list[str]:
        """Every complete bundle in the models directory."""
        return list_versions(self.models_dir)

    def latest(self) -> str | None:
        """The version ``LATEST`` names (None when there is none)."""
        return _read(self.models_dir / LATEST_FILE)

    def challenger(self) -> str | None:
        """The challenger: the ``CHALLENGER`` file's version, else ``CHALLENGER_VERSION``; None for none."""
        named = _read(self.models_dir / CHALLENGER_FILE)
        if named is None:
            return self.default_challenger
        return None if named == NO_CHALLENGER else named

    def promote(self, version: str, actor: str) -> Switch:
        """Point ``LATEST`` at ``version`` (a complete, loadable bundle): promotion, or rollback to an older one."""
        current = self.latest()
        if version == current:
            raise PromotionError(f"{version} is already the served version", "version_conflict")
        self._check(version)
        try:
            point_latest(self.models_dir, version)  # loads it first: a damaged bundle is refused here
        except BundleNotFoundError as exc:
            raise PromotionError(str(exc), "bundle_not_loadable") from None
        except OSError as exc:
            raise _not_writable(self.models_dir, LATEST_FILE, exc) from None
        return self._record("promote", current, version, actor)

    def set_challenger(self, version: str | None, actor: str) -> Switch:
        """Make ``version`` score in shadow on every host (None: stop shadow scoring)."""
        current = self.challenger()
        if version is not None:
            self._check(version)
            check_loadable(self.models_dir, version)
            if version == self.latest():
                raise PromotionError(f"{version} is the served version; a challenger must be another bundle",
                                     "version_conflict")
        try:
            write_pointer(self.models_dir, CHALLENGER_FILE, version or NO_CHALLENGER)
        except OSError as exc:
            raise _not_writable(self.models_dir, CHALLENGER_FILE, exc) from None
        return self._record("challenger", current, version, actor)

    def previous(self) -> str | None:
        """The version served before the current one (what a rollback returns to), from the recorded switches."""
        query = (sa.select(model_promotions.c.from_version).where(model_promotions.c.kind == "promote",
                                                                   model_promotions.c.to_version == self.latest())
                 .order_by(model_promotions.c.id.desc()).limit(1))
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        return found if found in self.versions() else None

    def history(self, limit: int = 20) -> list[Switch]:
        """The latest recorded switches, newest first."""
        c = model_promotions.c
        query = sa.select(c.kind, c.from_version, c.to_version, c.actor, c.at).order_by(c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [Switch(*row) for row in conn.execute(query)]

    def _check(self, version: str) -> None:
        if version not in self.versions():
            raise PromotionError(f"no complete bundle {version!r} in {self.models_dir}; "
                                 f"known: {', '.join(self.versions()) or 'none'}", "unknown_version")

    def _record(self, kind: str, before: str | None, after: str | None, actor: str) -> Switch:
        switch = Switch(kind, before, after, (actor or "unknown")[:ACTOR_MAX],
                        datetime.now(UTC).replace(tzinfo=None, microsecond=0))
        try:
            with self.engine.begin() as conn:
                conn.execute(model_promotions.insert(), {"kind": kind, "from_version": before, "to_version": after,
                                                         "actor": switch.actor, "at": switch.at})
        except sa.exc.SQLAlchemyError:  # the pointer has moved: the switch stands, the log line below records it
            logger.exception("model %s %s -> %s could not be recorded in model_promotions", kind, before, after)
        logger.info("model %s: %s -> %s by %s", kind, before, after, switch.actor,
                    extra={"event": f"model_{kind}", "from_version": before, "to_version": after,
                           "actor": switch.actor})
        return switch


def check_loadable(models_dir: Path, version: str) -> None:
    """Raise :class:`PromotionError` when ``version`` cannot be loaded (missing file, checksum mismatch)."""
    from modeling.artifacts import load_bundle

    try:
        load_bundle(models_dir, version)
    except BundleNotFoundError as exc:
        raise PromotionError(str(exc), "bundle_not_loadable") from None


def _not_writable(models_dir: Path, name: str, error: OSError) -> PromotionError:
    return PromotionError(f"cannot write {name} in {models_dir} ({error.strerror or type(error).__name__}); "
                          "the models folder must be writable by the app", "not_writable")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
