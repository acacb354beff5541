"""What one scoring call produces: the answers (:class:`ScoredBatch`) and what it logs (:class:`LogWrite`)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from app.services.profiles import ScoredRows

RESULT_COLUMNS = ("prob_default", "Pago_atiempo_pred", "risk_band", "warnings")


@dataclass(frozen=True)
class LogWrite:
    """What one scoring call writes in one transaction: the ``predictions`` rows, and what their profile
    fragments are built from."""

    rows: dict[str, Any]
    profiled: ScoredRows


@dataclass(frozen=True)
class ScoredBatch:
    """What one scoring call produced.

    Per scored record, in input order: its input position, ``prob``, ``pred`` (``Pago_atiempo_pred``), ``band``
    and ``warnings``; ``results`` holds them as a frame indexed by input position (columns ``RESULT_COLUMNS``).
    ``errors`` lists the records that could not be scored: ``{"index": i, "problems": [...]}``.
    """

    request_id: str
    model_version: str
    n_records: int
    positions: np.ndarray
    prob: np.ndarray
    pred: np.ndarray
    band: np.ndarray
    warnings: list[list[dict[str, str]]]
    errors: list[dict[str, Any]]
    latency_ms: float

    @cached_property
    def results(self) -> pd.DataFrame:
        """The scored records as a frame (built on first use)."""
        return pd.DataFrame({"prob_default": self.prob, "Pago_atiempo_pred": self.pred, "risk_band": self.band,
                             "warnings": pd.Series(self.warnings, dtype=object).to_numpy()},
                            index=pd.Index(self.positions, name="index"))

    @property
    def summary(self) -> dict[str, Any]:
        """Counts and timing for the response envelope."""
        bands = pd.Series(self.band, dtype=object).value_counts().to_dict() if len(self.prob) else {}
        return {"received": self.n_records, "scored": len(self.prob), "rejected": len(self.errors),
                "risk_bands": {str(k): int(v) for k, v in bands.items()},
                "model_version": self.model_version, "request_id": self.request_id,
                "latency_ms": round(self.latency_ms, 3)}
