"""gunicorn settings for ``gunicorn -c gunicorn.conf.py wsgi:server`` (``make run`` and the Docker image).

Each worker builds its own app (``wsgi:server``): its own database connections, its own bundle; nothing is
shared across the fork. The heavy libraries are imported here, once, in the master: workers fork with them
loaded, so starting or restarting a worker costs only ``create_app`` (load the bundle, check the schema, mount
the dashboard) — about a second, whatever the size of the log, which is never read at start-up.
"""
import os

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

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WORKERS", "2"))
threads = int(os.environ.get("THREADS", "4"))
accesslog = "-"
timeout = 120  # a first render on a cold database, or a large batch, may take seconds
graceful_timeout = 30
max_requests = 5000  # a worker restarts after this many requests (gracefully), so no slow growth lasts…
max_requests_jitter = 500  # …and the workers do not all restart at the same moment
