"""The Logs tab's totals summed from profiles equal the SQL aggregate over the rows, for every kind of filter."""
from __future__ import annotations

import pytest

from app.services.log import LogService
from app.services.log.query import LogQuery
from app.services.profiles import ProfileReader
from app.services.profiles.log_totals import ProfileTotals
from app.services.selection import ALL_VERSIONS, Selection

QUERIES = [
    LogQuery(),
    LogQuery(selection=Selection(sources=("api", "batch"))),
    LogQuery(selection=Selection(start="2025-03-01", end="2025-10-31")),
    LogQuery(selection=Selection(model_version=ALL_VERSIONS, sources=("holdout",))),
    LogQuery(risk_bands=("Alto",)),
    LogQuery(risk_bands=("Bajo", "Medio"), predicted=(1,)),
    LogQuery(predicted=(0,), selection=Selection(end="2025-06-30")),
    LogQuery(selection=Selection(model_version="no-such-version")),
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_profile_totals_equal_the_sql_aggregate(filled, bundle, query):
    log, scoring = filled
    service = LogService(log, bundle.risk_bands["labels"], bundle.model_version)
    totals = ProfileTotals(ProfileReader(scoring.profiles), bundle.model_version, fallback=service.sql_totals)
    expected, found = service.sql_totals(query), totals(query)
    assert (found.count, found.high_risk, found.with_actual) == (expected.count, expected.high_risk,
                                                                 expected.with_actual)
    if expected.count:
        assert found.mean_prob_default == pytest.approx(expected.mean_prob_default, rel=1e-12)
    else:
        assert found.mean_prob_default is None


def test_a_request_id_search_goes_to_the_fallback(filled, bundle):
    _, scoring = filled
    asked = []
    totals = ProfileTotals(ProfileReader(scoring.profiles), bundle.model_version,
                           fallback=lambda query: asked.append(query) or "sql")
    query = LogQuery(request_id="abc")
    assert totals(query) == "sql" and asked == [query]
