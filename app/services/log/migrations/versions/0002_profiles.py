"""Mergeable profiles: ``predictions.day`` (loan date, else scoring date) with keyset indexes, and the
``profile_layouts`` / ``profile_fragments`` tables. Existing rows keep everything; their profiles are built by
``flask --app wsgi:server rebuild-profiles``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OLD_INDEXES = ("scored_at", "loan_date", "source", "model_version")
NEW_INDEXES = {"ix_predictions_day_id": ["day", "id"], "ix_predictions_source_id": ["source", "id"],
               "ix_predictions_model_version_id": ["model_version", "id"],
               "ix_predictions_risk_band_id": ["risk_band", "id"]}
PATTERN_INDEX = "ix_predictions_request_id_pattern"


def upgrade() -> None:
    for column in OLD_INDEXES:
        op.drop_index(f"ix_predictions_{column}", table_name="predictions")
    op.add_column("predictions", sa.Column("day", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE predictions SET day = date(COALESCE(loan_date, scored_at))")
    else:
        op.execute("UPDATE predictions SET day = CAST(COALESCE(loan_date, scored_at) AS DATE)")
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("day", existing_type=sa.Date(), nullable=False)
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, "predictions", columns)
    if op.get_bind().dialect.name == "postgresql":  # request_id prefix search whatever the database collation
        op.create_index(PATTERN_INDEX, "predictions", ["request_id"], postgresql_ops={"request_id": "text_pattern_ops"})
    op.create_table(
        "profile_layouts",
        sa.Column("model_version", sa.String(128), primary_key=True),
        sa.Column("layout", sa.Text(), nullable=False),
    )
    op.create_table(
        "profile_fragments",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("model_version", sa.String(128), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("last_scored_at", sa.DateTime(), nullable=True),
        sa.Column("counts", sa.LargeBinary(), nullable=False),
        sa.Column("sums", sa.LargeBinary(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_profile_fragments_version_id", "profile_fragments", ["model_version", "id"])


def downgrade() -> None:
    op.drop_table("profile_fragments")
    op.drop_table("profile_layouts")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(PATTERN_INDEX, table_name="predictions")
    for name in NEW_INDEXES:
        op.drop_index(name, table_name="predictions")
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("day")
    for column in OLD_INDEXES:
        op.create_index(f"ix_predictions_{column}", "predictions", [column])
