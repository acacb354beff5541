"""Profile fragments in the log database: layouts, appends (inside the caller's transaction), reads and folds.

Every write of predictions appends its fragments; nothing is updated in place, so writers on many processes and
hosts never wait on one another's rows. :meth:`ProfileStore.fold` later merges the fragments of each
(model version, source, day) into one: ``DELETE … RETURNING`` hands every fragment to exactly one folder even
when several fold at once, and the merged fragment is inserted in the same transaction.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log.bulk import insert_dicts
from app.services.log.tables import profile_fragments, profile_layouts
from app.services.profiles.fragment import Fragment, merge, unpack_counts, unpack_sums
from app.services.profiles.layout import ProfileLayout

logger = logging.getLogger(__name__)
FOLD_BATCH_KEYS = 200
_F = profile_fragments.c


class ProfileStore:
    """Reads and folds the ``profile_fragments`` of one database; layouts are cached per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._layouts: dict[str, ProfileLayout] = {}
        self._lock = threading.Lock()

    def register(self, layout: ProfileLayout) -> None:
        """Store ``layout`` for its model version unless one is stored already (safe to race)."""
        with self._lock:
            self._layouts.setdefault(layout.model_version, layout)
        if self.layout(layout.model_version, cached=False) is not None:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(profile_layouts.insert(), {"model_version": layout.model_version,
                                                        "layout": layout.to_json()})
        except sa.exc.IntegrityError:
            pass  # another process stored it first

    def layout(self, model_version: str, *, cached: bool = True) -> ProfileLayout | None:
        """The stored layout of ``model_version`` (None when that version never wrote profiles)."""
        if cached and model_version in self._layouts:
            return self._layouts[model_version]
        query = sa.select(profile_layouts.c.layout).where(profile_layouts.c.model_version == model_version)
        with self.engine.connect() as conn:
            text = conn.execute(query).scalar_one_or_none()
        if text is None:
            return None
        layout = ProfileLayout.from_json(text)
        with self._lock:
            return self._layouts.setdefault(model_version, layout)

    def versions(self) -> list[str]:
        """Model versions that wrote profile fragments, the most recently written first."""
        query = sa.select(_F.model_version).group_by(_F.model_version).order_by(sa.func.max(_F.id).desc())
        with self.engine.connect() as conn:
            return [str(version) for version in conn.execute(query).scalars()]

    def fold(self, model_version: str | None = None) -> int:
        """Merge the fragments of every key that has several; return how many fragments were removed."""
        query = (sa.select(_F.model_version, _F.source, _F.day).group_by(_F.model_version, _F.source, _F.day)
                 .having(sa.func.count() > 1))
        if model_version is not None:
            query = query.where(_F.model_version == model_version)
        with self.engine.connect() as conn:
            keys = [tuple(row) for row in conn.execute(query)]
        removed = 0
        for start in range(0, len(keys), FOLD_BATCH_KEYS):
            removed += self._fold_keys(keys[start:start + FOLD_BATCH_KEYS])
        return removed

    def _fold_keys(self, keys: Sequence[tuple]) -> int:
        taken = (sa.delete(profile_fragments)
                 .where(sa.tuple_(_F.model_version, _F.source, _F.day).in_(keys))
                 .returning(_F.model_version, _F.source, _F.day, _F.rows, _F.last_scored_at, _F.counts, _F.sums))
        with self.engine.begin() as conn:
            groups: dict[tuple, list[Fragment]] = defaultdict(list)
            for version, source, day, rows, last, counts, sums in conn.execute(taken):
                cells, values = unpack_counts(counts)
                groups[(version, source, day)].append(
                    Fragment(version, source, day, rows, last, cells, values, unpack_sums(sums)))
            merged = [merge(fragments).row() for fragments in groups.values()]
            insert_dicts(conn, profile_fragments, merged)
        return sum(len(f) for f in groups.values()) - len(groups)

    def fold_quietly(self) -> None:
        """:meth:`fold`, logging instead of raising (a failed fold loses nothing: its transaction rolls back)."""
        try:
            self.fold()
        except sa.exc.SQLAlchemyError as error:
            logger.warning("profile fold skipped: %s", str(error).splitlines()[0][:200])
