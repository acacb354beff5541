"""Request rows and idempotency: ``predictions.row`` (the record's position in its request) with a unique
``(request_id, row)`` index, and the ``idempotency_keys`` table.

``(request_id, row)`` names one logged prediction: outcomes are attached by it, a batch job's chunks are logged
under the job id with their file row numbers, and a retried request cannot log the same record twice. Existing
rows are numbered in the order they were logged within their request id, so a request id that was logged twice
(a client retry before this revision) keeps both rows, as rows 0..n-1.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NUMBER_ROWS = """
UPDATE predictions SET "row" = numbered.position
FROM (SELECT id, row_number() OVER (PARTITION BY request_id ORDER BY id) - 1 AS position FROM predictions) AS numbered
WHERE predictions.id = numbered.id
"""


def upgrade() -> None:
    op.add_column("predictions", sa.Column("row", sa.Integer(), nullable=True))
    op.execute(_NUMBER_ROWS)
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("row", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_predictions_request_id", table_name="predictions")
    op.create_index("uq_predictions_request_row", "predictions", ["request_id", "row"], unique=True)
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("route", sa.String(32), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("uq_predictions_request_row", table_name="predictions")
    op.create_index("ix_predictions_request_id", "predictions", ["request_id"])
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("row")
