"""Load the demo content (content.json) through the models; running it twice adds nothing."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum.accounts.models import Role, User
from forum.accounts.passwords import hash_password
from forum.accounts.service import name_key
from forum.answers.models import Milestone, OfficialAnswer
from forum.comments.models import Comment, CommentVote, path_segment
from forum.content.render import render_markdown
from forum.db import db, utcnow
from forum.processes import rules
from forum.processes import service as processes
from forum.proposals.models import Proposal, Support, Topic

CONTENT = Path(__file__).with_name("content.json")


class _Loader:
    def __init__(self, data: dict, password: str | None):
        self.data = data
        self.now = utcnow()
        self.counts = {"users": 0, "topics": 0, "proposals": 0, "comments": 0, "supports": 0,
                       "answers": 0, "milestones": 0, "verified residents": 0,
                       "processes": 0, "phases": 0, "events": 0, "helpful marks": 0}
        # Demo accounts get an unusable password unless the operator asks for one.
        self.password_hash = hash_password(password or secrets.token_urlsafe(32))
        self.users: dict[str, User] = {}
        self.topics: dict[str, Topic] = {}

    def when(self, days_ago: float, salt: int) -> datetime:
        # Spread items over the day deterministically, so repeated loads agree.
        return self.now - timedelta(days=days_ago, minutes=(salt * 37) % 600)

    def run(self) -> dict[str, int]:
        for entry in self.data["users"]:
            self.users[entry["name"]] = self.user(entry)
        # The institution answers in the name of its first admin account.
        self.institution = next(self.users[u["name"]] for u in self.data["users"]
                                if u.get("role") == "admin")
        for position, entry in enumerate(self.data["topics"], start=1):
            self.topics[entry["slug"]] = self.topic(entry, position)
        for salt, entry in enumerate(self.data["proposals"]):
            self.proposal(entry, salt)
        db.session.commit()
        for entry in self.data.get("processes", []):
            self.process(entry)
        for entry in self.data.get("events", []):
            self.event(entry)
        self.residents(self.data.get("residents"))
        self.thresholds()
        return {name: count for name, count in self.counts.items() if count}

    def user(self, entry) -> User:
        found = db.session.scalar(select(User).where(User.name_key == name_key(entry["name"])))
        if found:
            return found
        user = User(display_name=entry["name"], name_key=name_key(entry["name"]),
                    password_hash=self.password_hash, language=entry["language"],
                    role=Role(entry.get("role", "citizen")))
        db.session.add(user)
        self.counts["users"] += 1
        return user

    def topic(self, entry, position: int) -> Topic:
        found = db.session.scalar(select(Topic).where(Topic.slug == entry["slug"]))
        if found:
            return found
        topic = Topic(slug=entry["slug"], name=entry["name"], position=position,
                      description=entry.get("description", ""), language=entry["language"],
                      process_id=processes.default_process().id)
        db.session.add(topic)
        self.counts["topics"] += 1
        return topic

    def proposal(self, entry, salt: int) -> None:
        author = self.users[entry["author"]]
        db.session.flush()
        found = db.session.scalar(select(Proposal).where(Proposal.author_id == author.id,
                                                         Proposal.title == entry["title"]))
        # Answers are loaded apart, so a demo loaded before they existed gets them too.
        self.answers(found or self.new_proposal(entry, author, salt), entry, salt)

    def new_proposal(self, entry, author: User, salt: int) -> Proposal:
        created = self.when(entry["days_ago"], salt)
        proposal = Proposal(topic=self.topics[entry["topic"]], author=author,
                            language=entry["language"], title=entry["title"],
                            body_source=entry["body"], body_html=render_markdown(entry["body"]),
                            state=entry.get("state", "open"), created_at=created,
                            last_activity_at=created)
        db.session.add(proposal)
        db.session.flush()
        self.counts["proposals"] += 1
        for name in dict.fromkeys(entry.get("supporters", [])):
            db.session.add(Support(user_id=self.users[name].id, proposal_id=proposal.id,
                                   created_at=created))
            proposal.support_count += 1
            self.counts["supports"] += 1
        for index, comment in enumerate(entry.get("comments", [])):
            self.comment(proposal, comment, None, salt * 1000 + index)
        return proposal

    def answers(self, proposal: Proposal, entry, salt: int) -> None:
        """Load the institution's answers and the milestones that follow them, once."""
        if entry.get("answers") and not _exists(OfficialAnswer, proposal):
            for index, answer in enumerate(entry["answers"]):
                created = self.when(answer["days_ago"], salt + index)
                db.session.add(OfficialAnswer(
                    proposal_id=proposal.id, author=self.institution, state=answer["state"],
                    language=answer["language"], body_source=answer["body"],
                    body_html=render_markdown(answer["body"]), created_at=created))
                proposal.last_activity_at = max(proposal.last_activity_at, created)
                self.counts["answers"] += 1
        if entry.get("milestones") and not _exists(Milestone, proposal):
            for milestone in entry["milestones"]:
                db.session.add(Milestone(
                    proposal_id=proposal.id, title=milestone["title"], done=milestone["done"],
                    language=milestone["language"],
                    due_on=(self.now - timedelta(days=milestone["days_ago"])).date()))
                self.counts["milestones"] += 1

    def process(self, entry) -> None:
        """Create a process with its topics and phases dated around today, once."""
        if processes.find_process(entry["slug"]) is not None:
            return
        process = processes.create_process(
            self.institution, entry["title"], entry["description"], entry["language"],
            entry["slug"], [self.topics[slug].id for slug in entry["topics"]])
        self.counts["processes"] += 1
        today = rules.today()
        for phase in entry["phases"]:
            processes.save_phase(self.institution, process, phase["name"], phase["language"],
                                 today + timedelta(days=phase["from"]),
                                 today + timedelta(days=phase["to"]),
                                 {action: action in phase["opens"]
                                  for action in ("proposals", "comments", "supports",
                                                 "answers")})
            self.counts["phases"] += 1

    def event(self, entry) -> None:
        """Create an event dated around today, with its registrations and minutes, once."""
        from forum.events import service as events
        from forum.events.models import Event

        if db.session.scalar(select(Event.id).where(Event.title == entry["title"])):
            return
        process = processes.process_or_404(entry["process"])
        titles = {p.title: p.id for p in db.session.scalars(
            select(Proposal).where(Proposal.title.in_(entry["proposals"])))}
        starts = datetime.combine(rules.today() + timedelta(days=entry["days_from_now"]),
                                  datetime.min.time()).replace(hour=entry["hour"])
        event = events.create_event(self.institution, process, events.EventDraft(
            title=entry["title"], description=entry["description"], language=entry["language"],
            kind=entry["kind"], starts_local=starts,
            ends_local=starts + timedelta(hours=entry["hours"]),
            timezone=current_app.config["DEFAULT_TIMEZONE"], capacity=entry["capacity"],
            address=entry.get("address", ""), online_url=entry.get("online_url", ""),
            proposal_ids=tuple(titles[t] for t in entry["proposals"])))
        self.counts["events"] += 1
        if entry.get("minutes"):  # written in the event's language, like its other texts
            events.publish_minutes(event, entry["minutes"]["text"],
                                   [titles[t] for t in entry.get("discussed", [])],
                                   self.institution)
        for name in entry.get("attendees", []):
            events.register(self.users[name], event)

    def thresholds(self) -> None:
        """Give topics their support thresholds, and date each proposal past one as if it
        had passed it the day after publication, once."""
        from forum.thresholds import service as thresholds

        for entry in self.data["topics"]:
            topic = self.topics[entry["slug"]]
            if entry.get("answer_threshold") and topic.answer_threshold is None:
                topic.answer_threshold, topic.answer_days = (entry["answer_threshold"],
                                                             entry["answer_days"])
                db.session.flush()
                for proposal in db.session.scalars(select(Proposal).where(
                        Proposal.topic_id == topic.id)):
                    thresholds.check([proposal.id], now=proposal.created_at + timedelta(days=1))
        db.session.commit()

    def residents(self, entry) -> None:
        """Verify some people with codes of a batch per district, as a town would, once."""
        from forum.residents import service
        from forum.residents.models import VerificationBatch

        if not entry or db.session.scalar(select(VerificationBatch.id).where(
                VerificationBatch.label.startswith(entry["label"])).limit(1)):
            return
        for district, names in entry["districts"].items():
            _batch, codes = service.create_batch(len(names), f"{entry['label']} ({district})",
                                                 district)
            for name, code in zip(names, codes, strict=True):
                if service.redeem(self.users[name], code) == service.Redeemed.VERIFIED:
                    self.counts["verified residents"] += 1

    def comment(self, proposal: Proposal, entry, parent: Comment | None, salt: int) -> None:
        created = max(self.when(entry["days_ago"], salt), parent.created_at if parent
                      else proposal.created_at)
        comment = Comment(proposal_id=proposal.id, author=self.users[entry["author"]],
                          language=entry["language"], alignment=entry.get("alignment"),
                          body_source=entry["body"], body_html=render_markdown(entry["body"]),
                          parent_id=parent.id if parent else None, created_at=created,
                          depth=parent.depth + 1 if parent else 0)
        db.session.add(comment)
        db.session.flush()
        comment.path = (parent.path if parent else "") + path_segment(comment.id)
        comment.root_id = parent.root_id if parent else comment.id
        proposal.comment_count += 1
        proposal.last_activity_at = max(proposal.last_activity_at, created)
        if parent is not None:
            parent.reply_count += 1
        self.counts["comments"] += 1
        self.helpful(comment, entry.get("helpful", []))
        for index, reply in enumerate(entry.get("replies", [])):
            self.comment(proposal, reply, comment, salt * 31 + index + 1)

    def helpful(self, comment: Comment, names: list[str]) -> None:
        """Mark a new comment helpful for the people named, an hour apart after it."""
        for hours, name in enumerate(dict.fromkeys(names), start=1):
            when = min(comment.created_at + timedelta(hours=hours), self.now)
            db.session.add(CommentVote(comment_id=comment.id, user_id=self.users[name].id,
                                       proposal_id=comment.proposal_id, created_at=when))
            comment.helpful_count += 1
            self.counts["helpful marks"] += 1


def load_demo(password: str | None = None, content: Path = CONTENT) -> dict[str, int]:
    """Load the demo; return how many of each kind of item were created."""
    with open(content, encoding="utf-8") as file:
        data = json.load(file)
    return _Loader(data, password).run()


def _exists(model, proposal: Proposal) -> bool:
    return db.session.scalar(select(model.id).where(model.proposal_id == proposal.id)
                             .limit(1)) is not None
