"""Rare reference categories pooled into one bin: the rule, the stored profile, current values, noise level."""
from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest

from modeling.drift import (
    MISSING_LABEL,
    POOLED_LABEL,
    STATUS_STABLE,
    UNSEEN_LABEL,
    ProfileError,
    build_reference_profile,
    drift_report,
    load_profile,
    noise_level,
    psi_evolution,
    split_rare,
)

TRENDS = np.array(["Creciente", "Decreciente", "Estable", None], dtype=object)
TREND_SHARES = [0.5, 0.12, 0.11, 0.27]
STRAY_CODES = [0, 8315, -28589, *range(101, 148)]  # 50 one-off integer values mixed into a text column


@pytest.mark.parametrize(("totals", "frequent", "pooled"), [
    # 4,000 non-missing rows: threshold max(10, 0.5 % · 4000) = 20; a count of exactly 20 is not rare
    ({"A": 3000, "B": 921, "C": 40, "E": 20, "D": 18, "F": 1}, ("A", "B", "C", "E"), ("D", "F")),
    # 400 rows: 0.5 % is 2 rows, the floor of 10 rules
    ({"x": 300, "y": 85, "z": 9, "w": 6}, ("x", "y"), ("z", "w")),
    # ties are ordered by key, in both groups
    ({"b": 500, "a": 500, "q": 3, "p": 3}, ("a", "b"), ("p", "q")),
    # a single rare category keeps its own bin: pooling it alone would only rename it
    ({"A": 3000, "B": 995, "C": 5}, ("A", "B", "C"), ()),
    # every category rare: nothing pooled, PSI still sees the mix
    ({"a": 4, "b": 3, "c": 1}, ("a", "b", "c"), ()),
    ({}, (), ()),
])
def test_rare_categories_are_pooled_by_the_documented_rule(totals: dict, frequent: tuple, pooled: tuple) -> None:
    assert split_rare(totals) == (frequent, pooled)


def tendencia_like(n_rows: int, seed: int, strays: list[object]) -> pd.Series:
    """A text trend column with missing values and the given stray values (one row each) at random rows."""
    rng = np.random.default_rng(seed)
    values = rng.choice(TRENDS, n_rows, p=TREND_SHARES)
    values[rng.choice(n_rows, len(strays), replace=False)] = np.array(strays, dtype=object)
    return pd.Series(values, name="tendencia", dtype=object)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    code_counts = {4.0: 4224, 9.0: 1560, 10.0: 180, 6.0: 21, 7.0: 12, 68.0: 3}  # threshold: 30 rows
    codes = np.random.default_rng(30).permutation(np.repeat(list(code_counts), list(code_counts.values())))
    return pd.DataFrame({"tendencia": tendencia_like(6000, 31, STRAY_CODES), "tipo_credito": codes})


@pytest.fixture(scope="module")
def profile(reference: pd.DataFrame) -> dict:
    return build_reference_profile(reference, numeric=[], categorical=["tendencia", "tipo_credito"])


def test_profile_pools_the_rare_categories_between_the_frequent_ones_and_unseen(reference: pd.DataFrame,
                                                                                profile: dict) -> None:
    tendencia = profile["variables"]["tendencia"]
    assert tendencia["categories"] == ["Creciente", "Decreciente", "Estable"]
    assert sorted(tendencia["pooled"], key=int) == sorted(str(code) for code in STRAY_CODES)
    assert tendencia["labels"] == ["Creciente", "Decreciente", "Estable", POOLED_LABEL, UNSEEN_LABEL, MISSING_LABEL]
    assert tendencia["counts"][3:] == [50, 0, int(reference["tendencia"].isna().sum())]
    assert sum(tendencia["counts"]) == 6000
    tipo = profile["variables"]["tipo_credito"]
    assert (tipo["categories"], tipo["pooled"]) == (["4", "9", "10"], ["6", "7", "68"])
    assert tipo["labels"] == ["4", "9", "10", POOLED_LABEL, UNSEEN_LABEL, MISSING_LABEL]
    assert tipo["counts"] == [4224, 1560, 180, 21 + 12 + 3, 0, 0]
    loaded = load_profile(json.loads(json.dumps(profile, allow_nan=False)))
    assert loaded.variables["tendencia"].to_dict() == tendencia


def test_threshold_counts_non_missing_rows_only() -> None:
    # 1,000 values and 9,000 missing: threshold max(10, 5) = 10, so 12 rows are not rare
    values = np.array(["A"] * 900 + ["B"] * 76 + ["C"] * 12 + ["D"] * 8 + ["E"] * 4 + [None] * 9000, dtype=object)
    variable = build_reference_profile(pd.DataFrame({"v": values}), numeric=[], categorical=["v"])["variables"]["v"]
    assert (variable["categories"], variable["pooled"]) == (["A", "B", "C"], ["D", "E"])
    assert variable["counts"] == [900, 76, 12, 12, 0, 9000]


def test_current_values_of_pooled_categories_land_in_the_pooled_bin_and_new_ones_in_unseen(profile: dict) -> None:
    current = pd.DataFrame({"tendencia": tendencia_like(400, 32, [8315, "8315", -28589.0, 0, 555555, "Nueva"]),
                            "tipo_credito": np.array([4.0] * 380 + [7.0] * 10 + [68.0] * 4 + [5.0] * 6)})
    report = drift_report(profile, current)
    tendencia = {b.label: b.cur_count for b in report.get("tendencia").bins}
    assert tendencia[POOLED_LABEL] == 4 and tendencia[UNSEEN_LABEL] == 2  # 8315 (any type), -28589, 0 | new ones
    assert report.get("tendencia").signals.unseen_share == pytest.approx(2 / 400)
    tipo = {b.label: b.cur_count for b in report.get("tipo_credito").bins}
    assert (tipo[POOLED_LABEL], tipo[UNSEEN_LABEL], tipo["4"]) == (14, 6, 380)
    assert report.get("tipo_credito").signals.unseen_share == pytest.approx(6 / 400)
    as_text = current.assign(tipo_credito=current["tipo_credito"].map(lambda v: str(int(v))))
    assert drift_report(profile, as_text).get("tipo_credito").to_dict() == report.get("tipo_credito").to_dict()


def test_windows_bin_pooled_values_like_the_report(profile: dict) -> None:
    current = pd.DataFrame({"tendencia": tendencia_like(600, 33, [8315, 0, 101, 999, "x"]),
                            "tipo_credito": np.random.default_rng(34).choice([4.0, 9.0, 7.0, 68.0, 5.0], 600)})
    dates = pd.Series(pd.date_range("2025-01-01", periods=600, freq="h"))
    evolution = psi_evolution(profile, current, dates, freq=600).set_index("variable")
    report = drift_report(profile, current)
    for name in ("tendencia", "tipo_credito"):
        assert evolution.loc[name, "psi"] == pytest.approx(report.get(name).psi, rel=1e-12)
        assert evolution.loc[name, "unseen_share"] == pytest.approx(report.get(name).signals.unseen_share)


def test_identical_sample_still_gives_exactly_zero(profile: dict, reference: pd.DataFrame) -> None:
    report = drift_report(profile, reference)
    assert [r.psi for r in report.variables] == [0.0, 0.0]
    assert report.get("tendencia").signals.unseen_share == 0.0


def test_fifty_one_off_codes_no_longer_make_a_500_row_window_insufficient(profile: dict) -> None:
    # unpooled, the 54 occupied reference bins (3 trends, 50 codes, missing) put a 500-row window's level above 0.10
    assert noise_level(6000, 500, 3 + 50 + 1) > 0.10
    current = pd.DataFrame({"tendencia": tendencia_like(500, 35, [8315, 424242]),
                            "tipo_credito": np.random.default_rng(36).choice([4.0, 9.0, 10.0, 7.0], 500,
                                                                             p=[0.7, 0.26, 0.03, 0.01])})
    tendencia = drift_report(profile, current).get("tendencia")
    assert tendencia.noise_level < 0.10
    assert tendencia.status == STATUS_STABLE  # judged, not "insufficient data"


OLD_PROFILE = {  # version 1 as written before pooling existed: one bin per category, no "pooled" key
    "version": 1, "n_bins": 10, "score": None,
    "variables": {"tendencia": {"kind": "categorical", "categories": ["Creciente", "Estable", "8315"],
                                "counts": [60, 30, 1, 0, 9], "labels": ["Creciente", "Estable", "8315", "Unseen",
                                                                         "Missing"], "missing_share": 0.09}},
}


def test_profiles_without_pooled_categories_still_load_and_compare() -> None:
    loaded = load_profile(copy.deepcopy(OLD_PROFILE))
    variable = loaded.variables["tendencia"]
    assert variable.pooled == () and variable.labels == ("Creciente", "Estable", "8315", "Unseen", "Missing")
    current = pd.DataFrame({"tendencia": ["Creciente", 8315, "8315", 77, None, "Estable"]})
    result = drift_report(OLD_PROFILE, current).get("tendencia")
    assert [(b.label, b.cur_count) for b in result.bins] == [
        ("Creciente", 1), ("Estable", 1), ("8315", 2), ("Unseen", 1), ("Missing", 1)]
    assert variable.to_dict() == {**OLD_PROFILE["variables"]["tendencia"], "pooled": []}


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda v: v.update(pooled=["7", "Creciente"]), "distinct keys"),
    (lambda v: v.update(pooled=["7", "7"]), "distinct keys"),
    (lambda v: v.update(pooled=["7", "68"]), "expected 6 counts"),  # a pooled bin needs its count and label
])
def test_malformed_pooled_categories_raise_profile_error(mutate, message: str) -> None:
    broken = copy.deepcopy(OLD_PROFILE)
    mutate(broken["variables"]["tendencia"])
    with pytest.raises(ProfileError, match=message):
        load_profile(broken)
