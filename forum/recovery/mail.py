"""Account mails: a password-reset link, an address's confirmation link.

The worker makes the link's secret when it sends the mail, so the secret exists only in
the mail (the database keeps its hash): a job row never holds a usable link. If the
worker dies between making it and sending, the unsent link simply expires, and the job,
claimed again, sends a new one.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from forum import leases
from forum.accounts.models import User
from forum.db import db
from forum.notifications.models import MailJob
from forum.notifications.outgoing import Claimed, envelope
from forum.recovery import addresses, tokens
from forum.web.links import public_url

KINDS = {addresses.PASSWORD_RESET: (tokens.RESET, "PASSWORD_RESET_SECONDS"),
         addresses.CONFIRMATION: (tokens.CONFIRM, "EMAIL_CONFIRMATION_SECONDS")}


def compose(job: Claimed) -> EmailMessage | None:
    """Write an account mail with a fresh link, or None when it is no longer owed."""
    purpose, lifetime = KINDS[job.kind]
    seconds = current_app.config[lifetime]
    user, queued = _recipient(job), _queued_at(job)
    if user is None or queued is None or queued < leases.clock() - timedelta(seconds=seconds):
        return None  # asked for too long ago: the person has moved on, or asks again
    raw = tokens.issue(user, purpose, seconds, email=user.email)
    db.session.commit()
    link = "recovery.reset" if purpose == tokens.RESET else "recovery.confirm"
    config = current_app.config
    with force_locale(user.language):
        body = render_template(f"recovery/{job.kind}.txt", person=user, hours=seconds // 3600,
                               link=public_url(link, token=raw))
        subject = (_("Your new password for %(site)s", site=config["SITE_NAME"])
                   if purpose == tokens.RESET else
                   _("Confirm your e-mail address for %(site)s", site=config["SITE_NAME"]))
    return envelope(f"{job.kind}-{job.job_id}", user, subject, body)


def _recipient(job: Claimed) -> User | None:
    if job.kind == addresses.CONFIRMATION:  # the address is not confirmed yet, by nature
        user = db.session.get(User, job.user_id)
        return user if user is not None and addresses.awaits_confirmation(user) else None
    return db.session.scalar(select(User).where(User.id == job.user_id,
                                                addresses.deliverable()))


def _queued_at(job: Claimed) -> datetime | None:
    return db.session.scalar(select(MailJob.created_at).where(MailJob.id == job.job_id))
