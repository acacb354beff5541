"""Staged uploads (the tab's file checked before any job exists): one start per ticket, a day's life, safe ids."""
from __future__ import annotations

import os
import time

from app.services.jobs.staging import STALE_SECONDS, TICKET_SUFFIX, sweep, take_ticket, valid_upload_id, write_ticket

UPLOAD_ID = "a" * 32


def _stage(folder, upload_id: str = UPLOAD_ID):
    path = folder / f"{upload_id}.csv"
    path.write_text("edad_cliente\n30\n")
    write_ticket(folder, upload_id, filename="cartera.csv", path=path, size_bytes=16, rows=1)
    return path


def test_a_ticket_is_taken_once(tmp_path):
    path = _stage(tmp_path)
    ticket = take_ticket(tmp_path, UPLOAD_ID)
    assert ticket == {"filename": "cartera.csv", "path": str(path), "size_bytes": 16, "rows": 1}
    assert take_ticket(tmp_path, UPLOAD_ID) is None and path.is_file()  # the file stays: it is the job's now
    assert not list(tmp_path.glob(f"*{TICKET_SUFFIX}")) and not list(tmp_path.glob("*.taken"))


def test_ids_that_are_not_an_upload_id_never_reach_the_disk(tmp_path):
    _stage(tmp_path)
    for bad in ("../" + UPLOAD_ID, UPLOAD_ID.upper(), "a" * 31, None, 7):
        assert not valid_upload_id(bad) and take_ticket(tmp_path, bad) is None
    assert take_ticket(tmp_path, "b" * 32) is None


def test_a_ticket_without_its_file_is_refused(tmp_path):
    _stage(tmp_path).unlink()
    assert take_ticket(tmp_path, UPLOAD_ID) is None


def test_sweep_removes_only_stale_staged_uploads(tmp_path):
    old, fresh = _stage(tmp_path), _stage(tmp_path, "c" * 32)
    job_upload = tmp_path / ("d" * 32 + ".csv")  # a job's own upload has no ticket: never swept
    job_upload.write_text("x\n")
    stale = time.time() - STALE_SECONDS - 60
    os.utime(tmp_path / f"{UPLOAD_ID}{TICKET_SUFFIX}", (stale, stale))
    sweep(tmp_path)
    assert not old.exists() and not (tmp_path / f"{UPLOAD_ID}{TICKET_SUFFIX}").exists()
    assert fresh.exists() and job_upload.exists() and take_ticket(tmp_path, "c" * 32) is not None
    sweep(tmp_path / "missing")  # no uploads folder yet: nothing to do
