"""Two app processes on one log (PostgreSQL, or one SQLite file) write, then show the same numbers on every tab."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.log import PredictionLog

SCRIPT = Path(__file__).with_name("app_process.py")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")])]


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_processes_show_the_same_numbers(backend, trained_models_dir, tmp_path, request):
    url = (f"sqlite:///{tmp_path / 'shared.sqlite'}" if backend == "sqlite"
           else request.getfixturevalue("postgres_url"))
    runs = []
    for name, seed in (("first", 1), ("second", 2)):
        folder = tmp_path / name
        folder.mkdir()
        args = {"models_dir": str(trained_models_dir), "folder": str(tmp_path), "url": url, "seed": seed,
                "name": name, "peers": 2}
        runs.append(subprocess.Popen([sys.executable, str(SCRIPT), json.dumps(args)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True))
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-3000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    first, second = outputs
    assert first == second
    log = PredictionLog.from_url(url)
    rows = log.read()
    assert first["logs_totals"]["count"] == len(rows) > 600  # hold-out seeded once + 300 rows from each process
    assert first["charts_summary"]["n"] == len(rows)
    assert first["logs_first_page"] == rows["id"].sort_values(ascending=False).head(20).tolist()
    log.dispose()
