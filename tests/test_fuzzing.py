"""Whatever a client sends, the forum answers without a server error (no 500).

Hypothesis draws the values: any unicode, control characters, huge strings, numbers out
of every range, several values for one field, fields no form has, other encodings. Routes
and forms come from the URL map and the pages themselves (form_discovery), so a new route
is fuzzed the day it appears. Set FORUM_FUZZ_EXAMPLES to run more examples than the
default; the default keeps this file under a minute on two cores.
"""
from __future__ import annotations

import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures_core import browser
from form_discovery import (
    ENDING,
    answered,
    as_persona,
    build_world,
    page_addresses,
    personas,
    post_routes,
    site,  # noqa: F401
)

EXAMPLES = int(os.environ.get("FORUM_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
# Query parameters the forum reads somewhere, and a few it never does.
PARAMETERS = ["page", "sort", "state", "topic", "lang", "q", "next", "code", "format",
              "language", "since", "limit", "per_page", "id", "utm_source"]

# Any character a form can carry (lone surrogates cannot be encoded by any client).
characters = st.characters(blacklist_categories=("Cs",))
control = st.text(st.characters(max_codepoint=0x9f, blacklist_categories=("Cs",)), max_size=20)
numbers = st.sampled_from(["0", "-1", "1.5", "1e309", "NaN", "9" * 30, str(2**31), str(2**63),
                           "0x10", " 1 ", "١٢", "-0"])
huge = st.builds(lambda piece, times: piece * times, st.text(characters, min_size=1,
                                                              max_size=4),
                 st.integers(1_000, 60_000))
value = st.one_of(st.text(characters, max_size=200), control, numbers, huge,
                  st.just(""), st.sampled_from(["\x00", "\r\n", "\u202e", "\ufeff", "%00",
                                                "../../etc/passwd", "{{7*7}}", "' OR 1=1 --"]))


def fields(form_values: dict, drawn: dict, extra: dict) -> dict:
    """Merge a form's own values with fuzzed ones and fields no form has."""
    return {**form_values, **drawn, **extra}


@pytest.fixture
def bare_site(app):
    """The world and a browser per persona, without looking for forms."""
    world = build_world(app)
    return world, personas(app, world)


def test_every_post_route_is_fuzzed(app, site):
    world, _, forms = site
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    reachable = {rule.endpoint for rule in app.url_map.iter_rules()
                 if "POST" in rule.methods and rule.arguments <= world["values"].keys()}
    assert posts == reachable, "give form_discovery's world values for the new route arguments"
    assert {form.endpoint for form in forms if form.method == "POST"} <= posts


def test_forms_survive_any_values(app, site):
    _, clients, forms = site

    @FUZZ
    @given(st.data())
    def fuzz(data):
        form = data.draw(st.sampled_from([f for f in forms if f.endpoint not in ENDING]),
                         label="form")
        names = form.text_fields + form.choice_fields
        drawn = data.draw(st.dictionaries(st.sampled_from(names) if names else st.nothing(),
                                          st.one_of(value, st.lists(value, max_size=3)),
                                          max_size=len(names)), label="fields")
        extra = data.draw(st.dictionaries(st.text(characters, min_size=1, max_size=10), value,
                                          max_size=2), label="extra")
        client = as_persona(app, clients, form.persona)
        send = client.get if form.method == "GET" else client.post
        keyword = "query_string" if form.method == "GET" else "data"
        status = answered(send(form.action, **{keyword: fields(form.values, drawn, extra)}))
        assert status < 500, (form.endpoint, drawn, extra)

    fuzz()


def test_post_routes_survive_odd_bodies(app, bare_site):
    world, clients = bare_site
    routes = sorted(address for endpoint, address in post_routes(app, world).items()
                    if endpoint not in ENDING)

    @FUZZ
    @given(st.sampled_from(routes), st.sampled_from(["anonymous", "author", "admin"]),
           st.sampled_from(["form", "json", "multipart", "raw"]),
           st.dictionaries(st.text(characters, min_size=1, max_size=12), value, max_size=4))
    def fuzz(address, persona, encoding, body):
        client = as_persona(app, clients, persona)
        if encoding == "form":
            response = client.post(address, data=body)
        elif encoding == "json":
            response = client.post(address, data=json.dumps(body), content_type="application/json")
        elif encoding == "multipart":
            response = client.post(address, data=body, content_type="multipart/form-data")
        else:
            raw = "&".join(body.values()).encode("utf-8", "surrogatepass") + b"\xff\xfe%%"
            response = client.post(address, data=raw,
                                   content_type="application/x-www-form-urlencoded")
        assert answered(response) < 500, (address, persona, encoding, body)

    fuzz()


# Any JSON document: scalars of every kind, nested lists and objects.
json_documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(characters, max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(characters, max_size=10), inner, max_size=4)),
    max_leaves=20)
# A multipart part: a text value, or a file with any name, type and content.
parts = st.one_of(value, st.builds(
    lambda content, name, kind: (io.BytesIO(content), name, kind),
    st.binary(max_size=2000), st.text(characters, min_size=1, max_size=30),
    st.sampled_from(["text/plain", "application/octet-stream", "image/png", "text/html"])))


def test_post_routes_survive_any_json_document_and_any_multipart_body(app, bare_site):
    world, clients = bare_site
    # The API takes no POST at all: it answers any of them with its JSON 404.
    routes = sorted(address for endpoint, address in post_routes(app, world).items()
                    if endpoint not in ENDING and not endpoint.startswith("api."))

    @FUZZ
    @given(st.sampled_from(routes), st.sampled_from(["anonymous", "author", "admin"]),
           json_documents, st.dictionaries(st.sampled_from(
               ["title", "body", "email", "password", "display_name", "reason", "name",
                "language", "ids", "items", "action", "csrf_token", "next"]), parts, max_size=5))
    def fuzz(address, persona, document, multipart):
        client = as_persona(app, clients, persona)
        as_json = client.post(address, data=json.dumps(document), content_type="application/json")
        assert answered(as_json) == 415, (address, document)
        as_parts = client.post(address, data=multipart, content_type="multipart/form-data")
        assert answered(as_parts) < 500, (address, persona, multipart)

    fuzz()


def test_pages_and_the_api_survive_any_query(app, bare_site):
    world, clients = bare_site
    addresses = page_addresses(app, world)

    @FUZZ
    @given(st.sampled_from(addresses), st.sampled_from(["anonymous", "admin"]),
           st.dictionaries(st.one_of(st.sampled_from(PARAMETERS),
                                     st.text(characters, min_size=1, max_size=10)),
                           st.one_of(value, st.lists(value, max_size=3)), max_size=4),
           st.sampled_from(["text/html", "application/json", "*/*", ""]))
    def fuzz(address, persona, query, accept):
        client = as_persona(app, clients, persona)
        response = client.get(address, query_string=query, headers={"Accept": accept})
        assert answered(response) < 500, (address, query)

    fuzz()


@FUZZ
@given(path=st.text(characters, min_size=1, max_size=80))
def test_any_api_address_is_a_json_answer(app, path):
    response = browser(app).get("/api/v1/" + path.lstrip("/"))
    assert answered(response) < 500
    if response.status_code >= 400:
        assert response.is_json
