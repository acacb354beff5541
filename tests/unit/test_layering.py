"""Import direction: modeling never imports the web stack; services import neither Flask nor Dash."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from modeling.paths import PROJECT_ROOT

WEB = ("app", "flask", "dash", "plotly", "werkzeug", "dash_bootstrap_components")


def imported_roots(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "modeling").rglob("*.py")), ids=lambda p: p.name)
def test_modeling_never_imports_the_web_layer(path):
    assert not imported_roots(path) & set(WEB)


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "app" / "services").rglob("*.py")), ids=lambda p: p.name)
def test_services_never_import_flask_or_dash(path):
    assert not imported_roots(path) & {"flask", "dash", "plotly", "werkzeug", "dash_bootstrap_components"}


def test_importing_the_serving_modules_loads_no_web_or_training_stack():
    code = ("import sys, app, app.config, app.services, app.services.log.store, modeling.data.input_warnings, "
            "modeling.data.coercion, modeling.training.evaluation, modeling.training.calibration; "
            "bad = [m for m in ('flask', 'dash', 'plotly', 'optuna', 'modeling.train') if m in sys.modules]; "
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
