"""SQLite export chunks read straight into Arrow tables by ADBC's SQLite driver, in a child process.

Through the ``sqlite3`` module every cell of an export chunk becomes a Python object, built while holding the
GIL — most of the SQLite export's cost. ADBC's driver steps the statement in C and fills Arrow arrays. It carries
its own copy of SQLite, and two copies of SQLite must never open one database file in one process: POSIX locks
belong to the process, so the copy that closes the file drops the locks the other copy holds — the web process's
write lock included, letting another process write at the same time (SQLite's "How To Corrupt" §2.2.1). So the
driver runs in a child process (:mod:`app.services.log.arrow_child`), a reader like any other; each chunk comes
back as an Arrow IPC stream through a pipe. Until the child is up (it starts with an export's second chunk and
takes a few hundred ms) chunks are read here through ``sqlite3``: :class:`ArrowReader` answers None. A log in
memory has no file a child could open.
"""
from __future__ import annotations

import contextlib
import json
import logging
import select
import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.services.log.store import PredictionLogError

CHILD = Path(__file__).with_name("arrow_child.py")
logger = logging.getLogger(__name__)


class ArrowReader:
    """Runs ``select`` statements of up to ``chunk_rows`` rows in the child and returns them as Arrow tables.

    The child starts at the second read (the first chunk of an export is read here: most exports are one chunk),
    or at the first with ``wait``. The driver types each column from the values of its first batch
    (``chunk_rows`` rows: all of them). Use it as a context manager (or call :meth:`close`)."""

    def __init__(self, engine: Engine, uri: str, chunk_rows: int, *, wait: bool = False) -> None:
        self._dialect = engine.dialect
        self._command = [sys.executable, "-P", str(CHILD), uri, str(chunk_rows)]  # -P: not this folder on sys.path
        self._child: subprocess.Popen | None = None
        self._calls = 0
        self._ready, self._broken, self._wait = False, False, wait
        self._lock = threading.Lock()

    def __call__(self, select_: sa.Select) -> pa.Table | None:
        """The rows of ``select_`` as one Arrow table; None while the child is starting (unless the reader was made
        to ``wait`` for it) or when it could not start: the caller reads them itself."""
        compiled = select_.compile(dialect=self._dialect, compile_kwargs={"render_postcompile": True})
        params = [_driver_value(compiled.params[name]) for name in compiled.positiontup or ()]
        try:
            request = json.dumps({"sql": compiled.string, "params": params}).encode() + b"\n"
        except TypeError:  # a value JSON cannot carry: read here
            return None
        with self._lock:
            self._calls += 1
            if self._child is None and (self._wait or self._calls > 1):  # a one-chunk export never starts it
                self._child = subprocess.Popen(self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            if self._child is None or not self._started():
                return None
            try:
                self._child.stdin.write(request)
                self._child.stdin.flush()
                status, payload = self._read(1), self._read(int.from_bytes(self._read(8), "little"))
            except (OSError, EOFError) as error:  # the child died (killed, out of memory): the rest is read here
                self._broken = True
                logger.warning("the export's Arrow reader stopped (%s); chunks are read through sqlite3", error)
                return None
        if status != b"0":
            raise PredictionLogError(f"could not read the prediction log: {payload.decode(errors='replace')}")
        return pa.ipc.open_stream(pa.py_buffer(payload)).read_all()

    def _started(self) -> bool:
        """Whether the child is ready (it writes ``R`` once its imports and connection are done)."""
        starting = not self._ready and not self._broken
        if starting and (self._wait or select.select([self._child.stdout], [], [], 0)[0]):
            self._ready = self._child.stdout.read(1) == b"R"
            self._broken = not self._ready
            if self._broken:
                logger.warning("the export's Arrow reader did not start; chunks are read through sqlite3")
        return self._ready

    def _read(self, size: int) -> bytes:
        data = self._child.stdout.read(size)
        if len(data) != size:
            raise EOFError(f"{len(data)} of {size} bytes")
        return data

    def close(self) -> None:
        """End the child: once ready it exits when its stdin closes; a child still starting is killed (it has not
        read anything), so a short export does not wait for it."""
        if self._child is None:
            return
        for pipe in (self._child.stdin, self._child.stdout):
            with contextlib.suppress(OSError):  # a child that died leaves a broken pipe
                pipe.close()
        if not self._ready:
            self._child.kill()
        try:
            self._child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()

    def __enter__(self) -> ArrowReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def arrow_reader(engine: Engine, chunk_rows: int, *, wait: bool = False) -> ArrowReader | None:
    """A reader of ``engine``'s SQLite file (opened read-only) in a child process; None unless ``engine`` is a
    SQLite file. ``wait``: its first read waits for the child to start instead of answering None."""
    uri = _file_uri(engine)
    return None if uri is None else ArrowReader(engine, uri, chunk_rows, wait=wait)


def _file_uri(engine: Engine) -> str | None:
    """``engine``'s database as a read-only SQLite URI (as given when the URL already is a URI), or None."""
    if engine.dialect.name != "sqlite":
        return None
    args, options = engine.dialect.create_connect_args(engine.url)
    name = args[0] if args else ":memory:"
    if options.get("uri"):
        return None if "mode=memory" in name else name
    return None if name in ("", ":memory:") else f"file:{quote(name)}?mode=ro"


def _driver_value(value: Any) -> Any:
    """A bound value as SQLite stores it (SQLAlchemy's processing for the types the log's conditions use)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value
