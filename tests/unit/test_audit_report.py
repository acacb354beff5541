"""The CI's reading of pip-audit reports: a vulnerability fails, an unreachable service only warns."""
from __future__ import annotations

import json
import subprocess
import sys

from modeling.paths import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / ".ci" / "audit_report.py"


def run(tmp_path, report: dict | None) -> subprocess.CompletedProcess:
    path = tmp_path / ("absent.json" if report is None else "report.json")
    if report is not None:
        path.write_text(json.dumps(report))
    return subprocess.run([sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=False)


def test_a_known_vulnerability_fails(tmp_path):
    result = run(tmp_path, {"dependencies": [
        {"name": "flask", "version": "0.1", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["2.0"]}]},
        {"name": "dash", "version": "3.2.0", "vulns": []}]})
    assert result.returncode == 1 and "flask==0.1: PYSEC-0000-1" in result.stdout


def test_clean_report_passes(tmp_path):
    result = run(tmp_path, {"dependencies": [{"name": "dash", "version": "3.2.0", "vulns": []}]})
    assert result.returncode == 0 and "no known vulnerabilities in 1 checked pins" in result.stdout


def test_unreachable_service_warns_without_failing(tmp_path):
    skipped = run(tmp_path, {"dependencies": [{"name": "dash", "skip_reason": "Dependency not found on PyPI"}]})
    assert skipped.returncode == 0 and "WARNING" in skipped.stdout and "dash" in skipped.stdout
    missing = run(tmp_path, None)
    assert missing.returncode == 0 and "NOT audited" in missing.stdout
