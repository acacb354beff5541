"""The JSON texts of logged rows, parsed by Arrow one export chunk at a time: the inputs' objects as one table, the
warnings' arrays as a count and a ``field: message; …`` text per row."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

_JSON_OPTIONS = pa_json.ReadOptions(block_size=1 << 20, use_threads=True)


def parse_warnings(texts: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Per row: how many warnings, and ``field: message; …`` (null when there are none). The arrays are parsed by
    ``pyarrow.json`` and joined by Arrow; warnings of another shape (a field or message missing or not text) are
    decoded row by row."""
    if pc.all(pc.equal(texts, "[]")).as_py() is not False:  # the usual chunk: no warnings at all (or no rows)
        return pa.array(np.zeros(len(texts), np.int64)), pa.nulls(len(texts), pa.string())
    try:
        lists = _json_objects(pc.binary_join_element_wise('{"w":', texts, "}", "")).column("w").combine_chunks()
    except pa.ArrowInvalid:
        return warnings_by_row(texts)
    items = lists.flatten()
    kinds = {f.name: f.type for f in items.type} if pa.types.is_struct(items.type) else {}
    if kinds.get("field") != pa.string() or kinds.get("message") != pa.string() or lists.null_count:
        return warnings_by_row(texts)
    fields, messages = items.field("field"), items.field("message")
    if fields.null_count or messages.null_count:
        return warnings_by_row(texts)
    counts = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, pc.binary_join_element_wise(fields, messages, ": ")),
                            "; ")
    return pa.array(counts), pc.if_else(pa.array(counts == 0), pa.scalar(None, pa.string()), joined)


def warnings_by_row(texts: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    counts: list[int] = []
    joined: list[str | None] = []
    for text in texts.to_pylist():
        items = orjson.loads(text)
        counts.append(len(items))
        joined.append("; ".join(f"{w.get('field', '')}: {w.get('message', '')}" for w in items) or None)
    return pa.array(counts, pa.int64()), pa.array(joined, pa.string())


def parse_inputs(texts: pa.ChunkedArray) -> pa.Table:
    """The logged inputs' JSON objects (text or bytes) as one table (parsed in parallel blocks; types unified over
    the chunk)."""
    if len(texts) == 0:
        return pa.table({})
    try:
        return _json_objects(texts)
    except pa.ArrowInvalid:  # a field holding numbers in some rows and text in others (older schemas)
        return _mixed_inputs(texts.to_pylist())


def _json_objects(texts: pa.ChunkedArray | pa.Array) -> pa.Table:
    """One JSON object per value of ``texts`` (text or bytes) as a table, in one ``pyarrow.json`` call."""
    newline, nothing = (pa.scalar(s, texts.type) for s in (b"\n", b""))
    lines = pc.binary_join_element_wise(texts, newline, nothing)
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines  # each object and a newline
    wide = pa.types.is_large_binary(lines.type) or pa.types.is_large_string(lines.type)  # 64-bit offsets
    width = np.dtype(np.int64 if wide else np.int32)
    offsets = np.frombuffer(lines.buffers()[1], width, len(lines) + 1, lines.offset * width.itemsize)
    data = lines.buffers()[2][offsets[0]:offsets[-1]]
    return pa_json.read_json(pa.BufferReader(data), read_options=_JSON_OPTIONS)


def _mixed_inputs(texts: Sequence[str | bytes]) -> pa.Table:
    """Row-by-row parse; a field whose values do not share one type is kept as text."""
    objects = [orjson.loads(text) for text in texts]
    fields = list(dict.fromkeys(key for item in objects for key in item))
    columns = {}
    for name in fields:
        values = [item.get(name) for item in objects]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
    return pa.table(columns)
