"""The dashboard's colours in one place: risk bands (Bajo / Medio / Alto) and PSI bands (Bajo / Moderado / Alto)."""
from __future__ import annotations

GREEN = "#2e7d32"
AMBER = "#f9a825"
RED = "#c62828"
BAND_COLORS = {"Bajo": GREEN, "Medio": AMBER, "Moderado": AMBER, "Alto": RED}
