"""The profiles of each model version as of now, kept per process and read incrementally.

Each call costs one query for the fragments added since the kept largest id and one count. Fragment ids are
never reused, so when the count of ids up to the new largest id differs from what is kept plus what was just
read, some kept fragments were folded away (or a lower id committed late) and the version is read again whole
in one statement. One thread refreshes a version at a time.
"""
from __future__ import annotations

import threading

import numpy as np
import sqlalchemy as sa

from app.services.log.tables import profile_fragments
from app.services.profiles.fragment import unpack_counts, unpack_sums
from app.services.profiles.layout import ProfileLayout
from app.services.profiles.profile_set import FragmentArrays, ProfileSet
from app.services.profiles.store import ProfileStore

_F = profile_fragments.c
_COLUMNS = (_F.id, _F.source, _F.day, _F.rows, _F.last_scored_at, _F.counts, _F.sums)


class ProfileReader:
    """Latest :class:`ProfileSet` per model version; thread-safe; nothing here grows with the log's rows."""

    def __init__(self, store: ProfileStore) -> None:
        self.store = store
        self._sets: dict[str, ProfileSet] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def latest(self, model_version: str) -> ProfileSet | None:
        """The version's fragments as of now; None when the version never wrote profiles."""
        layout = self.store.layout(model_version)
        if layout is None:
            return None
        with self._lock:
            version_lock = self._locks.setdefault(model_version, threading.Lock())
        with version_lock:
            kept = self._sets.get(model_version)
            fresh = self._refresh(layout, kept)
            self._sets[model_version] = fresh
            return fresh

    def _refresh(self, layout: ProfileLayout, kept: ProfileSet | None) -> ProfileSet:
        version = layout.model_version
        kept_count, kept_max = kept.stamp if kept is not None else (0, 0)
        with self.store.engine.connect() as conn:
            new = _arrays(conn.execute(_select(version).where(_F.id > kept_max).order_by(_F.id)), layout)
            top = int(new.ids[-1]) if len(new) else kept_max
            present = conn.execute(sa.select(sa.func.count()).select_from(profile_fragments).where(
                _F.model_version == version, _F.id <= top)).scalar_one()
            if kept is not None and present == kept_count + len(new):
                if not len(new):
                    return kept
                return ProfileSet(layout, kept.arrays.concat(new), (present, top))
            whole = _arrays(conn.execute(_select(version).order_by(_F.id)), layout)
        return ProfileSet(layout, whole, (len(whole), int(whole.ids[-1]) if len(whole) else 0))


def _select(version: str) -> sa.Select:
    return sa.select(*_COLUMNS).where(_F.model_version == version)


def _arrays(result: sa.Result, layout: ProfileLayout) -> FragmentArrays:
    """Fragment rows → :class:`FragmentArrays` (sparse counts concatenated)."""
    ids, sources, days, rows, last, sums, frag, cells, values = ([] for _ in range(9))
    for position, (fid, source, day, n, stamp, counts, summed) in enumerate(result):
        ids.append(fid)
        sources.append(source)
        days.append(day)
        rows.append(n)
        last.append(stamp)
        sums.append(unpack_sums(summed))
        c, v = unpack_counts(counts)
        cells.append(c)
        values.append(v)
        frag.append(np.full(c.size, position, dtype=np.int32))
    if not ids:
        return FragmentArrays.empty(len(layout.sum_names))
    return FragmentArrays(
        np.asarray(ids, dtype=np.int64), np.asarray(sources, dtype=object), np.asarray(days, dtype="datetime64[D]"),
        np.asarray(rows, dtype=np.int64), np.asarray([np.datetime64("NaT") if s is None else s for s in last],
                                                     dtype="datetime64[us]"),
        np.vstack(sums), np.concatenate(frag), np.concatenate(cells).astype(np.int32),
        np.concatenate(values).astype(np.int64))
