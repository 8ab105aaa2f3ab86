"""Moderators and reporters acting at the same moment: each decision happens exactly once."""
from __future__ import annotations

import threading

from moderation_steps import audit_log

import factories as make
from fixtures_core import reload
from forum.accounts.models import User
from forum.db import db
from forum.moderation import reports, service
from forum.moderation.models import Action
from forum.proposals.models import Proposal


def at_once(app, work, arguments: list) -> list:
    """Run `work(*args)` in one thread per argument tuple, all released together."""
    barrier = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)

    def run(index: int, args) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(*args)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_moderators_hiding_at_once_hide_once(app):
    proposal = make.proposal()
    moderators = [make.user(role="moderator").id for _ in range(2)]

    def hide(moderator_id: int, reason: str) -> bool:
        moderator = db.session.get(User, moderator_id)
        return service.act(moderator, db.session.get(Proposal, proposal.id),
                           Action.HIDE, reason).done

    done = at_once(app, hide, [(moderators[0], "Spam."), (moderators[1], "Advertising.")])

    assert sorted(done) == [False, True]
    assert [a[0] for a in audit_log()] == ["hide"]
    assert reload(proposal).hidden_reason == ("Spam." if done[0] else "Advertising.")


def test_reports_arriving_together_reach_the_threshold_once(app):
    app.config["REPORT_HIDE_THRESHOLD"] = 3
    proposal = make.proposal()
    reporters = [make.user().id for _ in range(4)]

    def file(reporter_id: int):
        return reports.file_report(db.session.get(User, reporter_id),
                                   db.session.get(Proposal, proposal.id), "spam")

    outcomes = at_once(app, file, [(r,) for r in reporters])

    assert reload(proposal).hidden_at is not None
    assert [a[0] for a in audit_log()] == ["auto_hide"]
    assert outcomes.count(reports.Filed.HIDDEN) == 1
