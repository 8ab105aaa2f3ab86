"""Serving with gunicorn: what gunicorn answers by itself carries the forum's headers too.

gunicorn refuses some requests before the forum sees them (a request line longer than
`limit_request_line` gets 414, a malformed header 400) with a small page of its own that
has none of the forum's security headers. `install_error_pages` makes those answers carry
the same Content-Security-Policy and other headers as every page of the forum. It is
called by `config/gunicorn.conf.py`, which `make run` and the deployment examples use.
"""
from __future__ import annotations

import html

from forum.security import HEADERS

PAGE = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>{reason}</title></head>"
        "<body><h1>{status} {reason}</h1><p>{message}</p></body></html>")


def error_response(status: int, reason: str, message: str) -> bytes:
    """Return a whole HTTP response for an error gunicorn found in a request."""
    body = PAGE.format(status=status, reason=html.escape(reason),
                       message=html.escape(message)).encode()
    headers = {"Connection": "close", "Content-Type": "text/html; charset=utf-8",
               "Content-Length": str(len(body)), "Cache-Control": "no-store", **HEADERS}
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


def install_error_pages() -> None:
    """Make gunicorn's own error answers carry the forum's security headers."""
    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):
        util.write_nonblock(sock, error_response(status_int, reason, mesg))

    util.write_error = write_error
