"""Which language people read in: their setting, then their cookie, then their browser."""
from __future__ import annotations

import pytest
from markupsafe import escape

import factories as make
from fixtures_core import browser, log_in


def test_a_visitor_picks_a_language_with_a_cookie_and_no_session(app, client):
    response = client.get("/language?code=es&next=/proposals")

    assert response.status_code == 302 and response.headers["Location"].endswith("/proposals")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=es;")
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


def test_the_cookie_outranks_the_browser_and_the_setting_outranks_the_cookie(app):
    proposal = make.proposal(title="Benches along the river path")
    app.config["UI_LANGUAGES"] = ["en", "es"]
    client = browser(app)
    headers = {"Accept-Language": "es"}
    assert '<html lang="es"' in client.get("/", headers=headers).get_data(as_text=True)

    client.get("/language?code=en")
    assert '<html lang="en"' in client.get("/", headers=headers).get_data(as_text=True)

    member = make.user(language="es")
    log_in(client, member)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert '<html lang="es"' in page


def test_a_member_changes_their_setting_with_the_switcher(app):
    app.config["UI_LANGUAGES"] = ["en", "es"]
    member = make.user(language="en")
    client = browser(app)
    log_in(client, member)

    assert client.get("/language?code=es").status_code == 302  # a link may not change it
    client.post("/language", data={"code": "es", "next": "/"})

    assert '<html lang="es"' in client.get("/").get_data(as_text=True)


def test_unknown_languages_and_foreign_redirects_are_ignored(app, client):
    response = client.get("/language?code=xx&next=https://evil.example/")

    assert response.headers["Location"] == "/"
    assert not response.headers.getlist("Set-Cookie")


def test_every_page_offers_the_switcher(app, client):
    app.config["UI_LANGUAGES"] = ["en", "es", "fr"]

    html = client.get("/").get_data(as_text=True)

    assert 'action="/language"' in html and 'lang="fr">Français</option>' in html


ALL_UI_LANGUAGES = ["bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "ga",
                    "gl", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl",
                    "sv", "uk"]


def test_the_instance_offers_every_eu_language_and_four_more():
    from forum.config import load_settings

    assert sorted(load_settings({})["UI_LANGUAGES"]) == ALL_UI_LANGUAGES


@pytest.mark.parametrize("language", ALL_UI_LANGUAGES)
def test_each_interface_language_is_served_from_its_catalog(app, client, language):
    from babel.messages.pofile import read_po

    from forum import catalogs

    app.config["UI_LANGUAGES"] = ALL_UI_LANGUAGES
    with open(catalogs.catalog_path(language), "rb") as file:
        expected = read_po(file).get("Skip to content").string

    html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)

    assert f'<html lang="{language}"' in html
    assert f'href="#main">{escape(expected)}</a>' in html
