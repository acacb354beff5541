"""The champion–challenger comparison the dashboard asks for: which challengers have shadow scores, and the
:class:`~app.services.shadow.agreement.Comparison` of one of them on a selection of loans."""
from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from app.services.shadow.agreement import Comparison, compare
from app.services.shadow.pairs import MAX_PAIRS, read_pairs, shadowed_versions
from modeling.artifacts import Bundle, BundleNotFoundError, load_bundle


class ComparisonService:
    """Reads shadow scores and compares them with the champion's; bundles are loaded once (their reference
    profiles give each model's score drift)."""

    def __init__(self, engine: Engine, models_dir: Path, min_late: int = 20, limit: int = MAX_PAIRS) -> None:
        self.engine, self.models_dir, self.min_late, self.limit = engine, Path(models_dir), min_late, limit
        self._bundles: dict[str, Bundle | None] = {}
        self._lock = threading.Lock()

    def versions(self) -> pd.DataFrame:
        """Challenger versions with shadow scores (rows, first and last day), newest first."""
        return shadowed_versions(self.engine)

    def compare(self, challenger: str, *, sources: tuple[str, ...] = (), start: date | None = None,
                end: date | None = None) -> Comparison | None:
        """Champion vs ``challenger`` on the selected loans (the latest ``limit``); None without pairs.

        Raises ``BundleNotFoundError`` when a bundle whose scores are shown is no longer in ``MODELS_DIR``."""
        pairs = read_pairs(self.engine, challenger, sources=sources, start=start, end=end, limit=self.limit)
        if pairs.frame.empty:
            return None
        champion = pairs.frame["champion"].mode().iloc[0]  # the champion of most of these loans
        bundles = {"champion": self._bundle(champion), "challenger": self._bundle(challenger)}
        return compare(pairs, {k: b.reference_profile for k, b in bundles.items()},
                       (bundles["champion"].risk_bands["labels"], bundles["challenger"].risk_bands["labels"]),
                       self.min_late)

    def _bundle(self, version: str) -> Bundle:
        with self._lock:
            if version not in self._bundles:
                try:
                    self._bundles[version] = load_bundle(self.models_dir, version)
                except BundleNotFoundError:
                    self._bundles[version] = None
            found = self._bundles[version]
        if found is None:
            raise BundleNotFoundError(f"model bundle {version} is not in {self.models_dir}")
        return found
