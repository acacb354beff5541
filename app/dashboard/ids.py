"""Every component id of the dashboard, namespaced per tab. Layouts and callbacks import ids from here."""
from __future__ import annotations

from enum import StrEnum


class Shell(StrEnum):
    """The page frame around the tabs."""

    TABS = "shell-tabs"
    CONTENT = "shell-content"
    REFRESH = "shell-refresh"


class Charts(StrEnum):
    """Gráficas tab."""

    ROOT = "charts-root"
    SOURCES = "charts-sources"
    DATES = "charts-dates"
    GRANULARITY = "charts-granularity"
    VERSION = "charts-version"
    REFRESH = "charts-refresh"
    KPIS = "charts-kpis"
    HISTOGRAM = "charts-histogram"
    HISTOGRAM_GRAPH = "charts-histogram-graph"
    VOLUME = "charts-volume"
    VOLUME_GRAPH = "charts-volume-graph"
    BANDS = "charts-bands"
    BANDS_GRAPH = "charts-bands-graph"
    PERFORMANCE = "charts-performance"
    CONFUSION_GRAPH = "charts-confusion-graph"
    ROC_GRAPH = "charts-roc-graph"
    PR_GRAPH = "charts-pr-graph"
    CALIBRATION_GRAPH = "charts-calibration-graph"
    THRESHOLD_GRAPH = "charts-threshold-graph"
    OBSERVED_GRAPH = "charts-observed-graph"
    MODEL_CARD = "charts-model-card"
    COMPARISON = "charts-comparison"
    COMPARISON_GRAPH = "charts-comparison-graph"
    COMPARISON_TABLE = "charts-comparison-table"


class Drift(StrEnum):
    """Data Drift tab."""

    ROOT = "drift-root"
    SOURCES = "drift-sources"
    DATES = "drift-dates"
    VERSION = "drift-version"
    WINDOW = "drift-window"
    REFRESH = "drift-refresh"
    SUMMARY = "drift-summary"
    BANNER = "drift-status-banner"
    GRID = "drift-psi-grid"
    TABLE_INFO = "drift-table-info"
    TABLE_HELP = "drift-table-help"
    BARS = "drift-psi-bars"
    VARIABLE = "drift-variable"
    BINS = "drift-bins"
    HEATMAP = "drift-heatmap"
    LINE_VARIABLES = "drift-line-variables"
    LINES = "drift-lines"
    CSV_BUTTON = "drift-csv-button"
    CSV_DOWNLOAD = "drift-csv-download"
    JSON_BUTTON = "drift-json-button"
    JSON_DOWNLOAD = "drift-json-download"
    BAND_TILES = "drift-band-tiles"
    RECOMMENDATION = "drift-recommendation"
    PEAKS = "drift-peaks"
    PEAKS_GRAPH = "drift-peaks-graph"
    PEAKS_TABLE = "drift-peaks-table"
    TREND = "drift-trend"


class Logs(StrEnum):
    """Logs tab."""

    ROOT = "logs-root"
    SOURCE = "logs-source"
    BAND = "logs-band"
    PREDICTED = "logs-predicted"
    LOAN_DATES = "logs-loan-dates"
    MODEL_VERSION = "logs-model-version"
    REQUEST_ID = "logs-request-id"
    REFRESH = "logs-refresh"
    CLEAR = "logs-clear"
    DOWNLOAD_BUTTON = "logs-download-button"
    VIEW = "logs-view"  # the applied filters: query parameters, total, newest id, token
    CURSORS = "logs-cursors"  # {"token", "blocks": {start row: [first id, last id]}}
    PURGED = "logs-purged"  # output of the client-side cache purge (never read)
    KPIS = "logs-kpis"
    NOTE = "logs-note"
    GRID = "logs-grid"


class Batch(StrEnum):
    """Predicciones por Lotes tab."""

    ROOT = "batch-root"
    UPLOAD = "batch-upload"  # the drop zone; assets/batch_upload.js streams the file to /batch/upload
    UPLOAD_PROGRESS = "batch-upload-progress"
    STAGED = "batch-staged"  # the uploaded file's check, before scoring (set by assets/batch_upload.js)
    CHECK = "batch-check"
    CHECK_PREVIEW = "batch-check-preview"
    START = "batch-start"  # "Hacer predicciones"
    NOTICE = "batch-notice"
    JOB = "batch-job"  # the job shown (browser storage: survives a reload)
    POLL = "batch-poll"
    PROGRESS = "batch-progress"
    CANCEL = "batch-cancel"
    SHOWN = "batch-shown"  # the done job whose result is drawn
    JOBS = "batch-jobs"
    JOB_BUTTON = "batch-job-button"
    RESULT = "batch-result"
    RESULT_DOWNLOAD_BUTTON = "batch-result-download-button"
    TEMPLATE_BUTTON = "batch-template-button"
    TEMPLATE_DOWNLOAD = "batch-template-download"
    FILES = "batch-files"
    FILES_REFRESH = "batch-files-refresh"
    FILE_LINK = "batch-file-link"
    PREVIEW = "batch-preview"


class Performance(StrEnum):
    """Desempeño tab."""

    ROOT = "perf-root"
    SOURCES = "perf-sources"
    DATES = "perf-dates"
    GRANULARITY = "perf-granularity"
    METRIC = "perf-metric"
    REFRESH = "perf-refresh"
    STATUS = "perf-status"
    SUMMARY = "perf-summary"
    OVER_TIME = "perf-over-time"
    OVER_TIME_GRAPH = "perf-over-time-graph"
    BANDS = "perf-bands"
    BANDS_GRAPH = "perf-bands-graph"
    CALIBRATION_GRAPH = "perf-calibration-graph"
    CONFUSION = "perf-confusion"
    UPLOAD = "perf-upload"
    OVERWRITE = "perf-overwrite"
    UPLOAD_REPORT = "perf-upload-report"
    UPLOADED = "perf-uploaded"
