"""Citizens' reports, the threshold that hides an item pending review, the queue."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.content import validation
from forum.db import db
from forum.items import ItemKind
from forum.moderation import service
from forum.moderation.models import Report, ReportReason
from forum.pagination import Page, within


class Filed(StrEnum):
    """What became of a report."""

    RECEIVED = "received"
    HIDDEN = "hidden"            # received, and it was the one that reached the threshold
    DUPLICATE = "duplicate"      # this person had reported the item already
    ALREADY_HIDDEN = "already_hidden"


def file_report(reporter, item, reason: str, details: str | None = "") -> Filed:
    """Record one person's report of an item, hiding it once enough people reported it."""
    if reason not in {r.value for r in ReportReason}:
        raise validation.ContentError("reason", _l("Choose one of the offered reasons."))
    limit = current_app.config["REPORT_DETAILS_MAX_LENGTH"]
    details = validation.check_length("details", details, 0, limit)
    if reason == ReportReason.OTHER and not details:
        raise validation.ContentError("details", _l("Tell the moderators what is wrong."))
    if getattr(item, "hidden_at", None) is not None:
        return Filed.ALREADY_HIDDEN
    kind = service.item_type_of(item)
    db.session.add(Report(reporter_id=reporter.id, item_type=kind, item_id=item.id,
                          reason=reason, details=details))
    try:
        db.session.flush()
    except IntegrityError:  # one report per person per item, even from two tabs at once
        db.session.rollback()
        return Filed.DUPLICATE
    db.session.commit()
    # Counted after the commit: two reports arriving together each see the other, so the
    # threshold is never missed; the compare-and-set in auto_hide hides the item once.
    hidden = kind != ItemKind.ACCOUNT and _over_threshold(kind, item.id) and service.auto_hide(item)
    db.session.commit()
    return Filed.HIDDEN if hidden else Filed.RECEIVED


def _over_threshold(kind: str, item_id: int) -> bool:
    threshold = current_app.config["REPORT_HIDE_THRESHOLD"]
    if not threshold:
        return False
    reporters = db.session.scalar(select(func.count(func.distinct(Report.reporter_id))).where(
        Report.item_type == kind, Report.item_id == item_id, Report.resolved_at.is_(None)))
    return reporters >= threshold


def has_reported(user, item) -> bool:
    """Say whether `user` already reported the item."""
    return db.session.scalar(select(Report.id).where(
        Report.reporter_id == user.id, Report.item_type == service.item_type_of(item),
        Report.item_id == item.id)) is not None


def open_item_count() -> int:
    """Count the items waiting in the queue (one query, for the moderators' menu)."""
    items = select(Report.item_type, Report.item_id).where(Report.resolved_at.is_(None)) \
        .group_by(Report.item_type, Report.item_id).subquery()
    return db.session.scalar(select(func.count()).select_from(items)) or 0


@dataclass
class QueueEntry:
    """One reported item with its open reports, as the queue shows it."""

    item_type: str
    item_id: int
    first_reported_at: object
    seen: int  # the newest report shown: actions settle reports up to this one
    item: object = None
    reports: list[Report] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.item_type}:{self.item_id}:{self.seen}"


def queue_page(page: int, per_page: int) -> Page:
    """Return one page of reported items, the longest-waiting first, with their reports."""
    total = open_item_count()
    page = within(page, total, per_page)
    grouped = (select(Report.item_type, Report.item_id, func.min(Report.created_at).label("first"),
                      func.max(Report.id).label("seen"))
               .where(Report.resolved_at.is_(None)).group_by(Report.item_type, Report.item_id)
               .order_by(func.min(Report.created_at), func.min(Report.id))
               .limit(per_page).offset((page - 1) * per_page))
    entries = [QueueEntry(row.item_type, row.item_id, row.first, row.seen)
               for row in db.session.execute(grouped)]
    _attach(entries)
    return Page(entries, page, per_page, total)


def _attach(entries: list[QueueEntry]) -> None:
    """Load the items and their open reports: one query per kind, one for the reports."""
    by_kind: dict[str, dict[int, QueueEntry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.item_type, {})[entry.item_id] = entry
    for kind, wanted in by_kind.items():
        model = service.MODELS[ItemKind(kind)]
        for item in db.session.scalars(select(model).where(model.id.in_(wanted))):
            wanted[item.id].item = item
    if not entries:
        return
    reports = db.session.scalars(select(Report).where(
        Report.resolved_at.is_(None), Report.item_id.in_({e.item_id for e in entries}))
        .order_by(Report.id))
    for report in reports:
        reported = by_kind.get(report.item_type, {}).get(report.item_id)
        if reported is not None and report.id <= reported.seen:
            reported.reports.append(report)


def reports_on(item) -> list[Report]:
    """Return every report on an item, open and settled, oldest first."""
    return list(db.session.scalars(select(Report).where(
        Report.item_type == service.item_type_of(item), Report.item_id == item.id)
        .order_by(Report.id)))


def waiting_count() -> int:
    """Count reported items and undecided appeals together, in one query."""
    from forum.moderation.models import Appeal

    items = select(Report.item_type, Report.item_id).where(Report.resolved_at.is_(None)) \
        .group_by(Report.item_type, Report.item_id).subquery()
    reported = select(func.count()).select_from(items).scalar_subquery()
    appealed = select(func.count(Appeal.id)).where(Appeal.decided_at.is_(None)).scalar_subquery()
    return db.session.scalar(select(reported + appealed)) or 0
