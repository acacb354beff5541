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


class Drift(StrEnum):
    """Data Drift tab."""

    ROOT = "drift-root"


class Logs(StrEnum):
    """Logs tab."""

    ROOT = "logs-root"


class Batch(StrEnum):
    """Predicciones por Lotes tab."""

    ROOT = "batch-root"
