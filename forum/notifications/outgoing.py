"""What every kind of mail shares: the claimed job it answers, and its envelope."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

from forum.accounts.models import User


@dataclass
class Claimed:
    """What a worker knows of a mail job it claimed."""

    job_id: int
    attempts: int
    kind: str
    user_id: int
    notification_id: int | None


def envelope(name: str, user: User, subject: str, body: str) -> EmailMessage:
    """Address a mail to a person; `name` makes its Message-ID, the same on every copy."""
    config = current_app.config
    domain = config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["Message-ID"] = f"<{name}@{domain}>"
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = user.email
    message.set_content(body)
    return message
