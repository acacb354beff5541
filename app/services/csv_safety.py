"""Spreadsheet-safe CSV cells: text a spreadsheet would run as a formula gets a leading apostrophe.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as ``'`` + the text
(OWASP's advice for CSV injection): Excel and LibreOffice then show it as the same text instead of evaluating
it. Numbers stay numbers — numeric columns are not touched, and neither is text that is just a number
(``-5``, ``+1.5e3``), which a spreadsheet reads as that number anyway. Missing values stay missing.
"""
from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

QUOTE = "'"
_TRIGGERS = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$"
_TRIGGER_RE, _NUMBER_RE = re.compile(_TRIGGERS), re.compile(_NUMBER)


def safe_cell(value: object) -> object:
    """``value`` with a leading apostrophe when it is text a spreadsheet would treat as a formula."""
    if isinstance(value, str) and _TRIGGER_RE.match(value) and not _NUMBER_RE.match(value):
        return QUOTE + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are :func:`safe_cell`; numeric columns are left as they are."""
    safe = frame.copy()
    for name in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[name]) or pd.api.types.is_datetime64_any_dtype(safe[name])):
            safe[name] = safe[name].map(safe_cell, na_action="ignore")
    return safe


def safe_table(table: pa.Table) -> pa.Table:
    """``table`` with every string column made safe (vectorised); other columns unchanged."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            triggered = pc.match_substring_regex(column, _TRIGGERS)
            if pc.any(triggered).as_py():  # most columns have no such cell: one pass, nothing else
                risky = pc.and_(triggered, pc.invert(pc.match_substring_regex(column, _NUMBER)))
                column = pc.if_else(risky, pc.binary_join_element_wise(QUOTE, column, ""), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)
