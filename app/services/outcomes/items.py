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
import pandas as pd

from modeling.config import TARGET

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
    """Check every item of ``items`` (see the module docstring)."""
    index, request_ids, rows, values = [], [], [], []
    problems: dict[int, list[dict[str, Any]]] = {}
    keys: dict[int, tuple[str, int]] = {}
    for i, item in enumerate(items):
        found = _problems(item)
        if isinstance(item, dict) and isinstance(item.get("request_id"), str):
            row = item.get("row")
            keys[i] = (item["request_id"], row if isinstance(row, int) and not isinstance(row, bool) else 0)
        if found:
            problems[i] = found
            continue
        index.append(i)
        request_ids.append(item["request_id"])
        rows.append(0 if item.get("row") is None else item["row"])
        values.append(item[TARGET])
    checked = pd.DataFrame({"index": np.asarray(index, dtype=np.int64),
                            "request_id": np.asarray(request_ids, dtype=object),
                            "row": np.asarray(rows, dtype=np.int64), "value": np.asarray(values, dtype=np.int64)})
    kept, repeated = _first_copies(checked)
    return CheckedItems(kept["index"].to_numpy(), kept["request_id"].to_numpy(dtype=object),
                        kept["row"].to_numpy(), kept["value"].to_numpy(), len(items), problems, repeated, keys)


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


def _first_copies(checked: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, str]]:
    """The first copy of every key whose copies agree; later copies → ``duplicate``, all copies of keys whose
    copies disagree → ``duplicate_conflict``."""
    if checked.empty:
        return checked, {}
    keys = pd.MultiIndex.from_frame(checked[["request_id", "row"]])
    repeated_key = keys.duplicated(keep=False)
    if not repeated_key.any():
        return checked, {}
    values_per_key = checked.groupby(["request_id", "row"], sort=False)["value"].transform("nunique")
    disagree = repeated_key & (values_per_key.to_numpy() > 1)
    later = keys.duplicated(keep="first") & ~disagree
    repeated = {int(i): "duplicate_conflict" for i in checked["index"].to_numpy()[disagree]}
    repeated.update({int(i): "duplicate" for i in checked["index"].to_numpy()[later]})
    return checked[~(disagree | later)], repeated


def _shown(value: Any) -> Any:
    """The value as found, shortened when long text."""
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    if isinstance(value, (dict, list)):
        return f"<{type(value).__name__}>"
    return value
