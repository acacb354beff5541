"""Fixtures of the drift tests: a seeded synthetic reference, its scores and its frozen profile."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from drift_data import CATEGORICAL, NUMERIC, make_frame

from modeling.drift import build_reference_profile


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return make_frame(4000, seed=1)


@pytest.fixture(scope="module")
def reference_scores() -> np.ndarray:
    return np.random.default_rng(2).beta(2, 30, 4000)


@pytest.fixture(scope="module")
def profile(reference: pd.DataFrame, reference_scores: np.ndarray) -> dict:
    return build_reference_profile(reference, numeric=NUMERIC, categorical=CATEGORICAL, scores=reference_scores)
