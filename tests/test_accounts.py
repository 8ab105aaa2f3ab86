"""Registering, logging in and out, passwords, settings, profiles and the users CLI."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

import factories as make
from factories import PASSWORD
from fixtures_core import (
    browser,
    field_errors,
    flashes,
    is_login_redirect,
    location,
    log_in,
    main,
    page,
    reload,
)
from forum.accounts import service as accounts
from forum.accounts.models import User
from forum.accounts.service import find_by_name
from forum.comments import service as comments
from forum.db import db


def register(client, name="Marta", password=PASSWORD, confirm=None, language="es", email=""):
    return client.post("/register", data={
        "display_name": name, "password": password,
        "confirm": password if confirm is None else confirm, "language": language, "email": email})


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def make_client(client):
    """Return another browser on the same forum."""
    return browser(client.application)


def accounts_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


# --- Registration ---------------------------------------------------------------------------

def test_register_with_pseudonym_and_no_email_logs_in(client):
    response = register(client, name="  Marta   la  Vecina ")
    # The answer shows the recovery codes, once, and leads on to the forum.
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "Welcome, Marta la Vecina!" in response.text and 'href="/"' in response.text
    user = find_by_name("marta la vecina")
    assert user.display_name == "Marta la Vecina"
    assert (user.language, user.email, user.role) == ("es", None, "citizen")
    assert is_logged_in(client)


def test_register_keeps_an_optional_email(client):
    register(client, email="marta@example.org")
    assert find_by_name("Marta").email == "marta@example.org"


def test_passwords_are_stored_as_argon2_hashes(client):
    register(client)
    stored = find_by_name("Marta").password_hash
    assert stored.startswith("$argon2")
    assert PASSWORD not in stored


@pytest.mark.parametrize("taken", ["marta", "MARTA", " Marta ", "mArTa"])
def test_names_are_unique_whatever_their_case(client, taken):
    make.user("Marta")
    response = register(client, name=taken)
    assert response.status_code == 422
    assert "This name is taken" in field_errors(response, "display_name")
    assert accounts_count() == 1
    assert not is_logged_in(client)


@pytest.mark.parametrize("name, message", [
    ("ab", "Use between 3 and 40 characters."),
    ("x" * 41, "Use between 3 and 40 characters."),
    ("<script>", "Use letters, digits, spaces and . _ - ' only."),
    ("_hidden", "Use letters, digits, spaces and . _ - ' only."),
    ("name@example.org", "Use letters, digits, spaces and . _ - ' only."),
    ("a\u202eb\u202dcd", "Use letters, digits, spaces and . _ - ' only."),
])
def test_bad_names_are_refused_with_a_reason(client, name, message):
    response = register(client, name=name)
    assert response.status_code == 422
    assert message in field_errors(response, "display_name")
    assert accounts_count() == 0


def test_names_in_any_script_are_welcome(client):
    assert register(client, name="Núria Pérez-Çelik").status_code == 200
    assert register(make_client(client), name="Ελένη").status_code == 200


def test_short_password_shows_the_form_again(client):
    response = register(client, password="short")
    assert response.status_code == 422
    assert "Use at least 10 characters." in field_errors(response, "password")
    # The form comes back filled in, so only the password needs typing again.
    assert page(response).find("input", name="display_name").attrs["value"] == "Marta"


def test_mismatched_confirmation_is_refused(client):
    response = register(client, confirm="another long password")
    assert response.status_code == 422
    assert "The two passwords differ." in field_errors(response, "confirm")
    assert find_by_name("Marta") is None


def test_malformed_email_is_refused(client):
    response = register(client, email="not an address")
    assert response.status_code == 422
    assert "That is not an e-mail address." in field_errors(response, "email")


def test_logged_in_people_are_sent_away_from_register_and_login(client, auth):
    auth.login(make.user())
    assert location(client.get("/register")) == "/"
    assert location(client.get("/login")) == "/"


# --- Logging in and out ---------------------------------------------------------------------

def test_login_is_case_insensitive_and_returns_to_next(client):
    person = make.user("Marta")
    response = client.post("/login?next=/proposals", data={"display_name": "MARTA",
                                                           "password": PASSWORD})
    assert location(response) == "/proposals"
    assert "You are logged in." in flashes(client.get("/proposals"))
    assert page(client.get("/account")).find("a", href=f"/people/{person.id}").text == "Marta"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client, target):
    make.user("Marta")
    response = client.post("/login", query_string={"next": target},
                           data={"display_name": "Marta", "password": PASSWORD})
    assert location(response) == "/"


@pytest.mark.parametrize("name, password", [("Marta", "wrong password!"), ("Nobody", PASSWORD)])
def test_wrong_credentials_give_one_message(client, name, password):
    make.user("Marta")
    response = client.post("/login", data={"display_name": name, "password": password})
    assert response.status_code == 422
    # The same words whether the name exists or not: no one learns who has an account.
    assert field_errors(response, "password") == \
        "That name and password do not match an account."
    assert not is_logged_in(client)


def test_logout_ends_the_session(client, auth):
    auth.login(make.user())
    response = client.post("/logout")
    assert location(response) == "/"
    assert "You are logged out." in flashes(client.get("/"))
    assert is_login_redirect(client.get("/account"))


def test_remember_me_keeps_a_browser_logged_in_after_closing(client):
    log_in(client, make.user(), remember=True)
    cookie = client.get_cookie("remember_token", domain="forum.test")
    assert cookie is not None and cookie.expires is not None
    reopened = make_client(client)  # a browser restarted: session cookie gone
    reopened.set_cookie("remember_token", cookie.value, domain="forum.test")
    assert is_logged_in(reopened)


def test_without_remember_me_only_a_session_cookie_is_set(client):
    log_in(client, make.user())
    assert client.get_cookie("remember_token", domain="forum.test") is None
    assert client.get_cookie("session", domain="forum.test").expires is None


# --- Password ---------------------------------------------------------------------------------

def change_password(client, current=PASSWORD, new="a brand new passphrase", confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "password": new,
        "confirm": new if confirm is None else confirm})


def test_changing_the_password_logs_out_every_other_device(client):
    person = make.user("Marta")
    laptop, phone = client, make_client(client)
    log_in(laptop, person)
    log_in(phone, person, remember=True)
    remembered = phone.get_cookie("remember_token", domain="forum.test").value

    response = change_password(laptop)
    assert location(response) == "/account"
    assert "Other devices are logged out." in flashes(laptop.get("/account"))
    assert is_logged_in(laptop)
    assert is_login_redirect(phone.get("/account"))
    stolen = make_client(client)
    stolen.set_cookie("remember_token", remembered, domain="forum.test")
    assert not is_logged_in(stolen)


def test_the_new_password_replaces_the_old_one(client):
    person = make.user("Marta")
    log_in(client, person)
    change_password(client)
    other = make_client(client)
    assert other.post("/login", data={"display_name": "Marta",
                                      "password": PASSWORD}).status_code == 422
    log_in(other, person, password="a brand new passphrase")


def test_changing_the_password_needs_the_current_one(client):
    log_in(client, make.user("Marta"))
    response = change_password(client, current="not my password")
    assert response.status_code == 422
    assert field_errors(response, "current_password") == "That is not your current password."
    log_in(make_client(client), find_by_name("Marta"))  # the old password still works


@pytest.mark.parametrize("new, confirm, field, message", [
    ("short", None, "password", "Use at least 10 characters."),
    ("a brand new passphrase", "another one entirely", "confirm", "The two passwords differ."),
])
def test_new_password_rules(client, new, confirm, field, message):
    log_in(client, make.user())
    response = change_password(client, new=new, confirm=confirm)
    assert response.status_code == 422
    assert message in field_errors(response, field)


# --- Settings and profile -------------------------------------------------------------------

def test_settings_change_language_and_email(client):
    person = make.user("Marta")
    log_in(client, person)
    response = client.post("/account", data={"language": "ca", "email": "m@example.cat"})
    assert location(response) == "/account"
    form = main(client.get("/account"))
    assert form.find("option", value="ca").attrs.get("selected") is not None
    assert form.find("input", name="email").attrs["value"] == "m@example.cat"
    reload(person)
    assert (person.language, person.email) == ("ca", "m@example.cat")


def test_settings_can_drop_the_email(client):
    person = accounts.register("Marta", PASSWORD, "en", "marta@example.org")
    log_in(client, person)
    client.post("/account", data={"language": "en", "email": ""})
    assert reload(person).email is None


@pytest.mark.parametrize("data, field", [({"language": "xx", "email": ""}, "language"),
                                         ({"language": "en", "email": "nope"}, "email")])
def test_settings_refuse_bad_values(client, data, field):
    person = make.user()
    log_in(client, person)
    response = client.post("/account", data=data)
    assert response.status_code == 422 and field_errors(response, field)
    assert reload(person).language == "en"


def test_profile_lists_a_persons_proposals_and_comments(client):
    marta, other = make.user("Marta"), make.user("Joan")
    mine = make.proposal(author=marta, title="Benches along the river walk")
    theirs = make.proposal(author=other, title="More bicycle parking at the station")
    make.comment(theirs, author=marta, body="Yes, near the north entrance.")
    gone = make.comment(mine, author=marta, body="A comment I regret writing.")
    comments.delete_comment(gone)
    make.comment(mine, author=other, body="Someone else's words.")

    shown = main(client.get(f"/people/{marta.id}"))
    assert shown.find("h1").text == "Marta"
    proposals = shown.find("section", **{"aria-labelledby": "their-proposals"})
    assert [a.text for a in proposals.find_all("a")] == ["Benches along the river walk"]
    said = shown.find("section", **{"aria-labelledby": "their-comments"})
    assert "(1)" in said.find("h2").text
    assert "Yes, near the north entrance." in said.text
    assert "More bicycle parking at the station" in said.text
    assert "regret" not in said.text and "Someone else" not in said.text


def test_unknown_profile_is_404(client):
    assert client.get("/people/4242").status_code == 404


# --- The users CLI ----------------------------------------------------------------------------

def test_cli_creates_an_admin(runner):
    result = runner.invoke(args=["forum", "users", "create", "Town Hall", "--password",
                                 "a long enough password", "--role", "admin",
                                 "--language", "ca"])
    assert result.exit_code == 0, result.output
    user = find_by_name("town hall")
    assert f"created Town Hall (id {user.id}, admin)" in result.output
    assert (user.role, user.language, user.email) == ("admin", "ca", None)
    assert user.password_hash.startswith("$argon2")


def test_cli_created_account_can_log_in(runner, client):
    runner.invoke(args=["forum", "users", "create", "Marta", "--password", PASSWORD])
    log_in(client, find_by_name("Marta"))


@pytest.mark.parametrize("extra, words", [
    (["--password", "short"], "Use at least 10 characters"),
    (["--password", "qwertyuiop"], "common"),
    (["--password", PASSWORD, "--language", "xx"], "not one of"),
    (["--password", PASSWORD, "--role", "emperor"], "emperor"),
])
def test_cli_refuses_bad_accounts(runner, extra, words):
    result = runner.invoke(args=["forum", "users", "create", "Marta", *extra])
    assert result.exit_code != 0 and words in result.output
    assert find_by_name("Marta") is None


def test_cli_refuses_a_taken_name(runner):
    make.user("Marta")
    result = runner.invoke(args=["forum", "users", "create", "MARTA", "--password", PASSWORD])
    assert result.exit_code != 0 and "is taken" in result.output


def test_cli_sets_a_role(runner, client):
    person = make.user("Marta")
    result = runner.invoke(args=["forum", "users", "set-role", "marta", "admin"])
    assert result.exit_code == 0 and "Marta is now admin" in result.output
    assert reload(person).role == "admin"
    log_in(client, person)
    assert client.get("/admin/topics").status_code == 200


def test_cli_set_role_of_nobody_fails(runner):
    result = runner.invoke(args=["forum", "users", "set-role", "Nobody", "moderator"])
    assert result.exit_code != 0 and "no account named 'Nobody'" in result.output
