"""What rebuild-profiles reads of the log before its pass (index seeks) equals what a scan of every row gives."""
from __future__ import annotations

import sqlalchemy as sa

from app.services.profiles.survey import id_span, model_versions, request_rows, version_rows


def test_the_survey_matches_a_scan_of_every_row(filled):
    log, _ = filled
    with log.engine.begin() as conn:  # retries logged by another version: a batch's row and an API request's
        conn.execute(sa.text("""INSERT INTO predictions (request_id, "row", scored_at, loan_date, day, source,
                                    model_version, inputs, prob_default, "Pago_atiempo_pred", risk_band, warnings,
                                    latency_ms, actual)
                                SELECT request_id, "row" + 1000, scored_at, loan_date, day, source, 'other', inputs,
                                       prob_default, "Pago_atiempo_pred", risk_band, warnings, latency_ms, actual
                                FROM predictions WHERE id IN (3, 1195)"""))
    rows = log.read()
    sizes = rows.groupby("request_id").size()
    with log.engine.connect() as conn:
        assert model_versions(conn) == sorted(rows["model_version"].unique())
        for version, group in rows.groupby("model_version"):
            assert version_rows(conn, version) == len(group)
            assert id_span(conn, version, int(rows["id"].max())) == (group["id"].min(), group["id"].max())
            assert id_span(conn, version, int(group["id"].min()) - 1) is None
        assert request_rows(conn) == sizes[sizes > 1].to_dict() and len(sizes[sizes == 2]) == 1
        top = int(rows["id"].max()) - 1
        late = set(rows.loc[rows["id"] > top, "request_id"])
        assert request_rows(conn, after=top) == {r: n for r, n in sizes.items() if n > 1 and r in late}
