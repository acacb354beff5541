"""Runtime settings: one frozen object read once from environment variables.

| variable        | default                                    | meaning                                          |
|-----------------|--------------------------------------------|--------------------------------------------------|
| MODELS_DIR      | models/                                    | model bundles (LATEST + one folder per version)  |
| PREDICTIONS_DIR | predicciones/                              | prediction log (SQLite) and batch outputs        |
| DATABASE_URL    | sqlite:///PREDICTIONS_DIR/prediction_log.sqlite | SQLAlchemy URL of the prediction log        |
| PORT            | 8000                                       | HTTP port (gunicorn)                             |
| WORKERS         | 2                                          | gunicorn worker processes                        |
| THREADS         | 16                                         | threads per gunicorn worker (gthread)            |
| API_KEY         | (unset)                                    | when set, POST routes require X-API-Key          |
| DASHBOARD_USER  | (unset)                                    | with DASHBOARD_PASSWORD: HTTP Basic login on the |
| DASHBOARD_PASSWORD | (unset)                                 | dashboard and downloads (both or neither)        |
| METRICS_TOKEN   | (unset)                                    | when set, /metrics requires Authorization: Bearer |
| MAX_BATCH_ROWS  | 50000                                      | most records accepted in one batch               |
| MAX_UPLOAD_MB   | 1024                                       | largest uploaded file (batch jobs), in MiB; other |
|                 |                                            | request bodies at most min(this, 64) MiB         |
| CELERY_BROKER_URL | (unset)                                  | run batch jobs on Celery workers (e.g. redis://…) |
| JOB_WORKERS     | 1                                          | job processes per web process (no Celery)        |
| JOB_CHUNK_ROWS  | 20000                                      | rows a batch job reads, scores and logs at once  |
| JOB_STALE_SECONDS | 30                                       | a running job silent this long is marked failed  |
| PSI_BAND_LOW    | 0.10                                       | PSI below this is "Bajo"                         |
| PSI_BAND_HIGH   | 0.25                                       | PSI above this is "Alto"                         |
| PERFORMANCE_FLOOR | 0.90                                     | a metric alerts when its interval lies below this |
|                 |                                            | share of its held-out test value                 |
| PERFORMANCE_MIN_LATE | 20                                    | late (and on-time) loans a window needs for      |
|                 |                                            | realised metrics ("datos insuficientes" below)   |
| SEED_HOLDOUT    | 1                                          | log the bundle's held-out period at start-up     |
| MICROBATCH      | 1                                          | group concurrent /predict requests of a worker   |
| MICROBATCH_WAIT_MS | 2                                       | longest wait for requests already arriving       |
| MICROBATCH_MAX  | 64                                         | most /predict requests scored in one call        |
| CHALLENGER_VERSION | (unset)                                 | bundle scoring every request in shadow (a        |
|                 |                                            | CHALLENGER file in MODELS_DIR overrides it)      |
| SHADOW_QUEUE_ROWS | 50000                                    | rows waiting for the challenger; beyond, dropped |
| MODEL_POLL_SECONDS | 1                                       | how often a process checks LATEST / CHALLENGER   |
|                 |                                            | (0: never; the model changes only on restart)    |

Relative paths resolve against the project root, not the working directory.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modeling.paths import DEFAULT_MODELS_DIR, DEFAULT_PREDICTIONS_DIR, PROJECT_ROOT

LOG_FILENAME = "prediction_log.sqlite"
MAX_BODY_MB = 64  # bodies read whole (JSON, dashboard callbacks) stay under this whatever MAX_UPLOAD_MB says


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """Absolute path; relative ones are taken from the project root."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


@dataclass(frozen=True)
class Settings:
    """Everything the web process needs to know, fixed at start-up."""

    models_dir: Path = DEFAULT_MODELS_DIR
    predictions_dir: Path = DEFAULT_PREDICTIONS_DIR
    database_url: str | None = None
    port: int = 8000
    workers: int = 2
    threads: int = 16
    api_key: str | None = None
    dashboard_user: str | None = None
    dashboard_password: str | None = None
    metrics_token: str | None = None
    max_batch_rows: int = 50_000
    max_upload_mb: float = 1024.0
    celery_broker_url: str | None = None
    job_workers: int = 1
    job_chunk_rows: int = 20_000
    job_stale_seconds: float = 30.0
    psi_bands: tuple[float, float] = (0.10, 0.25)
    performance_floor: float = 0.90
    performance_min_late: int = 20
    seed_holdout: bool = True
    microbatch: bool = True
    microbatch_wait_ms: float = 2.0
    microbatch_max: int = 64
    challenger_version: str | None = None
    shadow_queue_rows: int = 50_000
    model_poll_seconds: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "models_dir", resolve_path(self.models_dir))
        object.__setattr__(self, "predictions_dir", resolve_path(self.predictions_dir))
        object.__setattr__(self, "psi_bands", tuple(float(b) for b in self.psi_bands))
        low, high = self.psi_bands
        if not 0 < low < high:
            raise SettingsError(f"PSI bands must satisfy 0 < low < high, got {self.psi_bands}")
        if not 0 < self.performance_floor <= 1 or self.performance_min_late < 1:
            raise SettingsError("PERFORMANCE_FLOOR must be in (0, 1] and PERFORMANCE_MIN_LATE at least 1")
        if self.max_batch_rows < 1 or self.max_upload_mb <= 0:
            raise SettingsError("MAX_BATCH_ROWS and MAX_UPLOAD_MB must be positive")
        if (self.dashboard_user is None) != (self.dashboard_password is None):
            raise SettingsError("set both DASHBOARD_USER and DASHBOARD_PASSWORD, or neither")

    @property
    def log_database_url(self) -> str:
        """The prediction log's SQLAlchemy URL (DATABASE_URL, else a SQLite file under predictions_dir)."""
        return self.database_url or f"sqlite:///{self.predictions_dir / LOG_FILENAME}"

    @property
    def dashboard_login(self) -> bool:
        """Whether the dashboard and its downloads need the HTTP Basic login."""
        return self.dashboard_user is not None

    @property
    def max_upload_bytes(self) -> int:
        """Largest uploaded file (batch job uploads stream to disk up to this size)."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_body_bytes(self) -> int:
        """Request-body limit of every other route (Flask's MAX_CONTENT_LENGTH): bodies read into memory."""
        return min(self.max_upload_bytes, MAX_BODY_MB * 1024 * 1024)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the variables in this module's table; unset or empty ones keep their default."""
        env = os.environ if environ is None else environ
        defaults = cls()

        def get(name: str, convert: Callable[[str], Any], default: Any) -> Any:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                return convert(raw)
            except ValueError as exc:
                raise SettingsError(f"environment variable {name}={raw!r} is invalid: {exc}") from None

        return cls(
            models_dir=get("MODELS_DIR", Path, defaults.models_dir),
            predictions_dir=get("PREDICTIONS_DIR", Path, defaults.predictions_dir),
            database_url=get("DATABASE_URL", str, None),
            port=get("PORT", _positive_int, defaults.port),
            workers=get("WORKERS", _positive_int, defaults.workers),
            threads=get("THREADS", _positive_int, defaults.threads),
            api_key=get("API_KEY", str, None),
            dashboard_user=get("DASHBOARD_USER", str, None),
            dashboard_password=get("DASHBOARD_PASSWORD", str, None),
            metrics_token=get("METRICS_TOKEN", str, None),
            max_batch_rows=get("MAX_BATCH_ROWS", _positive_int, defaults.max_batch_rows),
            max_upload_mb=get("MAX_UPLOAD_MB", _positive_float, defaults.max_upload_mb),
            celery_broker_url=get("CELERY_BROKER_URL", str, None),
            job_workers=get("JOB_WORKERS", _positive_int, defaults.job_workers),
            job_chunk_rows=get("JOB_CHUNK_ROWS", _positive_int, defaults.job_chunk_rows),
            job_stale_seconds=get("JOB_STALE_SECONDS", _positive_float, defaults.job_stale_seconds),
            psi_bands=(get("PSI_BAND_LOW", _positive_float, defaults.psi_bands[0]),
                       get("PSI_BAND_HIGH", _positive_float, defaults.psi_bands[1])),
            performance_floor=get("PERFORMANCE_FLOOR", _positive_float, defaults.performance_floor),
            performance_min_late=get("PERFORMANCE_MIN_LATE", _positive_int, defaults.performance_min_late),
            seed_holdout=get("SEED_HOLDOUT", _boolean, defaults.seed_holdout),
            microbatch=get("MICROBATCH", _boolean, defaults.microbatch),
            microbatch_wait_ms=get("MICROBATCH_WAIT_MS", _non_negative_float, defaults.microbatch_wait_ms),
            microbatch_max=get("MICROBATCH_MAX", _positive_int, defaults.microbatch_max),
            challenger_version=get("CHALLENGER_VERSION", str, None),
            shadow_queue_rows=get("SHADOW_QUEUE_ROWS", _positive_int, defaults.shadow_queue_rows),
            model_poll_seconds=get("MODEL_POLL_SECONDS", _non_negative_float, defaults.model_poll_seconds),
        )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("expected a positive integer")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise ValueError("expected a positive number")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise ValueError("expected a number ≥ 0")
    return value


def _boolean(text: str) -> bool:
    lowered = text.casefold()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")
