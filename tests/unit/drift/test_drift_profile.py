"""The frozen reference profile: bins from the reference only, JSON round trip, edge-case columns."""
from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from drift_data import CATEGORICAL, NUMERIC, make_frame

from modeling.drift import ProfileError, build_reference_profile, drift_report, load_profile


def test_profile_is_plain_json_and_round_trips(profile: dict) -> None:
    text = json.dumps(profile, allow_nan=False)  # no NaN, no ±inf, no numpy types
    assert set(profile) == {"version", "variables", "score", "n_bins"}
    assert list(profile["variables"]) == NUMERIC + CATEGORICAL
    loaded = load_profile(json.loads(text))
    for name, stored in profile["variables"].items():
        assert loaded.variables[name].to_dict() == stored
    assert loaded.score.to_dict() == profile["score"]


def test_numeric_bins_are_reference_deciles_with_open_ends_and_missing_bin(reference: pd.DataFrame,
                                                                           profile: dict) -> None:
    capital = profile["variables"]["capital"]
    values = reference["capital"].dropna().to_numpy()
    np.testing.assert_allclose(capital["cuts"], np.quantile(values, np.arange(1, 10) / 10))
    assert capital["labels"][0].startswith("(-inf, ") and capital["labels"][-2].endswith(", +inf)")
    assert capital["labels"][-1] == "Missing"
    assert capital["counts"][-1] == int(reference["capital"].isna().sum())
    assert sum(capital["counts"]) == len(reference)
    assert capital["min"] == values.min() and capital["max"] == values.max()
    assert capital["missing_share"] == pytest.approx(reference["capital"].isna().mean())
    assert max(capital["counts"][:-1]) - min(capital["counts"][:-1]) <= 2  # deciles: ~equal counts


def test_duplicate_edges_are_merged() -> None:
    # 13 distinct terms, 60 % of them 6 months: several deciles coincide
    plazo = [6.0] * 60 + [12.0] * 20 + [2.0, 3.0, 4.0, 5.0, 7.0, 8.0, 9.0, 10.0, 11.0, 18.0, 24.0, 36.0] + [48.0] * 8
    cuts = build_reference_profile(pd.DataFrame({"plazo": plazo}), numeric=["plazo"],
                                   categorical=[])["variables"]["plazo"]["cuts"]
    assert cuts == sorted(set(cuts)) and len(cuts) < 9
    assert cuts == np.unique(np.quantile(plazo, np.arange(1, 10) / 10)).tolist()


def test_few_distinct_values_get_one_bin_each() -> None:
    flag = pd.DataFrame({"flag": [0.0] * 97 + [1.0] * 3})  # 3 % ones: deciles alone would merge them with the zeros
    variable = build_reference_profile(flag, numeric=["flag"], categorical=[])["variables"]["flag"]
    assert variable["cuts"] == [-0.5, 0.5, 1.5]
    assert variable["counts"] == [0, 97, 3, 0, 0]
    assert variable["labels"] == ["(-inf, -0.5)", "[-0.5, 0.5)", "[0.5, 1.5)", "[1.5, +inf)", "Missing"]


def test_constant_and_all_missing_columns(profile: dict) -> None:
    constant, empty = profile["variables"]["constante"], profile["variables"]["vacia"]
    assert constant["cuts"] == [6.5, 7.5] and constant["counts"] == [0, 4000, 0, 0]
    assert constant["min"] == constant["max"] == 7.0
    assert empty["cuts"] == [] and empty["counts"] == [0, 4000] and empty["missing_share"] == 1.0
    assert empty["min"] is None and empty["max"] is None
    assert empty["labels"] == ["(-inf, +inf)", "Missing"]


def test_categorical_profile_has_shares_unseen_and_missing_buckets(reference: pd.DataFrame, profile: dict) -> None:
    tendencia = profile["variables"]["tendencia"]
    assert tendencia["categories"] == ["Creciente", "Estable"]  # most frequent first
    assert tendencia["labels"] == ["Creciente", "Estable", "Unseen", "Missing"]
    assert tendencia["counts"][2] == 0
    assert tendencia["counts"][3] == int(reference["tendencia"].isna().sum())
    assert profile["variables"]["tipo_credito"]["categories"] == ["4", "9", "10"]


def test_integer_codes_are_one_category_whatever_their_type() -> None:
    frame = pd.DataFrame({"code": pd.Series([4, 4.0, "4", np.int64(9), 9.0, True, None], dtype=object)})
    variable = build_reference_profile(frame, numeric=[], categorical=["code"])["variables"]["code"]
    assert dict(zip(variable["categories"], variable["counts"], strict=False)) == {"4": 3, "9": 2, "1": 1}
    assert variable["counts"][-1] == 1


def test_frozen_bins_do_not_change_when_the_current_data_changes(profile: dict) -> None:
    before = copy.deepcopy(profile)
    labels = None
    for seed, shift in [(10, 0.0), (11, 1.5), (12, -2.0)]:
        report = drift_report(profile, make_frame(500, seed, shift), exclude=())
        current_labels = {r.variable: [b.label for b in r.bins] for r in report.variables}
        assert labels is None or current_labels == labels
        labels = current_labels
    assert profile == before
    assert labels["capital"] == profile["variables"]["capital"]["labels"]


def test_score_gets_its_own_frozen_bins(profile: dict, reference_scores: np.ndarray) -> None:
    score = profile["score"]
    np.testing.assert_allclose(score["cuts"], np.quantile(reference_scores, np.arange(1, 10) / 10))
    assert sum(score["counts"]) == reference_scores.size


def test_build_errors_name_the_problem(reference: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"not found \['nope'\]"):
        build_reference_profile(reference, numeric=["nope"], categorical=[])
    with pytest.raises(ValueError, match="both numeric and categorical"):
        build_reference_profile(reference, numeric=["edad"], categorical=["edad"])
    with pytest.raises(ValueError, match="n_bins"):
        build_reference_profile(reference, numeric=["edad"], categorical=[], n_bins=1)
    with pytest.raises(ValueError, match="at least one row"):
        build_reference_profile(reference.iloc[:0], numeric=["edad"], categorical=[])
    with pytest.raises(ValueError, match="scores: expected 4000"):
        build_reference_profile(reference, numeric=["edad"], categorical=[], scores=np.zeros(3))
    bad_text = reference.assign(edad=reference["edad"].astype(object))
    bad_text.loc[5, "edad"] = "forty"
    with pytest.raises(ValueError, match=r"edad: 1 value\(s\) are not numbers \(first at row 5: found 'forty'"):
        build_reference_profile(bad_text, numeric=["edad"], categorical=[])


@pytest.mark.parametrize("mutate", [
    lambda p: p.pop("variables"),
    lambda p: p.update(version=99),
    lambda p: p["variables"]["capital"].update(kind="text"),
    lambda p: p["variables"]["capital"]["counts"].pop(),
    lambda p: p["variables"]["capital"].update(cuts=[3.0, 2.0] + [4.0] * 7),
    lambda p: p["variables"]["tipo_credito"].pop("labels"),
    lambda p: p["variables"]["tipo_credito"].update(counts=[0, 0, 0, 0, 0]),
    lambda p: p["variables"].update(edad=[1, 2]),
])
def test_malformed_profiles_raise_profile_error(profile: dict, mutate) -> None:
    broken = copy.deepcopy(profile)
    mutate(broken)
    with pytest.raises(ProfileError, match="profile"):
        load_profile(broken)
