"""The health check, and the headers and markup that keep every page private and locked."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import factories as make
from fixtures_core import log_in, page
from forum import create_app


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_says_when_the_database_is_gone(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "TESTING": True,
                      "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/forum.db"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


@pytest.fixture
def pages(client):
    """Addresses of the kinds of pages people see, with some content on them."""
    proposal = make.proposal()
    comment = make.comment(proposal, body="See [the plan](https://example.org/plan).")
    return ["/", "/proposals", f"/proposals/{proposal.id}", f"/comments/{comment.id}",
            "/login", "/register", f"/people/{proposal.author_id}", "/no-such-page",
            "/api/v1/languages", "/api/v1/nothing", "/healthz"]


def test_every_page_has_the_security_headers(client, pages):
    for address in pages:
        headers = client.get(address).headers
        policy = headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'", address
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # only when served over HTTPS


def test_pages_need_nothing_inline_and_nothing_from_elsewhere(client, pages):
    log_in(client, make.user(role="admin"))
    for address in pages + ["/proposals/new", "/account", "/admin/topics"]:
        response = client.get(address)
        if response.mimetype != "text/html":
            continue
        document = page(response)
        assert document.find("style") is None, address
        for element in document.iter():
            assert "style" not in element.attrs, (address, element.tag)
            assert not any(name.startswith("on") for name in element.attrs), address
            if element.tag == "script":
                assert element.attrs.get("src"), "inline script: the CSP would block it"
            # Stylesheets, scripts, images and forms come from the forum itself.
            for name in ("src", "action") + (("href",) if element.tag == "link" else ()):
                if name in element.attrs:
                    assert urlsplit(element.attrs[name]).netloc in ("", "forum.test"), \
                        (address, element.tag, element.attrs[name])


def test_the_session_cookie_is_private(client):
    person = make.user()
    response = client.post("/login", data={"display_name": person.display_name,
                                           "password": make.PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_error_pages_are_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "There is nothing here" in page(response).find("main").text
    assert client.get("/no-such-page", headers={"Accept": "application/json"}).get_json() == {
        "error": {"status": 404, "code": "not_found",
                  "message": "There is nothing here. It may have been removed, "
                             "or the address is wrong."}}
