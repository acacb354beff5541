"""How the dashboard writes numbers, percentages, dates and sizes: one Spanish convention everywhere.

Thousands with a dot and decimals with a comma (``1.234.567``, ``0,050``), a space before the percent sign
(``12,3 %``), dates and times in ISO order as the date pickers show them (``2025-03-31``, ``2025-03-31 14:05:09``),
sizes in binary units with a comma (``1,2 MB``). Missing values are written ``—``.

Plotly figures follow the same convention through ``style.SEPARATORS`` (``",."``): in a hovertemplate,
``%{y:,}`` then reads ``1.234`` and ``%{y:,.1f}`` ``1.234,5``; write percentages as ``%{customdata:.1f} %`` over
values in percent points (:data:`HOVER_PERCENT`), since d3's ``%`` format puts no space before the sign. AG Grid
cells use :data:`GRID_NUMBER` / :func:`grid_percent`, the same rules in the browser.
"""
from __future__ import annotations

import math
from datetime import date, datetime

MISSING = "—"
HOVER_PERCENT = "%{customdata:.1f} %"  # customdata in percent points (0–100)
_LOCALE = "d3.formatLocale({decimal: ',', thousands: '.', grouping: [3], currency: ['', '']})"
WINDOW_FORMATS = {"month": "%Y-%m", "week": "%Y-%m-%d", "day": "%Y-%m-%d"}  # a window by its start, ISO
GRID_NUMBER = {"function": f"params.value == null ? '' : {_LOCALE}.format(',.6~f')(params.value)"}


def grid_percent(decimals: int = 2) -> dict[str, str]:
    """An AG Grid ``valueFormatter`` writing a fraction as a Spanish percentage (``0.1234`` → ``12,34 %``)."""
    return {"function": f"params.value == null ? '' : {_LOCALE}.format(',.{decimals}f')(100 * params.value) + ' %'"}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _spanish(text: str) -> str:
    """Swap English separators (``1,234.5``) for Spanish ones (``1.234,5``)."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def integer(value: float | None) -> str:
    """A whole number with thousands dots: ``1234567`` → ``1.234.567`` (rounded; ``—`` when missing)."""
    return MISSING if _missing(value) else _spanish(f"{round(value):,}")  # type: ignore[arg-type]


def decimal(value: float | None, decimals: int = 2) -> str:
    """A number with ``decimals`` places: ``1234.5`` → ``1.234,50``; ``0.05`` with 3 → ``0,050``."""
    return MISSING if _missing(value) else _spanish(f"{value:,.{decimals}f}")


def percent(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.123`` → ``12,3 %``; ``0.48`` → ``48,0 %``."""
    return MISSING if _missing(fraction) else f"{decimal(100 * fraction, decimals)} %"  # type: ignore[operator]


def count_share(count: int, fraction: float, decimals: int = 1) -> str:
    """A count with its share, as bar labels show it: ``5.162 (48,0 %)``."""
    return f"{integer(count)} ({percent(fraction, decimals)})"


def date_text(value: date | datetime | None) -> str:
    """A calendar day in ISO order (``2025-03-31``), as the date pickers write it."""
    return MISSING if value is None else f"{value:%Y-%m-%d}"


def datetime_text(value: datetime | None, seconds: bool = True) -> str:
    """A moment in ISO order without the ``T``: ``2025-03-31 14:05:09`` (``14:05`` without seconds)."""
    if value is None:
        return MISSING
    return f"{value:%Y-%m-%d %H:%M:%S}" if seconds else f"{value:%Y-%m-%d %H:%M}"


def window_label(start: date | datetime | str | None, granularity: str) -> str:
    """A loan-date window by its granularity: ``2026-08`` (month), its first day ``2026-08-03`` (week, day)."""
    if start is None or (not isinstance(start, (str, date)) and _missing(start)):  # NaT / NaN / None
        return MISSING
    try:
        stamp = datetime.fromisoformat(str(start)) if isinstance(start, str) else start
    except ValueError:
        return str(start)
    if stamp != stamp:  # NaT
        return MISSING
    return f"{stamp:{WINDOW_FORMATS.get(granularity, WINDOW_FORMATS['day'])}}"


def size(n_bytes: int) -> str:
    """A file size: ``512 B``, ``1,5 KB``, ``1,2 MB``, ``3,0 GB`` (binary units)."""
    if n_bytes < 1024:
        return f"{n_bytes} B"
    value = n_bytes / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{decimal(value, 1)} {unit}"
        value /= 1024
    return f"{decimal(value, 1)} GB"


def duration(seconds: float) -> str:
    """A short duration: ``45 s`` or ``3 min 05 s``."""
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 90 else f"{seconds // 60} min {seconds % 60:02d} s"
