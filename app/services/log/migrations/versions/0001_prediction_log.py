"""The prediction log as the first released version created it: ``predictions`` and ``holdout_seeds``.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.Column("loan_date", sa.DateTime(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("model_version", sa.String(128), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("prob_default", sa.Float(), nullable=False),
        sa.Column("Pago_atiempo_pred", sa.SmallInteger(), nullable=False),
        sa.Column("risk_band", sa.String(16), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("actual", sa.SmallInteger(), nullable=True),
    )
    for column in ("request_id", "scored_at", "loan_date", "source", "model_version"):
        op.create_index(f"ix_predictions_{column}", "predictions", [column])
    op.create_table(
        "holdout_seeds",
        sa.Column("model_version", sa.String(128), primary_key=True),
        sa.Column("seeded_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("holdout_seeds")
    op.drop_table("predictions")
