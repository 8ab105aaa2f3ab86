"""With CSRF protection on, as in production, every POST route refuses a missing or foreign
token, for visitors and members alike. Routes come from the URL map: none can be forgotten."""
from __future__ import annotations

import pytest

from fixtures_core import browser, csrf_token
from form_discovery import build_world, personas, post_routes
from forum.extensions import csrf

CSRF_MESSAGE = "The form expired or was not sent from this site"


@pytest.fixture
def settings(settings):
    return {**settings, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def site(app):
    world = build_world(app)
    return post_routes(app, world), personas(app, world, csrf=True)


def refused(response) -> bool:
    """Say whether a response is the CSRF refusal, as a page or as JSON."""
    if response.status_code != 400:
        return False
    if response.is_json:
        return response.get_json()["error"]["code"] == "csrf"
    return CSRF_MESSAGE in response.get_data(as_text=True)


def test_no_view_is_exempt(app):
    assert not csrf._exempt_views and not csrf._exempt_blueprints


@pytest.mark.parametrize("persona", ["anonymous", "author", "admin"])
def test_every_post_route_refuses_a_missing_token(app, site, persona):
    routes, clients = site
    for endpoint, address in routes.items():
        for headers in ({}, {"Accept": "application/json"}):
            response = clients[persona].post(address, data={"anything": "x"}, headers=headers)
            assert refused(response), (endpoint, persona, response.status_code)
    assert clients[persona].get("/").status_code == 200


def test_every_post_route_refuses_another_sessions_token(app, site):
    routes, clients = site
    stranger = browser(app)
    foreign = csrf_token(stranger, "/login")  # a token the attacker got from their own visit
    for endpoint, address in routes.items():
        response = clients["author"].post(address, data={"csrf_token": foreign})
        assert refused(response), endpoint


def test_the_token_is_bound_to_the_session_not_guessable(app, site):
    _, clients = site
    first, second = csrf_token(clients["author"], "/account"), \
        csrf_token(clients["admin"], "/account")
    assert first != second and len(first) > 40
