"""The log database's tables, as Alembic's migrations leave them (``app/services/log/migrations``).

* ``predictions`` — one row per scored record. Times are naive UTC; ``day`` is the loan date (``fecha_prestamo``)
  or, when the record had none, the scoring date: the day every view filters and groups by. ``inputs`` and
  ``warnings`` hold JSON text; ``actual`` stays NULL until the outcome is known.
  ``row`` is the record's position in its request (a batch job's file row); ``(request_id, row)`` is unique.
* ``idempotency_keys`` — the stored answer of each request sent with an ``Idempotency-Key``.
* ``jobs`` — one row per background batch job (:mod:`app.services.jobs`): state, progress and heartbeat, counts,
  the first row errors and the summary (JSON text), the results file once complete.
* ``holdout_seeds`` — one marker per model version whose held-out period was logged.
* ``profile_layouts`` — per model version, the JSON layout of its profile cells (:mod:`app.services.profiles`).
* ``profile_fragments`` — mergeable counts per (model version, source, day), appended with every write and folded
  together later; ``counts`` and ``sums`` are packed arrays in the version's layout.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

predictions = sa.Table(
    "predictions", metadata,
    sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("row", sa.Integer(), nullable=False),
    sa.Column("scored_at", sa.DateTime(), nullable=False),
    sa.Column("loan_date", sa.DateTime(), nullable=True),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("model_version", sa.String(128), nullable=False),
    sa.Column("inputs", sa.Text(), nullable=False),
    sa.Column("prob_default", sa.Float(), nullable=False),
    sa.Column("Pago_atiempo_pred", sa.SmallInteger(), nullable=False),
    sa.Column("risk_band", sa.String(16), nullable=False),
    sa.Column("warnings", sa.Text(), nullable=False),
    sa.Column("latency_ms", sa.Float(), nullable=False),
    sa.Column("actual", sa.SmallInteger(), nullable=True),
    sa.Index("uq_predictions_request_row", "request_id", "row", unique=True),
    sa.Index("ix_predictions_day_id", "day", "id"),
    sa.Index("ix_predictions_source_id", "source", "id"),
    sa.Index("ix_predictions_model_version_id", "model_version", "id"),
    sa.Index("ix_predictions_risk_band_id", "risk_band", "id"),
    sa.Index("ix_predictions_request_id_pattern", "request_id",
             postgresql_ops={"request_id": "text_pattern_ops"}).ddl_if(dialect="postgresql"),
)

holdout_seeds = sa.Table(
    "holdout_seeds", metadata,
    sa.Column("model_version", sa.String(128), primary_key=True),
    sa.Column("seeded_at", sa.DateTime(), nullable=False),
    sa.Column("rows", sa.Integer(), nullable=False),
)

profile_layouts = sa.Table(
    "profile_layouts", metadata,
    sa.Column("model_version", sa.String(128), primary_key=True),
    sa.Column("layout", sa.Text(), nullable=False),
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("route", sa.String(32), nullable=False),
    sa.Column("body_sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.SmallInteger(), nullable=False),
    sa.Column("response", sa.LargeBinary(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
)

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("upload_path", sa.Text(), nullable=False),
    sa.Column("upload_bytes", sa.BigInteger(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("engine", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("started_at", sa.DateTime(), nullable=True),
    sa.Column("finished_at", sa.DateTime(), nullable=True),
    sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
    sa.Column("worker", sa.String(128), nullable=True),
    sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("rows_total", sa.BigInteger(), nullable=True),
    sa.Column("rows_done", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("rows_scored", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("rows_rejected", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("model_version", sa.String(128), nullable=True),
    sa.Column("result_file", sa.String(255), nullable=True),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("row_errors", sa.Text(), nullable=False, server_default="[]"),
    sa.Column("summary", sa.Text(), nullable=False, server_default="{}"),
    sa.Index("ix_jobs_created_at", "created_at"),
)

profile_fragments = sa.Table(
    "profile_fragments", metadata,
    sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("model_version", sa.String(128), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("rows", sa.Integer(), nullable=False),
    sa.Column("last_scored_at", sa.DateTime(), nullable=True),
    sa.Column("counts", sa.LargeBinary(), nullable=False),
    sa.Column("sums", sa.LargeBinary(), nullable=False),
    sa.Index("ix_profile_fragments_version_id", "model_version", "id"),
    sqlite_autoincrement=True,  # ids are never reused: readers detect folded (deleted) fragments by id
)

LOG_COLUMNS: tuple[str, ...] = tuple(c.name for c in predictions.columns if c.name not in ("id", "day"))
READ_DTYPES: dict[str, str] = {  # the pandas dtype of each non-text column once read (``actual`` may be missing)
    "id": "int64", "row": "int64", "scored_at": "datetime64[ns]", "loan_date": "datetime64[ns]",
    "day": "datetime64[ns]",
    "prob_default": "float64", "Pago_atiempo_pred": "int64", "latency_ms": "float64", "actual": "Int64"}
