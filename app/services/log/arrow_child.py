"""The process that reads SQLite export chunks into Arrow with ADBC's driver, for :mod:`app.services.log.export_read`.

Run as a script (``python -P arrow_child.py URI BATCH_ROWS``): it imports only pyarrow and the driver. ADBC's driver
carries its own copy of SQLite; two copies in one process break SQLite's locking (POSIX locks belong to the
process, so when one copy closes the file it drops the locks the other copy holds, a write lock included), which
is why the driver never opens the log inside the web process. Here it is one more reader process, as safe as any.

Protocol on stdin/stdout: after start-up the child writes ``R``; then for each request line (JSON
``{"sql": …, "params": […]}``) it answers one frame: a status byte (``0`` an Arrow IPC stream, ``1`` an error
message in UTF-8), the payload's length (8 bytes, little-endian) and the payload. It exits when stdin closes.
"""
from __future__ import annotations

import io
import json
import sys

import adbc_driver_sqlite
import adbc_driver_sqlite.dbapi
import pyarrow as pa

BUSY_TIMEOUT_MS = 30_000


def answer(out: io.BufferedWriter, status: bytes, payload: bytes | memoryview) -> None:
    """Write one frame: status byte, payload length, payload."""
    out.write(status + len(payload).to_bytes(8, "little"))
    out.write(payload)
    out.flush()


def serve(uri: str, batch_rows: int) -> None:
    """Answer requests until stdin closes; each query is its own read transaction (autocommit)."""
    out = sys.stdout.buffer
    with adbc_driver_sqlite.dbapi.connect(uri, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # as the log's engine waits (WAL recovery)
        cursor.adbc_statement.set_options(**{adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value: batch_rows})
        out.write(b"R")
        out.flush()
        for line in sys.stdin.buffer:
            request = json.loads(line)
            try:
                cursor.execute(request["sql"], request["params"] or None)
                table = cursor.fetch_arrow_table()
            except Exception as error:  # any driver error goes back to the parent, worded
                answer(out, b"1", str(error).encode())
            else:
                sink = io.BytesIO()
                with pa.ipc.new_stream(sink, table.schema) as writer:
                    writer.write_table(table)
                answer(out, b"0", sink.getbuffer())


if __name__ == "__main__":
    try:
        serve(sys.argv[1], int(sys.argv[2]))
    except BrokenPipeError:  # the export ended (or its client went away) while an answer was being written
        sys.exit(0)
