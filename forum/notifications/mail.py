"""E-mail copies of notifications, sent by the translation worker when SMTP is configured.

Nobody needs an e-mail address to take part; a person who gave one gets each new
notification by mail too. Sending happens in the worker process, never during a page
request (an SMTP server can be slow or down). A notification is claimed with a
conditional UPDATE before it is sent, so several workers never send the same mail twice;
a mail that fails is not retried (the notification itself stays in the forum).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from forum.accounts.models import User
from forum.db import db, utcnow
from forum.notifications.models import Notification

log = logging.getLogger(__name__)
MAX_AGE = timedelta(days=1)  # after downtime, do not mail about old news


def configured() -> bool:
    """Say whether the instance has an SMTP server to send through."""
    return bool(current_app.config.get("SMTP_HOST"))


def send_pending(limit: int = 50) -> int:
    """Mail the new notifications of people with an e-mail address; return how many."""
    if not configured():
        return 0
    rows = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.email.is_not(None),
               User.deleted_at.is_(None), Notification.created_at > utcnow() - MAX_AGE)
        .order_by(Notification.id).limit(limit)).all()
    sent = 0
    for notification, user in rows:
        if _claim(notification.id) and _send(_message(notification, user)):
            sent += 1
    return sent


def _claim(notification_id: int) -> bool:
    claimed = db.session.execute(
        update(Notification).where(Notification.id == notification_id,
                                   Notification.emailed_at.is_(None))
        .values(emailed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1


def _message(notification: Notification, user: User) -> EmailMessage:
    config = current_app.config
    with force_locale(user.language):
        body = render_template("notifications/email.txt", notification=notification,
                               person=user)
        subject = _("News from %(site)s", site=config["SITE_NAME"])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = user.email
    message.set_content(body)
    return message


def _send(message: EmailMessage) -> bool:
    config = current_app.config
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not send a notification e-mail: %s", error)
        return False
    return True
