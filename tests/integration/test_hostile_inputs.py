"""Hostile bodies and uploads: each gets a clear 4xx (or a clear file message) and nothing is logged half.

JSON: deep nesting, huge arrays and key counts, NaN/Infinity/1e308, dates out of range, wrong content types,
bodies over the limit refused by the real server (gunicorn) before they are read whole. Uploads (the dashboard's
batch path): empty, binary garbage, a ZIP renamed .xlsx, a CSV with a million columns, mixed encodings.
"""
from __future__ import annotations

import io
import json
import socket
import zipfile

import pandas as pd
import pytest
from live_server import live_server

from modeling.data.schema import specs_for

INTERNALS = ("Traceback", "KeyError", "Exception", "File \"", "site-packages")


def assert_clean_4xx(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["error"] == error and body["message"]
    text = response.get_data(as_text=True)
    assert not any(word in text for word in INTERNALS), text[:500]
    return body


def with_capital(record: dict, literal: str) -> str:
    """The record as JSON text with ``capital_prestado`` written as ``literal`` (possibly not valid JSON)."""
    text = json.dumps({**record, "capital_prestado": 0})
    return text.replace('"capital_prestado": 0', f'"capital_prestado": {literal}')


def post_raw(client, path: str, data: str | bytes, content_type: str = "application/json"):
    return client.post(path, data=data, content_type=content_type)


@pytest.mark.parametrize("depth", [2_000, 100_000])
@pytest.mark.parametrize("path", ["/predict", "/predict_batch"])
def test_deep_nesting_is_400(client, services, path, depth):
    before = services.log.count()
    assert_clean_4xx(post_raw(client, path, "[" * depth + "]" * depth), 400, "malformed_json")
    assert services.log.count() == before


def test_nesting_inside_a_field_is_a_field_problem(client, services, record):
    before = services.log.count()
    nested = json.loads("[" * 500 + "1" + "]" * 500)
    body = assert_clean_4xx(client.post("/predict", json={**record, "edad_cliente": nested}), 422, "invalid_fields")
    assert body["problems"][0]["field"] == "edad_cliente"
    assert services.log.count() == before


def test_huge_arrays_are_refused_before_scoring(client, services):
    before = services.log.count()
    body = assert_clean_4xx(post_raw(client, "/predict_batch", "[" + ",".join(["{}"] * 60_000) + "]"), 413,
                            "too_many_records")
    assert "60000" in body["message"] and "MAX_BATCH_ROWS" in body["message"]
    assert services.log.count() == before


@pytest.mark.parametrize("shape", ["record", "batch_item", "envelope_item"])
def test_huge_key_counts_are_422_and_nothing_is_logged(client, services, record, shape):
    wide = {**record, **{f"k{i}": 1 for i in range(5_000)}}
    path, payload, place = {"record": ("/predict", wide, "the body"),
                            "batch_item": ("/predict_batch", [record, wide], "record 1"),
                            "envelope_item": ("/predict_batch", {"records": [record, record, wide]}, "record 2")}[shape]
    before = services.log.count()
    body = assert_clean_4xx(client.post(path, json=payload), 422, "too_many_fields")
    assert body["message"].startswith(place) and "5,0" in body["message"] and "256" in body["message"]
    assert services.log.count() == before  # not even the good records of the batch: the request is refused whole


def test_a_few_unknown_fields_are_still_only_warnings(client, record):
    response = client.post("/predict", json={**record, **{f"k{i}": 1 for i in range(10)}})
    assert response.status_code == 200
    assert sum(w["code"] == "ignored_field" for w in response.get_json()["warnings"]) == 10


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, services, record, literal):
    text = with_capital(record, literal)
    before = services.log.count()
    body = assert_clean_4xx(post_raw(client, "/predict", text), 400, "malformed_json")
    assert literal.lstrip("-") in body["message"]
    assert services.log.count() == before


@pytest.mark.parametrize("literal", ["1e309", "-1e400", "1" + "0" * 400])
def test_numbers_beyond_float_range_are_field_problems(client, services, record, literal):
    text = with_capital(record, literal)
    before = services.log.count()
    body = assert_clean_4xx(post_raw(client, "/predict", text), 422, "invalid_fields")
    assert body["problems"][0]["field"] == "capital_prestado"
    json.loads(json.dumps(body))  # the echoed value is valid JSON (no bare Infinity)
    assert services.log.count() == before


def test_1e308_is_scored_with_a_warning_not_an_error(client, record):
    text = with_capital(record, "1e308")
    response = post_raw(client, "/predict", text)
    assert response.status_code == 200
    codes = {(w["field"], w["code"]) for w in response.get_json()["warnings"]}
    assert ("capital_prestado", "outside_training_range") in codes


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2262-04-12", "1677-09-21", "99999-01-01",
                                   "2024-02-30", 1e20, -1e20, True, {"year": 2024}])
def test_dates_out_of_range_name_the_field_and_the_range(client, services, record, value):
    before = services.log.count()
    body = assert_clean_4xx(client.post("/predict", json={**record, "fecha_prestamo": value}), 422, "invalid_fields")
    problem = body["problems"][0]
    assert problem["field"] == "fecha_prestamo"
    assert "1677-09-22" in problem["expected"] and "2262-04-11" in problem["expected"]
    assert services.log.count() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          "application/xml", "application/octet-stream", ""])
def test_wrong_content_types_are_415(client, services, record, content_type):
    before = services.log.count()
    body = assert_clean_4xx(post_raw(client, "/predict", json.dumps(record), content_type), 415,
                            "unsupported_media_type")
    assert "application/json" in body["message"]
    assert services.log.count() == before


@pytest.mark.parametrize("data", [b"", b"\xff\xfe{}", b"\x00" * 64, b'{"tipo_laboral": "caf\xe9"}'])
def test_undecodable_json_bodies_are_400(client, data):
    assert_clean_4xx(post_raw(client, "/predict", data), 400, "malformed_json")


# --- uploads: POST /jobs (the dashboard's batch tab and the API) and the in-process batch files -----------------

def zip_of(entries: dict[str, bytes], compresslevel: int | None = None) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return packed.getvalue()


def zip_bomb() -> bytes:
    """A ZIP with an xl/workbook.xml whose sheet expands to 1.1 GiB of zeros (about 1 MiB packed)."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = bytes(1 << 20)
            for _ in range(1100):
                sheet.write(zeros)
    return packed.getvalue()


def loans_csv(record: dict, rows: int = 3) -> str:
    return pd.DataFrame([record] * rows).to_csv(index=False)


def mixed_encodings(record: dict) -> bytes:
    """Header and line 2 in UTF-8 (with an accent), line 3 in Latin-1."""
    header, first, *_ = loans_csv({**record, "tipo_laboral": "Jubilación"}).splitlines()
    return (header + "\n" + first + "\n").encode("utf-8") + (first.replace("Jubilación", "Pensión") + "\n").encode(
        "latin-1")


def truncated_workbook(record: dict) -> bytes:
    workbook = io.BytesIO()
    pd.DataFrame([record]).to_excel(workbook, index=False)
    return workbook.getvalue()[:len(workbook.getvalue()) // 2]


HOSTILE_UPLOADS = {  # case → (file name, bytes from the record, words the message must hold)
    "empty csv": ("lote.csv", lambda r: b"", ("empty",)),
    "empty xlsx": ("lote.xlsx", lambda r: b"", ("empty",)),
    "binary garbage as csv": ("lote.csv", lambda r: bytes(range(256)) * 64, ("binary",)),
    "binary garbage as xlsx": ("lote.xlsx", lambda r: bytes(range(256)) * 64, ("not an Excel",)),
    "zip renamed xlsx": ("lote.xlsx", lambda r: zip_of({"notes.txt": b"hello"}),
                         ("ZIP archive without an Excel workbook",)),
    "truncated workbook": ("lote.xlsx", truncated_workbook, ("damaged",)),
    "zip bomb": ("lote.xlsx", lambda r: zip_bomb(), ("expands to",)),
    "a million columns": ("lote.csv", lambda r: b"," * 1_000_000 + b"\n" + b"1," * 10 + b"\n",
                          ("columns", "at most 1,000")),
    "mixed encodings": ("lote.csv", mixed_encodings, ("mixed text encodings", "line 2 is UTF-8", "line 3 is not")),
}


@pytest.fixture(scope="module")
def upload_bytes(request):
    """Each case's bytes, built once per module (the ZIP bomb takes seconds to pack)."""
    cache: dict[str, bytes] = {}
    record = {spec.name: spec.example for spec in specs_for(("feature",))}

    def build(case: str) -> bytes:
        if case not in cache:
            cache[case] = HOSTILE_UPLOADS[case][1](record)
        return cache[case]
    return build


@pytest.fixture
def upload_app(make_app):
    app = make_app(max_upload_mb=8, seed_holdout=False)
    yield app
    app.extensions["credit_risk"].jobs.engine.shutdown()


def assert_clean_words(problems: list[dict], words: tuple[str, ...]) -> None:
    text = json.dumps(problems, ensure_ascii=False)
    for word in words:
        assert word in text, text
    assert not any(word in text for word in INTERNALS), text
    assert problems[0]["field"] == "file"


@pytest.mark.parametrize("case", list(HOSTILE_UPLOADS))
def test_hostile_upload_to_jobs_is_422_naming_the_problem(upload_app, upload_bytes, case):
    services, client = upload_app.extensions["credit_risk"], upload_app.test_client()
    filename, _, words = HOSTILE_UPLOADS[case]
    before, jobs_before = services.log.count(), client.get("/jobs").get_json()["jobs"]
    response = client.post(f"/jobs?filename={filename}", data=upload_bytes(case),
                           headers={"Content-Type": "application/octet-stream"})
    body = assert_clean_4xx(response, 422, "invalid_file")
    assert_clean_words(body["problems"], words)
    if case == "a million columns":  # only the start of the upload is read to check its header
        assert "at least 65,5" in body["problems"][0]["message"]
    assert client.get("/jobs").get_json()["jobs"] == jobs_before  # no job was created
    assert services.log.count() == before


@pytest.mark.parametrize("case", list(HOSTILE_UPLOADS))
def test_hostile_upload_to_batch_files_is_refused_naming_the_problem(upload_app, upload_bytes, case):
    services = upload_app.extensions["credit_risk"]
    filename, _, words = HOSTILE_UPLOADS[case]
    before, files_before = services.log.count(), services.batch_files.list_files()
    outcome = services.batch_files.score_file(upload_bytes(case), filename)
    assert not outcome.ok and outcome.file_id is None
    assert_clean_words(outcome.problems, words)
    if case == "a million columns":  # the whole file is in memory here: the count is exact
        assert "1,000,001 columns" in outcome.problems[0]["message"]
    assert services.log.count() == before and services.batch_files.list_files() == files_before


@pytest.mark.parametrize(("first", "later"), [("utf-8", "latin-1"), ("latin-1", "utf-8")])
def test_a_job_refuses_a_file_whose_encoding_changes_after_its_first_block(upload_app, record, first, later):
    """The start of the file (what the encoding is chosen from) is clean; a line past 64 KiB is in another one."""
    services, client = upload_app.extensions["credit_risk"], upload_app.test_client()
    lines = loans_csv({**record, "tipo_laboral": "Pensión"}, rows=2_000).splitlines()
    data = "\n".join(lines[:1_500]).encode(first) + b"\n" + "\n".join(lines[1_500:]).encode(later) + b"\n"
    assert data[:1 << 16].decode(first)  # the checked start is in one encoding
    before, jobs_before = services.log.count(), client.get("/jobs").get_json()["jobs"]
    response = client.post("/jobs?filename=lote.csv", data=data, headers={"Content-Type": "text/csv"})
    body = assert_clean_4xx(response, 422, "invalid_file")
    assert_clean_words(body["problems"], ("mixed text encodings", "line 1,501 is not"))
    assert client.get("/jobs").get_json()["jobs"] == jobs_before and services.log.count() == before


def test_one_legacy_encoding_throughout_is_accepted(services, record):
    data = loans_csv({**record, "tipo_laboral": "Pensión"}).encode("cp1252")
    outcome = services.batch_files.score_file(data, "lote.csv")
    assert outcome.ok and outcome.summary["scored"] == 3


# --- the real server refuses bodies over the limit before reading them whole ---------------------------------------

@pytest.fixture(scope="module")
def small_limit_server(trained_models_dir, tmp_path_factory):
    with live_server(trained_models_dir, tmp_path_factory.mktemp("hostile"), MAX_UPLOAD_MB="1") as server:
        yield server


def raw_exchange(server, head: bytes, body_part: bytes) -> bytes:
    """Send ``head`` and only ``body_part``, then read what the server answers (it must not wait for the rest)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(head + body_part)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_a_declared_length_over_the_limit_is_413_without_the_body(small_limit_server):
    head = (b"POST /predict_batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1073741824\r\n\r\n")  # declares 1 GiB, sends 4 bytes
    answer = raw_exchange(small_limit_server, head, b"[{},")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"error":"payload_too_large"' in answer


def test_a_chunked_body_is_cut_at_the_limit(small_limit_server):
    head = (b"POST /predict_batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    piece = b"[" + b" " * (2 << 20)  # 2 MiB in one chunk, and the terminating chunk never sent
    answer = raw_exchange(small_limit_server, head, f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert small_limit_server.get("/health/live").status_code == 200


def test_a_body_of_many_socket_reads_arrives_whole(small_limit_server, record):
    records = [{**record, "capital_prestado": 1_000 + i} for i in range(1_500)]  # ~0.7 MB: hundreds of reads
    response = small_limit_server.post("/predict_batch", json=records)
    assert response.status_code == 200, response.text[:300]
    assert [r["index"] for r in response.json()["results"]] == list(range(1_500))


def test_a_body_shorter_than_its_declared_length_is_400(small_limit_server):
    head = (b"POST /predict_batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000\r\n\r\n")
    host, port = small_limit_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(head + b"[{}," * 100)
        sock.shutdown(socket.SHUT_WR)  # the client stops before the declared length
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert small_limit_server.get("/health/live").status_code == 200
