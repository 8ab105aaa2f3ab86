"""Tell people what concerns them, and let them follow proposals.

`notify` and `follow` add rows to the caller's transaction and never commit: they are
called by other services (comments, supports, moderation, answers) that commit the event
and its notifications together. With SMTP configured, `notify` also owes each person who
gave an address an e-mail (notifications.mail), in the same transaction.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from forum.db import db, rows_changed, utcnow
from forum.items import ItemKind
from forum.notifications.models import Follow, Notification, TopicFollow
from forum.pagination import paginate

PAGE_SIZE = 30


def notify(user_ids, kind: str, *, item_type: str | None = None, item_id: int | None = None,
           proposal_id: int | None = None, actor_id: int | None = None,
           detail: str | None = None) -> int:
    """Queue one notification per person (never to the actor); return how many."""
    from forum.notifications import mail

    recipients = {uid for uid in user_ids if uid is not None and uid != actor_id}
    made = [Notification(user_id=user_id, kind=kind, item_type=item_type, item_id=item_id,
                         proposal_id=proposal_id, actor_id=actor_id, detail=detail)
            for user_id in sorted(recipients)]
    db.session.add_all(made)
    mail.queue(made)
    return len(recipients)


def followers(proposal_id: int) -> list[int]:
    """Return the ids of the people following a proposal."""
    return list(db.session.scalars(select(Follow.user_id).where(Follow.proposal_id == proposal_id)))


def is_following(user, proposal_id: int) -> bool:
    """Say whether `user` follows the proposal."""
    if not (user and user.is_authenticated):
        return False
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.proposal_id == proposal_id)) is not None


def follow(user_id: int, proposal_id: int) -> bool:
    """Follow a proposal (in the caller's transaction); False if already following."""
    if db.session.scalar(select(Follow.id).where(Follow.user_id == user_id,
                                                 Follow.proposal_id == proposal_id)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Follow(user_id=user_id, proposal_id=proposal_id))
    except IntegrityError:  # the same person following from two tabs at once
        return False
    return True


def start_following(user, proposal) -> bool:
    """Follow a proposal at a person's request, telling its author; commit."""
    added = follow(user.id, proposal.id)
    if added:
        notify([proposal.author_id], "follow", item_type=ItemKind.PROPOSAL, item_id=proposal.id,
               proposal_id=proposal.id, actor_id=user.id)
    db.session.commit()
    return added


def stop_following(user, proposal) -> bool:
    """Stop following a proposal; commit."""
    found = db.session.scalar(select(Follow).where(Follow.user_id == user.id,
                                                   Follow.proposal_id == proposal.id))
    if found is None:
        return False
    db.session.delete(found)
    db.session.commit()
    return True


def unread_count(user) -> int:
    """Count a person's unread notifications."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user, page: int = 1):
    """Return one page of a person's notifications, newest first."""
    query = (select(Notification).where(Notification.user_id == user.id)
             .order_by(Notification.id.desc()))
    return paginate(query, page, PAGE_SIZE)


def mark_all_read(user) -> int:
    """Mark every notification of a person as read; commit."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return rows_changed(result)


def topic_followers(topic_id: int) -> list[int]:
    """Return the ids of the people following a topic."""
    return list(db.session.scalars(select(TopicFollow.user_id).where(
        TopicFollow.topic_id == topic_id)))


def follows_topic(user, topic_id: int) -> bool:
    """Say whether `user` follows the topic (no query for visitors)."""
    if not (user and user.is_authenticated):
        return False
    return db.session.scalar(select(TopicFollow.id).where(
        TopicFollow.user_id == user.id, TopicFollow.topic_id == topic_id)) is not None


def follow_topic(user, topic_id: int) -> bool:
    """Follow a topic; False if already following (commits)."""
    try:
        with db.session.begin_nested():
            db.session.add(TopicFollow(user_id=user.id, topic_id=topic_id))
    except IntegrityError:  # already following, perhaps from another tab
        return False
    db.session.commit()
    return True


def unfollow_topic(user, topic_id: int) -> bool:
    """Stop following a topic; False if not following (commits)."""
    gone = db.session.execute(delete(TopicFollow).where(TopicFollow.user_id == user.id,
                                                        TopicFollow.topic_id == topic_id))
    db.session.commit()
    return rows_changed(gone) > 0

