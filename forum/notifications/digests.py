"""Daily and weekly digests: a person's notifications of one period in one mail.

The worker calls `owe_due` on every round. For each person on a daily or weekly digest
whose period ended, it records the digest (once per person and period end: a unique
constraint decides between workers) and owes its mail if there is anything in it. The
mail is sent like any other (claimed, fenced, retried: forum.notifications.mail), so a
crash mid-send never sends twice. A digest covers from where the person's last one
stopped, so downtime merges periods instead of skipping one.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from forum import leases
from forum.accounts.models import User
from forum.db import db
from forum.machine_translation.reading import lookup
from forum.notifications.models import Digest, MailJob, Notification
from forum.notifications.outgoing import Claimed, envelope
from forum.proposals.models import Proposal
from forum.recovery import addresses

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def period_end(frequency: str, now: datetime) -> datetime:
    """Return when the last complete period ended: midnight UTC, or Monday's for weeks."""
    midnight = datetime.combine(now.date(), time())
    if frequency == "weekly":
        return midnight - timedelta(days=midnight.weekday())
    return midnight


def owe_due() -> int:
    """Record the digests whose period ended and owe their mails; return how many (commits)."""
    if not addresses.mail_configured():
        return 0
    now, owed = leases.clock(), 0
    for frequency, length in PERIODS.items():
        end = period_end(frequency, now)
        waiting = select(User.id).where(
            User.mail_frequency == frequency, addresses.deliverable(),
            ~exists().where(Digest.user_id == User.id, Digest.covers_until >= end))
        for user_id in list(db.session.scalars(waiting.limit(500))):
            owed += _record(user_id, frequency, end - length, end)
    return owed


def _record(user_id: int, frequency: str, start: datetime, end: datetime) -> int:
    last = db.session.scalar(select(func.max(Digest.covers_until)).where(
        Digest.user_id == user_id))
    start = last if last is not None and last < end else start
    count = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.created_at >= start,
        Notification.created_at < end)) or 0
    digest = Digest(user_id=user_id, frequency=frequency, covers_from=start, covers_until=end,
                    notifications=count)
    db.session.add(digest)
    try:
        db.session.flush()
    except IntegrityError:  # another worker recorded it first
        db.session.rollback()
        return 0
    if count:
        db.session.add(MailJob(kind="digest", digest_id=digest.id, user_id=user_id))
    db.session.commit()
    return 1 if count else 0


def compose(job: Claimed) -> EmailMessage | None:
    """Write a digest's mail in the person's language, grouped by proposal."""
    found = db.session.execute(
        select(Digest, User).join(User, User.id == Digest.user_id)
        .join(MailJob, MailJob.digest_id == Digest.id)
        .where(MailJob.id == job.job_id, addresses.deliverable())).first()
    if found is None:
        return None
    digest, user = found
    notes = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.created_at >= digest.covers_from,
        Notification.created_at < digest.covers_until).order_by(Notification.id)))
    if not notes:
        return None  # all deleted since (their proposals erased): nothing to say
    proposals = {p.id: p for p in db.session.scalars(select(Proposal).where(
        Proposal.id.in_({n.proposal_id for n in notes if n.proposal_id})))}
    texts = lookup(list(proposals.values()), user.language)
    groups: dict[int | None, list[Notification]] = {}
    for note in notes:
        groups.setdefault(note.proposal_id if note.proposal_id in proposals else None,
                          []).append(note)
    with force_locale(user.language):
        body = render_template("notifications/digest.txt", person=user, digest=digest,
                               groups=groups, proposals=proposals, texts=texts)
        subject = (_("Your daily news from %(site)s", site=current_app.config["SITE_NAME"])
                   if digest.frequency == "daily" else
                   _("Your weekly news from %(site)s", site=current_app.config["SITE_NAME"]))
    return envelope(f"digest-{digest.id}", user, subject, body)
