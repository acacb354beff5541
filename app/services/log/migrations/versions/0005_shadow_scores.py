"""Challenger models and promotion: ``shadow_scores`` (a challenger bundle's score of each logged prediction,
keyed like the prediction by ``(request_id, row)``, plus the challenger's version) and ``model_promotions`` (who
switched ``LATEST`` or the challenger, when, from which version to which).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shadow_scores",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("row", sa.Integer(), primary_key=True),
        sa.Column("challenger_version", sa.String(128), primary_key=True),
        sa.Column("champion_version", sa.String(128), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prob_default", sa.Float(), nullable=False),
        sa.Column("Pago_atiempo_pred", sa.SmallInteger(), nullable=False),
        sa.Column("risk_band", sa.String(16), nullable=False),
    )
    op.create_index("ix_shadow_scores_version_day", "shadow_scores", ["challenger_version", "day"])
    op.create_table(
        "model_promotions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_version", sa.String(128), nullable=True),
        sa.Column("to_version", sa.String(128), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("model_promotions")
    op.drop_index("ix_shadow_scores_version_day", table_name="shadow_scores")
    op.drop_table("shadow_scores")
