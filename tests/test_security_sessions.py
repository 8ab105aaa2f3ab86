"""Sessions are renewed on login and password change; cookies are locked; proxies trusted
only when configured."""
from __future__ import annotations

import pytest

import factories as make
from fixtures_core import browser, csrf_token, log_in
from security_support import from_address

SESSION = "session"


def cookie(client, name: str = SESSION) -> str | None:
    found = client.get_cookie(name, domain="forum.test")
    return found.value if found is not None else None


def with_cookie(app, value: str, name: str = SESSION):
    """Return a new browser holding only this cookie, as an attacker who copied it would."""
    other = browser(app)
    other.set_cookie(name, value, domain="forum.test")
    return other


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


# --- Session fixation ---------------------------------------------------------------------

def test_login_starts_a_new_session_without_what_was_planted(app, client):
    person = make.user("Marta")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    planted = cookie(client)
    log_in(client, person)
    assert cookie(client) != planted
    with client.session_transaction() as session:
        assert "planted" not in session
    assert not is_logged_in(with_cookie(app, planted))  # the planted cookie stays anonymous


def test_password_change_renews_the_session_and_ends_the_old_cookie(app, client):
    person = make.user("Marta")
    log_in(client, person)
    before = cookie(client)
    assert is_logged_in(with_cookie(app, before))
    response = client.post("/account/password", data={
        "current_password": make.PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert cookie(client) != before and is_logged_in(client)
    assert not is_logged_in(with_cookie(app, before))


class TestWithCsrf:
    @pytest.fixture
    def settings(self, settings):
        return {**settings, "WTF_CSRF_ENABLED": True}

    def test_a_form_token_from_before_login_is_refused_after(self, app, client):
        make.user("Marta")
        before = csrf_token(client, "/login")
        response = client.post("/login", data={"display_name": "Marta",
                                               "password": make.PASSWORD, "csrf_token": before})
        assert response.status_code == 302
        stale = client.post("/account", data={"language": "es", "csrf_token": before})
        assert stale.status_code == 400
        fresh = client.post("/account", data={"language": "es",
                                               "csrf_token": csrf_token(client, "/account")})
        assert fresh.status_code == 302


# --- Sessions that end ---------------------------------------------------------------------

def logged_in_twice(app, person):
    """Return two browsers logged in as `person`, as on a phone and a laptop."""
    phone, laptop = browser(app), browser(app)
    log_in(phone, person)
    log_in(laptop, person, remember=True)
    return phone, laptop


def test_a_cookie_copied_before_logout_opens_nothing_after(app, client):
    person = make.user("Marta")
    log_in(client, person, remember=True)
    copied = {name: cookie(client, name) for name in (SESSION, "remember_token")}
    assert is_logged_in(with_cookie(app, copied[SESSION]))

    client.post("/logout")

    assert not is_logged_in(client)
    assert not is_logged_in(with_cookie(app, copied[SESSION]))
    assert not is_logged_in(with_cookie(app, copied["remember_token"], "remember_token"))


def test_logging_out_on_one_device_leaves_the_others_logged_in(app):
    phone, laptop = logged_in_twice(app, make.user("Marta"))

    phone.post("/logout")

    assert not is_logged_in(phone) and is_logged_in(laptop)


def test_log_out_everywhere_ends_every_login(app):
    phone, laptop = logged_in_twice(app, make.user("Marta"))
    assert "logged in on 2 devices or browsers" in laptop.get("/account").get_data(as_text=True)

    response = laptop.post("/account/sessions/end")

    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not is_logged_in(phone) and not is_logged_in(laptop)


def test_a_ban_ends_the_persons_logins_at_once(app):
    from forum.moderation import service as moderation
    from forum.moderation.models import Action

    person = make.user("Marta")
    phone, laptop = logged_in_twice(app, person)
    moderation.restrict(make.user("Mod", role="moderator"), person, Action.BAN,
                        "Spam, again and again.")

    assert not is_logged_in(phone) and not is_logged_in(laptop)


def test_deleting_the_account_ends_every_login(app):
    person = make.user("Marta")
    phone, laptop = logged_in_twice(app, person)
    copied = cookie(laptop)

    response = phone.post("/account/delete", data={"password": make.PASSWORD, "mode": "erase",
                                                   "confirm": "y"})

    assert response.status_code == 302
    assert not is_logged_in(laptop) and not is_logged_in(with_cookie(app, copied))


def test_the_database_keeps_only_a_hash_of_the_login(app, client):
    from sqlalchemy import select

    from forum.accounts.models import AccountSession
    from forum.db import db

    log_in(client, make.user("Marta"))
    with client.session_transaction() as session:
        token = session["_user_id"]

    stored = db.session.scalars(select(AccountSession.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(token) >= 40


def test_a_login_older_than_the_remember_period_is_over_and_purged(app, client):
    from datetime import timedelta

    from sqlalchemy import update

    from forum.accounts.models import AccountSession
    from forum.db import db, utcnow
    from forum.privacy.service import purge

    log_in(client, make.user("Marta"), remember=True)
    days = app.config["REMEMBER_COOKIE_DAYS"]
    db.session.execute(update(AccountSession).values(
        created_at=utcnow() - timedelta(days=days + 1)))
    db.session.commit()

    assert not is_logged_in(client)
    assert purge()["logins"] == 1


# --- Cookie flags ---------------------------------------------------------------------------

def set_cookies(response) -> list[dict]:
    """Parse the Set-Cookie headers of a response into name, value and lower-cased flags."""
    found = []
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        flags = {part.strip().split("=")[0].lower(): part.strip().partition("=")[2]
                 for part in rest.split(";")[1:]}
        found.append({"name": name, "header": header, **flags})
    return found


def cookies_of_a_visit(app) -> list[dict]:
    """Log in with "remember me", pick a language, log out; return every cookie set."""
    make.user("Marta")
    client = browser(app)
    responses = [client.get("/login"),
                 client.post("/login", data={"display_name": "Marta", "remember": "y",
                                             "password": make.PASSWORD}),
                 client.get("/"), client.post("/language", data={"code": "es"}),
                 client.post("/logout"), client.get("/language?code=fr")]
    found = [c for r in responses for c in set_cookies(r)]
    # Cookies being deleted (expired at once) carry no value worth protecting.
    return [c for c in found if c.get("max-age") != "0" and "1970" not in c.get("expires", "")]


class TestCookieFlags:
    @pytest.fixture(params=[False, True], ids=["http", "https"])
    def settings(self, request, settings):
        return {**settings, "SECURE_COOKIES": request.param}

    def test_every_cookie_is_httponly_samesite_and_secure_over_https(self, app):
        secure = app.config["SECURE_COOKIES"]
        found = cookies_of_a_visit(app)
        assert {"session", "remember_token", "lang"} <= {c["name"] for c in found}
        for each in found:
            assert "httponly" in each, each["header"]
            assert each.get("samesite", "").lower() in ("lax", "strict"), each["header"]
            assert ("secure" in each) is secure, each["header"]

    def test_https_sites_ask_browsers_to_stay_on_https(self, app, client):
        header = client.get("/").headers.get("Strict-Transport-Security")
        assert (header is not None) is app.config["SECURE_COOKIES"]


# --- Reverse proxies ------------------------------------------------------------------------

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.23"}


def api_url(client, proposal) -> str:
    return client.get(f"/api/v1/proposals/{proposal.id}", headers=FORWARDED).get_json()["url"]


def registrations(client, forwarded_for: list[str]) -> list[int]:
    return [client.post("/register", data={}, headers={"X-Forwarded-For": address},
                        **from_address("10.0.0.1")).status_code for address in forwarded_for]


class TestWithoutProxies:
    @pytest.fixture
    def settings(self, settings):
        return {**settings, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_the_forwarded_scheme_is_ignored(self, app, client):
        assert api_url(client, make.proposal()).startswith("http://forum.test/")

    def test_forged_forwarded_addresses_buy_no_new_budget(self, app, client):
        app.config["RATELIMIT_REGISTER"] = "1 per hour"
        assert registrations(client, ["192.0.2.1", "192.0.2.2"]) == [422, 429]


class TestBehindOneProxy:
    @pytest.fixture
    def settings(self, settings):
        return {**settings, "PROXY_COUNT": 1, "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://"}

    def test_the_forwarded_scheme_makes_urls_https(self, app, client):
        assert api_url(client, make.proposal()).startswith("https://forum.test/")

    def test_the_forwarded_address_is_the_clients(self, app, client):
        app.config["RATELIMIT_REGISTER"] = "1 per hour"
        assert registrations(client, ["192.0.2.1", "192.0.2.2", "192.0.2.1"]) == \
            [422, 422, 429]
