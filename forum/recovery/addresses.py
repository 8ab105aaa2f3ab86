"""Which e-mail addresses the forum may write to, and owing their confirmation."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import ColumnElement, func, select, true

from forum.accounts.models import User
from forum.db import db, utcnow
from forum.notifications.models import MailJob
from forum.recovery import tokens

CONFIRMATION = "email_confirmation"
PASSWORD_RESET = "password_reset"


def mail_configured() -> bool:
    """Say whether the instance has an SMTP server to send through."""
    return bool(current_app.config.get("SMTP_HOST"))


def confirmation_required() -> bool:
    """Say whether addresses must be confirmed before they get mail."""
    return mail_configured() and bool(current_app.config["EMAIL_CONFIRMATION"])


def deliverable() -> ColumnElement[bool]:
    """A condition on User: the person has an address the forum may write to."""
    confirmed = User.email_confirmed_at.is_not(None) if confirmation_required() else true()
    return User.email.is_not(None) & User.deleted_at.is_(None) & confirmed


def awaits_confirmation(user: User) -> bool:
    """Say whether a person's address must still be confirmed before it gets mail."""
    return bool(user.email) and user.deleted_at is None and user.email_confirmed_at is None \
        and confirmation_required()


def mails_today(user_id: int, kind: str) -> int:
    """Count the account mails of one kind owed to a person in the last 24 hours."""
    return db.session.scalar(select(func.count(MailJob.id)).where(
        MailJob.user_id == user_id, MailJob.kind == kind,
        MailJob.created_at > utcnow() - timedelta(days=1))) or 0


def owe(user: User, kind: str) -> bool:
    """Owe an account mail unless a day's share is used up (the caller commits)."""
    if mails_today(user.id, kind) >= current_app.config["PASSWORD_RESET_MAILS_PER_DAY"]:
        return False
    db.session.add(MailJob(kind=kind, user_id=user.id))
    return True


def address_changed(user: User) -> None:
    """An address given or changed is unconfirmed; owe it a confirmation mail.

    Links already mailed to the old address stop working: whoever reads that mailbox
    now may not be the person.
    """
    user.email_confirmed_at = None
    if user.id is not None:
        tokens.void(user.id, tokens.RESET)
        tokens.void(user.id, tokens.CONFIRM)
    if user.email and confirmation_required():
        db.session.flush()  # the new account needs its id
        owe(user, CONFIRMATION)


def accounts_at(address: str) -> list[User]:
    """Return the active accounts the forum may write to at this address (any case)."""
    return list(db.session.scalars(select(User).where(
        func.lower(User.email) == address.strip().lower(), deliverable()).limit(5)))
