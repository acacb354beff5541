"""Which logged predictions a view looks at: one :class:`Selection` type with one parser, used by every tab.

Meanings, the same everywhere:

* ``sources`` — an empty selection (or ``None``) means *all sources*; sources are kept in ``SOURCES`` order.
* ``model_version`` — ``None`` means the model version being served; ``ALL_VERSIONS`` (only where a view
  accepts it, e.g. the Logs tab) means every version.
* ``start`` / ``end`` — inclusive dates of the loan (``fecha_prestamo``), or of the scoring when the record had
  no loan date: the log's ``day`` column and the profiles' day key.
* ``window`` — ``"day"``, ``"week"`` (from Monday) or ``"month"``: the time grouping of series and evolutions.

A value that cannot be used raises :class:`SelectionError` naming the field; nothing is silently ignored.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

SOURCES: tuple[str, ...] = ("holdout", "api", "batch")
WINDOWS: tuple[str, ...] = ("month", "week", "day")
ALL_VERSIONS = "*"


class SelectionError(ValueError):
    """A selection value cannot be used; ``field`` names it and the message says what was expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def parse_date(value: Any, field: str) -> date | None:
    """``None`` for empty input; a ``date`` from a date, datetime or ISO text (``2025-01-31``, a time part is
    dropped); :class:`SelectionError` otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise SelectionError(field, f"expected an ISO date such as 2025-01-31, found {value!r}") from None


@dataclass(frozen=True)
class Selection:
    """Sources, model version, inclusive date range and time window of a view (see the module docstring)."""

    sources: tuple[str, ...] = SOURCES
    model_version: str | None = None
    start: date | None = None
    end: date | None = None
    window: str = "month"

    def __post_init__(self) -> None:
        given = (self.sources,) if isinstance(self.sources, str) else tuple(self.sources or ())
        unknown = sorted(set(given) - set(SOURCES))
        if unknown:
            raise SelectionError("sources", f"expected some of {list(SOURCES)}, found {unknown}")
        object.__setattr__(self, "sources", tuple(s for s in SOURCES if s in given) if given else SOURCES)
        object.__setattr__(self, "model_version", self.model_version or None)
        object.__setattr__(self, "start", parse_date(self.start, "start"))
        object.__setattr__(self, "end", parse_date(self.end, "end"))
        if self.start and self.end and self.start > self.end:
            raise SelectionError("end", f"expected a date on or after start {self.start}, found {self.end}")
        if self.window not in WINDOWS:
            raise SelectionError("window", f"expected one of {list(WINDOWS)}, found {self.window!r}")

    @classmethod
    def parse(cls, sources: Iterable[str] | str | None = None, model_version: str | None = None,
              start: Any = None, end: Any = None, window: str | None = None) -> Selection:
        """A selection from control values (``None`` for untouched controls)."""
        return cls(tuple([sources] if isinstance(sources, str) else sources or ()), model_version or None,
                   start, end, window or "month")

    @property
    def all_sources(self) -> bool:
        return self.sources == SOURCES

    def version(self, serving: str) -> str:
        """The model version this selection means, given the one being served."""
        return self.model_version or serving
