"""The two statements of an outcomes call, one per backend, each one round trip whatever the number of items.

* lookup: the logged predictions of a list of (request id, row) keys, joined on the unique
  ``(request_id, row)`` index — SQLite walks a JSON array (``json_each``), PostgreSQL unnests two arrays;
* update: ``actual`` set where it still holds the value read (compare-and-set: a concurrent change makes the
  updated count fall short, and the caller retries) — SQLite by one ``UPDATE … FROM json_each(?)`` on the primary
  key, PostgreSQL by one ``UPDATE … FROM unnest(…)``. (Not SQLite's ``executemany``: it gives the GIL away at every
  row and, beside a thread running Python, waits up to 5 ms to win it back — see :mod:`app.services.log.bulk`.)
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import sqlalchemy as sa

_SELECTED = ('p.id, p.model_version, p.source, p.day, p.prob_default, p."Pago_atiempo_pred", p.risk_band, '
             "p.actual")
_SQLITE_LOOKUP = f"""
SELECT CAST(k.key AS INTEGER), {_SELECTED}
FROM json_each(?) AS k
JOIN predictions AS p ON p.request_id = json_extract(k.value, '$[0]') AND p."row" = json_extract(k.value, '$[1]')
"""
_POSTGRES_LOOKUP = f"""
SELECT k.pos - 1, {_SELECTED}
FROM unnest(CAST(%s AS text[]), CAST(%s AS integer[])) WITH ORDINALITY AS k(request_id, "row", pos)
JOIN predictions AS p ON p.request_id = k.request_id AND p."row" = k."row"
"""
_SQLITE_UPDATE = """
UPDATE predictions SET actual = json_extract(k.value, '$[1]')
FROM json_each(?) AS k
WHERE predictions.id = json_extract(k.value, '$[0]') AND predictions.actual IS json_extract(k.value, '$[2]')
"""
_POSTGRES_UPDATE = """
UPDATE predictions AS p SET actual = k.new
FROM unnest(CAST(:ids AS bigint[]), CAST(:new AS smallint[]), CAST(:old AS smallint[])) AS k(id, new, old)
WHERE p.id = k.id AND p.actual IS NOT DISTINCT FROM k.old
"""
COLUMNS = ("position", "id", "model_version", "source", "day", "prob_default", "Pago_atiempo_pred", "risk_band",
           "actual")


def lookup(conn: sa.Connection, request_ids: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """The logged predictions of the keys (``position`` = index of the key), one row per key found."""
    cursor = conn.connection.driver_connection.cursor()  # plain tuples: no Row object per key
    try:
        if conn.dialect.name == "postgresql":
            cursor.execute(_POSTGRES_LOOKUP, (request_ids.tolist(), rows.tolist()))
        else:
            cursor.execute(_SQLITE_LOOKUP, (json.dumps([[r, n] for r, n in zip(request_ids.tolist(), rows.tolist(),
                                                                               strict=True)]),))
        found = cursor.fetchall()
    finally:
        cursor.close()
    columns = list(zip(*found, strict=True)) if found else [()] * len(COLUMNS)
    frame = pd.DataFrame({name: np.asarray(values, dtype=object) for name, values in zip(COLUMNS, columns,
                                                                                           strict=True)})
    frame["position"] = frame["position"].astype(np.int64)
    frame["actual"] = np.asarray([np.nan if v is None else v for v in frame["actual"]], dtype=np.float64)
    return frame


def update(conn: sa.Connection, ids: np.ndarray, new: np.ndarray, old: np.ndarray) -> int:
    """Set ``actual`` = ``new`` where it is still ``old`` (NaN: NULL); return how many rows changed."""
    old_values = [None if np.isnan(v) else int(v) for v in old.tolist()]
    if conn.dialect.name == "postgresql":
        result = conn.execute(sa.text(_POSTGRES_UPDATE), {"ids": ids.tolist(), "new": new.tolist(),
                                                          "old": old_values})
        return int(result.rowcount)
    changes = json.dumps(list(zip(ids.tolist(), new.tolist(), old_values, strict=True)))
    return int(conn.exec_driver_sql(_SQLITE_UPDATE, (changes,)).rowcount)
