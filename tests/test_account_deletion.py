"""Deleting an account: nothing personal survives anywhere, in either mode, and threads hold."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

import factories as make
from fixtures_core import browser, field_errors, log_in, main, page, reload
from forum.accounts.models import User
from forum.comments.models import Comment
from forum.db import db
from forum.moderation.models import Appeal, ModerationAction, Report
from forum.notifications.models import Follow, Notification
from forum.privacy import references, service
from forum.proposals.models import Proposal, Support
from forum.search.models import SearchDocument
from privacy_people import NAME, findings, take_part


@pytest.fixture
def world(app):
    return take_part()


def delete(client, mode: str, password: str = make.PASSWORD):
    return client.post("/account/delete", data={"mode": mode, "password": password})


@pytest.mark.parametrize("mode", ["erase", "anonymise"])
def test_no_personal_field_survives_anywhere(app, world, mode):
    assert findings(world.secrets)  # the scan does find them while the account exists

    service.delete_account(world.person, mode)

    assert findings(world.secrets) == []
    person = db.session.get(User, world.person.id)
    assert person.display_name.startswith("former-participant-")
    assert person.email is None and person.deleted_at is not None


def test_erasing_leaves_no_text_translation_or_search_document(app, world):
    assert findings(world.words)

    service.delete_account(world.person, "erase")

    assert findings(world.words) == []


def test_anonymising_keeps_texts_and_their_translations(app, world):
    service.delete_account(world.person, "anonymise")

    found = {word for _, _, value in findings(world.words) for word in world.words if word in value}
    # Her report and appeal go either way; her proposals and comments stay.
    assert found == set(world.words) - {"wombatreport", "wombatappeal"}
    assert reload(world.mine).author_id is None and reload(world.lonely).author_id is None


def test_anonymised_texts_are_signed_former_participant(app, world):
    service.delete_account(world.person, "anonymise")
    reader = browser(app)

    shown = main(reader.get(f"/proposals/{world.discussed.id}")).text
    assert "A discussed proposal wombatdiscussed" in shown
    assert "My reply: wombatreply." in shown and "former participant" in shown
    assert NAME not in reader.get(f"/proposals/{world.theirs.id}").get_data(as_text=True)


def test_erased_texts_leave_tombstones_that_keep_others_replies(app, world):
    service.delete_account(world.person, "erase")
    reader = browser(app)

    assert reader.get(f"/proposals/{world.lonely.id}").status_code == 404
    discussed = reader.get(f"/proposals/{world.discussed.id}")
    assert "Deleted proposal" in main(discussed).text
    assert "The other person's comment." in main(discussed).text
    theirs = main(reader.get(f"/proposals/{world.theirs.id}"))
    mine = theirs.find("li", id=f"c{world.mine.id}")
    assert "Deleted by its author." in mine.text
    assert mine.find("li", id=f"c{world.reply.id}") is not None  # the reply keeps its place
    assert "The other person's reply." in theirs.text
    listed = main(reader.get("/proposals")).text
    assert "wombat" not in listed and "Someone else's proposal about benches" in listed


def test_a_proposal_nobody_else_touched_is_deleted_with_its_rows(app, world):
    own = make.comment(world.lonely, world.person, "Adding to my own proposal.")
    make.comment(world.lonely, world.person, "And replying to myself.", parent=own)

    service.delete_account(world.person, "erase")

    assert db.session.get(Proposal, world.lonely.id) is None
    for model in (Follow, Notification, Support, Comment):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            model.proposal_id == world.lonely.id)) == 0
    discussed = reload(world.discussed)
    assert (discussed.title, discussed.body_source, discussed.author_id) == ("", "", None)


@pytest.mark.parametrize("mode, counts", [
    ("erase", {"theirs": (0, 1), "discussed": (1, 1)}),
    ("anonymise", {"theirs": (0, 3), "discussed": (1, 2)}),
])
def test_support_and_comment_counts_stay_right(app, world, mode, counts):
    assert (world.theirs.support_count, world.theirs.comment_count) == (1, 3)
    service.delete_account(world.person, mode)

    for name, (supports, comments) in counts.items():
        proposal = reload(getattr(world, name))
        assert (proposal.support_count, proposal.comment_count) == (supports, comments), name
        assert supports == db.session.scalar(select(func.count(Support.id)).where(
            Support.proposal_id == proposal.id))
    assert reload(world.mine).reply_count == 1


@pytest.mark.parametrize("mode", ["erase", "anonymise"])
def test_private_rows_go_and_nothing_points_at_the_person(app, world, mode):
    service.delete_account(world.person, mode)
    person_id = world.person.id

    for model, column in ((Follow, Follow.user_id), (Notification, Notification.user_id),
                          (Report, Report.reporter_id), (Appeal, Appeal.appellant_id)):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            column == person_id)) == 0
    assert db.session.scalar(select(func.count(Report.id)).where(
        Report.item_type == "user", Report.item_id == person_id)) == 0
    for column in references.columns_referencing("users"):
        if (column.table.name, column.name) not in service.KEPT_LINKS:
            assert db.session.scalar(select(func.count()).select_from(column.table)
                                     .where(column == person_id)) == 0, column
    # The moderation log still holds its decisions, no longer about anyone named.
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 1


def test_open_reports_on_erased_texts_are_settled(app, world):
    service.delete_account(world.person, "erase")

    report = db.session.scalar(select(Report).where(Report.item_id == world.my_reply.id,
                                                    Report.item_type == "comment"))
    assert report.resolved_at is not None


def test_an_admins_official_answers_stay_as_the_institutions(app):
    admin, author = make.user("Clerk Quokka", role="admin"), make.user()
    proposal = make.proposal(author)
    answer = make.answer(proposal, admin)

    service.delete_account(admin, "erase")

    assert reload(answer).author_id is None and reload(answer).body_source
    assert findings(["Clerk Quokka"]) == []


def test_deleting_through_the_page_logs_out_every_session(app, world):
    here, elsewhere, remembered = browser(app), browser(app), browser(app)
    for client in (here, elsewhere):
        log_in(client, world.person)
    log_in(remembered, world.person, remember=True)
    remembered.delete_cookie("session", domain="forum.test")

    response = delete(here, "erase")

    assert response.status_code == 302
    assert "Your account is deleted" in page(here.get("/")).text
    for client in (here, elsewhere, remembered):
        assert client.get("/account").status_code == 302  # to the login page
    assert browser(app).post("/login", data={"display_name": NAME,
                                             "password": make.PASSWORD}).status_code == 422


def test_a_wrong_password_deletes_nothing(app, world):
    client = browser(app)
    log_in(client, world.person)

    response = delete(client, "erase", password="not my password at all")

    assert response.status_code == 422
    assert "That is not your password." in field_errors(response, "password")
    assert reload(world.person).deleted_at is None
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("data", [{"mode": "shred", "password": make.PASSWORD},
                                  {"password": make.PASSWORD},
                                  {"mode": "erase", "password": "x\x00y"}, {}])
def test_odd_deletion_forms_are_refused_not_crashed_on(app, world, data):
    client = browser(app)
    log_in(client, world.person)

    assert client.post("/account/delete", data=data).status_code == 422
    assert reload(world.person).deleted_at is None


def test_an_unknown_mode_is_refused_by_the_service(app, world):
    with pytest.raises(ValueError):
        service.delete_account(world.person, "shred")
    assert reload(world.person).deleted_at is None


def test_rebuilding_the_search_index_brings_no_tombstone_back(app, world, runner):
    service.delete_account(world.person, "erase")
    runner.invoke(args=["forum", "search", "reindex"])

    indexed = set(db.session.execute(select(SearchDocument.item_type, SearchDocument.item_id)))
    assert ("proposal", world.discussed.id) not in indexed
    assert ("comment", world.mine.id) not in indexed
    assert ("comment", world.reply.id) in indexed


@pytest.mark.parametrize("mode", ["erase", "anonymise"])
def test_the_api_and_open_data_show_nothing_of_the_person(app, world, mode):
    service.delete_account(world.person, mode)
    reader = browser(app)

    for address in ("/api/v1/proposals", f"/api/v1/proposals/{world.discussed.id}",
                    f"/api/v1/proposals/{world.theirs.id}", "/api/v1/export.json",
                    "/api/v1/export/proposals.csv", "/api/v1/export/comments.csv"):
        response = reader.get(address)
        assert response.status_code == 200, address
        body = response.get_data(as_text=True)
        assert NAME not in body, address
        if mode == "erase":
            assert "wombat" not in body, address
