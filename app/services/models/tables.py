"""The tables of challenger scoring and promotions (migration 0005), on the log's shared ``metadata``.

* ``shadow_scores`` — a challenger bundle's score of a logged prediction: ``(request_id, row)`` names the
  prediction (as in ``predictions``), ``challenger_version`` the bundle; ``day`` is the prediction's day.
* ``model_promotions`` — one row per switch: ``kind`` ``promote`` (``LATEST`` moved) or ``challenger`` (the
  challenger set or cleared), ``from_version`` → ``to_version``, who did it (``actor``) and when (naive UTC).
"""
from __future__ import annotations

import sqlalchemy as sa

from app.services.log.tables import BIG_ID, metadata

shadow_scores = sa.Table(
    "shadow_scores", metadata,
    sa.Column("request_id", sa.String(64), primary_key=True),
    sa.Column("row", sa.Integer(), primary_key=True),
    sa.Column("challenger_version", sa.String(128), primary_key=True),
    sa.Column("champion_version", sa.String(128), nullable=False),
    sa.Column("scored_at", sa.DateTime(), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("prob_default", sa.Float(), nullable=False),
    sa.Column("Pago_atiempo_pred", sa.SmallInteger(), nullable=False),
    sa.Column("risk_band", sa.String(16), nullable=False),
    sa.Index("ix_shadow_scores_version_day", "challenger_version", "day"),
)

model_promotions = sa.Table(
    "model_promotions", metadata,
    sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("from_version", sa.String(128), nullable=True),
    sa.Column("to_version", sa.String(128), nullable=True),
    sa.Column("actor", sa.String(128), nullable=False),
)
