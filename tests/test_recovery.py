"""Getting back into an account: reset links by mail, confirmed addresses, recovery codes,
resets an administrator issues; and none of it tells anyone which accounts exist."""
from __future__ import annotations

import multiprocessing
import re
import threading

import pytest
from sqlalchemy import func, select

import factories as make
from factories import PASSWORD
from fixtures_core import browser, field_errors, flashes, location, log_in, page
from forum import create_app
from forum.accounts.models import User
from forum.audit.models import AdminAction
from forum.db import db
from forum.leases import JobState
from forum.notifications import mail
from forum.notifications.models import MailJob
from forum.recovery import codes, service, tokens
from forum.recovery.models import AccountToken, RecoveryCode
from smtp_sink import link_in, smtp, subject_of, text_of  # noqa: F401

NEW_PASSWORD = "a completely different passphrase"
CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}\b")
NO_MATCH = "That name and recovery code do not match an unused code."


def marta_with_address(address: str = "marta@example.org") -> User:
    marta = make.with_address(make.user("Marta"), address)
    db.session.commit()
    return marta


def ask_for_reset(client, address: str):
    return client.post("/account/forgot", data={"email": address})


def reset_with(client, token: str, password: str = NEW_PASSWORD):
    return client.post(f"/account/reset/{token}", data={"password": password,
                                                          "confirm": password})


def jobs(kind: str) -> int:
    return db.session.scalar(select(func.count(MailJob.id)).where(MailJob.kind == kind))


def can_log_in(app, name: str, password: str) -> bool:
    response = browser(app).post("/login", data={"display_name": name, "password": password})
    return response.status_code == 302


def register(client, email: str = ""):
    return client.post("/register", data={
        "display_name": "Marta", "password": PASSWORD, "confirm": PASSWORD,
        "language": "en", "email": email})


# --- A reset link by mail --------------------------------------------------------------------

def test_a_forgotten_password_is_reset_by_a_link_that_works_once(app, smtp):
    marta = marta_with_address()
    elsewhere = browser(app)
    log_in(elsewhere, marta)

    anyone = browser(app)
    response = ask_for_reset(anyone, "  MARTA@example.org ")
    assert location(response) == "/login"
    assert "a link to choose a new password is on its way" in flashes(anyone.get("/login"))
    assert mail.send_pending() == 1 and mail.send_pending() == 0
    (message,) = smtp.messages
    assert message.rcpt_tos == ["marta@example.org"]
    assert "new password" in subject_of(message)
    assert "http://127.0.0.1:5000/account/reset/" in text_of(message)  # PUBLIC_URL
    token = link_in(message, "/account/reset/")
    assert len(token) == 43  # 256 random bits
    # Only its hash is kept.
    assert db.session.scalar(select(func.count()).select_from(AccountToken).where(
        AccountToken.token_hash == token)) == 0

    form = anyone.get(f"/account/reset/{token}")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert location(reset_with(anyone, token)) == "/"
    assert anyone.get("/account").status_code == 200  # logged in
    assert elsewhere.get("/account").status_code == 302  # every other device logged out
    assert not can_log_in(app, "Marta", PASSWORD) and can_log_in(app, "Marta", NEW_PASSWORD)

    again = browser(app)
    assert again.get(f"/account/reset/{token}").status_code == 404
    assert reset_with(again, token, "yet another passphrase here").status_code == 404
    assert can_log_in(app, "Marta", NEW_PASSWORD)


def test_the_answer_is_the_same_whether_an_address_has_an_account_or_not(app, smtp):
    marta_with_address()
    known, unknown = browser(app), browser(app)
    answers = [ask_for_reset(known, "marta@example.org"),
               ask_for_reset(unknown, "nobody@example.org")]
    assert [a.status_code for a in answers] == [302, 302]
    assert location(answers[0]) == location(answers[1])
    assert flashes(known.get("/login")) == flashes(unknown.get("/login"))
    assert jobs("password_reset") == 1  # a mail only where there is an account
    assert mail.send_pending() == 1 and len(smtp.messages) == 1


def test_an_address_gets_at_most_three_reset_mails_a_day(app, smtp):
    marta_with_address()
    client = browser(app)
    for _ in range(5):
        assert ask_for_reset(client, "marta@example.org").status_code == 302
    assert jobs("password_reset") == app.config["PASSWORD_RESET_MAILS_PER_DAY"] == 3
    assert mail.send_pending() == 3


def test_a_bad_address_gets_a_form_message(app, smtp):
    response = ask_for_reset(browser(app), "not an address")
    assert response.status_code == 422 and field_errors(response, "email")


@pytest.mark.parametrize("broken", ["forged", "overlong", "expired", "used", "deleted",
                                    "confirmation"])
def test_a_link_that_cannot_be_used_says_so_and_changes_nothing(app, broken):
    marta = marta_with_address()
    token = tokens.issue(marta, tokens.RESET, 3600)
    if broken == "forged":
        token = "A" * 43
    elif broken == "overlong":
        token = token + "x" * 200
    elif broken == "expired":
        token = tokens.issue(marta, tokens.RESET, -1)
    elif broken == "used":
        db.session.commit()
        service.reset_password(token, "the first new passphrase")
    elif broken == "deleted":
        from forum.privacy.service import delete_account

        db.session.commit()
        delete_account(marta)
    elif broken == "confirmation":  # a confirmation link is not a reset link
        token = tokens.issue(marta, tokens.CONFIRM, 3600, email=marta.email)
    db.session.commit()

    client = browser(app)
    shown = client.get(f"/account/reset/{token}")
    assert shown.status_code == 404 and "This link does not work" in page(shown).text
    assert reset_with(client, token).status_code == 404
    assert not can_log_in(app, "Marta", NEW_PASSWORD)


def test_without_a_mail_server_the_page_offers_the_other_ways_back(app):
    make.with_address(make.user("Marta"), "marta@example.org")
    db.session.commit()
    client = browser(app)
    shown = client.get("/account/forgot")
    assert "sends no e-mail" in page(shown).text
    assert page(shown).find("a", href="/account/recover") is not None
    assert ask_for_reset(client, "marta@example.org").status_code == 200
    assert jobs("password_reset") == 0


def test_a_worker_dying_after_making_the_link_still_sends_one_working_mail(app, smtp, clock):
    from forum import leases
    from forum.recovery import mail as account_mail

    marta_with_address()
    ask_for_reset(browser(app), "marta@example.org")
    (job,) = leases.claim(MailJob, "dying:1", 10, app.config["MAIL_LEASE_SECONDS"])
    claimed = mail.Claimed(job.id, job.attempts, job.kind, job.user_id, job.notification_id)
    assert account_mail.compose(claimed) is not None  # the link is made, then the worker dies
    db.session.commit()

    clock.advance(app.config["MAIL_LEASE_SECONDS"] + 1)
    assert mail.send_pending("w2") == 1 and mail.send_pending("w3") == 0
    (message,) = smtp.messages
    assert location(reset_with(browser(app), link_in(message, "/account/reset/"))) == "/"


def test_a_reset_asked_for_long_ago_is_not_sent_after_downtime(app, smtp, clock):
    marta_with_address()
    ask_for_reset(browser(app), "marta@example.org")
    clock.advance(app.config["PASSWORD_RESET_SECONDS"] + 1)
    assert mail.send_pending() == 0 and smtp.messages == []
    assert db.session.scalar(select(MailJob.state)) == JobState.CANCELLED


def test_mail_links_need_no_server_name(app, smtp):
    """A worker has no request, so links come from PUBLIC_URL, not from SERVER_NAME."""
    app.config.update(SERVER_NAME=None, PUBLIC_URL="https://forum.riverton.example/")
    marta_with_address()
    ask_for_reset(browser(app), "marta@example.org")
    make.comment(make.proposal(User.query.filter_by(display_name="Marta").one()),
                 make.user(), "A reply that is mailed.")
    with app.app_context():  # a context without a request, like the worker's
        assert mail.send_pending() == 2
    texts = [text_of(m) for m in smtp.messages]
    assert any("https://forum.riverton.example/account/reset/" in t for t in texts)
    assert any("https://forum.riverton.example/notifications" in t for t in texts)


# --- Confirming an address ------------------------------------------------------------------

def test_a_new_address_is_confirmed_by_a_click_before_it_gets_mail(app, smtp):
    client = browser(app)
    assert register(client, "marta@example.org").status_code == 200
    marta = User.query.filter_by(display_name="Marta").one()
    assert marta.email_confirmed_at is None
    assert "not confirmed yet" in page(client.get("/account")).text

    # Unconfirmed: no reset mail, no notification mail; only the confirmation.
    ask_for_reset(browser(app), "marta@example.org")
    make.comment(make.proposal(marta), make.user(), "A reply not mailed yet.")
    assert mail.send_pending() == 1
    (message,) = smtp.messages
    assert "Confirm" in subject_of(message)
    token = link_in(message, "/account/confirm/")

    assert client.get(f"/account/confirm/{token}").status_code == 200  # a scanner's visit
    db.session.expire_all()
    assert db.session.get(User, marta.id).email_confirmed_at is None
    assert location(client.post(f"/account/confirm/{token}")) == "/account"
    db.session.expire_all()
    assert db.session.get(User, marta.id).email_confirmed_at is not None
    assert client.post(f"/account/confirm/{token}").status_code == 404  # once

    make.comment(make.proposal(marta), make.user(), "A reply mailed now.")
    assert mail.send_pending() == 1 and len(smtp.messages) == 2


def test_changing_the_address_ends_the_links_sent_to_the_old_one(app, smtp):
    client = browser(app)
    register(client, "marta@example.org")
    marta = User.query.filter_by(display_name="Marta").one()
    mail.send_pending()
    confirm = link_in(smtp.messages[0], "/account/confirm/")
    reset = tokens.issue(marta, tokens.RESET, 3600)
    db.session.commit()

    client.post("/account", data={"language": "en", "email": "marta@riverton.example"})
    assert client.post(f"/account/confirm/{confirm}").status_code == 404
    assert browser(app).get(f"/account/reset/{reset}").status_code == 404
    assert mail.send_pending() == 1
    assert smtp.messages[1].rcpt_tos == ["marta@riverton.example"]


def test_a_confirmation_can_be_sent_again_a_few_times_a_day(app, smtp):
    client = browser(app)
    register(client, "marta@example.org")
    sent = [flashes(client.post("/account/confirm", follow_redirects=True))
            for _ in range(3)]
    assert "A new confirmation link is on its way" in sent[0]
    assert "No confirmation link was sent" in sent[-1]  # one at registration, two again
    assert jobs("email_confirmation") == 3


def test_without_confirmation_an_address_gets_mail_at_once(app, smtp):
    app.config["EMAIL_CONFIRMATION"] = False
    register(browser(app), "marta@example.org")
    assert jobs("email_confirmation") == 0
    ask_for_reset(browser(app), "marta@example.org")
    assert mail.send_pending() == 1


# --- Recovery codes --------------------------------------------------------------------------

def registered_codes(app) -> tuple[object, list[str]]:
    client = browser(app)
    response = register(client)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    found = CODE.findall(page(response).text)
    return client, found


def recover(client, code: str, name: str = "Marta", password: str = NEW_PASSWORD):
    return client.post("/account/recover", data={
        "display_name": name, "code": code, "password": password, "confirm": password})


def test_registration_shows_ten_codes_once_and_keeps_only_their_hashes(app):
    _, shown = registered_codes(app)
    assert len(shown) == len(set(shown)) == app.config["RECOVERY_CODES"] == 10
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not any(c.replace("-", "") in stored for c in shown)


def test_a_recovery_code_sets_a_new_password_once(app):
    first, shown = registered_codes(app)
    anyone = browser(app)
    assert location(recover(anyone, shown[0])) == "/"
    assert "9 recovery codes left" in flashes(anyone.get("/"))
    assert first.get("/account").status_code == 302  # the other device is logged out
    assert can_log_in(app, "Marta", NEW_PASSWORD)

    again = recover(browser(app), shown[0], password="yet another passphrase here")
    assert again.status_code == 422 and NO_MATCH in field_errors(again, "code")


def test_codes_are_read_as_people_type_them(app):
    _, shown = registered_codes(app)
    typed = shown[1].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert location(recover(browser(app), typed)) == "/"


def test_a_wrong_name_and_a_wrong_code_get_the_same_answer(app):
    _, shown = registered_codes(app)
    answers = [recover(browser(app), "0000-0000-0000-0000"),
               recover(browser(app), shown[0], name="Nobody at all"),
               recover(browser(app), "not a code at all")]
    assert {a.status_code for a in answers} == {422}
    assert {field_errors(a, "code") for a in answers} == {NO_MATCH}
    assert can_log_in(app, "Marta", PASSWORD)


def test_new_codes_need_the_password_and_end_the_old_ones(app):
    client, old = registered_codes(app)
    wrong = client.post("/account/recovery-codes", data={"current_password": "guess"})
    assert wrong.status_code == 422
    response = client.post("/account/recovery-codes", data={"current_password": PASSWORD})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    fresh = CODE.findall(page(response).text)
    assert len(fresh) == 10 and not set(fresh) & set(old)
    assert recover(browser(app), old[0]).status_code == 422
    assert location(recover(browser(app), fresh[0])) == "/"


def test_the_account_page_counts_the_codes_left(app):
    client, shown = registered_codes(app)
    recover(browser(app), shown[0])
    log_in(client, User.query.filter_by(display_name="Marta").one(), NEW_PASSWORD)
    assert "9" in page(client.get("/account")).find("p", id="recovery-codes").text


def test_deleting_an_account_deletes_its_codes_and_links(app):
    from forum.privacy.service import delete_account

    _, _shown = registered_codes(app)
    marta = User.query.filter_by(display_name="Marta").one()
    tokens.issue(marta, tokens.RESET, 3600)
    db.session.commit()
    delete_account(marta)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0


# --- Two redeem the same code or link at once -------------------------------------------------

def at_once(app, spend) -> list[bool]:
    """Run `spend` in two threads, each with its own connection, released together."""
    barrier, results = threading.Barrier(2), []

    def one():
        with app.app_context():
            barrier.wait(30)
            results.append(spend())
            db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def spent_link(raw: str) -> bool:
    try:
        service.reset_password(raw, NEW_PASSWORD)
    except service.RecoveryError:
        return False
    return True


def test_a_code_or_link_spent_twice_at_once_works_once(app):
    marta = make.user("Marta")
    fresh = codes.replace(marta)
    for code in fresh[:3]:
        outcome = at_once(app, lambda code=code: service.recover("Marta", code, NEW_PASSWORD)
                          is not None)
        assert sorted(outcome) == [False, True]
    for _ in range(3):
        raw = tokens.issue(marta, tokens.RESET, 3600)
        db.session.commit()
        assert sorted(at_once(app, lambda raw=raw: spent_link(raw))) == [False, True]
    assert codes.remaining(marta.id) == 7


def test_two_processes_on_postgresql_spend_a_code_and_a_link_once(postgresql_settings):
    from recovery_race import spend

    app = create_app(postgresql_settings)
    with app.app_context():
        marta_id = make.user("Marta").id
        fresh = codes.replace(db.session.get(User, marta_id))
    context = multiprocessing.get_context("spawn")
    for how in ["code"] * 3 + ["link"] * 3:
        with app.app_context():
            if how == "code":
                args = ("Marta", fresh.pop(), NEW_PASSWORD)
            else:  # each way back in voids the other links, so one link per round
                marta = db.session.get(User, marta_id)
                args = (tokens.issue(marta, tokens.RESET, 3600), NEW_PASSWORD)
                db.session.commit()
            db.session.remove()
        barrier, results = context.Barrier(2), context.Queue()
        processes = [context.Process(target=spend,
                                     args=(postgresql_settings, how, args, barrier, results))
                     for _ in range(2)]
        for process in processes:
            process.start()
        outcome = sorted(results.get(timeout=120) for _ in processes)
        for process in processes:
            process.join(60)
        assert outcome == [False, True], (how, outcome)
    with app.app_context():
        assert codes.remaining(marta_id) == 7
        assert db.session.scalar(select(func.count()).select_from(AccountToken).where(
            AccountToken.used_at.is_(None))) == 0
        db.session.remove()


# --- A reset issued by an administrator ------------------------------------------------------

def test_an_admin_issues_a_reset_on_the_command_line_and_it_is_logged(app, runner):
    marta = make.user("Marta")
    result = runner.invoke(args=["forum", "users", "reset", "marta"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://127\.0\.0\.1:5000/account/reset/(\S+)", result.output)
    assert link and "usable once until" in result.output

    entry = db.session.scalar(select(AdminAction))
    assert (entry.action, entry.via, entry.target_user_id, entry.actor_id) == (
        "password_reset_issued", "command", marta.id, None)
    assert link.group(1) not in entry.detail

    admin = make.user("Admin", role="admin")
    client = browser(app)
    log_in(client, admin)
    audit = page(client.get("/admin/audit")).find("table").text
    assert "an operator, on the command line" in audit and "Marta" in audit
    assert "issued a one-time password reset for" in audit and "usable once, until" in audit

    assert location(reset_with(browser(app), link.group(1))) == "/"
    assert can_log_in(app, "Marta", NEW_PASSWORD)


def test_a_reset_for_an_unknown_name_is_refused(app, runner):
    result = runner.invoke(args=["forum", "users", "reset", "Nobody"])
    assert result.exit_code == 1 and "no account named 'Nobody'" in result.output
    assert db.session.scalar(select(func.count()).select_from(AdminAction)) == 0


def test_giving_a_role_is_logged_too(app, runner):
    make.user("Marta")
    assert runner.invoke(args=["forum", "users", "set-role", "Marta", "moderator"]).exit_code == 0
    entry = db.session.scalar(select(AdminAction))
    assert (entry.action, entry.detail) == ("role_given", "citizen->moderator")


def test_only_admins_read_the_audit_log(app):
    client = browser(app)
    log_in(client, make.user("Moderator", role="moderator"))
    assert client.get("/admin/audit").status_code == 403
