"""What feeds list: the newest public proposals, comments, answers, milestones, phases, events.

A feed reads each kind of item in one query (the newest ENTRIES of each, with the proposal
it is about), so it costs the same whatever the number of entries. Only public content:
hidden or deleted proposals and comments, and everything about them, and hidden events
are left out.

Entry ids name the item, not the feed nor the language: the same answer keeps one id in
the forum's, its process's, its topic's and its proposal's feed, in every language.
"""
from __future__ import annotations

from datetime import datetime, time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from forum.answers.models import Milestone, OfficialAnswer
from forum.comments.models import Comment
from forum.db import db
from forum.events.labels import event_when
from forum.events.models import Event, EventProposal
from forum.feeds.atom import Entry
from forum.machine_translation.labels import provenance_label
from forum.machine_translation.reading import ShownText, TranslationLookup
from forum.processes.models import Phase, Process
from forum.processes.rules import today
from forum.proposals.models import Proposal

ENTRIES = 50
PUBLIC = (Proposal.hidden_at.is_(None), Proposal.deleted_at.is_(None))


class Activity(NamedTuple):
    """The items a feed shows; answers and milestones come with their proposal."""

    proposals: list[Proposal]
    answers: list[tuple[OfficialAnswer, Proposal]]
    milestones: list[tuple[Milestone, Proposal]]
    comments: list[tuple[Comment, Proposal]] = []
    phases: list[tuple[Phase, Process]] = []
    events: list[Event] = []

    def items(self) -> list:
        """List every item whose texts the feed shows, for one translation lookup."""
        return [*self.proposals, *(x for pair in self.answers for x in pair),
                *(x for pair in self.milestones for x in pair),
                *(x for pair in self.comments for x in pair),
                *(x for pair in self.phases for x in pair), *self.events]

    def entries(self, texts: TranslationLookup) -> list[Entry]:
        """Return the newest ENTRIES entries, newest first."""
        made = [proposal_entry(p, texts) for p in self.proposals]
        made += [answer_entry(a, p, texts) for a, p in self.answers]
        made += [milestone_entry(m, p, texts) for m, p in self.milestones]
        made += [comment_entry(c, p, texts) for c, p in self.comments]
        made += [phase_entry(phase, process, texts) for phase, process in self.phases]
        made += [entry for event in self.events for entry in event_entries(event, texts)]
        return sorted(made, key=lambda e: (e.updated, e.id), reverse=True)[:ENTRIES]


def activity(*where, proposals: bool = True) -> Activity:
    """Read the public proposals matching `where` (a filter on Proposal), their answers
    and milestones: one query each."""
    return Activity(newest_proposals(*where) if proposals else [], answers_on(*where),
                    milestones_on(*where))


def newest_proposals(*where) -> list[Proposal]:
    """Return the newest public proposals matching `where`."""
    return list(db.session.scalars(select(Proposal).where(*PUBLIC, *where)
                                   .order_by(Proposal.created_at.desc(), Proposal.id.desc())
                                   .limit(ENTRIES)))


def answers_on(*where) -> list[tuple[OfficialAnswer, Proposal]]:
    """Return the newest official answers on public proposals matching `where`."""
    rows = db.session.execute(
        select(OfficialAnswer, Proposal).join(Proposal, Proposal.id == OfficialAnswer.proposal_id)
        .where(*PUBLIC, *where)
        .order_by(OfficialAnswer.created_at.desc(), OfficialAnswer.id.desc()).limit(ENTRIES))
    return [(answer, proposal) for answer, proposal in rows]


def milestones_on(*where) -> list[tuple[Milestone, Proposal]]:
    """Return the milestones last changed on public proposals matching `where`."""
    rows = db.session.execute(
        select(Milestone, Proposal).join(Proposal, Proposal.id == Milestone.proposal_id)
        .where(*PUBLIC, *where)
        .order_by(Milestone.updated_at.desc(), Milestone.id.desc()).limit(ENTRIES))
    return [(milestone, proposal) for milestone, proposal in rows]


def visible_events(*where) -> list[Event]:
    """Return the visible events matching `where` that changed last."""
    # Not the event's process, which would bring its phases: an event's entry needs neither.
    return list(db.session.scalars(select(Event).options(lazyload(Event.process))
                                   .where(Event.hidden_at.is_(None), *where)
                                   .order_by(Event.updated_at.desc(), Event.id.desc())
                                   .limit(ENTRIES)))


def treating(*where):
    """Filter events to those treating a public proposal matching `where`."""
    return Event.id.in_(select(EventProposal.event_id)
                        .join(Proposal, Proposal.id == EventProposal.proposal_id)
                        .where(*PUBLIC, *where))


def visible_comments(proposal: Proposal) -> list[tuple[Comment, Proposal]]:
    """Return a proposal's newest comments, neither hidden nor deleted."""
    return [(comment, proposal) for comment in db.session.scalars(select(Comment).where(
        Comment.proposal_id == proposal.id, Comment.hidden_at.is_(None),
        Comment.deleted_at.is_(None)).order_by(Comment.id.desc()).limit(ENTRIES))]


def started_phases(process: Process) -> list[tuple[Phase, Process]]:
    """Return the phases of a process that have begun (a phase announces itself then)."""
    day = today()
    return [(phase, process) for phase in process.phases if phase.starts_on <= day]


# --- Entries ---------------------------------------------------------------------------------

def signed(user) -> str:
    """Name an author as pages do, or say the account is gone."""
    return user.display_name if user else _("former participant")


def content(shown: ShownText, html: Markup | None = None) -> Markup:
    """Return a text's HTML (or `html` made of it), saying where it comes from unless original."""
    html = shown.html if html is None else html
    if shown.status != "original":
        html += Markup("<p><em>%s</em></p>") % provenance_label(shown)
    return html


def proposal_url(proposal_id: int) -> str:
    """Return the address of a proposal's page, which is also its entry's id."""
    return url_for("proposals.show", proposal_id=proposal_id, _external=True)


def proposal_entry(proposal: Proposal, texts: TranslationLookup) -> Entry:
    """Announce a new proposal with its text."""
    title, body = texts.shown(proposal, "title"), texts.shown(proposal, "body")
    link = proposal_url(proposal.id)
    return Entry(link, title.plain, link, proposal.created_at,
                 proposal.edited_at or proposal.created_at, content(body),
                 signed(proposal.author), title.language, body.language)


def answer_entry(answer: OfficialAnswer, proposal: Proposal, texts: TranslationLookup) -> Entry:
    """Announce an official answer, in the institution's name."""
    title, body = texts.shown(proposal, "title"), texts.shown(answer, "body")
    link = f"{proposal_url(proposal.id)}#answer-{answer.id}"
    return Entry(link, _("Official answer: %(title)s", title=title.plain), link,
                 answer.created_at, answer.created_at, content(body),
                 current_app.config["SITE_NAME"], content_language=body.language)


def milestone_entry(milestone: Milestone, proposal: Proposal,
                    texts: TranslationLookup) -> Entry:
    """Announce a milestone planned or reached; an edit updates the same entry."""
    title = texts.shown(milestone, "title")
    proposal_title = texts.shown(proposal, "title").plain
    link = f"{proposal_url(proposal.id)}#milestone-{milestone.id}"
    state = _("Done") if milestone.done else _("Planned")
    html = Markup('<p>%s</p><p>%s · <time datetime="%s">%s</time></p>') % (
        title.html, state, milestone.due_on.isoformat(), format_date(milestone.due_on))
    return Entry(link, _("Milestone of “%(proposal)s”: %(title)s", proposal=proposal_title,
                         title=title.plain),
                 link, milestone.created_at, milestone.updated_at, content(title, html),
                 current_app.config["SITE_NAME"], content_language=title.language)


def comment_entry(comment: Comment, proposal: Proposal, texts: TranslationLookup) -> Entry:
    """Announce a comment on a proposal."""
    body, title = texts.shown(comment, "body"), texts.shown(proposal, "title")
    link = url_for("comments.show", comment_id=comment.id, _external=True)
    return Entry(f"{proposal_url(proposal.id)}#comment-{comment.id}",
                 _("Comment on %(title)s", title=title.plain), link, comment.created_at,
                 comment.edited_at or comment.created_at, content(body),
                 signed(comment.author), content_language=body.language)


def phase_entry(phase: Phase, process: Process, texts: TranslationLookup) -> Entry:
    """Announce a phase of a process on the day it begins."""
    name = texts.shown(phase, "name")
    link = url_for("processes.show", slug=process.slug, _external=True)
    began = _start_of(phase)
    dates = Markup('<p><time datetime="%s">%s</time> – <time datetime="%s">%s</time></p>') % (
        phase.starts_on.isoformat(), format_date(phase.starts_on), phase.ends_on.isoformat(),
        format_date(phase.ends_on))
    return Entry(f"{link}#phase-{phase.id}", _("Phase begins: %(name)s", name=name.plain),
                 f"{link}#phases", began, began, dates, current_app.config["SITE_NAME"])


def _start_of(phase: Phase) -> datetime:
    """Return the moment (UTC, naive like the stored ones) a phase's first day begins."""
    zone = ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")
    local = datetime.combine(phase.starts_on, time(), zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def event_entries(event: Event, texts: TranslationLookup) -> list[Entry]:
    """Announce an event, and its minutes once they are published."""
    title = texts.shown(event, "title")
    link = url_for("events.show", event_id=event.id, _external=True)
    description = texts.shown(event, "description")
    when = Markup("<p>%s</p>") % event_when(event)
    made = [Entry(link, _("Event: %(title)s", title=title.plain), link, event.created_at,
                  event.updated_at, content(description, when + description.html),
                  current_app.config["SITE_NAME"], content_language=description.language)]
    if event.minutes_published_at is not None:
        minutes = texts.shown(event, "minutes")
        made.append(Entry(f"{link}#minutes", _("Minutes: %(title)s", title=title.plain),
                          f"{link}#minutes", event.minutes_published_at, event.updated_at,
                          content(minutes), current_app.config["SITE_NAME"],
                          content_language=minutes.language))
    return made
