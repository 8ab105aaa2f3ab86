"""Every route × every kind of malformed request: a clear 4xx or the form again, never a 5xx.

The routes come from the URL map and the forms from the pages (form_discovery), so a new
route is attacked the day it appears. Each kind below is something a tester sent and got
a 500 for, or its close relative. A request that is refused (any 4xx) must change nothing
in the database: no partial writes.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from fixtures_core import browser
from form_discovery import (
    ENDING,
    answered,
    as_persona,
    page_addresses,
    post_routes,
    site,  # noqa: F401
)
from forum.db import db

HUGE = ["1" + "0" * 30, "9" * 5000, "-" + "9" * 40]
ODD_JSON = [123, 1.5, None, True, {}, [], {"a": [1, {"b": None}]}, "x" * 10]
CRLF_NEXT = "/\r\nSet-Cookie: taken=1"


def counts() -> dict[str, int]:
    """Count the rows of every table (what a refused request must leave alone)."""
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def with_each_field(form, value) -> dict:
    return {**form.values, **{name: [value] for name in form.text_fields + form.choice_fields}}


def _json(form, body) -> dict:
    return dict(data=json.dumps(body), content_type="application/json")


# Each kind: (build the request from a form, must it be refused with a 4xx?)
KINDS = {
    "json-array": (lambda form: _json(form, [1, 2, 3]), True),
    "json-string": (lambda form: _json(form, "hello"), True),
    "json-deep": (lambda form: dict(data="[" * 100_000 + "]" * 100_000,
                                     content_type="application/json"), True),
    "json-odd-values": (lambda form: _json(form, {
        name: ODD_JSON[index % len(ODD_JSON)]
        for index, name in enumerate(form.values)}), True),
    "json-of-the-form": (lambda form: _json(form, {k: v[0] for k, v in form.values.items()}),
                         True),
    "text-plain": (lambda form: dict(data="title=x&body=y", content_type="text/plain"), True),
    "xml": (lambda form: dict(data="<form><title>x</title></form>",
                              content_type="application/xml"), True),
    "file-in-every-field": (lambda form: dict(data={
        **{k: v[0] for k, v in form.values.items()},
        **{name: (__import__("io").BytesIO(b"file content"), "a.txt")
           for name in form.text_fields}}, content_type="multipart/form-data"), False),
    "nul-in-every-field": (lambda form: dict(data=with_each_field(form, "a\x00b")), False),
    "huge-numbers": (lambda form: dict(data=with_each_field(form, HUGE[0])), False),
    "5000-digits": (lambda form: dict(data=with_each_field(form, HUGE[1])), False),
    "invalid-utf8": (lambda form: dict(
        data=b"&".join(f"{name}=".encode() + b"%FF%FE\xff\xc3(" for name in form.values),
        content_type="application/x-www-form-urlencoded"), False),
    "every-field-twice": (lambda form: dict(data={k: v + v + ["other"] for k, v in
                                                  form.values.items()}), False),
    "crlf-next": (lambda form: dict(data=form.values, query_string={"next": CRLF_NEXT}), False),
    "over-the-size-limit": (lambda form: dict(data={**{k: v[0] for k, v in form.values.items()},
                                                    "body": "x" * 1_100_000}), True),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_form_refuses_a_malformed_body_cleanly(app, site, kind):
    world, clients, forms = site
    build, refused = KINDS[kind]
    failures, sent = [], 0
    for form in [f for f in forms if f.method == "POST"]:
        if form.endpoint in ENDING and not refused:
            continue
        before = counts()
        code = answered(as_persona(app, clients, form.persona).post(form.action, **build(form)))
        sent += 1
        if code >= 500 or (refused and not 400 <= code < 500):
            failures.append((form.endpoint, form.persona, code))
        elif code >= 400 and counts() != before:
            failures.append((form.endpoint, form.persona, code, "wrote rows"))
    assert sent >= 20
    assert failures == []


@pytest.mark.parametrize("kind", ["json-array", "json-deep", "file", "huge", "nul"])
def test_post_routes_without_a_form_on_any_page_refuse_cleanly_too(app, site, kind):
    world, clients, _ = site
    failures = []
    for endpoint, address in sorted(post_routes(app, world).items()):
        client = as_persona(app, clients, "admin")
        if kind == "json-array":
            response = client.post(address, data="[1]", content_type="application/json")
        elif kind == "json-deep":
            response = client.post(address, data="[" * 100_000, content_type="application/json")
        elif kind == "file":
            response = client.post(address, data={"body": (__import__("io").BytesIO(b"x"), "a")},
                                   content_type="multipart/form-data")
        elif kind == "huge":
            response = client.post(address, data={"ids": HUGE, "page": HUGE[1], "id": HUGE[0]})
        else:
            response = client.post(address, data={"body": "\x00", "title": "\x00"})
        if answered(response) >= 500:
            failures.append((endpoint, response.status_code))
    assert failures == []


QUERIES = {
    "huge-page": {"page": HUGE[0]},
    "5000-digit-page": {"page": HUGE[1], "topic": HUGE[1], "per_page": HUGE[1]},
    "nul": {"q": "a\x00b", "page": "\x00", "sort": "\x00", "lang": "\x00", "state": "\x00"},
    "several-values": {"page": ["1", "2"], "q": ["a", "b"], "sort": ["new", "old"]},
    "crlf-next": {"next": CRLF_NEXT},
    "invalid-utf8": None,  # sent raw: %FF is not UTF-8
}


@pytest.mark.parametrize("kind", sorted(QUERIES))
def test_every_page_survives_a_malformed_query(app, site, kind):
    world, clients, _ = site
    failures = []
    addresses = page_addresses(app, world)
    for address in addresses:
        for persona in ("anonymous", "admin"):
            client = as_persona(app, clients, persona)
            if QUERIES[kind] is None:
                response = client.get(address + "?page=%FF%FE&q=%C3%28&lang=%ff")
            else:
                response = client.get(address, query_string=QUERIES[kind])
            if answered(response) >= 500:
                failures.append((address, persona, response.status_code))
    assert len(addresses) >= 30
    assert failures == []


def test_a_next_address_with_a_line_break_is_ignored_not_obeyed(app, site):
    world, clients, _ = site
    person = world["people"]["author"]
    client = browser(app)
    response = client.post("/login", query_string={"next": CRLF_NEXT},
                           data={"display_name": person.display_name,
                                 "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "taken" not in response.headers.get("Set-Cookie", "")
    for method in ("get", "post"):
        answer = getattr(client, method)("/language", query_string={"next": CRLF_NEXT},
                                         data={"language": "fr"})
        assert answer.status_code in (200, 302, 303) and \
            "\n" not in answer.headers.get("Location", "")
