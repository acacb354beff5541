"""The tab's job builders: progress facts, failure reasons in Spanish with the detail, the recent jobs list."""
from __future__ import annotations

from datetime import timedelta

from app.dashboard.job_view import job_outcome, job_progress, jobs_table
from app.services.jobs import Job
from app.services.jobs.store import utcnow


def _text(component) -> str:
    """Every string inside a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return " ".join(_text(child) for child in children)


def _job(**values) -> Job:
    now = utcnow()
    base = {"id": "a" * 32, "filename": "cartera.csv", "state": "running", "engine": "local",
            "created_at": now - timedelta(seconds=12), "started_at": now - timedelta(seconds=10),
            "rows_total": 100_000, "rows_done": 40_000}
    return Job(**{**base, **values})


def test_running_job_shows_rows_rate_and_time_left():
    text = _text(job_progress(_job()))
    assert "cartera.csv" in text and "En curso" in text
    assert "40.000 de 100.000 filas" in text and "filas/s" in text and "quedan ~" in text


def test_failed_job_says_why_in_spanish_and_keeps_the_detail():
    error = "the job process stopped unexpectedly (killed or out of memory) after 40,000 of 100,000 rows"
    text = _text(job_progress(_job(state="failed", error=error, finished_at=utcnow())))
    assert "El trabajo falló" in text and "el proceso que lo ejecutaba se detuvo" in text
    assert "tras 40.000 de 100.000 filas" in text and "Fallido" in text and "after" not in text


def test_a_file_refused_by_the_job_lists_its_problems_in_spanish():
    error = ("the file cannot be used: edad_cliente: missing column (expected a column named edad_cliente) "
             "(after 0 rows)")
    text = _text(job_progress(_job(state="failed", error=error, finished_at=utcnow())))
    assert "el archivo no se puede usar" in text
    assert "edad_cliente: falta la columna (esperado: una columna llamada edad_cliente)" in text
    assert "missing" not in text and "expected" not in text


def test_recent_jobs_list_states_and_a_download_for_done_ones():
    done = _job(id="b" * 32, state="done", rows_done=100_000, result_file="predicciones_batch_20261130_010203.csv",
                finished_at=utcnow(), summary={"histogram": {"bins": 1000, "first": 10, "counts": [3, 4, 0, 1]}})
    table = jobs_table([_job(), done, _job(id="c" * 32, state="queued", rows_done=0)])
    text = _text(table)
    assert "En curso" in text and "Terminado" in text and "En cola" in text
    assert "/batch/results/predicciones_batch_20261130_010203.csv" in str(table)
    outcome = job_outcome(done, threshold=0.05)
    assert outcome.ok and outcome.file_id == done.result_file and sum(outcome.histogram[1]) == 8


def test_review_card_of_a_submitted_file_says_what_became_of_it_and_invites_a_new_upload():
    from app.dashboard.upload_check_view import WAITING, submitted_view

    running = _text(submitted_view(_job()))
    assert "«cartera.csv» se está puntuando" in running and "suba otro archivo" not in running
    done = submitted_view(_job(state="done", rows_done=300, rows_scored=299, rows_rejected=1, finished_at=utcnow()))
    assert done.to_plotly_json()["props"]["data-state"] == "done"
    assert "«cartera.csv» ya se puntuó: 299 filas puntuadas, 1 rechazada." in _text(done)
    assert "suba otro archivo" in _text(done)
    many = _text(submitted_view(_job(state="done", rows_scored=1_200, rows_rejected=3_000, finished_at=utcnow())))
    assert "1.200 filas puntuadas, 3.000 rechazadas" in many
    for state, word in (("failed", "falló"), ("cancelled", "se canceló")):
        text = _text(submitted_view(_job(state=state, finished_at=utcnow())))
        assert f"El trabajo de «cartera.csv» {word}" in text and "suba otro archivo" in text
    assert WAITING in _text(submitted_view(None))
