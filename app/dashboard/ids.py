"""Every component id of the dashboard, namespaced per tab. Layouts and callbacks import ids from here."""
from __future__ import annotations

from enum import StrEnum


class Shell(StrEnum):
    """The page frame around the tabs."""

    TABS = "shell-tabs"
    CONTENT = "shell-content"
    REFRESH = "shell-refresh"


class Charts(StrEnum):
    """Gráficas tab."""

    ROOT = "charts-root"
    SOURCES = "charts-sources"
    DATES = "charts-dates"
    GRANULARITY = "charts-granularity"
    VERSION = "charts-version"
    REFRESH = "charts-refresh"
    KPIS = "charts-kpis"
    HISTOGRAM = "charts-histogram"
    HISTOGRAM_GRAPH = "charts-histogram-graph"
    VOLUME = "charts-volume"
    VOLUME_GRAPH = "charts-volume-graph"
    BANDS = "charts-bands"
    BANDS_GRAPH = "charts-bands-graph"
    PERFORMANCE = "charts-performance"
    CONFUSION_GRAPH = "charts-confusion-graph"
    ROC_GRAPH = "charts-roc-graph"
    PR_GRAPH = "charts-pr-graph"
    CALIBRATION_GRAPH = "charts-calibration-graph"
    THRESHOLD_GRAPH = "charts-threshold-graph"
    OBSERVED_GRAPH = "charts-observed-graph"
    MODEL_CARD = "charts-model-card"


class Drift(StrEnum):
    """Data Drift tab."""

    ROOT = "drift-root"


class Logs(StrEnum):
    """Logs tab."""

    ROOT = "logs-root"


class Batch(StrEnum):
    """Predicciones por Lotes tab."""

    ROOT = "batch-root"
