"""Where each count and sum of a model version's profile lives: the :class:`ProfileLayout`.

A profile fragment holds, for one (model version, source, day), integer **counts** in named blocks of cells and
float **sums**. The layout is fixed per model version and stored in the log database (``profile_layouts``) as
JSON, together with that version's frozen reference profile, so every host can read any version's profiles
without its bundle.

Count blocks (cells in this order):

* ``class`` — rows per (risk band, predicted class): ``band_index * 2 + Pago_atiempo_pred``;
* ``class_labelled`` — the same for rows whose outcome (``actual``) is known;
* ``confusion`` — labelled rows per (predicted, actual): ``pred * 2 + actual``;
* ``warned`` — rows with at least one warning; ``warning_codes`` — rows with each warning code;
* ``var:<name>`` — each monitored variable's frozen drift bins (the reference profile's layout, missing /
  unseen / pooled bins included; the score's own drift bins are ``var:prob_default``), then for numeric
  variables one ``oor:<name>`` cell (values outside the reference range);
* ``fine`` — every row's ``prob_default`` on ``FINE_BINS`` bins uniform in logit over ``FINE_LOGIT_RANGE`` plus
  one open bin below and one above; ``fine_late`` / ``fine_ontime`` — the same for labelled rows whose actual
  ``Pago_atiempo`` is 0 / 1 (ROC and PR curves, AUCs within 1e-3 of the exact values, calibration).

Sums: ``prob`` per class cell, ``prob_labelled``, ``prob_labelled_late``, ``prob_sq_labelled``, and the request
attribution ``latency`` (Σ latency_ms / k over rows, k = rows of the row's request) and ``requests`` (Σ 1 / k).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from modeling.data.input_warnings import WARNING_CODES
from modeling.drift import SCORE_NAME, FrozenProfile, load_profile

LAYOUT_VERSION = 1
FINE_BINS = 2000
FINE_LOGIT_RANGE = (-10.0, 10.0)
EXTRA_WARNING_CODES = ("ignored_field",)
SUM_NAMES = ("prob_labelled", "prob_labelled_late", "prob_sq_labelled", "latency", "requests")


def fine_edges(bins: int = FINE_BINS, logit_range: tuple[float, float] = FINE_LOGIT_RANGE) -> np.ndarray:
    """The inner edges of the fine score bins (probabilities, increasing)."""
    return 1.0 / (1.0 + np.exp(-np.linspace(logit_range[0], logit_range[1], bins + 1)))


@dataclass(frozen=True)
class ProfileLayout:
    """Offsets of every block of one model version's profile cells; built from its reference profile."""

    model_version: str
    bands: tuple[str, ...]
    warning_codes: tuple[str, ...]
    reference: dict[str, Any]
    fine_bins: int = FINE_BINS
    blocks: dict[str, slice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sizes: list[tuple[str, int]] = [
            ("class", 2 * len(self.bands)), ("class_labelled", 2 * len(self.bands)), ("confusion", 4),
            ("warned", 1), ("warning_codes", len(self.warning_codes))]
        for variable in self.drift_variables:
            sizes.append((f"var:{variable.name}", variable.counts.size))
            if variable.kind == "numeric":
                sizes.append((f"oor:{variable.name}", 1))
        sizes += [("fine", self.fine_bins + 2), ("fine_late", self.fine_bins + 2), ("fine_ontime", self.fine_bins + 2)]
        blocks, start = {}, 0
        for name, size in sizes:
            blocks[name] = slice(start, start + size)
            start += size
        object.__setattr__(self, "blocks", blocks)

    @classmethod
    def for_bundle(cls, model_version: str, reference: dict[str, Any],
                   bands: list[str] | tuple[str, ...]) -> ProfileLayout:
        """The layout of a bundle: its reference profile and risk band labels, the current warning codes."""
        return cls(model_version, tuple(bands), (*WARNING_CODES, *EXTRA_WARNING_CODES), reference)

    @cached_property
    def frozen(self) -> FrozenProfile:
        """The reference profile as arrays."""
        return load_profile(self.reference)

    @property
    def drift_variables(self) -> list:
        """The profile's variables in order, then the score's drift bins (when the profile has them)."""
        frozen = self.frozen
        return [*frozen.variables.values(), *([frozen.score] if frozen.score is not None else [])]

    @property
    def n_cells(self) -> int:
        return max(block.stop for block in self.blocks.values())

    @property
    def sum_names(self) -> tuple[str, ...]:
        return (*(f"prob:{b}:{p}" for b in self.bands for p in (0, 1)), *SUM_NAMES)

    @cached_property
    def sum_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.sum_names)}

    @cached_property
    def edges(self) -> np.ndarray:
        """Inner edges of the fine score bins."""
        return fine_edges(self.fine_bins)

    def fine_bin(self, prob: np.ndarray) -> np.ndarray:
        """Fine bin of each probability (0 below the first edge, ``fine_bins + 1`` at or above the last)."""
        return np.searchsorted(self.edges, np.asarray(prob, dtype=np.float64), side="right")

    @property
    def score_name(self) -> str:
        return SCORE_NAME

    def to_json(self) -> str:
        return json.dumps({"version": LAYOUT_VERSION, "model_version": self.model_version, "bands": list(self.bands),
                           "warning_codes": list(self.warning_codes), "fine_bins": self.fine_bins,
                           "reference": self.reference}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ProfileLayout:
        data = json.loads(text)
        if data.get("version") != LAYOUT_VERSION:
            raise ValueError(f"profile layout: expected version {LAYOUT_VERSION}, found {data.get('version')!r}")
        return cls(data["model_version"], tuple(data["bands"]), tuple(data["warning_codes"]), data["reference"],
                   int(data["fine_bins"]))
