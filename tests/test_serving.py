"""Served by gunicorn, every answer carries the security headers, even gunicorn's own errors."""
from __future__ import annotations

import socket
import urllib.parse

import pytest

from forum.security import HEADERS
from support_serving import start_web


@pytest.fixture
def served(settings):
    process, base = start_web(settings)
    yield urllib.parse.urlsplit(base)
    process.terminate()
    process.wait(30)


def raw_request(address, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; return the status, headers and body of the answer."""
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def assert_locked_down(headers: dict[str, str]) -> None:
    for name, value in HEADERS.items():
        assert headers.get(name.lower()) == value, name


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /search?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
])
def test_gunicorns_own_error_answers_carry_the_security_headers(served, request_bytes, status):
    code, headers, body = raw_request(served, request_bytes)

    assert code == status
    assert_locked_down(headers)
    assert b"<script" not in body


def test_a_page_an_error_page_and_a_refused_body_carry_them_too(served):
    for request_bytes, status in [
        (b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
        (b"POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
         b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", 415),
    ]:
        code, headers, _ = raw_request(served, request_bytes)
        assert code == status
        assert_locked_down(headers)
