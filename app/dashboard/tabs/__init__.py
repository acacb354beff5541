"""The tabs, in display order. Each module exposes LABEL, TAB_ID, layout(services) and
register_callbacks(app, services)."""
from __future__ import annotations

from app.dashboard.tabs import batch, charts, drift, logs, performance

TABS = (charts, drift, logs, batch, performance)
