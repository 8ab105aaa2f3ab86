"""Following topics, daily and weekly digests, and Atom feeds of what people follow."""
from __future__ import annotations

from datetime import datetime, timedelta

import feedparser
import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import browser, flashes, location, log_in, page
from forum import leases
from forum.db import db
from forum.notifications import digests, mail
from forum.notifications.models import Digest, MailJob, Notification
from smtp_sink import smtp, subject_of, text_of  # noqa: F401


@pytest.fixture
def start(monkeypatch):
    """Put the lease clock (which digests follow) at a Tuesday, 09:00 UTC."""
    moment = {"now": datetime(2026, 12, 8, 9, 0)}
    monkeypatch.setattr(leases, "clock", lambda: moment["now"])
    return moment


def person_on(frequency: str, name: str = "Marta", language: str = "en"):
    person = make.with_address(make.user(name, language=language), f"{name.lower()}@example.org")
    person.mail_frequency = frequency
    db.session.commit()
    return person


def news_for(person, when: datetime, text: str = "A reply worth reading.", proposal=None):
    """Comment on a proposal of `person`'s, and date what they are notified of `when`."""
    before = db.session.scalar(select(func.max(Notification.id))) or 0
    proposal = proposal or make.proposal(person)
    make.comment(proposal, make.user(), text)
    db.session.execute(Notification.__table__.update().where(
        Notification.user_id == person.id, Notification.id > before).values(created_at=when))
    db.session.commit()
    return proposal


def mails(kind: str = "digest") -> int:
    return db.session.scalar(select(func.count(MailJob.id)).where(MailJob.kind == kind))


def test_a_daily_digest_is_sent_once_grouped_by_proposal_in_the_readers_language(
        app, smtp, start):
    marta = person_on("daily", language="ca")
    bikes = news_for(marta, datetime(2026, 12, 7, 10, 0))
    news_for(marta, datetime(2026, 12, 7, 15, 0), proposal=bikes)
    news_for(marta, datetime(2026, 12, 7, 18, 0))
    assert mails("notification") == 0  # nothing one by one

    assert digests.owe_due() == 1 and digests.owe_due() == 0
    assert mail.send_pending("w1") == 1 and mail.send_pending("w2") == 0
    (message,) = smtp.messages
    body = text_of(message)
    assert body.startswith("Hola")  # in Catalan
    assert body.count("/proposals/") == 2 and body.count("- ") >= 3

    start["now"] += timedelta(hours=6)  # the same day: nothing more
    assert digests.owe_due() == 0


def test_a_period_with_nothing_new_sends_nothing(app, smtp, start):
    person_on("daily")
    assert digests.owe_due() == 0
    assert db.session.scalar(select(Digest.notifications)) == 0  # recorded, so never again
    assert mails() == 0 and smtp.messages == []


def test_downtime_merges_periods_and_skips_no_notification(app, smtp, start):
    marta = person_on("daily")
    news_for(marta, datetime(2026, 12, 7, 10, 0))
    digests.owe_due()
    mail.send_pending()
    news_for(marta, datetime(2026, 12, 8, 10, 0))
    news_for(marta, datetime(2026, 12, 9, 10, 0))
    start["now"] = datetime(2026, 12, 11, 9, 0)  # the worker was down for two days

    assert digests.owe_due() == 1
    mail.send_pending()
    covered = [(d.covers_from, d.covers_until, d.notifications)
               for d in db.session.scalars(select(Digest).order_by(Digest.id))]
    assert covered[1] == (datetime(2026, 12, 8), datetime(2026, 12, 11), 2)
    assert len(smtp.messages) == 2


def test_a_weekly_digest_covers_monday_to_monday(app, smtp, start):
    marta = person_on("weekly")
    news_for(marta, datetime(2026, 12, 2, 10, 0))  # the Wednesday before
    assert digests.owe_due() == 1
    digest = db.session.scalar(select(Digest))
    assert (digest.covers_from, digest.covers_until) == (datetime(2026, 11, 30),
                                                         datetime(2026, 12, 7))
    mail.send_pending()
    assert "weekly" in subject_of(smtp.messages[0]).lower()


def test_a_second_worker_neither_owes_nor_sends_a_digest_again(app, smtp, start):
    marta = person_on("daily")
    news_for(marta, datetime(2026, 12, 7, 10, 0))
    digests.owe_due()
    (job,) = leases.claim(MailJob, "dying:1", 10, app.config["MAIL_LEASE_SECONDS"])
    # A second worker records the digests again: the unique digest per period holds.
    assert digests.owe_due() == 0 and mails() == 1
    assert mail.send_pending("w2") == 0  # claimed by the dying worker: not sent twice


def test_no_mail_and_immediate_choices(app, smtp, start):
    quiet, eager = person_on("none", "Quiet"), person_on("immediate", "Eager")
    for person in (quiet, eager):
        news_for(person, datetime(2026, 12, 7, 10, 0))
    assert digests.owe_due() == 0
    assert mail.send_pending() == 1
    assert smtp.messages[0].rcpt_tos == ["eager@example.org"]


def test_the_settings_page_chooses_the_frequency(app, smtp):
    marta = person_on("immediate")
    client = browser(app)
    log_in(client, marta)
    response = client.post("/account", data={"language": "en", "email": "marta@example.org",
                                             "mail_frequency": "weekly"})
    assert location(response) == "/account"
    db.session.expire_all()
    assert db.session.get(type(marta), marta.id).mail_frequency == "weekly"
    refused = client.post("/account", data={"language": "en", "mail_frequency": "hourly"})
    assert refused.status_code == 422


# --- Following topics -------------------------------------------------------------------------

def test_people_following_a_topic_hear_of_each_new_proposal(app):
    topic = make.topic("Housing")
    marta = make.user("Marta")
    client = browser(app)
    log_in(client, marta)
    followed = client.post(f"/topics/{topic.slug}/follow")
    assert "You follow this topic" in flashes(client.get(location(followed)))
    assert "You follow this topic." in page(client.get(f"/topics/{topic.slug}")).text

    make.proposal(make.user(), topic)
    make.proposal(make.user(), make.topic("Parks"))
    kinds = list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == marta.id)))
    assert kinds == ["topic_proposal"]
    assert "New proposal in a topic you follow" in page(client.get("/notifications")).text

    client.post(f"/topics/{topic.slug}/follow", data={"action": "unfollow"})
    make.proposal(make.user(), topic)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == marta.id)) == 1
    assert client.post("/topics/nowhere/follow").status_code == 404


# --- Atom feeds -----------------------------------------------------------------------------

def test_a_proposal_feed_is_valid_atom_with_its_comments_and_answers(app):
    from forum.answers import service as answers

    author = make.user("Núria", language="ca")
    proposal = make.proposal(author, title="Carril bici a l'avinguda", language="ca")
    make.comment(proposal, make.user("Tom"), "I cycle there <b>daily</b>.")
    hidden = make.comment(proposal, make.user(), "Spam spam spam spam spam.")
    hidden.hidden_at = hidden.created_at
    db.session.commit()
    answers.give_answer(proposal, make.user("Council", role="admin"), "under_review",
                        "We are studying it with the traffic department.", "en")

    response = browser(app).get(f"/proposals/{proposal.id}/feed.atom")
    assert response.mimetype == "application/atom+xml"
    assert not response.headers.getlist("Set-Cookie")
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and "Carril bici" in feed.feed.title
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 2 and any(t.startswith("Official answer") for t in titles)
    tom = next(e for e in feed.entries if e.author == "Tom")
    assert "<b>daily</b>" not in tom.content[0].value  # sanitised as on the page
    assert all(entry.link.startswith("http://forum.test/") for entry in feed.entries)


def test_a_topic_feed_lists_its_visible_proposals(app):
    topic = make.topic("Housing")
    shown = make.proposal(make.user(), topic, title="Cooperative housing on the old site")
    gone = make.proposal(make.user(), topic, title="A proposal moderators hid")
    gone.hidden_at = gone.created_at
    db.session.commit()
    client = browser(app)
    feed = feedparser.parse(client.get(f"/topics/{topic.slug}/feed.atom").get_data())
    assert not feed.bozo and [e.title for e in feed.entries] == [shown.title]
    listed = page(client.get(f"/topics/{topic.slug}"))
    assert listed.find("link", rel="alternate", type="application/atom+xml") is not None
    assert client.get("/topics/nowhere/feed.atom").status_code == 404
    assert client.get(f"/proposals/{gone.id}/feed.atom").status_code == 404


def test_a_worker_looks_for_due_digests_once_a_minute(app, smtp, start, monkeypatch):
    marta = person_on("daily")
    news_for(marta, datetime(2026, 12, 7, 10, 0))
    mailer, calls = mail.Mailer("w1"), []
    monkeypatch.setattr(digests, "owe_due", lambda: calls.append(1) or 0)
    mailer.run_batch()
    mailer.run_batch()
    assert calls == [1]
    mailer.digests_checked -= mail.Mailer.DIGEST_CHECK_SECONDS
    mailer.run_batch()
    assert calls == [1, 1]
