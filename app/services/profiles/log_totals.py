"""The Logs tab's totals (count, mean ``prob_default``, rows in the highest band, rows with an outcome) summed
from the profiles' class cells instead of counting rows: exact, and independent of the log's size.

Sources, model version, day range, risk bands and predicted class are all profile dimensions or cells; a
``request_id`` search is not, so such a query is answered by the fallback (an SQL aggregate that uses the
``request_id`` index).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.services.log.pages import LogTotals
from app.services.log.query import LogQuery
from app.services.profiles.reader import ProfileReader
from app.services.selection import ALL_VERSIONS


class ProfileTotals:
    """``totals(query)`` for :class:`~app.services.log.browse.LogService`, from the profiles."""

    def __init__(self, reader: ProfileReader, serving_version: str,
                 fallback: Callable[[LogQuery], LogTotals]) -> None:
        self.reader = reader
        self.serving_version = serving_version
        self.fallback = fallback

    def __call__(self, query: LogQuery) -> LogTotals:
        if query.request_id:
            return self.fallback(query)
        count = labelled = high = 0
        prob_sum = 0.0
        for version in self._versions(query):
            profiles = self.reader.latest(version)
            if profiles is None:
                continue
            layout = profiles.layout
            grouping = profiles.total(query.selection)
            counts = profiles.counts(grouping, "class", "class_labelled")
            classes = profiles.block(counts, "class", "class")[0]
            with_outcome = profiles.block(counts, "class", "class_labelled")[0]
            bands = np.repeat(np.arange(len(layout.bands)), 2)
            chosen = np.ones(classes.size, dtype=bool)
            if query.risk_bands:
                chosen &= np.isin(np.array(layout.bands, dtype=object)[bands], list(query.risk_bands))
            if query.predicted:
                chosen &= np.isin(np.tile([0, 1], len(layout.bands)), list(query.predicted))
            sums = profiles.sums(grouping)[0][: classes.size]
            count += int(classes[chosen].sum())
            labelled += int(with_outcome[chosen].sum())
            high += int(classes[chosen & (bands == len(layout.bands) - 1)].sum())
            prob_sum += float(sums[chosen].sum())
        return LogTotals(count, prob_sum / count if count else None, high, labelled)

    def _versions(self, query: LogQuery) -> list[str]:
        version = query.selection.model_version
        if version != ALL_VERSIONS:
            return [version or self.serving_version]
        return self.reader.store.versions()
