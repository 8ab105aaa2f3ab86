"""Downloading one's data, the privacy page, security.txt, retention and no stored IPs."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

import factories as make
from fixtures_core import browser, csrf_token, log_in, main, page, reload
from forum.db import db, utcnow
from forum.moderation.models import Report
from forum.notifications.models import Notification
from forum.privacy import export, statement
from privacy_people import EMAIL, NAME, take_part


@pytest.fixture
def world(app):
    return take_part()


# --- Download my data ---------------------------------------------------------------


def test_the_export_holds_everything_of_the_person(app, world):
    data = export.export(world.person)

    assert data["account"]["display_name"] == NAME and data["account"]["email"] == EMAIL
    assert {p["title"] for p in data["proposals"]} == {
        "A lonely proposal about wombatlonely", "A discussed proposal wombatdiscussed"}
    assert {c["body"] for c in data["comments"]} == {
        "My comment: wombatmine.", "My reply: wombatreply.", "A comment to hide: wombathidden."}
    assert len(data["supports"]) == 2 and len(data["follows"]) == 3
    assert f"A note for {NAME}" in {n["detail"] for n in data["notifications"]}
    assert [r["details"] for r in data["reports"]] == ["A report by Marta: wombatreport."]
    assert [a["message"] for a in data["appeals"]] == ["Please look again: wombatappeal."]
    assert [d["action"] for d in data["decisions_about_you"]] == ["hide"]
    assert data["comments"][0]["link"].startswith("http://forum.test/comments/")


def test_the_export_holds_nothing_of_others_and_no_secrets(app, world):
    dumped = json.dumps(export.export(world.person))

    for foreign in ("Other Person", "The other person's reply.", "benches",
                    "The other person's comment.", world.other.password_hash,
                    world.person.password_hash, *world.secrets[3:],
                    "posts too much"):  # others' reports about her are theirs
        assert foreign not in dumped
    assert "password" not in dumped and "token_hash" not in dumped


def test_the_export_of_an_admin_holds_their_answers(app):
    admin = make.user(role="admin")
    make.answer(make.proposal(), admin, body="The council will plant wombat trees.")

    answers = export.export(admin)["official_answers"]

    assert [a["body"] for a in answers] == ["The council will plant wombat trees."]


def test_downloading_gives_a_zip_with_json_and_a_self_contained_page(app, world):
    client = browser(app)
    log_in(client, world.person)

    response = client.post("/account/data/download")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["data.html", "data.json"]
    data = json.loads(archive.read("data.json"))
    assert data["account"]["display_name"] == NAME
    html = archive.read("data.html").decode()
    assert "A lonely proposal about wombatlonely" in html and "wombatappeal" in html
    # Nothing the page would load: no style sheet, script, image, frame or font.
    assert not re.search(r"<(link|script|img|iframe|style|object|embed)\b|\bsrc=", html)
    assert "Other Person" not in html


def test_the_data_page_explains_both_and_offers_the_forms(app, world):
    client = browser(app)
    log_in(client, world.person)

    shown = main(client.get("/account/data"))

    assert shown.find("form", action="/account/data/download") is not None
    form = shown.find("form", action="/account/delete")
    assert {i.attrs["value"] for i in form.find_all("input", type="radio")} == {
        "erase", "anonymise"}
    assert form.find("input", type="password") is not None
    assert "former participant" in shown.text


class TestWithCsrfProtection:
    @pytest.fixture
    def settings(self, settings):
        return {**settings, "WTF_CSRF_ENABLED": True}

    def test_both_forms_carry_a_token_and_work_with_it(self, app, world):
        client = browser(app)
        log_in(client, world.person, csrf=True)
        forms = main(client.get("/account/data")).find_all("form")
        assert all(f.find("input", name="csrf_token") is not None for f in forms)
        token = csrf_token(client, "/account/data")

        assert client.post("/account/data/download").status_code == 400
        assert client.post("/account/data/download",
                           data={"csrf_token": token}).mimetype == "application/zip"
        response = client.post("/account/delete", data={
            "csrf_token": token, "mode": "anonymise", "password": make.PASSWORD})
        assert response.status_code == 302 and reload(world.person).deleted_at is not None


def test_links_lead_to_the_privacy_page_and_to_ones_data(app, world):
    client = browser(app)
    assert page(client.get("/")).find("a", href="/privacy") is not None
    log_in(client, world.person)
    assert main(client.get("/account")).find("a", href="/account/data") is not None


# --- The privacy page ----------------------------------------------------------------


def test_the_privacy_page_states_the_defaults(app, client):
    app.config["RATELIMIT_ENABLED"] = True  # the tests turn it off; the defaults do not
    shown = main(client.get("/privacy")).text

    for fact in ("No IP address is stored", "No third party is contacted",
                 "in the memory of the web server", "each is gone within 1 day",
                 "this forum sends no e-mail",
                 "The web server keeps no access log", "Catalan", "Spanish",
                 "lang", "remember_token", "session"):
        assert fact in shown, fact
    assert "Redis" not in shown


class TestAnInstanceConfiguredOtherwise:
    @pytest.fixture
    def settings(self, settings):
        return {**settings, "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "redis://:s3cret@cache.internal:6379/0",
                "LANGUAGES": ["en", "es", "de"], "SMTP_HOST": "mail.town.example",
                "OPERATOR_NAME": "The Town Council", "OPERATOR_CONTACT": "privacy@town.example",
                "RETENTION_NOTIFICATIONS_DAYS": 30, "ACCESS_LOG_DAYS": 7,
                "REMEMBER_COOKIE_DAYS": 14}

    def test_the_privacy_page_follows_the_configuration(self, client):
        response = client.get("/privacy")
        shown = main(response)

        assert "Redis" in shown.text and "German" in shown.text and "Catalan" not in shown.text
        assert "s3cret" not in response.get_data(as_text=True)
        assert "cache.internal" not in response.get_data(as_text=True)
        assert "mail.town.example" in shown.text and "The Town Council" in shown.text
        assert "except the mail server" in shown.text
        assert shown.find("a", href="mailto:privacy@town.example") is not None
        assert "Notifications you have read: 30 days." in shown.text
        assert "for 7 days" in shown.text and "14 days" in shown.text

    def test_security_txt_falls_back_to_the_operators_contact(self, client):
        assert "Contact: mailto:privacy@town.example" in client.get(
            "/.well-known/security.txt").get_data(as_text=True)


@pytest.mark.parametrize("uri, store", [
    ("memory://", "memory"), ("redis://localhost:6379", "redis"),
    ("rediss://u:p@h/0", "redis"), ("redis+sentinel://h:26379/m", "redis"),
    ("memcached://h:11211", "memcached"), ("", "memory"), ("weird", "other"),
])
def test_the_rate_limit_store_is_named_without_its_address(uri, store):
    assert statement.rate_limit_store(uri) == store


def test_rate_limit_counters_last_as_long_as_the_longest_configured_window(app):
    assert statement.rate_limit_seconds({"RATELIMIT_X": "5 per minute"}) == 3600
    assert statement.rate_limit_seconds({"RATELIMIT_STRATEGY": "moving-window"}) == 3600
    week = {**app.config, "RATELIMIT_REPORT": "2 per hour; 1 per 7 days"}
    assert statement.rate_limit_seconds(week) == 7 * 86400


def test_engines_are_listed_in_the_configured_order(app):
    config = {**app.config, "MT_ENGINE_ORDER": ["argos", "apertium"]}
    assert [e.name for e in statement.engines(config)] == ["argos", "apertium"]
    config = {**app.config, "MT_ENGINE_ORDER": ["apertium"]}
    assert [e.name for e in statement.engines(config)] == ["apertium"]


# --- security.txt ----------------------------------------------------------------------


class TestSecurityTxt:
    @pytest.fixture
    def settings(self, settings):
        return {**settings, "SECURITY_CONTACT": "security@town.example",
                "SECURITY_LANGUAGES": ["en", "ca"]}

    def test_it_follows_rfc_9116(self, client):
        response = client.get("/.well-known/security.txt")

        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
        assert fields["Contact"] == "mailto:security@town.example"
        assert fields["Preferred-Languages"] == "en, ca"
        assert fields["Canonical"] == "http://forum.test/.well-known/security.txt"
        expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ")
        assert utcnow() + timedelta(days=30) < expires < utcnow() + timedelta(days=365)

    def test_the_privacy_page_names_the_security_contact(self, client):
        shown = main(client.get("/privacy"))
        assert shown.find("a", href="mailto:security@town.example") is not None


def test_without_a_contact_there_is_no_security_txt(client):
    assert client.get("/.well-known/security.txt").status_code == 404


@pytest.mark.parametrize("contact, uri", [
    ("a@b.example", "mailto:a@b.example"), ("mailto:a@b.example", "mailto:a@b.example"),
    ("https://town.example/security", "https://town.example/security"),
])
def test_contacts_become_uris(contact, uri):
    assert statement.contact_uri(contact) == uri


# --- Retention ---------------------------------------------------------------------------


def test_purge_deletes_only_old_read_notifications_and_old_settled_reports(app, runner):
    person, other = make.user(), make.user()
    proposal = make.proposal(other)
    for kind in ("old read", "old unread", "new read"):
        db.session.add(Notification(user_id=person.id, kind="support", detail=kind,
                                    proposal_id=proposal.id))
    for reporter, details in ((person, "old settled"), (other, "old open")):
        db.session.add(Report(reporter_id=reporter.id, item_type="proposal",
                              item_id=proposal.id, reason="spam", details=details))
    db.session.add(Report(reporter_id=person.id, item_type="user", item_id=other.id,
                          reason="spam", details="new settled"))
    db.session.flush()
    old = utcnow() - timedelta(days=400)
    for n in db.session.scalars(select(Notification).where(Notification.detail.is_not(None))):
        n.created_at = old if n.detail.startswith("old") else utcnow()
        n.read_at = None if n.detail == "old unread" else utcnow()
    for r in db.session.scalars(select(Report)):
        r.created_at = old
        r.resolved_at = {"old settled": old, "old open": None, "new settled": utcnow()}[r.details]
    db.session.commit()

    result = runner.invoke(args=["forum", "privacy", "purge"])

    assert "deleted 1 notifications and 1 reports" in result.output
    assert set(db.session.scalars(select(Notification.detail).where(
        Notification.detail.is_not(None)))) == {"old unread", "new read"}
    assert set(db.session.scalars(select(Report.details))) == {"old open", "new settled"}


def test_a_retention_of_zero_keeps_everything(app):
    from forum.privacy.service import purge

    app.config.update(RETENTION_NOTIFICATIONS_DAYS=0, RETENTION_REPORTS_DAYS=0)
    person = make.user()
    db.session.add(Notification(user_id=person.id, kind="support", read_at=utcnow(),
                                created_at=utcnow() - timedelta(days=5000)))
    db.session.commit()

    assert purge() == {"notifications": 0, "reports": 0, "logins": 0}


# --- No IP addresses -------------------------------------------------------------------


def test_no_model_stores_an_ip_address(app):
    suspicious = re.compile(r"(^|_)(ip|ips|ip_?address(es)?|remote_?addr(ess)?|"
                            r"client_?addr(ess)?|x_forwarded_for|user_agent)($|_)")
    columns = [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables
               for column in table.columns]

    assert [c for c in columns if suspicious.search(c.split(".")[1])] == []
    assert len(columns) > 50  # every model is loaded
