"""Every problem, warning and note the services report in English reaches the dashboard in Spanish.

The messages come from the real validation, scoring and file-reading code (bad values, out-of-range values, extra
and missing columns, broken files); a test fails when one of them would show English words on the page.
"""
from __future__ import annotations

import re

import pytest

from app.dashboard.batch_view import result_view
from app.dashboard.components import problems_alert
from app.dashboard.messages import (
    UNKNOWN,
    cell_text,
    message_text,
    note_text,
    problem_text,
    promotion_text,
    warning_text,
)
from app.services.batch.output import batch_frame
from app.services.jobs.reader import DataFileError, open_table
from app.services.log.store import PredictionLog
from app.services.scoring.service import ScoringService
from modeling.data.schema import RAW_COLUMNS
from modeling.synthetic import generate_loans

ENGLISH = re.compile(r"\b(missing|expected|found|outside|column|value|could|not|kept|extra|range|file|the|was|"
                     r"never|seen|training|number|parsed|empty|rows?|more|same|problem|read|as|is|of)\b")


def assert_spanish(text: str) -> None:
    assert text and UNKNOWN not in text, text
    without_names = re.sub(r"\b\w+_\w+\b|'[^']*'|«[^»]*»", "", text)  # column names and quoted values
    assert not ENGLISH.search(without_names), text


@pytest.fixture
def scoring(bundle, tmp_path):
    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    yield ScoringService(bundle, log)
    log.dispose()


def test_row_problems_and_warnings_of_a_scored_table_are_spanish(scoring):
    frame = generate_loans(n_rows=6, seed=3).drop(columns=["Pago_atiempo"]).astype(object)
    frame.loc[0, "edad_cliente"] = "abc"
    frame.loc[1, "capital_prestado"] = None
    frame.loc[2, "salario_cliente"] = 9e12
    frame.loc[3, "plazo_meses"] = 12.5
    frame.loc[4, "tipo_credito"] = 99
    frame["observaciones"] = "x"
    batch, _ = scoring.prepare(frame, source="batch")
    problems = [p for error in batch.errors for p in error["problems"]]
    warnings = [w for row in batch.results["warnings"] for w in row]
    assert problems and warnings
    for problem in problems:
        assert_spanish(problem_text(problem))
    for warning in warnings:
        assert_spanish(warning_text(warning))
    output, _ = batch_frame(frame, batch, first_row=2)
    for cell in [*output["error"].dropna(), *output["warnings"].dropna()]:
        assert_spanish(cell_text(cell))
    assert "falta el valor" in " ".join(cell_text(c) for c in output["error"].dropna())


def test_file_problems_and_notes_are_spanish(tmp_path):
    checks = {"vacio.csv": b"", "json.csv": b'[{"a": 1}]', "otra.csv": b"a;b\n1;2\n", "libro.xlsx": b"PK no excel"}
    for name, content in checks.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(DataFileError) as raised:
            open_table(path, name, chunk_rows=100)
        for problem in raised.value.problems:
            assert_spanish(problem_text(problem.to_dict()))
    header = ",".join([s.name for s in RAW_COLUMNS[:3]] + ["observaciones"])
    (tmp_path / "extra.csv").write_text(header + "\n1,2,3,x\n")
    note = open_table(tmp_path / "extra.csv", "extra.csv", chunk_rows=100).warnings[0]
    assert note_text(note) == "1 columna adicional conservada: observaciones"


def test_known_texts_and_unknown_ones():
    assert message_text("missing column") == "falta la columna"
    assert problem_text({"field": "edad_cliente", "message": "missing column", "expected": "a number"}) == \
        "edad_cliente: falta la columna (esperado: un número)"
    assert message_text("7 more rows with the same problem (missing value)") == \
        "7 filas más con el mismo problema (falta el valor)"
    assert message_text("25000.5 is outside the training range [0, 1e+06]") == \
        "25.000,5 está fuera del rango de entrenamiento [0; 1.000.000]"
    assert note_text("kept 2 extra column(s): a, b") == "2 columnas adicionales conservadas: a, b"
    assert message_text("something nobody wrote a rule for") == UNKNOWN


def test_the_batch_tab_shows_a_refused_file_in_spanish():
    from app.services.batch import BatchOutcome
    outcome = BatchOutcome("malo.csv", problems=[{"field": "edad_cliente", "message": "missing column",
                                                  "expected": "an integer"}])
    text = str(result_view(outcome, ["Bajo", "Medio", "Alto"]))
    assert "falta la columna" in text and "missing column" not in text
    assert "fila 3 · plazo_meses: no es un número entero" in str(problems_alert("t", [
        {"field": "plazo_meses", "row": 3, "message": "not a whole number"}]))


def test_refused_model_switches_are_spanish(trained_models_dir, tmp_path):
    """The registry's real refusals (unknown version, the served one again, a challenger equal to the champion)."""
    from app.services.models import PromotionError
    from app.services.models.registry import ModelRegistry

    log = PredictionLog.from_url(f"sqlite:///{tmp_path / 'log.sqlite'}")
    registry = ModelRegistry(trained_models_dir, log.engine)
    attempts = [lambda: registry.promote("no-such-model", "test"),
                lambda: registry.promote(registry.latest(), "test"),
                lambda: registry.set_challenger(registry.latest(), "test")]
    codes = set()
    for attempt in attempts:
        with pytest.raises(PromotionError) as refused:
            attempt()
        codes.add(refused.value.code)
        assert_spanish(promotion_text(refused.value.code))
    assert codes == {"unknown_version", "version_conflict"}
    log.dispose()


def test_refused_outcomes_are_spanish():
    """Every problem the outcomes check reports (bad item, request id, row, value, missing value) reads Spanish."""
    from app.services.outcomes.items import check_items

    checked = check_items(["nope", {"request_id": "", "row": -1, "Pago_atiempo": 2}, {"request_id": "a"},
                           {"request_id": "b", "row": 1.5, "Pago_atiempo": True}])
    problems = [p for found in checked.problems.values() for p in found]
    assert len(checked.problems) == 4 and len(problems) >= 6
    for problem in problems:  # the field names are the API's own (request_id, row, Pago_atiempo)
        assert problem["field"] in ("", "request_id", "row", "Pago_atiempo")
        assert_spanish(problem_text({**problem, "field": ""}))
