"""Progress and summary output of a training run: phase timing and the final summary table."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from modeling.training.evaluation import METRIC_NAMES

log = logging.getLogger("modeling.train")


class PhaseTimer:
    """Times named phases, logs each one as it starts and ends, and keeps the durations."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Log ``name``, run the block, log and record its elapsed time."""
        log.info("▶ %s …", name)
        began = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - began, 3)
        log.info("✔ %s: %.1f s (total %.1f s)", name, self.seconds[name], self.total)

    @property
    def total(self) -> float:
        """Seconds since the timer was created."""
        return time.perf_counter() - self.started


def _row(label: str, values: dict[str, Any], width: int = 16) -> str:
    cells = "".join(f"{values.get(m, ''):>13}" for m in METRIC_NAMES)
    return f"{label:<{width}}{cells}"


def format_summary(metadata: dict[str, Any], timings: dict[str, float]) -> str:
    """A plain-text summary: CV table (mean ± std), selection, threshold, test metrics, confusion, timings."""
    header = f"{'':<16}" + "".join(f"{m:>13}" for m in METRIC_NAMES)
    lines = ["", "Cross-validation on the training period (mean ± std over folds, recall/precision/F1 at 0.5)",
             header]
    for name, summary in metadata["cv_table"].items():
        lines.append(_row(name, {m: f"{summary[m]['mean']:.3f}±{summary[m]['std']:.3f}" for m in METRIC_NAMES}))
    selection = metadata["selection"]
    selected = metadata["selected_model"]
    lines += ["", f"Selected: {selected['name']} by {selection['metric']} mean − std "
              f"({selection['scores'][selected['name']]:.4f}); tuned over {selected['tuning']['trials']} trials "
              f"→ {selected['tuning']['best_value']:.4f}",
              f"Threshold {metadata['threshold']:.4f} ({metadata['threshold_rule']}); "
              f"risk bands {metadata['risk_bands']['cuts']}", "", header]
    for period in ("cv", "test"):
        lines.append(_row(f"{period} @threshold", {m: f"{metadata['metrics'][period][m]:.3f}" for m in METRIC_NAMES}))
    matrix = metadata["metrics"]["test"]["confusion_matrix"]["matrix"]
    lines += ["", "Test confusion matrix (rows actual 0/1, columns predicted 0/1):",
              f"  {matrix[0]}", f"  {matrix[1]}", "",
              "Phases: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()),
              f"Bundle: {metadata['model_version']}"]
    return "\n".join(lines)
