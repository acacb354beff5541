"""Session fixtures shared by unit and integration tests: a small synthetic table and a trained bundle."""
from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from modeling.data.coercion import coerce_frame
from modeling.data.columns import LEAKAGE_COLUMNS
from modeling.data.reading import LoadedTable
from modeling.data.schema import RAW_COLUMNS
from modeling.synthetic import generate_loans
from modeling.train import TrainOptions, TrainResult, train_table

SMALL_ROWS = 1_500
SMALL_SEED = 7


def synthetic_table(n_rows: int = SMALL_ROWS, seed: int = SMALL_SEED) -> LoadedTable:
    """``n_rows`` synthetic loans coerced to the schema, as the loader would return them."""
    generated = generate_loans(n_rows=n_rows, seed=seed)
    coerced = coerce_frame(generated, RAW_COLUMNS, optional=LEAKAGE_COLUMNS)
    assert not coerced.problems, coerced.problems[:5]
    digest = hashlib.sha256(generated.to_csv(index=False).encode()).hexdigest()
    return LoadedTable(coerced.frame, [], f"test:synthetic?seed={seed}&rows={n_rows}", digest, n_rows)


def small_options(models_dir: Path, **changes: object) -> TrainOptions:
    """Fast training options: 2 Optuna trials, 3 folds."""
    return TrainOptions(models_dir=models_dir, trials=2, folds=3, seed=11, **changes)


@pytest.fixture(scope="session")
def small_table() -> LoadedTable:
    return synthetic_table()


@pytest.fixture(scope="session")
def train_small(small_table) -> Callable[[Path], TrainResult]:
    """Train a bundle from the small table with the fast options into the given models directory."""
    return lambda models_dir: train_table(small_table, small_options(models_dir))


@pytest.fixture(scope="session")
def trained_result(train_small, tmp_path_factory) -> TrainResult:
    """One small bundle trained once per test session (≈1,500 synthetic rows, 2 trials, 3 folds)."""
    return train_small(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def trained_models_dir(trained_result) -> Path:
    """The models directory holding the session's bundle (its ``LATEST`` points at it)."""
    return trained_result.bundle_path.parent


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def log_url(request, tmp_path) -> str:
    """A log database for one test: a fresh SQLite file, or a fresh PostgreSQL schema (skipped without
    TEST_DATABASE_URL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def bundle(trained_models_dir):
    """The session's trained bundle, loaded."""
    from modeling.artifacts import load_bundle

    return load_bundle(trained_models_dir)


@pytest.fixture
def postgres_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards (skips without TEST_DATABASE_URL)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL not set (PostgreSQL tests run in CI)")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
