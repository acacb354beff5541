"""A JSON request's body as bytes, read in socket-sized pieces under gunicorn.

gunicorn's ``wsgi.input`` (``Body.read``) gathers a body 1 KiB at a time, copying its buffer at each step: about
11 ms of a worker's CPU for the 5 MB of a 10,000-record ``/predict_batch``. When the body is untouched and sized
by ``Content-Length``, its length reader hands it over in the socket's own chunks instead (~1 ms). Anything else
(chunked bodies, other servers, a body already read) goes through ``request.get_data`` as before.
"""
from __future__ import annotations

from flask import request
from gunicorn.http.body import Body, LengthReader
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge


def body_bytes() -> bytes:
    """The whole request body; 413 past ``MAX_CONTENT_LENGTH`` without reading it, 400 when the client stops
    before its declared length — as ``request.get_data(cache=False)``."""
    stream, length, limit = request.environ.get("wsgi.input"), request.content_length, request.max_content_length
    if length is not None and limit is not None and length > limit:
        raise RequestEntityTooLarge()
    reader = getattr(stream, "reader", None)
    if (isinstance(stream, Body) and isinstance(reader, LengthReader) and length is not None
            and reader.length == length and not stream.buf.getbuffer().nbytes):
        data = reader.read(length)
        if len(data) < length:
            raise ClientDisconnected()
        return data
    return request.get_data(cache=False)
