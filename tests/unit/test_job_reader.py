"""The chunked reader of batch jobs: the same file rules as the one-shot loader, one chunk at a time."""
from __future__ import annotations

import pandas as pd
import pytest

from app.services.jobs.reader import DataFileError, open_table, typed_inputs
from modeling.data.reading import read_table
from modeling.synthetic import generate_loans


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return generate_loans(n_rows=250, seed=21)


def _chunks(path, name=None, rows=100):
    reader = open_table(path, name or path.name, chunk_rows=rows)
    return reader, list(reader.chunks())


def test_csv_chunks_cover_every_row_with_spreadsheet_row_numbers(loans, tmp_path):
    path = tmp_path / "a.csv"
    loans.to_csv(path, index=False)
    reader, chunks = _chunks(path)
    assert reader.rows_estimate == 250
    assert [(c.first_row, len(c.frame)) for c in chunks] == [(2, 100), (102, 100), (202, 50)]
    whole = pd.concat([c.frame for c in chunks], ignore_index=True)
    expected = read_table(path).frame
    assert list(whole.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(typed_inputs(whole), typed_inputs(expected), check_dtype=False)


def test_semicolon_decimal_comma_latin1_and_odd_headers(loans, tmp_path):
    frame = loans.head(30).rename(columns={"edad_cliente": " EDAD_CLIENTE ", "tipo_laboral": "Tipo_Laboral"})
    frame["notas"] = "años"
    path = tmp_path / "b.csv"
    frame.to_csv(path, index=False, sep=";", decimal=",", encoding="cp1252")
    reader, chunks = _chunks(path, rows=7)
    assert reader.separator == ";" and reader.encoding == "cp1252"
    assert "kept 1 extra column(s): notas" in reader.warnings
    whole = pd.concat([c.frame for c in chunks], ignore_index=True)
    assert whole["notas"].eq("años").all() and "edad_cliente" in whole.columns
    capital = typed_inputs(whole)["capital_prestado"]
    assert capital.tolist() == pytest.approx(loans.head(30)["capital_prestado"].tolist())


def test_xlsx_is_streamed_in_chunks(loans, tmp_path):
    path = tmp_path / "c.xlsx"
    loans.head(120).to_excel(path, index=False)
    reader, chunks = _chunks(path, rows=50)
    assert reader.kind == ".xlsx" and reader.rows_estimate == 120
    assert [(c.first_row, len(c.frame)) for c in chunks] == [(2, 50), (52, 50), (102, 20)]
    assert typed_inputs(chunks[0].frame)["edad_cliente"].tolist() == loans["edad_cliente"].head(50).tolist()


def test_a_column_with_a_bad_value_stays_text_for_validation_to_name_the_row(loans, tmp_path):
    frame = loans.head(10).astype({"edad_cliente": object})
    frame.loc[3, "edad_cliente"] = "treinta"
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    _, chunks = _chunks(path)
    typed = typed_inputs(chunks[0].frame)
    assert typed["edad_cliente"].tolist()[3] == "treinta"
    assert typed["capital_prestado"].dtype.kind == "f"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("vacio.csv", b"", "the file is empty"),
    ("notas.csv", b"nombre,telefono\nAna,1\n", "not a loan table"),
    ("datos.csv", b'[{"a": 1}]', "looks like JSON"),
    ("libro.xlsx", b"no es un libro", "not an Excel workbook"),
    ("binario.csv", b"\x00\x01\x02" * 50, "binary content"),
])
def test_files_that_cannot_be_used_are_refused_naming_the_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFileError) as error:
        open_table(path, name, chunk_rows=10)
    assert message in str(error.value.problems[0].message)
