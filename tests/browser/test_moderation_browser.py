"""A moderator clears a queue of reports in a real browser, without JavaScript tricks."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import factories as make
from forum.db import db
from forum.moderation import reports
from forum.moderation.models import ModerationAction

from .conftest import only_from
from .site_tour import log_in


def card(page, kind: str, item_id: int):
    return page.locator(f"li#{kind}-{item_id}")


@pytest.mark.browser
def test_a_moderator_clears_a_queue_of_reports(app, live_server, page):
    spammer, honest = make.user("Spammer"), make.user("Honest")
    proposal = make.proposal(honest, title="More benches along the river path")
    spam = [make.comment(proposal, spammer, body=f"Cheap watches, visit shop {i}") for i in (1, 2)]
    fair = make.comment(proposal, honest, body="I disagree, benches cost too much.")
    off_topic = make.proposal(make.user(), title="Who won the football match yesterday")
    for item in (*spam, fair, off_topic):
        reports.file_report(make.user(), item, "spam" if item in spam else "off_topic")
    moderator = make.user("Moderator Marta", role="moderator")

    log_in(page, moderator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Moderation queue"
    assert "4 to review" in page.get_by_role("navigation", name="Main").inner_text()

    # A fair comment: the reports are dismissed, the comment stays.
    card(page, "comment", fair.id).get_by_role("button", name="Dismiss the reports").click()
    assert "Done: reports dismissed" in page.locator(".flashes").inner_text()

    # Off-topic: hidden with a public reason.
    off = card(page, "proposal", off_topic.id)
    off.get_by_label("Public reason").first.fill("Not about the town.")
    off.get_by_role("button", name="Hide", exact=True).click()
    assert "Done: hidden" in page.locator(".flashes").inner_text()

    # The spam wave: selected together, hidden and its author banned at once.
    for comment in spam:
        card(page, "comment", comment.id).get_by_role("checkbox").check()
    page.get_by_label("Public reason (needed to hide or ban)").fill("Advertising.")
    page.get_by_role("button", name="Hide them and ban their authors").click()

    assert "Nothing to review: the queue is clear." in page.locator("main").inner_text()
    assert "to review" not in page.get_by_role("navigation", name="Main").inner_text()
    assert only_from(live_server, page.requested_urls) == []

    db.session.expire_all()
    logged = [(a.action, a.item_type, a.item_id) for a in
              db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))]
    assert logged == [("dismiss", "comment", fair.id), ("hide", "proposal", off_topic.id),
                      ("hide", "comment", spam[0].id), ("ban", "user", spammer.id),
                      ("hide", "comment", spam[1].id)]

    # What readers now see: tombstones in place, the fair comment untouched.
    page.goto(f"/proposals/{proposal.id}")
    thread = page.locator("section.discussion").inner_text()
    assert "Hidden by moderators on" in thread and "Advertising." in thread
    assert "Cheap watches" not in thread and "benches cost too much" in thread
