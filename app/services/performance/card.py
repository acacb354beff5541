"""The model card: what the bundle's ``metadata.json`` says about how the model was built and evaluated.

Missing keys (older or partial bundles) become empty tables or ``None``, never an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd

from modeling.training.evaluation import METRIC_NAMES


@dataclass(frozen=True)
class ModelCard:
    """Model identity, candidate comparison, CV vs test metrics, threshold, bands, split and data."""

    model_version: str
    created_at: str | None
    model_name: str | None
    params: dict[str, Any]
    tuning_trials: int | None
    selection_metric: str | None
    selection_rule: str | None
    cv_table: pd.DataFrame
    metrics: pd.DataFrame
    threshold: float
    threshold_rule: str | None
    band_labels: tuple[str, ...]
    band_cuts: tuple[float, ...]
    calibration: dict[str, Any]
    split: pd.DataFrame
    data: dict[str, Any] = field(default_factory=dict)
    target_recall: float | None = None


def build_model_card(metadata: dict[str, Any]) -> ModelCard:
    """A :class:`ModelCard` from a bundle's metadata."""
    selected = metadata.get("selected_model") or {}
    selection = metadata.get("selection") or {}
    bands = metadata.get("risk_bands") or {}
    return ModelCard(
        model_version=str(metadata.get("model_version", "")),
        created_at=metadata.get("created_at"),
        model_name=selected.get("name"),
        params=dict(selected.get("params") or {}),
        tuning_trials=(selected.get("tuning") or {}).get("trials"),
        selection_metric=selection.get("metric"),
        selection_rule=selection.get("rule"),
        cv_table=cv_table(metadata.get("cv_table") or {}, selection.get("scores") or {}, selected.get("name")),
        metrics=metrics_table(metadata.get("metrics") or {}),
        threshold=float(metadata.get("threshold", float("nan"))),
        threshold_rule=metadata.get("threshold_rule"),
        band_labels=tuple(bands.get("labels") or ()),
        band_cuts=tuple(float(c) for c in bands.get("cuts") or ()),
        calibration=dict(metadata.get("calibration") or {}),
        split=split_table(metadata.get("split") or {}),
        data=data_summary(metadata.get("data") or {}),
        target_recall=(metadata.get("options") or {}).get("target_recall"),
    )


def cv_table(table: dict[str, Any], scores: dict[str, float], selected: str | None) -> pd.DataFrame:
    """One row per candidate: ``<metric>_mean``/``<metric>_std`` for every metric, its selection score
    (mean − std of the priority metric) and whether it was selected."""
    rows = []
    for candidate, summary in table.items():
        row: dict[str, Any] = {"candidate": candidate}
        for metric in METRIC_NAMES:
            stats = summary.get(metric) or {}
            row[f"{metric}_mean"], row[f"{metric}_std"] = stats.get("mean"), stats.get("std")
        row["selection_score"] = scores.get(candidate)
        row["selected"] = candidate == selected
        rows.append(row)
    return pd.DataFrame(rows)


def metrics_table(metrics: dict[str, Any]) -> pd.DataFrame:
    """One row per metric: the selected model's out-of-fold ``cv`` value and the held-out ``test`` value."""
    cv, test = metrics.get("cv") or {}, metrics.get("test") or {}
    return pd.DataFrame({"metric": list(METRIC_NAMES), "cv": [cv.get(m) for m in METRIC_NAMES],
                         "test": [test.get(m) for m in METRIC_NAMES]})


def split_table(split: dict[str, Any]) -> pd.DataFrame:
    """One row per period (train, test): rows, rows used for fitting, rows dropped as implausible (a row failing
    several checks counts once), first and last loan date."""
    rows = []
    for period in ("train", "test"):
        info = split.get(period) or {}
        used = info.get("rows_used", info.get("rows"))
        per_check = info.get("implausible_dropped") or {}
        dropped = info["rows"] - used if info.get("rows") is not None and used is not None else sum(per_check.values())
        rows.append({"period": period, "rows": info.get("rows"), "rows_used": used, "dropped": int(dropped),
                     "start": info.get("start"), "end": info.get("end")})
    return pd.DataFrame(rows)


def data_summary(data: dict[str, Any]) -> dict[str, Any]:
    """Source name (file name only, no directories), short sha256 and row count."""
    source = str(data.get("path") or "")
    name = PurePath(source).name if "/" in source or "\\" in source else source
    sha = str(data.get("sha256") or "")
    return {"source": name or None, "sha256_short": sha[:12] or None, "sha256": sha or None,
            "rows": data.get("rows")}
