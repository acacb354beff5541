"""Band colours for the modules that still import them from here; the one definition is :mod:`app.dashboard.style`."""
from __future__ import annotations

from app.dashboard.style import AMBER, BAND_COLORS, GREEN, RED

__all__ = ["AMBER", "BAND_COLORS", "GREEN", "RED"]
