"""Small reusable dashboard builders (no callbacks): KPI cards, problem lists, data grids, empty states."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

SOURCE_LABELS = {"holdout": "Período reservado", "api": "API", "batch": "Lotes"}  # log sources, as shown

def kpi_card(title: str, value: str, subtitle: str | None = None, color: str = "primary",
             icon: str | None = None, card_id: str | None = None) -> dbc.Card:
    """A compact card with a big number; ``icon`` is a Bootstrap Icons name such as ``"activity"``."""
    heading = [html.I(className=f"bi bi-{icon} me-2")] if icon else []
    body = [html.Div([*heading, title], className="text-muted small text-uppercase fw-semibold"),
            html.Div(value, className=f"fs-3 fw-bold text-{color}")]
    if subtitle:
        body.append(html.Div(subtitle, className="small text-muted"))
    extra = {"id": card_id} if card_id else {}
    return dbc.Card(dbc.CardBody(body), className="shadow-sm h-100", **extra)


def problems_alert(title: str, problems: Iterable[Mapping[str, Any] | str], limit: int = 50,
                   color: str = "danger") -> dbc.Alert:
    """An alert listing each problem (dicts with field/row/message/value/expected, or plain strings)."""
    items = []
    problems = list(problems)
    for problem in problems[:limit]:
        items.append(html.Li(problem if isinstance(problem, str) else describe_problem(problem)))
    if len(problems) > limit:
        items.append(html.Li(f"… y {len(problems) - limit} problemas más"))
    return dbc.Alert([html.Strong(title), html.Ul(items, className="mb-0 mt-2")], color=color)


def describe_problem(problem: Mapping[str, Any]) -> str:
    """One line for a problem dict: ``fila 3 · edad_cliente: missing value (found …, expected …)``."""
    parts = []
    if problem.get("row") is not None:
        parts.append(f"fila {problem['row']} · ")
    parts.append(f"{problem.get('field', '?')}: {problem.get('message', '')}")
    details = []
    if problem.get("value") is not None:
        details.append(f"found {problem['value']!r}")
    if problem.get("expected"):
        details.append(f"expected {problem['expected']}")
    if details:
        parts.append(f" ({', '.join(details)})")
    return "".join(parts)


def data_grid(grid_id: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[Mapping[str, Any]],
              height: str = "480px", page_size: int = 50, **grid_options: Any) -> dag.AgGrid:
    """An AG Grid with sorting, filtering, resizing and pagination switched on."""
    options = {"pagination": True, "paginationPageSize": page_size, "animateRows": False, **grid_options}
    return dag.AgGrid(id=grid_id, rowData=list(rows), columnDefs=list(columns),
                      defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
                      dashGridOptions=options, style={"height": height}, className="ag-theme-alpine")


def empty_state(message: str, icon: str = "inbox") -> html.Div:
    """A centred, muted message for when there is nothing to show yet."""
    return html.Div([html.I(className=f"bi bi-{icon} fs-1 d-block mb-2"), message],
                    className="text-center text-muted py-5")
