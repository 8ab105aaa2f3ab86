"""Citizens report proposals, comments and accounts; enough reporters hide an item."""
from __future__ import annotations

import pytest
from moderation_steps import audit_log, inbox, open_reports, report, reported_by

import factories as make
from fixtures_core import field_errors, flashes, location, log_in, main, reload
from forum.accounts.access import is_restricted
from forum.content.validation import ContentError
from forum.moderation import reports
from forum.moderation.reports import Filed


@pytest.fixture
def settings(settings):
    return {**settings, "REPORT_HIDE_THRESHOLD": 3}


def test_one_report_per_person_per_item(app):
    proposal = make.proposal()
    reporter = make.user()

    assert report(proposal, reporter) == Filed.RECEIVED
    assert report(proposal, reporter, reason="offensive") == Filed.DUPLICATE
    assert open_reports("proposal", proposal.id) == 1


def test_three_distinct_reporters_hide_a_comment_pending_review(app):
    author = make.user()
    comment = make.comment(make.proposal(), author)

    assert reported_by(comment, 2) == [Filed.RECEIVED, Filed.RECEIVED]
    assert reload(comment).hidden_at is None
    assert report(comment) == Filed.HIDDEN

    assert reload(comment).hidden_at is not None
    assert reload(comment).hidden_reason is None  # no moderator has given a reason yet
    assert audit_log() == [("auto_hide", "comment", comment.id, None, "")]
    assert inbox(author)[-1] == ("moderation", "comment", comment.id, None)
    assert open_reports("comment", comment.id) == 3  # still waiting for a moderator
    assert report(comment) == Filed.ALREADY_HIDDEN


def test_the_same_person_reporting_twice_does_not_reach_the_threshold(app):
    proposal = make.proposal()
    reporter = make.user()
    reported_by(proposal, 1)
    for _ in range(3):
        report(proposal, reporter)

    assert reload(proposal).hidden_at is None
    assert audit_log() == []


@pytest.mark.parametrize("threshold", [0, 5])
def test_the_threshold_is_configurable(app, threshold):
    app.config["REPORT_HIDE_THRESHOLD"] = threshold
    proposal = make.proposal()
    outcomes = reported_by(proposal, 4)

    assert Filed.HIDDEN not in outcomes
    assert reload(proposal).hidden_at is None
    if threshold:
        assert report(proposal) == Filed.HIDDEN


def test_accounts_are_reported_but_never_hidden(app):
    person = make.user()
    outcomes = reported_by(person, 4, reason="spam")

    assert outcomes == [Filed.RECEIVED] * 4
    assert not is_restricted(reload(person))
    assert open_reports("user", person.id) == 4


def test_other_needs_details_and_unknown_reasons_are_refused(app):
    proposal = make.proposal()
    with app.test_request_context(), pytest.raises(ContentError) as error:
        report(proposal, reason="other")
    assert error.value.field == "details"
    with app.test_request_context(), pytest.raises(ContentError):
        report(proposal, reason="boring")
    assert report(proposal, reason="other", details="Copies another proposal word for word.") \
        == Filed.RECEIVED


def test_a_citizen_reports_a_comment_from_the_thread(client):
    comment = make.comment(make.proposal(), body="Buy cheap watches at example.com")
    log_in(client, make.user())
    thread = client.get(f"/proposals/{comment.proposal_id}")
    links = [a.attrs["href"] for a in main(thread).find_all("a")]
    assert f"/comments/{comment.id}/report" in links

    response = client.post(f"/comments/{comment.id}/report",
                           data={"reason": "spam", "details": "An advert."})

    assert location(response) == f"/comments/{comment.id}"
    assert "the moderators will look at it" in flashes(client.get(location(response)))
    assert reports.reports_on(comment)[0].details == "An advert."


def test_a_second_report_gets_a_friendly_message_not_an_error(client):
    proposal = make.proposal()
    reporter = make.user()
    report(proposal, reporter)
    log_in(client, reporter)

    response = client.post(f"/proposals/{proposal.id}/report", data={"reason": "offensive"})

    assert location(response) == f"/proposals/{proposal.id}"
    assert "You have reported this already" in flashes(client.get(f"/proposals/{proposal.id}"))
    assert open_reports("proposal", proposal.id) == 1


def test_a_report_without_a_reason_shows_the_form_again(client):
    person = make.user()
    log_in(client, make.user())

    response = client.post(f"/people/{person.id}/report", data={"details": "hm"})

    assert response.status_code == 422
    assert field_errors(response, "reason") == "Choose a reason."


@pytest.mark.parametrize("path", ["/proposals/4242/report", "/comments/4242/report",
                                  "/people/4242/report"])
def test_reports_on_missing_items_are_404(client, path):
    log_in(client, make.user())
    assert client.post(path, data={"reason": "spam"}).status_code == 404


def test_nobody_reports_their_own_text_and_suspended_people_report_nothing(client):
    author = make.user()
    proposal = make.proposal(author)
    log_in(client, author)
    assert client.get(f"/proposals/{proposal.id}/report").status_code == 403
    assert "Report this proposal" not in main(client.get(f"/proposals/{proposal.id}")).text

    from forum.moderation import service
    other = make.user()
    service.restrict(make.user(role="moderator"), other, "suspend", "Spam", days=7)
    log_in(client, other)
    assert client.post(f"/proposals/{proposal.id}/report",
                       data={"reason": "spam"}).status_code == 403
    assert open_reports("proposal", proposal.id) == 0
