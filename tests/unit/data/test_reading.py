"""The file loader: every accepted format, and one clear error listing every problem of a bad file."""
from __future__ import annotations

import hashlib
import io
import logging
import zipfile

import numpy as np
import pandas as pd
import pytest

from modeling.data.coercion import coerce_frame
from modeling.data.columns import LEAKAGE_COLUMNS, TARGET
from modeling.data.reading import DataFileError, LoadedTable, load_table, load_training_data
from modeling.data.schema import RAW_COLUMNS
from modeling.synthetic import generate_loans

SCHEMA_NAMES = [spec.name for spec in RAW_COLUMNS]


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return generate_loans(n_rows=60, seed=7)


@pytest.fixture(scope="module")
def expected(loans: pd.DataFrame) -> pd.DataFrame:
    """What any faithful file of ``loans`` must load as."""
    return coerce_frame(loans, RAW_COLUMNS).frame


def write_csv(frame: pd.DataFrame, path, **options) -> bytes:
    frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S", **options)
    return path.read_bytes()


def problems_of(excinfo: pytest.ExceptionInfo) -> list[tuple]:
    return [(p.field, p.message, p.row, p.value) for p in excinfo.value.problems]


def test_csv_round_trip_gives_schema_columns_and_file_hash(loans, expected, tmp_path):
    data = write_csv(loans, tmp_path / "loans.csv")
    loaded = load_table(tmp_path / "loans.csv")
    assert isinstance(loaded, LoadedTable)
    assert list(loaded.frame.columns) == SCHEMA_NAMES
    assert loaded.rows == len(loans) and loaded.warnings == []
    assert loaded.sha256 == hashlib.sha256(data).hexdigest()
    assert loaded.source.endswith("loans.csv")
    pd.testing.assert_frame_equal(loaded.frame, expected)


def test_semicolon_with_decimal_comma(loans, expected, tmp_path):
    write_csv(loans, tmp_path / "euro.csv", sep=";", decimal=",")
    assert "," in (tmp_path / "euro.csv").read_text().splitlines()[1]  # really decimal commas
    pd.testing.assert_frame_equal(load_table(tmp_path / "euro.csv").frame, expected)


def test_semicolon_with_decimal_point(loans, expected, tmp_path):
    write_csv(loans, tmp_path / "semi.csv", sep=";")
    pd.testing.assert_frame_equal(load_table(tmp_path / "semi.csv").frame, expected)


def test_utf8_with_bom(loans, expected, tmp_path):
    data = write_csv(loans, tmp_path / "bom.csv", encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(load_table(tmp_path / "bom.csv").frame, expected)


def test_latin1_file_with_accented_extra_column_warns(loans, expected, tmp_path, caplog):
    frame = loans.assign(observación="sí, revisó")
    write_csv(frame, tmp_path / "latin.csv", encoding="latin-1")
    with caplog.at_level(logging.WARNING, logger="modeling.data.reading"):
        loaded = load_table(tmp_path / "latin.csv")
    pd.testing.assert_frame_equal(loaded.frame, expected)
    assert loaded.warnings == ["ignored 1 extra column(s): observación"]
    assert "observación" in caplog.text


def test_headers_match_ignoring_case_and_spaces(loans, expected, tmp_path):
    renamed = loans.rename(columns={TARGET: " Pago_atiempo ", "tipo_credito": "TIPO_CREDITO",
                                    "edad_cliente": "Edad_Cliente  "})
    write_csv(renamed, tmp_path / "headers.csv")
    pd.testing.assert_frame_equal(load_table(tmp_path / "headers.csv").frame, expected)


def test_columns_come_back_in_schema_order_without_absent_leakage(loans, tmp_path):
    shuffled = loans.drop(columns=list(LEAKAGE_COLUMNS))[list(reversed(loans.columns.drop(list(LEAKAGE_COLUMNS))))]
    write_csv(shuffled, tmp_path / "reordered.csv")
    loaded = load_table(tmp_path / "reordered.csv")
    assert list(loaded.frame.columns) == [n for n in SCHEMA_NAMES if n not in LEAKAGE_COLUMNS]


def test_xlsx_round_trip(loans, expected, tmp_path):
    loans.to_excel(tmp_path / "loans.xlsx", index=False)
    loaded = load_table(tmp_path / "loans.xlsx")
    pd.testing.assert_frame_equal(loaded.frame, expected)
    assert loaded.sha256 == hashlib.sha256((tmp_path / "loans.xlsx").read_bytes()).hexdigest()


def test_bytes_and_file_object_uploads(loans, expected, tmp_path):
    loans.to_excel(tmp_path / "up.xlsx", index=False)
    workbook = (tmp_path / "up.xlsx").read_bytes()
    text = write_csv(loans, tmp_path / "up.csv")
    for source, name in [(workbook, "subida.xlsx"), (text, "subida.csv"), (io.BytesIO(workbook), "subida.xlsx")]:
        loaded = load_table(source, filename=name)
        assert loaded.source == name
        pd.testing.assert_frame_equal(loaded.frame, expected)
    assert load_table(workbook).rows == len(loans)  # anonymous bytes: a workbook is recognised by content


def test_target_optional_for_scoring(loans, tmp_path):
    write_csv(loans.drop(columns=[TARGET]), tmp_path / "to_score.csv")
    assert TARGET not in load_table(tmp_path / "to_score.csv", require_target=False).frame.columns
    with pytest.raises(DataFileError) as excinfo:
        load_table(tmp_path / "to_score.csv")
    assert problems_of(excinfo) == [(TARGET, "missing column", None, None)]


def test_missing_columns_are_all_named(loans, tmp_path):
    write_csv(loans.drop(columns=["capital_prestado", "edad_cliente", "tendencia_ingresos"]), tmp_path / "m.csv")
    with pytest.raises(DataFileError) as excinfo:
        load_table(tmp_path / "m.csv")
    assert {p[0] for p in problems_of(excinfo)} == {"capital_prestado", "edad_cliente", "tendencia_ingresos"}
    assert all(p[1] == "missing column" for p in problems_of(excinfo))
    message = str(excinfo.value)
    assert "m.csv cannot be used: 3 problem(s)" in message
    assert "capital_prestado" in message and "edad_cliente" in message and "tendencia_ingresos" in message


def test_unparseable_values_name_column_spreadsheet_row_and_value(loans, tmp_path):
    bad = loans.astype({"capital_prestado": object, "edad_cliente": object, "fecha_prestamo": object})
    bad.loc[3, "capital_prestado"] = "mucho"
    bad.loc[0, "edad_cliente"] = "12x"
    bad.loc[10, "fecha_prestamo"] = "not a date"
    write_csv(bad.drop(columns=["huella_consulta"]), tmp_path / "bad.csv")
    with pytest.raises(DataFileError) as excinfo:
        load_table(tmp_path / "bad.csv")
    problems = problems_of(excinfo)
    assert ("capital_prestado", "could not be parsed", 5, "mucho") in problems  # header is row 1
    assert ("edad_cliente", "could not be parsed", 2, "12x") in problems
    assert ("fecha_prestamo", "could not be parsed", 12, "not a date") in problems
    assert ("huella_consulta", "missing column", None, None) in problems
    assert "row 5, capital_prestado: could not be parsed (found 'mucho', expected a number)" in str(excinfo.value)


def test_unparseable_value_in_xlsx_uses_spreadsheet_row(loans, tmp_path):
    bad = loans.astype({"plazo_meses": object})
    bad.loc[7, "plazo_meses"] = "doce"
    bad.to_excel(tmp_path / "bad.xlsx", index=False)
    with pytest.raises(DataFileError) as excinfo:
        load_table(tmp_path / "bad.xlsx")
    assert problems_of(excinfo) == [("plazo_meses", "could not be parsed", 9, "doce")]


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"", "empty.csv", "the file is empty (0 bytes)"),
    (b"", "empty.xlsx", "the file is empty (0 bytes)"),
    (b"  \n\n", "blank.csv", "the file is empty"),
    (b'{"tipo_credito": 4}', "data.csv", "looks like JSON, not a CSV table"),
    (bytes(np.random.default_rng(0).integers(0, 256, 2000, dtype=np.uint8)), "noise.csv",
     "binary content, not a text table (UTF-16 files must be saved as UTF-8)"),
    (b"tipo_credito,capital\n4,1000\n", "report.xlsx", "not an Excel workbook (the content is not an .xlsx file)"),
    (b"nombre,ciudad\nAna,Cali\n", "people.csv", "not a loan table: no known column in the header (found 'nombre', "
                                                 "'ciudad')"),
    (b"tipo_credito,Pago_atiempo\n4,1\n", "loans.json", "unsupported file type '.json'"),
    (b"tipo_credito,Pago_atiempo\n4,1\n", "loans", "unsupported file type '(no extension)'"),
])
def test_bad_files_get_one_clear_message(content, name, message):
    with pytest.raises(DataFileError) as excinfo:
        load_table(content, filename=name)
    assert [(p.field, p.message) for p in excinfo.value.problems] == [("file", message)]
    assert str(excinfo.value).startswith(f"{name} cannot be used: 1 problem(s)")


def test_damaged_workbook(loans, tmp_path):
    loans.to_excel(tmp_path / "ok.xlsx", index=False)
    truncated = (tmp_path / "ok.xlsx").read_bytes()[:300]
    with pytest.raises(DataFileError, match=r"the Excel workbook is damaged \(not a readable ZIP archive\)"):
        load_table(truncated, filename="broken.xlsx")


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "fake.xlsx", "w") as archive:
        archive.writestr("notes.txt", "hola")
    with pytest.raises(DataFileError, match=r"a ZIP archive without an Excel workbook inside \(a renamed .zip"):
        load_table(tmp_path / "fake.xlsx")


def test_ragged_csv_names_the_offending_line():
    content = b"tipo_credito,plazo_meses\n4,12\n9,6,extra\n"
    with pytest.raises(DataFileError) as excinfo:
        load_table(content, filename="ragged.csv")
    assert excinfo.value.problems[0].message.startswith("malformed CSV (")
    assert "line 3" in excinfo.value.problems[0].message


def test_windows_latin_text_and_tab_separator(loans, expected, tmp_path):
    frame = loans.assign(nota="“crédito” 5 €")
    write_csv(frame, tmp_path / "windows.csv", sep="\t", encoding="cp1252")
    loaded = load_table(tmp_path / "windows.csv")
    pd.testing.assert_frame_equal(loaded.frame, expected)
    assert loaded.warnings == ["ignored 1 extra column(s): nota"]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_header_only_file(loans, tmp_path, extension):
    path = tmp_path / f"header.{extension}"
    if extension == "csv":
        write_csv(loans.head(0), path)
    else:
        loans.head(0).to_excel(path, index=False)
    with pytest.raises(DataFileError) as excinfo:
        load_table(path)
    assert [p.message for p in excinfo.value.problems] == ["the file has a header row but no data rows"]


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        load_table(tmp_path / "nope.csv")


def test_builtin_synthetic_dataset_is_coerced_like_a_file():
    first, second = load_training_data(seed=5), load_training_data(seed=5)
    assert first.source == "builtin:synthetic?seed=5&rows=10763"
    assert first.rows == 10_763 and first.warnings == []
    assert first.sha256 == second.sha256 != load_training_data(seed=6).sha256
    pd.testing.assert_frame_equal(first.frame, coerce_frame(generate_loans(seed=5), RAW_COLUMNS).frame)
    assert list(first.frame.columns) == SCHEMA_NAMES


def test_training_data_from_a_path(loans, expected, tmp_path):
    write_csv(loans, tmp_path / "train.csv")
    pd.testing.assert_frame_equal(load_training_data(str(tmp_path / "train.csv")).frame, expected)
