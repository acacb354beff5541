"""The prediction log's tables: ``predictions`` (one row per scored record) and ``holdout_seeds`` (markers).

Times are naive UTC. ``inputs`` and ``warnings`` hold JSON text; ``actual`` stays NULL until the outcome is known.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

predictions = sa.Table(
    "predictions", metadata,
    sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), nullable=False, index=True),
    sa.Column("scored_at", sa.DateTime(), nullable=False, index=True),
    sa.Column("loan_date", sa.DateTime(), nullable=True, index=True),
    sa.Column("source", sa.String(16), nullable=False, index=True),
    sa.Column("model_version", sa.String(128), nullable=False, index=True),
    sa.Column("inputs", sa.Text(), nullable=False),
    sa.Column("prob_default", sa.Float(), nullable=False),
    sa.Column("Pago_atiempo_pred", sa.SmallInteger(), nullable=False),
    sa.Column("risk_band", sa.String(16), nullable=False),
    sa.Column("warnings", sa.Text(), nullable=False),
    sa.Column("latency_ms", sa.Float(), nullable=False),
    sa.Column("actual", sa.SmallInteger(), nullable=True),
)

holdout_seeds = sa.Table(
    "holdout_seeds", metadata,
    sa.Column("model_version", sa.String(128), primary_key=True),
    sa.Column("seeded_at", sa.DateTime(), nullable=False),
    sa.Column("rows", sa.Integer(), nullable=False),
)

LOG_COLUMNS: tuple[str, ...] = tuple(c.name for c in predictions.columns if c.name != "id")
SOURCES = ("api", "batch", "holdout")
READ_DTYPES: dict[str, str] = {  # the pandas dtype of each non-text column once read (``actual`` may be missing)
    "id": "int64", "scored_at": "datetime64[ns]", "loan_date": "datetime64[ns]", "prob_default": "float64",
    "Pago_atiempo_pred": "int64", "latency_ms": "float64", "actual": "Int64"}
