"""One error policy: every Dash callback of every tab is wrapped by ``guard.guarded``; what the wrapper does."""
from __future__ import annotations

import ast
import logging

import pytest
from dash.exceptions import PreventUpdate

from app.dashboard.guard import FAILED, guarded
from app.services.selection import SelectionError
from modeling.paths import PROJECT_ROOT

DASHBOARD = PROJECT_ROOT / "app" / "dashboard"
MODULES = sorted([DASHBOARD / "__init__.py", *(DASHBOARD / "tabs").glob("*.py")], key=str)


def _name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def unguarded_callbacks(path) -> list[str]:
    """Functions decorated with ``@app.callback`` and without a ``guarded`` / ``_guarded`` decorator under it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [_name(d) for d in node.decorator_list]
            if "app.callback" in names and not any(n.lstrip("_").startswith("guarded") for n in names):
                found.append(node.name)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_callback_is_guarded(path):
    assert unguarded_callbacks(path) == []


def test_the_guard_answers_in_spanish_logs_with_a_reference_and_lets_prevent_update_through(caplog):
    def broken():
        raise RuntimeError("boom in English")

    def bad_selection():
        raise SelectionError("start", "expected an ISO date such as 2025-01-31, found 'x'")

    def nothing():
        raise PreventUpdate

    with caplog.at_level(logging.ERROR, logger="app.dashboard.guard"):
        message = guarded(lambda text: text, "test")(broken)()
    assert message.startswith(FAILED) and "Referencia:" in message and "boom" not in message
    reference = message.rsplit("Referencia: ", 1)[1].rstrip(".")
    assert any(reference in record.getMessage() and record.exc_info for record in caplog.records)
    assert guarded(lambda text: text, "test")(bad_selection)() == "La fecha inicial no es válida."
    with pytest.raises(PreventUpdate):
        guarded(lambda text: text, "test")(nothing)()
