"""Drift statistics against a frozen reference profile: PSI with noise levels, companion signals, windows.

Public API::

    profile = build_reference_profile(train, numeric=[...], categorical=[...], scores=p)   # at training
    report = drift_report(profile, current, scores=p_cur)                                  # one sample
    frame = psi_evolution(profile, current, current["fecha_prestamo"], freq="M")           # per window
"""
from modeling.drift.binning import MISSING_LABEL, POOLED_LABEL, UNSEEN_LABEL, category_key
from modeling.drift.compare import drift_report, report_from_counts
from modeling.drift.evolution import EVOLUTION_COLUMNS, evolution_from_counts, psi_evolution, psi_evolution_from_counts
from modeling.drift.noise import (
    MIN_ROWS,
    NOISE_QUANTILE,
    STATUS_DRIFT,
    STATUS_INSUFFICIENT,
    STATUS_STABLE,
    classify,
    noise_level,
)
from modeling.drift.profile import (
    SCORE_NAME,
    FrozenProfile,
    ProfileError,
    VariableProfile,
    load_profile,
)
from modeling.drift.psi import (
    ALPHA,
    BAND_ICONS,
    BAND_NAMES,
    DEFAULT_BANDS,
    band_of,
    psi,
    psi_from_counts,
    smoothed_shares,
)
from modeling.drift.reference import RARE_MIN_COUNT, RARE_MIN_SHARE, build_reference_profile, split_rare
from modeling.drift.report import BinShare, DriftReport, VariableDrift, frame_records
from modeling.drift.signals import CompanionSignals

__all__ = [
    "ALPHA",
    "BAND_ICONS",
    "BAND_NAMES",
    "DEFAULT_BANDS",
    "EVOLUTION_COLUMNS",
    "MIN_ROWS",
    "MISSING_LABEL",
    "NOISE_QUANTILE",
    "POOLED_LABEL",
    "RARE_MIN_COUNT",
    "RARE_MIN_SHARE",
    "SCORE_NAME",
    "STATUS_DRIFT",
    "STATUS_INSUFFICIENT",
    "STATUS_STABLE",
    "UNSEEN_LABEL",
    "BinShare",
    "CompanionSignals",
    "DriftReport",
    "FrozenProfile",
    "ProfileError",
    "VariableDrift",
    "VariableProfile",
    "band_of",
    "build_reference_profile",
    "category_key",
    "classify",
    "drift_report",
    "evolution_from_counts",
    "frame_records",
    "load_profile",
    "noise_level",
    "psi",
    "psi_evolution",
    "psi_evolution_from_counts",
    "psi_from_counts",
    "report_from_counts",
    "smoothed_shares",
    "split_rare",
]
