"""Reused parts of pages are exactly what rendering from scratch gives, after every kind of change.

One app keeps rendered comments, proposal cards and visitors' pages in memory; a second app
on the same database keeps nothing and renders everything anew. After each event that can
change a thread or a card (an edit, a translation stored or redone, hiding and restoring,
a deletion, an erased account, a ban; a support, a title translated or edited, a pin, an
answer, a renamed topic) the thread and the lists must read the same through both, for
visitors and for members in several interface languages, and a visitor's old ETag must not
be honoured.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, update

import factories as make
from fixtures_core import browser, log_in, store_translation
from forum import create_app
from forum.answers import service as answers
from forum.comments import service as comments
from forum.db import db
from forum.machine_translation.models import Translation
from forum.moderation import service as moderation
from forum.moderation.models import Action
from forum.proposals import service as proposals
from xss_payloads import page_problems

CSRF = re.compile(r'name="csrf_token" value="[^"]+"')


@pytest.fixture
def fresh(settings):
    """The same forum, served by an app that reuses nothing."""
    return create_app({**settings, "FRAGMENT_CACHE_BYTES": 0, "PAGE_CACHE_BYTES": 0})


@pytest.fixture
def thread(app):
    author, other = make.user("Núria", language="ca"), make.user("Marta", language="es")
    admin = make.user("Admin", role="admin")
    proposal = make.proposal(admin, title="Benches along the river")
    first = make.comment(proposal, author, "Estic d'acord amb **aquesta** proposta.",
                         alignment="for")
    reply = make.comment(proposal, other, "No estoy de acuerdo.", parent=first)
    for comment, language, text in ((first, "en", "I agree with *this* proposal."),
                                    (first, "es", "Estoy de acuerdo con esta propuesta."),
                                    (reply, "en", "I do not agree.")):
        store_translation(comment, "body", text, language=language)
    db.session.commit()
    return dict(proposal=proposal, first=first, reply=reply, author=author, other=other,
                admin=admin,
                moderator=make.user("Mod", role="moderator"))


def readers(app, fresh, world, absent=()) -> dict:
    """A browser on each app per kind of reader (but the `absent`), holding the same login."""
    pairs = {}
    for name, person, language in (("visitor en", None, "en"), ("visitor es", None, "es"),
                                   ("visitor fr", None, "fr"), ("author", world["author"], "ca"),
                                   ("other", world["other"], "es"),
                                   ("moderator", world["moderator"], "en")):
        if name in absent:
            continue
        reusing, anew = browser(app), fresh.test_client()
        if person is not None:
            log_in(reusing, person)
            reusing.get("/")  # shows (and so spends) the "logged in" message
            anew.set_cookie("session", reusing.get_cookie("session", domain="forum.test").value,
                            domain="forum.test")
        pairs[name] = (reusing, anew, language)
    return pairs


def assert_same_everywhere(app, fresh, world, absent=()) -> None:
    """The thread and the lists of proposals (their cards) read the same through both apps."""
    topic = world["proposal"].topic.slug
    paths = (f"/proposals/{world['proposal'].id}", "/proposals", "/", f"/topics/{topic}")
    for name, (reusing, anew, language) in readers(app, fresh, world, absent).items():
        headers = {"Accept-Language": language}
        for path in paths:
            reused = reusing.get(path, headers=headers).get_data(as_text=True)
            reused = reusing.get(path, headers=headers).get_data(as_text=True)  # from memory
            rendered = anew.get(path, headers=headers).get_data(as_text=True)
            assert CSRF.sub("", reused) == CSRF.sub("", rendered), (name, path)


def translated(comment, language: str, text: str) -> None:
    """Store a translation of the current text, as the worker would (replacing the old one)."""
    db.session.execute(delete(Translation).where(Translation.item_id == comment.id,
                                                 Translation.item_type == "comment",
                                                 Translation.language == language))
    store_translation(comment, "body", text, language=language)
    db.session.commit()


def changes(world):
    """Each event that can change what the thread or a proposal's card shows, in turn."""
    first, reply, proposal = world["first"], world["reply"], world["proposal"]
    yield "supported", lambda: proposals.support(world["other"], proposal)
    yield "title translated", lambda: (store_translation(
        proposal, "title", "Bancs al llarg del riu", language="ca"), db.session.commit())
    yield "proposal edited", lambda: proposals.edit_proposal(
        proposal, "Benches and shade along the river", proposal.body_source, "en")
    yield "pinned", lambda: moderation.act(world["moderator"], proposal, Action.PIN, "")
    yield "answered", lambda: answers.give_answer(
        proposal, world["admin"], "under_review", "We are looking into it.", "en")
    yield "topic renamed", lambda: proposals.update_topic(
        proposal.topic, "Parks and rivers", "Green places.", "en")
    yield "edit", lambda: comments.edit_comment(first, "Un text nou sobre els parcs.", "ca",
                                                "neutral")
    yield "translation stored", lambda: translated(first, "en", "A new text on the parks.")
    yield "translation redone", lambda: (db.session.execute(
        update(Translation).where(Translation.item_id == first.id, Translation.language == "en")
        .values(text="A new text about the parks.", html="<p>A new text about the parks.</p>",
                engine="argos:ca-en")), db.session.commit())
    yield "hidden", lambda: moderation.act(world["moderator"], reply, Action.HIDE,
                                           "Insults another participant.")
    yield "restored", lambda: moderation.act(world["moderator"], reply, Action.RESTORE, "")
    yield "deleted", lambda: comments.delete_comment(reply)
    yield "banned", lambda: moderation.restrict(world["moderator"], world["author"], Action.BAN,
                                                "Spam, again and again.")


def test_reused_parts_equal_a_fresh_rendering_after_every_change(app, fresh, thread):
    assert_same_everywhere(app, fresh, thread)
    for name, change in changes(thread):
        change()
        # A banned person can no longer log in; everyone else reads on.
        assert_same_everywhere(app, fresh, thread, absent={"author"} if name == "banned" else ())


@pytest.mark.parametrize("mode", ["erase", "anonymise"])
def test_a_deleted_account_leaves_no_reused_trace(app, fresh, thread, mode):
    from forum.privacy.service import delete_account

    assert_same_everywhere(app, fresh, thread)
    page = f"/proposals/{thread['proposal'].id}"
    assert "Marta" in browser(app).get(page).get_data(as_text=True)

    delete_account(thread["other"], mode)

    shown = browser(app).get(page).get_data(as_text=True)
    assert "Marta" not in shown
    assert ("No estoy de acuerdo." in shown) is (mode == "anonymise")
    assert_same_everywhere(app, fresh, thread, absent={"other"})


def test_a_visitors_old_etag_is_not_honoured_after_a_change(app, thread):
    client = browser(app)
    path = f"/proposals/{thread['proposal'].id}"
    etag = client.get(path).headers["ETag"]

    comments.edit_comment(thread["first"], "Un altre text.", "ca", None)

    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 200 and "Un altre text." in again.get_data(as_text=True)


def test_hostile_text_stays_inert_in_a_reused_part(app, thread):
    payload = '<img src=x onerror=alert(1)><script>alert(2)</script>[x](javascript:alert(3))'
    comments.edit_comment(thread["first"], payload, "ca", None)
    translated(thread["first"], "en", payload + " en")
    client = browser(app)
    path = f"/proposals/{thread['proposal'].id}"

    for _ in range(2):  # rendered, then reused
        assert page_problems(client.get(path).get_data(as_text=True)) == []
