"""What a model version's views need besides its profile: the decision threshold, the risk-band cuts, the held-out
metrics measured at training and the training reference scores on the fine bins.

The served version takes them from its bundle. Another version takes them from its bundle directory beside the
served one when present (``metadata.json`` and ``reference.parquet``; its pipeline is never loaded). Otherwise the
threshold and cuts are estimated from the version's profile — the upper edge of the fine bin where the rows of the
lower classes end, so within one fine bin — and there is no reference.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.services.profiles import ProfileLayout, ProfileSet
from app.services.selection import Selection
from modeling.artifacts import FRAME_FILES, METADATA_FILE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VersionContext:
    """Threshold, band cuts, training test metrics and reference rows per fine bin (None: unknown) of a version."""

    model_version: str
    threshold: float
    cuts: tuple[float, ...]
    test_metrics: dict[str, float] = field(default_factory=dict)
    reference: np.ndarray | None = None
    reference_mean: float = float("nan")
    estimated: bool = False


def fine_bounds(layout: ProfileLayout) -> np.ndarray:
    """Edges of every fine bin from 0 to 1 (the open outer bins included): bin ``j`` is ``[b[j], b[j + 1])``."""
    return np.r_[0.0, layout.edges, 1.0]


def bundle_context(metadata: dict[str, Any], reference_scores: np.ndarray, layout: ProfileLayout) -> VersionContext:
    """The context stored in a bundle's metadata, with its reference scores binned on the fine grid."""
    scores = np.asarray(reference_scores, dtype=np.float64)
    fine = np.bincount(layout.fine_bin(scores), minlength=layout.fine_bins + 2)
    return VersionContext(str(metadata["model_version"]), float(metadata["threshold"]),
                          tuple(float(c) for c in metadata["risk_bands"]["cuts"]),
                          dict((metadata.get("metrics") or {}).get("test") or {}), fine,
                          float(scores.mean()) if scores.size else float("nan"))


def directory_context(models_dir: Path, layout: ProfileLayout) -> VersionContext | None:
    """The context of the bundle directory ``models_dir / version`` (None when absent or unreadable)."""
    version = layout.model_version
    if not version or version.startswith(".") or Path(version).name != version:
        return None
    path = models_dir / version
    try:
        metadata = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
        scores = pd.read_parquet(path / FRAME_FILES["reference"], columns=["prob_default"])["prob_default"]
        return bundle_context(metadata, scores.to_numpy(dtype=np.float64), layout)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("bundle %s unreadable for the Gráficas tab: %s", path, error)
        return None


def estimated_context(profiles: ProfileSet) -> VersionContext:
    """Threshold and cuts estimated from every row of the version (see the module docstring)."""
    layout = profiles.layout
    grouping = profiles.total(Selection())
    classes = profiles.counts(grouping, "class")[0].reshape(-1, 2)
    cumulative = np.cumsum(profiles.counts(grouping, "fine")[0])
    bounds = fine_bounds(layout)

    def edge(rows_below: int) -> float:
        return float(bounds[min(np.searchsorted(cumulative, rows_below) + 1, bounds.size - 1)])

    band_rows = classes.sum(axis=1)
    cuts = tuple(edge(int(band_rows[: i + 1].sum())) for i in range(len(layout.bands) - 1))
    return VersionContext(layout.model_version, edge(int(classes[:, 1].sum())), cuts, estimated=True)
