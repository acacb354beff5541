"""gunicorn settings for ``gunicorn -c gunicorn.conf.py wsgi:server`` (``make run`` and the Docker image).

Each worker builds its own app (``wsgi:server``): its own database connections, its own bundle; nothing is
shared across the fork. The heavy libraries are imported here, once, in the master: workers fork with them
loaded, so starting or restarting a worker costs only ``create_app`` (load the bundle, check the schema, mount
the dashboard) — about a second, whatever the size of the log, which is never read at start-up.
"""
import gc
import glob
import os
import tempfile

import catboost  # noqa: F401  (imported for the workers: see the module docstring)
import dash  # noqa: F401
import dash_ag_grid  # noqa: F401
import dash_bootstrap_components  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import pyarrow  # noqa: F401
import sklearn.pipeline  # noqa: F401
import sqlalchemy  # noqa: F401
import xgboost  # noqa: F401

from app.observability.json_logs import logconfig_dict as json_logconfig

# Prometheus multiprocess mode: every worker writes its samples under this folder (set before anything imports
# prometheus_client, so the workers inherit it); stale files from an earlier run are removed at start-up.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="credit-risk-metrics-")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
# Imported after the folder is set, and here rather than in the child_exit hook, where a re-entrant reap could
# find it half-imported.
from prometheus_client import multiprocess  # noqa: E402

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Worker settings, chosen by measurement (benchmarks/bench_load.py: 32 keep-alive clients, 2 cores, SQLite log):
# - gthread: concurrent /predict requests of a worker must be in the same process at the same time for the
#   micro-batcher (app/api/microbatch.py) to score them in one model call and log them in one transaction;
#   threads give that without monkey-patching (gevent would need every library cooperative, psycopg and
#   CatBoost included). The GIL is no obstacle: the work is done once per batch, by one thread.
# - workers = cores (2): scoring is CPU-bound; more processes only split the batches (fewer requests per
#   model call) and add memory (one bundle each).
# - threads = 32: a worker groups at most as many requests as it has threads. With 4 threads it had 2.2 per model
#   call (180 req/s on a busy machine), with 16 8.3 (390 req/s). Once the per-record path got cheaper, 16 threads
#   left requests queued whenever the 32 clients split unevenly between the workers: 5.7–6.0 requests per call,
#   1.45–1.52 ms of server CPU per request; with 32, 7.5–13 per call and 1.16–1.28 ms (bench_load.py, runs taken
#   in turn on the same busy machine). Idle keep-alive connections do not hold a thread in gthread.
#   One worker × 32 threads made the biggest batches (13 per call) but the GIL kept it to one core (880 req/s
#   against 1,000–1,050 for two); three workers only shared the two cores three ways.
worker_class = "gthread"
workers = int(os.environ.get("WORKERS", "2"))
threads = int(os.environ.get("THREADS", "32"))
accesslog = None  # the app writes one JSON line per request (with its request id) instead
logconfig_dict = json_logconfig(os.environ.get("LOG_LEVEL", "INFO"))  # JSON lines (app/observability/json_logs.py)
timeout = 120  # a first render on a cold database, or a large batch, may take seconds
graceful_timeout = 30
# A worker restarts after this many requests (gracefully), so no slow growth lasts… Not fewer: a gthread worker
# that restarts drops its idle keep-alive connections without an answer (a client that just sent its next
# request on one sees a read error) and boots for ~1 s; at 5,000 it restarted every ~12 s under the 32-client
# load test (14 read errors in 15 s), at 50,000 that is every few minutes at full load, hours at normal traffic.
max_requests = 50_000
max_requests_jitter = 5_000  # …and the workers do not all restart at the same moment


def on_starting(server):
    """Master start-up: drop metric files a previous run left in a reused PROMETHEUS_MULTIPROC_DIR."""
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def post_worker_init(worker):
    """The worker's app is built: freeze what it holds (bundle, libraries, dashboard — some 260,000 objects) out of
    the garbage collector's full collections. Each full collection walked them all, ~95 ms with every request
    thread of the worker stopped: about one per two 10,000-record batches, and the tail of the /predict latencies
    under load. Frozen, a full collection takes ~1 ms; objects made later are collected as before."""
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """A worker ended: its live gauges stop counting (its counters and histograms are kept)."""
    multiprocess.mark_process_dead(worker.pid)
