"""drift_report: identical/permuted samples, categorical and edge-case columns, signals, state, UI forms."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from drift_data import CATEGORICAL, NUMERIC, make_frame

from modeling.data.columns import TEMPORAL_FEATURES
from modeling.drift import (
    STATUS_DRIFT,
    STATUS_INSUFFICIENT,
    STATUS_STABLE,
    build_reference_profile,
    drift_report,
)


def test_identical_sample_gives_exactly_zero_everywhere(profile: dict, reference: pd.DataFrame,
                                                       reference_scores: np.ndarray) -> None:
    report = drift_report(profile, reference, scores=reference_scores)
    assert [r.psi for r in report.results] == [0.0] * (len(NUMERIC) + len(CATEGORICAL) + 1)
    assert {r.status for r in report.results} == {STATUS_STABLE}
    assert report.state == "Bajo" and report.causes == () and report.signal_flags == ()


def test_permuting_rows_changes_nothing(profile: dict) -> None:
    current = make_frame(800, seed=5, shift=0.4)
    shuffled = current.sample(frac=1.0, random_state=3)
    assert drift_report(profile, shuffled).to_dict() == drift_report(profile, current).to_dict()


def test_shifted_sample_alerts_and_names_the_causes(profile: dict) -> None:
    report = drift_report(profile, make_frame(3000, seed=6, shift=0.8))
    capital = report.get("capital")
    assert capital.band == "Alto" and capital.status == STATUS_DRIFT and capital.alert
    assert report.state == "Alto"
    assert set(report.causes) == {"capital", "salario"}
    assert report.causes[0] == max(("capital", "salario"), key=lambda n: report.get(n).psi)
    assert report.get("edad").status == STATUS_STABLE


def test_per_bin_table_adds_up(profile: dict) -> None:
    result = drift_report(profile, make_frame(1000, seed=7, shift=0.3)).get("capital")
    assert [b.label for b in result.bins] == profile["variables"]["capital"]["labels"]
    assert sum(b.contribution for b in result.bins) == pytest.approx(result.psi)
    assert sum(b.cur_share for b in result.bins) == pytest.approx(1.0)
    assert sum(b.ref_count for b in result.bins) == result.n_ref == 4000
    assert sum(b.cur_count for b in result.bins) == result.n_cur == 1000


def test_categorical_with_unseen_and_missing_values(profile: dict) -> None:
    current = make_frame(1000, seed=8)
    current.loc[:99, "tipo_credito"] = 68.0          # 10 % unseen code
    current.loc[100:399, "tipo_laboral"] = None       # 30 % missing, none in the reference
    current.loc[400:449, "tendencia"] = "Decreciente"  # 5 % unseen text
    report = drift_report(profile, current)
    tipo = report.get("tipo_credito")
    assert tipo.signals.unseen_share == pytest.approx(0.10)
    assert [(b.label, b.cur_count) for b in tipo.bins][-2:] == [("Unseen", 100), ("Missing", 0)]
    laboral = report.get("tipo_laboral")
    assert laboral.signals.missing_share_ref == 0.0 and laboral.signals.missing_share_cur == pytest.approx(0.30)
    assert laboral.alert and "missing" in laboral.signals.flagged
    assert report.get("tendencia").signals.unseen_share == pytest.approx(0.05)
    assert ("tipo_credito", "unseen") in report.signal_flags
    assert ("tendencia", "unseen") in report.signal_flags


def test_codes_match_whatever_their_type_in_the_current_data(profile: dict) -> None:
    current = make_frame(500, seed=9)
    as_text = current.assign(tipo_credito=current["tipo_credito"].map(lambda v: str(int(v))))
    as_int = current.assign(tipo_credito=current["tipo_credito"].astype("int64"))
    expected = drift_report(profile, current).get("tipo_credito").to_dict()
    assert drift_report(profile, as_text).get("tipo_credito").to_dict() == expected
    assert drift_report(profile, as_int).get("tipo_credito").to_dict() == expected


def test_constant_and_all_missing_columns_compare_cleanly(profile: dict) -> None:
    current = make_frame(500, seed=10)
    report = drift_report(profile, current)
    assert report.get("constante").psi == 0.0 and report.get("vacia").psi == 0.0
    assert report.get("vacia").signals.out_of_range_share == 0.0
    current["constante"] = 8.0
    current.loc[:249, "vacia"] = 1.0
    moved = drift_report(profile, current)
    constante = moved.get("constante")  # the constant moved: PSI sees it (bin above the value), so does the range
    assert constante.alert and constante.band == "Alto" and constante.signals.out_of_range_share == 1.0
    vacia = moved.get("vacia")
    assert vacia.signals.out_of_range_share == pytest.approx(0.5)  # the reference had no values at all
    assert vacia.signals.missing_share_cur == pytest.approx(0.5) and vacia.alert


def test_far_out_of_range_mass_is_flagged_beside_a_small_psi(profile: dict, reference: pd.DataFrame) -> None:
    current = make_frame(2000, seed=11)
    current.loc[:99, "salario"] = 1e12  # 5 % far above the reference maximum
    salario = drift_report(profile, current).get("salario")
    assert salario.psi < 0.10
    low, high = reference["salario"].min(), reference["salario"].max()
    outside = ((current["salario"] < low) | (current["salario"] > high)).mean()
    assert 0.05 <= outside < 0.055
    assert salario.signals.out_of_range_share == pytest.approx(outside)
    assert salario.signals.flagged == ("out_of_range",)


def test_tiny_and_empty_samples_are_insufficient_data_and_never_alert(profile: dict) -> None:
    one_row = drift_report(profile, make_frame(1, seed=12, shift=3.0))
    assert {r.status for r in one_row.results} == {STATUS_INSUFFICIENT}
    assert one_row.state == STATUS_INSUFFICIENT and one_row.causes == ()
    forty = drift_report(profile, make_frame(40, seed=13, shift=3.0))
    # 40 rows (>= MIN_ROWS): a variable is judged only when its own noise level stays below the first band
    assert all((r.status == STATUS_INSUFFICIENT) == (r.noise_level >= 0.10) for r in forty.results)
    # 2 bins: 3.84 · (1/4000 + 1/40) = 0.097 < 0.10; one bin on both sides: no sampling noise at all
    assert {r.variable for r in forty.results if r.status != STATUS_INSUFFICIENT} == {
        "constante", "vacia", "tipo_laboral"}
    assert forty.get("constante").noise_level == 0.0 and forty.get("constante").status == STATUS_STABLE
    assert not forty.get("capital").alert and forty.get("capital").band == "Alto"
    empty = drift_report(profile, make_frame(0, seed=14), scores=np.empty(0))
    capital = empty.get("capital")
    assert capital.psi is None and capital.noise_level is None and capital.band is None
    assert capital.signals.missing_share_cur is None and capital.bins[0].cur_share is None
    json.dumps(empty.to_dict(), allow_nan=False)


def test_temporal_features_are_excluded_by_default() -> None:
    frame = make_frame(600, seed=15).assign(mes_prestamo=np.arange(600) % 12, anio_prestamo=2025.0)
    profile = build_reference_profile(frame, numeric=["capital", "mes_prestamo"], categorical=["anio_prestamo"])
    report = drift_report(profile, frame[["capital"]])
    assert [r.variable for r in report.variables] == ["capital"]
    assert set(report.excluded) == {"mes_prestamo", "anio_prestamo"} <= set(TEMPORAL_FEATURES)
    assert [r.variable for r in drift_report(profile, frame, exclude=()).variables] == [
        "capital", "mes_prestamo", "anio_prestamo"]
    assert len(drift_report(profile, frame, exclude=None).variables) == 3
    assert [r.variable for r in drift_report(profile, frame, exclude="mes_prestamo").variables] == [
        "capital", "anio_prestamo"]


def test_score_drift_is_reported_and_can_cause_the_state(profile: dict) -> None:
    current = make_frame(2000, seed=16)
    scores = np.random.default_rng(17).beta(6, 20, 2000)
    report = drift_report(profile, current, scores=scores)
    assert report.score.variable == "prob_default" and report.score.kind == "score" and report.score.alert
    assert "prob_default" in report.causes
    assert drift_report(profile, current, scores=scores, exclude=("prob_default",)).score is None


def test_ui_forms_never_leak_nan(profile: dict) -> None:
    current = make_frame(0, seed=18)
    report = drift_report(profile, current, scores=np.empty(0))
    frame = report.to_frame()
    assert frame["psi"].tolist() == [None] * len(frame)  # empty sample: None, not NaN
    assert not any(isinstance(v, float) and v != v for v in frame.to_numpy().ravel())
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert "NaN" not in text
    bins = report.get("tipo_credito").bins_frame()
    assert bins["cur_share"].tolist() == [None] * 5


def test_bad_inputs_get_clear_errors(profile: dict) -> None:
    current = make_frame(50, seed=19)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['capital'\]"):
        drift_report(profile, current.drop(columns="capital"))
    with pytest.raises(ValueError, match="scores: expected 50 values"):
        drift_report(profile, current, scores=np.zeros(3))
    no_score = build_reference_profile(current, numeric=["capital"], categorical=[])
    with pytest.raises(ValueError, match="no score bins"):
        drift_report(no_score, current, scores=np.zeros(50))
    with pytest.raises(ValueError, match="bands"):
        drift_report(profile, current, bands=(0.3, 0.1))
