"""E-mail copies of notifications, sent by a worker when SMTP is configured.

Nobody needs an e-mail address to take part; a person who gave one gets each new
notification by mail too. `queue` owes the mail in the notification's own transaction
(an outbox row, `MailJob`); a worker sends it, never a page request (an SMTP server can
be slow or down). Claims are leased and fenced (`forum.leases`): right before sending, a
worker renews its claim and sends only if it still holds it, so a worker that was frozen
or slow past its lease leaves the mail to the one that took it over instead of sending it
twice. A refused mail is retried with back-off. Every copy of a mail carries the same
Message-ID, so even a duplicate from a worker frozen in mid-conversation with the SMTP
server for longer than the lease shows as one message.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from forum import leases
from forum.accounts.models import User
from forum.db import db
from forum.leases import JobState
from forum.notifications import digests
from forum.notifications.models import MailJob, Notification
from forum.notifications.outgoing import Claimed, envelope
from forum.recovery import addresses
from forum.recovery import mail as account_mail

log = logging.getLogger(__name__)
MAX_AGE = timedelta(days=1)  # after downtime, do not mail about old news


configured = addresses.mail_configured


def queue(notifications: list[Notification]) -> None:
    """Owe a mail for each notification whose person gave an address (caller commits)."""
    if not configured() or not notifications:
        return
    # People on a daily or weekly digest get theirs later (forum.notifications.digests).
    with_address = set(db.session.scalars(select(User.id).where(
        User.id.in_({n.user_id for n in notifications}), addresses.deliverable(),
        User.mail_frequency == "immediate")))
    for notification in notifications:
        if notification.user_id in with_address:
            db.session.add(MailJob(notification=notification, user_id=notification.user_id))


def send_pending(worker_name: str = "mail", limit: int = 20) -> int:
    """Claim owed mails and send them; return how many were sent."""
    if not configured():
        return 0
    token = leases.new_token(worker_name)
    claimed = [Claimed(job.id, job.attempts, job.kind, job.user_id, job.notification_id)
               for job in leases.claim(MailJob, token, limit,
                                       current_app.config["MAIL_LEASE_SECONDS"])]
    return sum(_send_one(job, token) for job in claimed)


def _compose(job: Claimed) -> EmailMessage | None:
    """Write the mail a job owes, or None when it is no longer owed."""
    compose = {"notification": _notification, "digest": digests.compose}.get(
        job.kind, account_mail.compose)  # the other kinds are account mails
    return compose(job)


def _notification(job: Claimed) -> EmailMessage | None:
    found = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.id == job.notification_id, addresses.deliverable())).first()
    if found is None or found.Notification.created_at < leases.clock() - MAX_AGE:
        return None
    return _message(found.Notification, found.User)


def _send_one(job: Claimed, token: str) -> bool:
    message = _compose(job)
    if message is None:
        leases.finish(MailJob, job.job_id, token, state=JobState.CANCELLED)
        db.session.commit()
        return False
    # The fence before a side effect that cannot be undone: renew, and send only if held.
    if job.job_id not in leases.renew(MailJob, token, current_app.config["MAIL_LEASE_SECONDS"]):
        log.warning("mail %s: the claim passed to another worker; not sending", job.job_id)
        return False
    error = _send(message)
    if error is None:
        _sent(job, token)
        return True
    _failed(job, token, error)
    return False


def _sent(job: Claimed, token: str) -> None:
    now = leases.clock()
    if not leases.finish(MailJob, job.job_id, token, state=JobState.DONE, sent_at=now,
                         last_error=None):
        log.error("mail %s was sent, but its lease ran out during the conversation with the "
                  "SMTP server: another worker may send it too (same Message-ID)", job.job_id)
    elif job.notification_id is not None:
        db.session.execute(update(Notification).where(Notification.id == job.notification_id)
                           .values(emailed_at=now).execution_options(synchronize_session=False))
    db.session.commit()


def _failed(job: Claimed, token: str, error: str) -> None:
    config = current_app.config
    log.warning("could not send mail %s: %s", job.job_id, error)
    if job.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        leases.finish(MailJob, job.job_id, token, state=JobState.FAILED, last_error=error[:2000])
    else:
        leases.finish(MailJob, job.job_id, token, state=JobState.PENDING, last_error=error[:2000],
                      not_before=leases.back_off(job.attempts, config["MAIL_RETRY_BASE_SECONDS"]))
    db.session.commit()


def release(worker_name: str) -> int:
    """Hand back the mails a stopping worker claimed."""
    return leases.release(MailJob, worker_name)


class Mailer:
    """The mail job kind of a worker process (see forum/worker.py)."""

    # Digests fall due at midnight: looking for them once a minute is soon enough, and
    # spares an idle worker two queries on every poll.
    DIGEST_CHECK_SECONDS = 60

    def __init__(self, name: str):
        self.name = name
        self.digests_checked = 0.0

    def start(self) -> None:
        """Nothing to prepare: a mail claimed by a dead worker is free once its lease ends."""

    def run_batch(self) -> int:
        """Owe the digests whose period ended (once a minute), send one batch of owed mail;
        return how many were sent."""
        if time.monotonic() - self.digests_checked >= self.DIGEST_CHECK_SECONDS:
            digests.owe_due()
            self.digests_checked = time.monotonic()
        return send_pending(self.name)

    def release(self) -> None:
        """Hand back the mails still claimed."""
        release(self.name)


def _message(notification: Notification, user: User) -> EmailMessage:
    config = current_app.config
    with force_locale(user.language):
        body = render_template("notifications/email.txt", notification=notification,
                               person=user)
        subject = _("News from %(site)s", site=config["SITE_NAME"])
    return envelope(f"notification-{notification.id}", user, subject, body)


def _send(message: EmailMessage) -> str | None:
    """Send one message; return what went wrong, or None."""
    config = current_app.config
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        return f"{type(error).__name__}: {error}"
    return None
