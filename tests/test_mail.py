"""With SMTP configured, people who gave an address get their notifications by mail too."""
from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller

import factories as make
from forum.notifications import mail


class Inbox:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
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


def test_a_reply_is_mailed_once_in_the_readers_language(app, smtp):
    author = make.user("Núria", language="ca")
    author.email = "nuria@example.org"
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
