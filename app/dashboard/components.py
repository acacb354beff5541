"""Small reusable dashboard builders (no callbacks): KPI cards, problem lists, data grids, empty states."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from app.dashboard.formatting import integer
from app.dashboard.messages import problem_text
from app.dashboard.style import band_color

SOURCE_LABELS = {"holdout": "Período reservado", "api": "API", "batch": "Lotes"}  # log sources, as shown


def kpi_card(title: str, value: str, subtitle: str | None = None, color: str = "primary",
             icon: str | None = None, card_id: str | None = None) -> dbc.Card:
    """A compact card with a big number; ``icon`` is a Bootstrap Icons name such as ``"activity"``."""
    heading = [html.I(className=f"bi bi-{icon} me-2")] if icon else []
    body = [html.Div([*heading, title], className="kpi-title text-muted small text-uppercase fw-semibold"),
            html.Div(value, className=f"fs-3 fw-bold text-{color}")]
    if subtitle:
        body.append(html.Div(subtitle, className="small text-muted"))
    extra = {"id": card_id} if card_id else {}
    return dbc.Card(dbc.CardBody(body), className="shadow-sm h-100", **extra)


def problems_alert(title: str, problems: Iterable[Mapping[str, Any] | str], limit: int = 50,
                   color: str = "danger") -> dbc.Alert:
    """An alert listing each problem: dicts (field/row/message/value/expected) in Spanish, strings as given."""
    items = []
    problems = list(problems)
    for problem in problems[:limit]:
        items.append(html.Li(problem if isinstance(problem, str) else problem_text(problem)))
    if len(problems) > limit:
        items.append(html.Li(f"… y {integer(len(problems) - limit)} problemas más"))
    return dbc.Alert([html.Strong(title), html.Ul(items, className="mb-0 mt-2")], color=color)


def band_mark(band: str, label: str | None = None) -> html.Span:
    """A band shown as a coloured dot and its name (no emoji: the page must not depend on an emoji font)."""
    dot = html.Span(className="band-dot", style={"backgroundColor": band_color(band)})
    return html.Span([dot, label if label is not None else band], className="band-mark text-nowrap",
                     **{"data-band": band})


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
