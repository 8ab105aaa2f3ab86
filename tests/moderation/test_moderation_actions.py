"""Moderators act once per item, whoever clicks; every action lands in the audit log."""
from __future__ import annotations

from datetime import timedelta

import pytest
from moderation_steps import audit_log, inbox, open_reports, report, reported_by
from sqlalchemy import func, select

import factories as make
from fixtures_core import reload
from forum.accounts.access import can_write, is_restricted
from forum.content.validation import ContentError
from forum.db import db, utcnow
from forum.moderation import service
from forum.moderation.models import Action, ModerationAction, Report
from forum.proposals import access as proposal_access
from forum.proposals import service as proposals


@pytest.fixture
def mods(app):
    return make.user("Mod A", role="moderator"), make.user("Mod B", role="moderator")


def test_hiding_keeps_the_text_and_settles_the_reports_seen(app, mods):
    author = make.user()
    comment = make.comment(make.proposal(), author, body="Rude words.")
    reported_by(comment, 2, reason="offensive")
    seen = db.session.scalar(select(func.max(Report.id)))
    report(comment)  # arrives while the moderator reads the queue

    outcome = service.act(mods[0], comment, Action.HIDE, "Insults another participant.", seen)

    assert outcome.done and outcome.entry.action == "hide"
    assert reload(comment).hidden_reason == "Insults another participant."
    assert comment.body_source == "Rude words."  # restorable
    assert open_reports("comment", comment.id) == 1  # the late report waits in the queue
    assert inbox(author)[-1] == ("moderation", "comment", comment.id,
                                 "Insults another participant.")


def test_a_second_moderator_hiding_the_same_item_does_nothing_twice(app, mods):
    author = make.user()
    proposal = make.proposal(author)

    first = service.act(mods[0], proposal, Action.HIDE, "Spam.")
    second = service.act(mods[1], proposal, Action.HIDE, "Advertising.")

    assert first.done and not second.done
    assert second.entry.id == first.entry.id  # what the late moderator is shown: who was first
    assert reload(proposal).hidden_reason == "Spam."
    assert [a[0] for a in audit_log()] == ["hide"]
    assert [n[0] for n in inbox(author)].count("moderation") == 1


def test_dismissing_reports_someone_else_settled_does_nothing(app, mods):
    proposal = make.proposal()
    reported_by(proposal, 1)

    assert service.act(mods[0], proposal, Action.DISMISS, seen=None).done
    late = service.act(mods[1], proposal, Action.DISMISS, seen=None)

    assert not late.done and late.entry.moderator_id == mods[0].id
    assert [a[0] for a in audit_log()] == ["dismiss"]
    assert reload(proposal).hidden_at is None


def test_a_moderator_confirms_a_threshold_hide_with_a_reason(app, mods):
    app.config["REPORT_HIDE_THRESHOLD"] = 2
    comment = make.comment(make.proposal())
    reported_by(comment, 2)

    assert service.act(mods[0], comment, Action.HIDE, "Spam.").done
    assert not service.act(mods[1], comment, Action.HIDE, "Spam too.").done
    assert [a[0] for a in audit_log()] == ["auto_hide", "hide"]
    assert open_reports("comment", comment.id) == 0


def test_hiding_needs_a_public_reason(app, mods):
    with app.test_request_context(), pytest.raises(ContentError) as error:
        service.act(mods[0], make.proposal(), Action.HIDE, "  ")
    assert error.value.field == "reason"
    assert audit_log() == []


def test_every_item_action_is_logged_with_who_what_and_why(app, mods):
    moderator = make.user("Moderadora", language="ca", role="moderator")
    proposal, original = make.proposal(), make.proposal()
    steps = [(Action.LOCK, "Heated."), (Action.UNLOCK, ""), (Action.PIN, "Important."),
             (Action.UNPIN, ""), (Action.DUPLICATE, "Same idea."), (Action.NOT_DUPLICATE, ""),
             (Action.HIDE, "Spam."), (Action.RESTORE, "Not spam after all.")]
    for action, reason in steps:
        outcome = service.act(moderator, proposal, action, reason,
                              duplicate_of=original if action == Action.DUPLICATE else None)
        assert outcome.done, action

    assert audit_log() == [(a, "proposal", proposal.id, moderator.id, r) for a, r in steps]
    assert {e.language for e in db.session.scalars(select(ModerationAction))} == {"ca"}


def test_lock_pin_and_duplicate_change_what_readers_can_do(app, mods):
    proposal, original, other = make.proposal(), make.proposal(), make.proposal()
    citizen = make.user()

    service.act(mods[0], proposal, Action.LOCK)
    assert not proposal_access.can_comment(citizen, reload(proposal))
    service.act(mods[0], other, Action.PIN)
    assert proposals.list_proposals().items[0].id == other.id
    service.act(mods[0], proposal, Action.DUPLICATE, duplicate_of=original)
    assert reload(proposal).duplicate_of_id == original.id


@pytest.mark.parametrize("target", ["self", "hidden", "missing"])
def test_a_duplicate_points_to_another_visible_proposal(app, mods, target):
    proposal = make.proposal()
    original = {"self": proposal, "missing": None, "hidden": make.proposal()}[target]
    if target == "hidden":
        service.act(mods[0], original, Action.HIDE, "Spam.")
    with app.test_request_context(), pytest.raises(ContentError):
        service.act(mods[0], proposal, Action.DUPLICATE, duplicate_of=original)
    assert reload(proposal).duplicate_of_id is None


def test_suspension_ban_and_lift_are_logged_and_restrict_writing(app, mods):
    person = make.user()
    reported_by(person, 2)

    suspended = service.restrict(mods[0], person, Action.SUSPEND, "Repeated insults.", days=7)
    assert suspended.done and not can_write(reload(person))
    assert person.suspended_until - utcnow() > timedelta(days=6, hours=23)
    assert open_reports("user", person.id) == 0
    assert not service.restrict(mods[1], person, Action.SUSPEND, "Insults.", days=30).done

    assert service.restrict(mods[1], person, Action.BAN, "Came back to insult.").done
    assert service.restrict(mods[0], person, Action.LIFT, "Apologised.").done
    assert not is_restricted(reload(person))
    assert [(a, m) for a, _, _, m, _ in audit_log()] == [
        ("suspend", mods[0].id), ("ban", mods[1].id), ("lift", mods[0].id)]
    assert [n[0] for n in inbox(person)] == ["account", "account", "account_restored"]


def test_only_offered_suspension_lengths(app, mods):
    with app.test_request_context(), pytest.raises(ContentError):
        service.restrict(mods[0], make.user(), Action.SUSPEND, "Spam.", days=3650)


def test_a_spam_wave_is_hidden_and_its_authors_banned_in_one_go(app, mods):
    spammer, honest = make.user("Spammer"), make.user()
    proposal = make.proposal()
    spam = [make.comment(proposal, spammer, body=f"Cheap watches {i}") for i in range(4)]
    fine = make.comment(proposal, honest)
    for comment in spam + [fine]:
        report(comment)
    selection = [f"comment:{c.id}:999999" for c in spam] + ["comment:4242:1", "nonsense"]

    result = service.bulk(mods[0], service.parse_selection(selection), Action.BAN, "Spam.")

    assert (result.done, result.handled, result.skipped) == (4, 0, 1)
    assert all(reload(c).hidden_at for c in spam) and reload(fine).hidden_at is None
    assert reload(spammer).banned_at is not None
    assert open_reports("comment", fine.id) == 1
    assert [a[0] for a in audit_log()].count("ban") == 1  # one ban, not four
