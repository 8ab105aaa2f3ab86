"""People hear of replies, comments, supports and follows — each once, never of themselves."""
from __future__ import annotations

from sqlalchemy import select

import factories as make
from fixtures_core import browser, log_in
from forum.db import db
from forum.notifications import service
from forum.notifications.models import Notification
from forum.proposals import service as proposals


def inbox(user) -> list[tuple[str, int | None]]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return [(n.kind, n.actor_id) for n in rows]


def test_a_reply_tells_the_replied_to_and_the_proposals_author_once_each(app):
    author, commenter, replier = make.user(), make.user(), make.user()
    proposal = make.proposal(author)
    comment = make.comment(proposal, commenter)
    make.comment(proposal, replier, parent=comment)

    assert inbox(author) == [("comment", commenter.id), ("comment", replier.id)]
    assert inbox(commenter) == [("reply", replier.id)]  # not also "followed_comment"
    assert inbox(replier) == []


def test_followers_hear_of_new_comments_and_nobody_of_their_own(app):
    author, follower = make.user(), make.user()
    proposal = make.proposal(author)
    service.start_following(follower, proposal)
    make.comment(proposal, author)

    assert inbox(follower) == [("followed_comment", author.id)]
    assert inbox(author) == [("follow", follower.id)]


def test_commenting_follows_the_proposal(app):
    proposal = make.proposal()
    commenter = make.user()
    make.comment(proposal, commenter)

    assert service.is_following(commenter, proposal.id)


def test_a_support_tells_the_author(app):
    author, supporter = make.user(), make.user()
    proposal = make.proposal(author)
    proposals.support(supporter, proposal)
    proposals.support(supporter, proposal)  # a second click changes nothing

    assert inbox(author) == [("support", supporter.id)]


def test_follow_and_unfollow_from_the_page(app):
    proposal = make.proposal()
    reader = make.user()
    client = browser(app)
    log_in(client, reader)

    assert "Follow this proposal" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    client.post(f"/proposals/{proposal.id}/follow")
    assert "You follow this proposal." in \
        client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    client.post(f"/proposals/{proposal.id}/follow", data={"action": "unfollow"})
    assert not service.is_following(reader, proposal.id)


def test_the_notifications_page_lists_and_marks_read(app):
    author, replier = make.user(), make.user("Núria")
    proposal = make.proposal(author, title="Benches along the river path")
    make.comment(proposal, replier)
    client = browser(app)
    log_in(client, author)

    home = client.get("/").get_data(as_text=True)
    assert "1 new" in home
    html = client.get("/notifications").get_data(as_text=True)
    assert "Núria commented on your proposal" in html and "Benches along the river path" in html
    client.post("/notifications/read")
    assert service.unread_count(author) == 0
    assert "1 new" not in client.get("/").get_data(as_text=True)


def test_a_notification_escapes_the_title_it_quotes(app):
    author = make.user()
    proposal = make.proposal(author, title="<b>bold</b> title here")
    make.comment(proposal, make.user("Eve.x"))
    client = browser(app)
    log_in(client, author)

    html = client.get("/notifications").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt; title here" in html and "<b>bold</b>" not in html
