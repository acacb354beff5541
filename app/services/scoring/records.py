"""Raw records → coerced feature columns + every problem, against the bundle's stored schema.

The general path is ``modeling.data.coercion`` (``match_columns`` + ``coerce_frame``, vectorised). Requests of a
few records spend most of their time in pandas overhead there, so :meth:`RecordValidator.validate_records` first
tries a shortcut that only accepts records whose every value already has its final, valid type (numbers as JSON
numbers in range, text as strings, ISO dates) and produces exactly what ``coerce_frame`` would; anything else —
every record with a problem included — takes the general path, the only place problems are worded (a property
test pins the equivalence).
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from app.services.scoring.columns import clean_columns
from modeling.data.coercion import coerce_frame, match_columns, normalize_header
from modeling.data.columns import DATE_COLUMN
from modeling.data.input_warnings import stored_specs
from modeling.data.schema import ColumnSpec, Problem

FAST_PATH_MAX_RECORDS = 32
MAX_REMEMBERED_HEADERS = 1024  # spellings of field names remembered (clients send few; a bound for hostile ones)
_UNSEEN = object()  # a field name not seen before
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}:\d{2})?$")
_NUMERIC_KINDS = ("code", "integer", "numeric")
_EXACT_INT = 2**53  # larger magnitudes (and NaN / inf) take the general path


class _Invalid(Exception):
    """The shortcut cannot vouch for a value; use the general path."""


@dataclass(frozen=True)
class ValidatedRecords:
    """Coerced valid records plus the problems of the others, by input index."""

    columns: dict[str, np.ndarray]    # every feature column of the valid records, schema dtypes, schema order
    positions: np.ndarray             # input index of each valid record
    errors: dict[int, list[Problem]]  # input index → every problem of that record
    ignored: list[list[str]]          # per valid record: fields sent but not part of the schema
    n_records: int

    @cached_property
    def raw(self) -> pd.DataFrame:
        """The valid records as a frame (RangeIndex), built on first use: scoring works on ``columns``."""
        return pd.DataFrame(self.columns)


class RecordValidator:
    """Validation bound to one stored schema; nullable fields (and the date) may be left out of a record."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        features = stored_specs(schema, roles=("feature",))
        self.specs = tuple(dataclasses.replace(s, nullable=True) if s.name == DATE_COLUMN else s for s in features)
        self.known_specs = stored_specs(schema, roles=("feature", "leakage", "target"))
        self._optional = tuple(s.name for s in self.specs if s.nullable)  # may be left out entirely
        self._by_header = {normalize_header(s.name): s.name for s in self.known_specs}
        self._names: dict[str, str | None] = {}  # sent field → schema name, as clients spell them

    def validate_records(self, records: Sequence[Any]) -> ValidatedRecords:
        """Validate JSON-like records; anything that is not an object is reported by its index."""
        if 0 < len(records) <= FAST_PATH_MAX_RECORDS:
            try:
                return self._validate_clean(records)
            except _Invalid:
                pass
        elif records:
            clean = clean_columns(records, self.specs, self._by_header)
            if clean is not None:
                return ValidatedRecords(clean[0], np.arange(len(records)), {}, clean[1], len(records))
        is_object = np.fromiter((isinstance(r, dict) for r in records), dtype=bool, count=len(records))
        positions = np.flatnonzero(is_object)
        objects = [records[i] for i in positions]
        try:
            frame = pd.DataFrame(objects) if objects else pd.DataFrame()
        except OverflowError:  # an integer beyond int64/float range: keep raw objects, validation rejects it
            frame = pd.DataFrame(objects, dtype=object)
        not_objects = {int(i): [Problem("(record)", "not a JSON object", value=_type_name(records[i]),
                                        expected="an object with the loan's fields")]
                       for i in np.flatnonzero(~is_object)}
        return self.validate_frame(frame, positions=positions, n_records=len(records), prior_errors=not_objects)

    def validate_frame(self, frame: pd.DataFrame, *, positions: np.ndarray | None = None, n_records: int | None = None,
                       prior_errors: dict[int, list[Problem]] | None = None) -> ValidatedRecords:
        """The general, vectorised path for a table of raw records (headers matched tolerantly)."""
        positions = np.arange(len(frame)) if positions is None else np.asarray(positions, dtype=int)
        mapping, extra = match_columns(frame.columns, self.known_specs)
        named = frame.loc[:, list(mapping)].set_axis(list(mapping.values()), axis=1)
        coerced = coerce_frame(named, self.specs, optional=self._optional, max_problems_per_column=None)
        problems_by_row = _problems_by_row(coerced.problems, len(frame))
        valid = np.ones(len(frame), dtype=bool)
        valid[list(problems_by_row)] = False
        ignored: list[list[str]] = [[] for _ in range(int(valid.sum()))]
        for column in extra:
            for pos in np.flatnonzero(pd.notna(frame[column].to_numpy()[valid])):
                ignored[pos].append(str(column))
        errors = {int(positions[row]): problems for row, problems in problems_by_row.items()}
        errors.update(prior_errors or {})
        raw = coerced.frame.loc[valid]
        columns = {s.name: raw[s.name].to_numpy() if s.name in raw.columns else _column(s, [None] * len(raw))
                   for s in self.specs}
        return ValidatedRecords(columns, positions[valid],
                                dict(sorted(errors.items())), ignored, len(frame) if n_records is None else n_records)

    def _validate_clean(self, records: Sequence[Any]) -> ValidatedRecords:
        columns: dict[str, list[Any]] = {s.name: [] for s in self.specs}
        ignored: list[list[str]] = []
        names = self._names
        for record in records:
            if type(record) is not dict:
                raise _Invalid
            values: dict[str, Any] = {}
            extra = []
            for key, value in record.items():
                name = names.get(key, _UNSEEN)
                if name is _UNSEEN:
                    name = self._name_of(key)
                if name is None:
                    if value is not None:
                        extra.append(key)
                elif name in values:
                    raise _Invalid  # two headers for one field: let match_columns decide
                else:
                    values[name] = value
            for spec in self.specs:
                columns[spec.name].append(_clean_value(spec, values.get(spec.name)))
            ignored.append(extra)
        return ValidatedRecords({s.name: _column(s, columns[s.name]) for s in self.specs}, np.arange(len(records)),
                                {}, ignored, len(records))

    def _name_of(self, key: str) -> str | None:
        """The schema name of a sent field (None when not part of it), remembered for the next records."""
        name = self._by_header.get(normalize_header(key))
        if len(self._names) < MAX_REMEMBERED_HEADERS:
            self._names[key] = name
        return name


def _clean_value(spec: ColumnSpec, value: Any) -> Any:
    """The coerced value when it is certainly valid; raises ``_Invalid`` otherwise."""
    if value is None:
        if spec.nullable:
            return None
        raise _Invalid
    if spec.kind in _NUMERIC_KINDS:
        if type(value) not in (int, float) or not -_EXACT_INT < value < _EXACT_INT:
            raise _Invalid
        number = float(value)
        lo, hi = spec.valid_range
        if (math.isnan(number) or (spec.kind != "numeric" and not number.is_integer())
                or (lo is not None and number < lo) or (hi is not None and number > hi)):
            raise _Invalid
        return number
    if spec.kind == "category" and type(value) is str:
        text = value.strip()
        if spec.max_length is not None and len(text) > spec.max_length:
            raise _Invalid
        if text or spec.nullable:
            return text or None
    if spec.kind == "datetime" and type(value) is str and _ISO_DATE.match(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise _Invalid from None
        moment = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        if 1700 <= moment.year <= 2200:  # well inside datetime64[ns]
            return moment
    raise _Invalid


def _column(spec: ColumnSpec, values: list[Any]) -> np.ndarray:
    if spec.kind in _NUMERIC_KINDS:
        return np.array([math.nan if v is None else v for v in values], dtype="float64")
    if spec.kind == "datetime":
        return np.array([np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[ns]")
    return np.array([np.nan if v is None else v for v in values], dtype=object)


def _problems_by_row(problems: list[Problem], n_rows: int) -> dict[int, list[Problem]]:
    """Group problems by frame row; a problem without a row (a missing column) applies to every row."""
    by_row: dict[int, list[Problem]] = {}
    everywhere = [dataclasses.replace(p, message="missing field") for p in problems if p.row is None]
    for problem in problems:
        if problem.row is not None:
            by_row.setdefault(problem.row, []).append(problem)
    if everywhere:
        for row in range(n_rows):
            by_row.setdefault(row, []).extend(everywhere)
    return by_row


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__
