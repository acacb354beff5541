"""Outcome items of one call, checked one by one: ``{request_id, row (optional, default 0), Pago_atiempo}``.

Every item keeps its position in the call (``index``). An item with a problem is reported with each problem
(field, message, value found) and changes nothing; a (request id, row) sent more than once is applied once when
every copy carries the same value (the later copies are reported ``duplicate``) and not at all when the copies
disagree (all reported ``duplicate_conflict``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from modeling.data.columns import TARGET

MAX_REQUEST_ID = 64
MAX_ROW = 2**31 - 1
FIELDS = ("request_id", "row", TARGET)


@dataclass(frozen=True)
class CheckedItems:
    """The usable items (``index``, ``request_id``, ``row``, ``value``: one array each, first copy of each key),
    the problems of the refused ones by index, and the later copies of repeated keys (index → status)."""

    index: np.ndarray
    request_id: np.ndarray
    row: np.ndarray
    value: np.ndarray
    received: int
    problems: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    repeated: dict[int, str] = field(default_factory=dict)
    keys: dict[int, tuple[str, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.index.size)


def check_items(items: Sequence[Any]) -> CheckedItems:
    """Check every item of ``items`` (see the module docstring); one pass, the usual item on a fast path."""
    index, request_ids, rows, values = [], [], [], []
    problems: dict[int, list[dict[str, Any]]] = {}
    keys: dict[int, tuple[str, int]] = {}
    first: dict[tuple[str, int], int] = {}  # key → position among the usable items
    copies: dict[tuple[str, int], list[tuple[int, int]]] = {}  # repeated keys → (index, value) of later copies
    for i, item in enumerate(items):
        if type(item) is dict:
            rid, row, value = item.get("request_id"), item.get("row"), item.get(TARGET)
            row = 0 if row is None else row
            if (type(rid) is str and 0 < len(rid) <= MAX_REQUEST_ID and type(row) is int and 0 <= row <= MAX_ROW
                    and type(value) is int and (value == 0 or value == 1)):
                key = (rid, row)
                if key in first:
                    copies.setdefault(key, []).append((i, value))
                    keys[i] = key
                    continue
                first[key] = len(index)
                index.append(i)
                request_ids.append(rid)
                rows.append(row)
                values.append(value)
                continue
        problems[i] = _problems(item)
        if isinstance(item, dict) and isinstance(item.get("request_id"), str):
            row = item.get("row")
            keys[i] = (item["request_id"], row if isinstance(row, int) and not isinstance(row, bool) else 0)
    repeated, dropped = _repeated(copies, first, index, values, keys)
    keep = np.ones(len(index), dtype=bool)
    keep[dropped] = False
    return CheckedItems(np.asarray(index, dtype=np.int64)[keep], np.asarray(request_ids, dtype=object)[keep],
                        np.asarray(rows, dtype=np.int64)[keep], np.asarray(values, dtype=np.int64)[keep],
                        len(items), problems, repeated, keys)


def _repeated(copies: dict[tuple[str, int], list[tuple[int, int]]], first: dict[tuple[str, int], int], index: list[int],
              values: list[int], keys: dict[int, tuple[str, int]]) -> tuple[dict[int, str], list[int]]:
    """Status of the later copies (``duplicate``, or ``duplicate_conflict`` for every copy of a key whose copies
    disagree) and the usable positions to drop (first copies of disagreeing keys)."""
    repeated: dict[int, str] = {}
    dropped: list[int] = []
    for key, later in copies.items():
        position = first[key]
        agree = all(value == values[position] for _, value in later)
        status = "duplicate" if agree else "duplicate_conflict"
        repeated.update({i: status for i, _ in later})
        if not agree:
            repeated[index[position]] = status
            keys[index[position]] = key
            dropped.append(position)
    return repeated, dropped


def _problems(item: Any) -> list[dict[str, Any]]:
    """Every problem of one item (empty when usable)."""
    if not isinstance(item, dict):
        return [{"field": "", "message": f"expected an object with {', '.join(FIELDS)}",
                 "value": _shown(item)}]
    found = []
    request_id = item.get("request_id")
    if not isinstance(request_id, str) or not request_id or len(request_id) > MAX_REQUEST_ID:
        found.append({"field": "request_id", "message": "expected the request id of a logged prediction "
                      f"(text of 1 to {MAX_REQUEST_ID} characters)", "value": _shown(request_id)})
    row = item.get("row")
    if row is not None and (not isinstance(row, int) or isinstance(row, bool) or not 0 <= row <= MAX_ROW):
        found.append({"field": "row", "message": "expected the record's position in its request "
                      "(an integer from 0; leave it out for single-record requests)", "value": _shown(row)})
    value = item.get(TARGET)
    if TARGET not in item:
        found.append({"field": TARGET, "message": "missing: expected 0 (late) or 1 (on time)", "value": None})
    elif isinstance(value, bool) or value not in (0, 1) or not isinstance(value, int):
        found.append({"field": TARGET, "message": "expected 0 (late) or 1 (on time)", "value": _shown(value)})
    return found


def _shown(value: Any) -> Any:
    """The value as found, shortened when long text."""
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    if isinstance(value, (dict, list)):
        return f"<{type(value).__name__}>"
    return value
