"""The two statements of an outcomes call, one per backend, each one round trip whatever the number of items.

* lookup: the logged predictions of a list of (request id, row) keys, joined on the unique
  ``(request_id, row)`` index — SQLite walks a JSON array (``json_each``), PostgreSQL unnests two arrays;
* update: ``actual`` set where it still holds the value read (compare-and-set: a concurrent change makes the
  updated count fall short, and the caller retries) — SQLite by executemany on the primary key, PostgreSQL by one
  ``UPDATE … FROM unnest(…)``.
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
FROM json_each(:keys) AS k
JOIN predictions AS p ON p.request_id = json_extract(k.value, '$[0]') AND p."row" = json_extract(k.value, '$[1]')
"""
_POSTGRES_LOOKUP = f"""
SELECT k.pos - 1, {_SELECTED}
FROM unnest(CAST(:request_ids AS text[]), CAST(:rows AS integer[])) WITH ORDINALITY AS k(request_id, "row", pos)
JOIN predictions AS p ON p.request_id = k.request_id AND p."row" = k."row"
"""
_SQLITE_UPDATE = "UPDATE predictions SET actual = ? WHERE id = ? AND actual IS ?"
_POSTGRES_UPDATE = """
UPDATE predictions AS p SET actual = k.new
FROM unnest(CAST(:ids AS bigint[]), CAST(:new AS smallint[]), CAST(:old AS smallint[])) AS k(id, new, old)
WHERE p.id = k.id AND p.actual IS NOT DISTINCT FROM k.old
"""
COLUMNS = ("position", "id", "model_version", "source", "day", "prob_default", "Pago_atiempo_pred", "risk_band",
           "actual")


def lookup(conn: sa.Connection, request_ids: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """The logged predictions of the keys (``position`` = index of the key), one row per key found."""
    if conn.dialect.name == "postgresql":
        found = conn.execute(sa.text(_POSTGRES_LOOKUP), {"request_ids": request_ids.tolist(),
                                                         "rows": rows.tolist()}).all()
    else:
        keys = json.dumps([[r, int(n)] for r, n in zip(request_ids.tolist(), rows.tolist(), strict=True)])
        found = conn.execute(sa.text(_SQLITE_LOOKUP), {"keys": keys}).all()
    frame = pd.DataFrame(found, columns=list(COLUMNS)) if found else pd.DataFrame(columns=list(COLUMNS))
    frame["actual"] = pd.to_numeric(frame["actual"], errors="coerce").astype(np.float64)
    return frame


def update(conn: sa.Connection, ids: np.ndarray, new: np.ndarray, old: np.ndarray) -> int:
    """Set ``actual`` = ``new`` where it is still ``old`` (NaN: NULL); return how many rows changed."""
    old_values = [None if np.isnan(v) else int(v) for v in old.tolist()]
    if conn.dialect.name == "postgresql":
        result = conn.execute(sa.text(_POSTGRES_UPDATE), {"ids": ids.tolist(), "new": new.tolist(),
                                                          "old": old_values})
        return int(result.rowcount)
    result = conn.exec_driver_sql(_SQLITE_UPDATE, list(zip(new.tolist(), ids.tolist(), old_values, strict=True)))
    return int(result.rowcount)
