"""A local SMTP sink for the mail tests: a real aiosmtpd server that keeps what it gets."""
from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """A real SMTP server on 127.0.0.1 that keeps what it receives (or refuses it)."""

    def __init__(self):
        self.messages = []
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refusing:
            return "451 Try again later"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False,
                      MAIL_FROM="forum@riverton.example")
    yield inbox
    controller.stop()


def text_of(envelope) -> str:
    """Return the plain-text body of a received message, decoded."""
    message = message_from_bytes(envelope.content, policy=policy.default)
    return message.get_body(preferencelist=("plain",)).get_content()


def subject_of(envelope) -> str:
    """Return the decoded subject of a received message."""
    return str(message_from_bytes(envelope.content, policy=policy.default)["Subject"])


def link_in(envelope, path: str) -> str:
    """Return the secret at the end of the first link to `path` in a message."""
    found = re.search(re.escape(path) + r"([A-Za-z0-9_-]+)", text_of(envelope))
    assert found, text_of(envelope)
    return found.group(1)
