"""With SMTP configured, people who gave an address get their notifications by mail too."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

import factories as make
from forum.db import db
from forum.leases import JobState
from forum.notifications import mail
from forum.notifications.models import MailJob, Notification
from smtp_sink import smtp  # noqa: F401


def test_a_reply_is_mailed_once_in_the_readers_language(app, smtp):
    author = make.user("Núria", language="ca")
    make.with_address(author, "nuria@example.org")
    proposal = make.proposal(author)
    make.comment(proposal, make.user(language="en"), "I agree.")

    assert mail.send_pending() == 1
    assert mail.send_pending() == 0  # never twice
    (envelope,) = smtp.messages
    assert envelope.rcpt_tos == ["nuria@example.org"]
    text = envelope.content.decode()
    assert "Núria" in text or "N=C3=BAria" in text
    assert "/notifications" in text


def test_without_an_address_or_a_server_nothing_is_sent(app, smtp):
    proposal = make.proposal(make.user())
    make.comment(proposal, make.user(), "No mail for people without an address.")
    assert mail.send_pending() == 0

    app.config["SMTP_HOST"] = ""
    assert not mail.configured() and mail.send_pending() == 0
    assert smtp.messages == []


def reply_to_someone_with_an_address() -> Notification:
    author = make.user("Núria", language="ca")
    make.with_address(author, "nuria@example.org")
    proposal = make.proposal(author)
    make.comment(proposal, make.user(language="en"), "I agree.")
    return db.session.scalar(select(Notification).where(Notification.user_id == author.id))


def mail_job() -> MailJob:
    db.session.expire_all()
    return db.session.scalar(select(MailJob))


def test_the_mail_is_owed_in_the_same_transaction_as_its_notification(app, smtp):
    notification = reply_to_someone_with_an_address()
    job = mail_job()
    assert (job.notification_id, job.user_id, job.state) == (
        notification.id, notification.user_id, JobState.PENDING)

    mail.send_pending("w1")
    job = mail_job()
    assert job.state == JobState.DONE and job.sent_at is not None
    (envelope,) = smtp.messages
    assert f"Message-ID: <notification-{notification.id}@riverton.example>" in \
        envelope.content.decode()


def test_a_refused_mail_is_tried_again_later_then_given_up(app, smtp, clock):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=60)
    reply_to_someone_with_an_address()
    smtp.refusing = True

    assert mail.send_pending("w1") == 0
    job = mail_job()
    assert (job.state, job.attempts) == (JobState.PENDING, 1) and "451" in job.last_error
    assert mail.send_pending("w1") == 0 and mail_job().attempts == 1  # backing off
    clock.advance(61)
    assert mail.send_pending("w1") == 0 and mail_job().attempts == 2
    clock.advance(121)
    assert mail.send_pending("w1") == 0
    assert (mail_job().state, mail_job().attempts) == (JobState.FAILED, 3)
    assert smtp.messages == []


def test_a_retried_mail_arrives_once(app, smtp, clock):
    reply_to_someone_with_an_address()
    smtp.refusing = True
    mail.send_pending("w1")
    smtp.refusing = False
    clock.advance(app.config["MAIL_RETRY_BASE_SECONDS"] + 1)

    assert mail.send_pending("w1") == 1 and mail.send_pending("w2") == 0
    assert len(smtp.messages) == 1 and mail_job().state == JobState.DONE


def test_a_worker_past_its_lease_never_sends_what_another_sent(app, smtp, clock, monkeypatch):
    reply_to_someone_with_an_address()
    entered, go, outcome = threading.Event(), threading.Event(), []
    compose = mail._message

    def slow_to_compose(notification, user):  # the slow worker stalls before the SMTP step
        if threading.current_thread().name == "slow":
            entered.set()
            go.wait(30)
        return compose(notification, user)

    monkeypatch.setattr(mail, "_message", slow_to_compose)

    def slow_worker():
        with app.app_context():
            outcome.append(mail.send_pending("slow"))
            db.session.remove()

    thread = threading.Thread(target=slow_worker, name="slow")
    thread.start()
    assert entered.wait(30)
    clock.advance(app.config["MAIL_LEASE_SECONDS"] + 1)
    assert mail.send_pending("fast") == 1
    go.set()
    thread.join(30)

    assert outcome == [0] and len(smtp.messages) == 1
    assert mail_job().claimed_by is None and mail_job().state == JobState.DONE


def test_a_stopping_worker_hands_its_mail_back(app, smtp):
    from forum import leases

    reply_to_someone_with_an_address()
    leases.claim(MailJob, "stopping:1", 10, 120)
    assert mail.send_pending("other") == 0  # claimed, not owed

    assert mail.release("stopping") == 1
    assert mail.send_pending("other") == 1


def test_mail_of_a_deleted_account_is_never_sent(app, smtp):
    from forum.accounts.models import User
    from forum.privacy.service import delete_account

    notification = reply_to_someone_with_an_address()
    delete_account(db.session.get(User, notification.user_id))

    assert db.session.scalar(select(func.count()).select_from(MailJob)) == 0
    assert mail.send_pending("w1") == 0 and smtp.messages == []


def test_old_news_is_not_mailed_after_downtime(app, smtp, clock):
    reply_to_someone_with_an_address()
    clock.advance(2 * 24 * 3600)

    assert mail.send_pending("w1") == 0
    assert mail_job().state == JobState.CANCELLED and smtp.messages == []
