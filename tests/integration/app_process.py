"""One app process for ``test_two_processes.py``: build the app on a shared log, score some loans, wait until every
peer has written, then print what every tab shows as JSON. Run as ``python app_process.py ARGS_JSON``."""
from __future__ import annotations

import dataclasses
import json
import math
import sys
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app
from app.config import Settings
from app.services.log.query import LogQuery
from app.services.selection import Selection
from modeling.data.columns import LEAKAGE_COLUMNS, TARGET
from modeling.synthetic import generate_loans


def plain(value: object) -> object:
    """JSON-ready form of the services' views (floats to 10 significant digits)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return plain(value.reset_index().astype(object).where(value.reset_index().notna(), None).to_dict("list"))
    if isinstance(value, (pd.Series, np.ndarray)):
        return plain(list(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(f"{float(value):.10g}")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (pd.Timestamp, datetime, date, np.datetime64)):
        return str(pd.Timestamp(value))
    return value


def views(services) -> dict:
    every = Selection()
    weekly = Selection(window="week", sources=("api", "batch"))
    return {
        "drift": services.drift.report(every).table_records(),
        "drift_evolution": services.drift.evolution(weekly),
        "charts_summary": services.performance.summary(every),
        "charts_timeline": services.performance.timeline(weekly),
        "charts_performance": services.performance.performance(every).evaluation.metrics,
        "logs_totals": services.logs.totals(LogQuery()),
        "logs_first_page": services.logs.page(LogQuery(), size=20).ids,
    }


def main() -> None:
    args = json.loads(sys.argv[1])
    settings = Settings(models_dir=args["models_dir"], predictions_dir=args["folder"], database_url=args["url"])
    services = create_app(settings).extensions["credit_risk"]
    loans = generate_loans(n_rows=300, seed=args["seed"])
    services.scoring.score_frame(loans.drop(columns=[*LEAKAGE_COLUMNS, TARGET]), source="batch",
                                 actual=loans[TARGET].where(loans.index % 2 == 0))
    folder = Path(args["folder"])
    (folder / f"done-{args['name']}").touch()
    deadline = time.monotonic() + 120
    while len(list(folder.glob("done-*"))) < args["peers"] and time.monotonic() < deadline:
        time.sleep(0.05)
    print(json.dumps(plain(views(services)), sort_keys=True))


if __name__ == "__main__":
    main()
