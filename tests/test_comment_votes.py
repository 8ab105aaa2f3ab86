"""Marking comments helpful, and reading a thread by oldest, newest, best, or for and against."""
from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import factories as make
from fixtures_core import browser, comment_ids, flashes, location, log_in, main, reload
from forum import create_app
from forum.comments import orders, votes
from forum.comments import service as comments
from forum.comments.models import Comment, CommentVote
from forum.db import db, utcnow
from forum.moderation import service as moderation
from forum.privacy import export
from forum.privacy import service as privacy
from forum.proposals import service as proposals
from test_export import read_csv, read_json
from test_thread_queries import PAGE_STATEMENTS, build_thread


@pytest.fixture
def thread(app):
    """A proposal with a comment by Ana, and Ben who reads it."""
    ana, ben = make.user("Ana"), make.user("Ben")
    proposal = make.proposal(make.user("Author"))
    comment = make.comment(proposal, ana, "Trees cool the street by two degrees.",
                           alignment="for")
    return proposal, comment, ana, ben


def recorded(comment) -> tuple[int, int]:
    """Return a comment's counter and its number of vote rows, read afresh."""
    rows = db.session.scalar(select(func.count(CommentVote.id)).where(
        CommentVote.comment_id == comment.id))
    return reload(comment).helpful_count, rows


# --- The rules ---------------------------------------------------------------------------

def test_a_vote_counts_once_and_can_be_taken_back(app, thread):
    _, comment, _, ben = thread
    assert votes.vote(ben, comment) is True
    assert votes.vote(ben, comment) is False
    assert recorded(comment) == (1, 1)
    assert votes.unvote(ben, comment) is True
    assert votes.unvote(ben, comment) is False
    assert recorded(comment) == (0, 0)


def hide(comment):
    moderation.act(make.user(role="moderator"), comment, "hide", "Rude.")


def proposal_of(comment):
    from forum.proposals.models import Proposal

    return db.session.get(Proposal, comment.proposal_id)


@pytest.mark.parametrize("change, message", [
    (lambda c, ana: comments.delete_comment(c), "This comment was deleted"),
    (lambda c, ana: hide(c), "Moderators hid this comment"),
    (lambda c, ana: moderation.act(make.user(role="moderator"), proposal_of(c), "lock",
                                   "Enough said."), "This discussion is closed"),
    (lambda c, ana: moderation.act(make.user(role="moderator"), proposal_of(c), "hide",
                                   "Spam."), "This discussion is closed"),
    (lambda c, ana: proposals.withdraw(proposal_of(c)), "This discussion is closed"),
    (lambda c, ana: None, "You cannot mark your own comment helpful"),
])
def test_refused_votes_write_nothing(app, thread, change, message):
    _, comment, ana, ben = thread
    change(comment, ana)
    voter = ana if "own comment" in message else ben
    with pytest.raises(votes.VoteRefused) as refused:
        votes.vote(voter, reload(comment))
    assert message in str(refused.value.message)
    assert recorded(comment) == (0, 0)


def test_a_vote_on_a_closed_discussion_can_still_be_taken_back(app, thread):
    _, comment, _, ben = thread
    votes.vote(ben, comment)
    moderation.act(make.user(role="moderator"), proposal_of(comment), "lock", "Enough said.")
    assert votes.unvote(ben, reload(comment)) is True
    assert recorded(comment) == (0, 0)


def test_only_verified_residents_vote_when_the_instance_says_so(app, thread):
    _, comment, _, ben = thread
    app.config["VOTE_REQUIRES_VERIFICATION"] = True
    with pytest.raises(votes.VoteRefused, match="Only verified residents"):
        votes.vote(ben, comment)
    ben.verified_at = utcnow()
    db.session.commit()
    assert votes.vote(ben, comment) is True
    app.config["SUPPORT_REQUIRES_VERIFICATION"] = True  # supports have their own setting
    assert recorded(comment) == (1, 1)


def test_an_unverified_reader_is_told_how_to_vote_when_the_instance_says_so(app, thread):
    proposal, comment, _, ben = thread
    app.config["VOTE_REQUIRES_VERIFICATION"] = True
    client = browser(app)
    log_in(client, ben)
    shown = main(client.get(f"/proposals/{proposal.id}"))
    assert shown.find("a", href="/account/verify") is not None
    assert shown.find("form", action=f"/comments/{comment.id}/helpful") is None


# --- The button --------------------------------------------------------------------------

def test_marking_helpful_from_the_page_and_undoing_it(app, thread):
    proposal, comment, _, ben = thread
    client = browser(app)
    log_in(client, ben)
    back = f"/proposals/{proposal.id}?order=best"
    shown = main(client.get(back))
    form = shown.find("form", action=f"/comments/{comment.id}/helpful")
    assert form.find("input", name="next").attrs["value"] == back

    response = client.post(f"/comments/{comment.id}/helpful", data={"next": back})
    assert location(response) == f"{back}#c{comment.id}"
    done = client.get(back)
    assert "you marked this comment helpful" in flashes(done)
    item = main(done).find("li", id=f"c{comment.id}")
    assert "1 person found this helpful" in item.text
    assert item.find("input", name="action").attrs["value"] == "withdraw"

    client.post(f"/comments/{comment.id}/helpful", data={"action": "withdraw", "next": back})
    undone = client.get(back)
    assert "You no longer mark this comment helpful" in flashes(undone)
    assert "found this helpful" not in main(undone).find("li", id=f"c{comment.id}").text
    assert recorded(comment) == (0, 0)


def test_a_refused_vote_says_why_and_goes_back_to_the_comment(app, thread):
    proposal, comment, ana, ben = thread
    hide(comment)
    client = browser(app)
    log_in(client, ben)
    response = client.post(f"/comments/{comment.id}/helpful", data={"next": "//evil.example"})
    assert location(response) == f"/proposals/{proposal.id}?page=1#c{comment.id}"
    assert "Moderators hid this comment" in flashes(client.get(location(response)))
    assert recorded(comment) == (0, 0)


def test_visitors_and_authors_see_the_count_but_no_button(app, thread):
    proposal, comment, ana, ben = thread
    votes.vote(ben, comment)
    visitor = main(browser(app).get(f"/proposals/{proposal.id}"))
    assert "1 person found this helpful" in visitor.text
    assert visitor.find("form", action=f"/comments/{comment.id}/helpful") is None
    author = browser(app)
    log_in(author, ana)
    assert main(author.get(f"/proposals/{proposal.id}")).find(
        "form", action=f"/comments/{comment.id}/helpful") is None


def test_a_suspended_person_may_not_vote(app, thread):
    _, comment, _, ben = thread
    moderation.restrict(make.user(role="moderator"), ben, "suspend", "Spam.", 7)
    client = browser(app)
    log_in(client, ben)
    assert client.post(f"/comments/{comment.id}/helpful").status_code == 403
    assert recorded(comment) == (0, 0)


def test_the_count_shown_follows_votes_with_reused_fragments(app, thread):
    proposal, comment, _, ben = thread
    app.config["FRAGMENT_CACHE_BYTES"] = 10**6
    reader = browser(app)
    assert "found this helpful" not in main(reader.get(f"/proposals/{proposal.id}")).text
    votes.vote(ben, comment)
    assert "1 person found" in main(reader.get(f"/comments/{comment.id}")).text
    assert "1 person found" in main(reader.get(f"/proposals/{proposal.id}")).text


# --- Orders on known data ----------------------------------------------------------------

def test_the_wilson_lower_bound():
    assert orders.wilson_lower_bound(0, 0) == 0
    assert orders.wilson_lower_bound(5, 10) == pytest.approx(0.2366, abs=1e-4)
    assert orders.wilson_lower_bound(4, 4) == pytest.approx(4 / (4 + 1.96**2))
    assert orders.wilson_lower_bound(50, 100) > orders.wilson_lower_bound(5, 10)


def mark(user, comment, when) -> None:
    """Vote as `user`, dated `when`."""
    assert votes.vote(user, comment)
    db.session.execute(update(CommentVote).where(
        CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)
        .values(created_at=when))
    db.session.commit()


def dated(comment, when):
    comment.created_at = when
    db.session.commit()
    return comment


@pytest.fixture
def judged(app):
    """Old A marked by 5 of the 10 people who voted since; newer B by 4 of the 4 since; C
    posted after the last vote. A reply under A draws the votes of five others."""
    now = utcnow()
    proposal = make.proposal()
    people = [make.user(f"Voter {i}") for i in range(10)]
    a = dated(make.comment(proposal, body="Old and liked.", alignment="for"),
              now - timedelta(days=10))
    reply = dated(make.comment(proposal, body="A reply.", parent=a), now - timedelta(days=9))
    b = dated(make.comment(proposal, body="Newer, liked by all since.", alignment="against"),
              now - timedelta(days=2))
    c = dated(make.comment(proposal, body="Newest."), now - timedelta(hours=1))
    for person in people[:5]:
        mark(person, a, now - timedelta(days=9))
    for person in people[5:]:
        mark(person, reply, now - timedelta(days=8))
    for person in people[:4]:
        mark(person, b, now - timedelta(days=1))
    return proposal, {"A": a, "B": b, "C": c, "reply": reply}


@pytest.mark.parametrize("order, expected", [
    ("oldest", "ABC"), ("newest", "CBA"), ("best", "BAC"), ("sides", "ABC"),
])
def test_top_level_comments_in_each_order(app, judged, order, expected):
    proposal, named = judged
    page = comments.thread_page(proposal, order=order)
    names = {c.id: name for name, c in named.items()}
    if order == "sides":  # for | against | the rest
        columns = page.sides()
        assert [[names[n.comment.id] for n in columns[k]] for k in ("for", "against", "other")] \
            == [["A"], ["B"], ["C"]]
        return
    assert "".join(names[n.comment.id] for n in page.roots) == expected
    under_a = next(n for n in page.roots if n.comment.id == named["A"].id)
    assert [n.comment.id for n in under_a.children] == [named["reply"].id]


def test_best_beats_a_plain_count_and_pages_keep_the_order(app, judged, client):
    proposal, named = judged
    assert named["A"].helpful_count > named["B"].helpful_count  # yet B is ranked first
    first = comments.thread_page(proposal, 1, per_page=2, order="best")
    second = comments.thread_page(proposal, 2, per_page=2, order="best")
    assert [n.comment.id for n in first.roots] == [named["B"].id, named["A"].id]
    assert [n.comment.id for n in second.roots] == [named["C"].id]
    shown = main(client.get(f"/proposals/{proposal.id}?order=best"))
    assert comment_ids(shown) == [named[k].id for k in ("B", "A", "reply", "C")]
    assert shown.find("a", **{"aria-current": "page"}).text == "Most helpful"


def test_an_unknown_order_is_the_default(app, judged, client):
    proposal, named = judged
    shown = main(client.get(f"/proposals/{proposal.id}?order=%00drop"))
    assert comment_ids(shown)[0] == named["A"].id


# --- For and against ---------------------------------------------------------------------

def test_for_and_against_side_by_side_with_replies_on_demand(app, judged, client):
    proposal, named = judged
    address = f"/proposals/{proposal.id}?order=sides"
    shown = main(client.get(address))
    headings = [h.text for h in shown.find_all("h3") if h.attrs.get("id", "").startswith("side")]
    assert [h.split(" (")[0] for h in headings] == ["For", "Against",
                                                    "Neutral or without a position"]
    for_side = shown.find("section", class_="side-for")
    assert comment_ids(for_side) == [named["A"].id]  # its reply waits to be asked for
    link = for_side.find("a", href=f"{address}&open={named['A'].id}#c{named['A'].id}")
    assert link.text == "Show 1 reply"
    assert comment_ids(shown.find("section", class_="side-against")) == [named["B"].id]
    assert comment_ids(shown.find("section", class_="side-other")) == [named["C"].id]

    opened = main(client.get(f"{address}&open={named['A'].id}"))
    assert comment_ids(opened.find("section", class_="side-for")) == [named["A"].id,
                                                                     named["reply"].id]
    assert opened.find("a", href=f"{address}#c{named['A'].id}").text == "Hide the replies"


# --- Statements per page -----------------------------------------------------------------

def add_votes(proposal, thread_comments, people: int = 20, each: int = 10) -> None:
    """Give the thread many votes at once, as many people would over time."""
    voters = [make.user() for _ in range(people)]
    for number, voter in enumerate(voters):
        for comment in thread_comments[number::people][:each]:
            db.session.add(CommentVote(comment_id=comment.id, user_id=voter.id,
                                       proposal_id=proposal.id))
            comment.helpful_count += 1
    db.session.commit()


@pytest.mark.parametrize("reader", ["visitor", "citizen"])
def test_every_order_costs_the_same_statements_whatever_the_thread(app, queries, reader):
    client = browser(app)
    citizen = make.user("Reader")
    small = make.proposal()
    make.comment(small, make.user(language="es"), "Solo.")  # translated, as in the large one
    large = make.proposal()
    many = build_thread(large, 300)
    add_votes(large, many)
    db.session.execute(update(CommentVote).where(CommentVote.user_id == many[0].author_id)
                       .values(created_at=utcnow()))
    db.session.add(CommentVote(comment_id=many[1].id, user_id=citizen.id,
                               proposal_id=large.id))
    db.session.commit()
    if reader == "citizen":
        log_in(client, citizen)
    for order in orders.ORDERS:
        counts = []
        for proposal in (small, large):
            address = f"/proposals/{proposal.id}?order={order}&open={many[0].id}"
            with queries.counting():
                assert client.get(address).status_code == 200
            counts.append(queries.count)
        assert counts == [PAGE_STATEMENTS[reader]] * 2, (order, "\n".join(queries.statements))


# --- Races -------------------------------------------------------------------------------

def at_once(app, act) -> list:
    """Run `act` in two threads, each with its own connection, released together."""
    barrier, results = threading.Barrier(2), []

    def one():
        with app.app_context():
            barrier.wait(30)
            results.append(act())
            db.session.remove()

    workers = [threading.Thread(target=one) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return results


def test_two_clicks_at_once_count_once(app, thread):
    _, comment, _, ben = thread
    ids = comment.id, ben.id

    def as_ben(act):
        def run():
            from forum.accounts.models import User

            return act(db.session.get(User, ids[1]), db.session.get(Comment, ids[0]))
        return run

    for _ in range(3):
        assert sorted(at_once(app, as_ben(votes.vote))) == [False, True]
        assert recorded(comment) == (1, 1)
        assert sorted(at_once(app, as_ben(votes.unvote))) == [False, True]
        assert recorded(comment) == (0, 0)


def test_two_processes_on_postgresql_count_a_vote_once(postgresql_settings):
    from vote_race import mark as race

    app = create_app(postgresql_settings)
    with app.app_context():
        comment_id = make.comment(make.proposal()).id
        voter_id = make.user().id
        db.session.remove()
    context = multiprocessing.get_context("spawn")
    for withdraw in (False, True) * 2:
        barrier, results = context.Barrier(2), context.Queue()
        workers = [context.Process(target=race, args=(postgresql_settings, comment_id,
                                                       voter_id, withdraw, barrier, results))
                   for _ in range(2)]
        for worker in workers:
            worker.start()
        outcome = sorted(results.get(timeout=120) for _ in workers)
        for worker in workers:
            worker.join(60)
        assert outcome == [False, True], (withdraw, outcome)
        with app.app_context():
            counted = db.session.get(Comment, comment_id).helpful_count
            assert counted == (0 if withdraw else 1)
            db.session.remove()


# --- API, open data, privacy -------------------------------------------------------------

def test_the_api_and_open_data_give_counts_never_voters(app, thread, client):
    proposal, comment, _, ben = thread
    votes.vote(ben, comment)
    detail = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert detail["comments"][0]["helpful_count"] == 1
    assert [int(r["helpful_count"]) for r in read_csv(client, "comments")] == [1]
    document = read_json(client)
    assert document["comments"][0]["helpful_count"] == 1
    for text in (str(detail), str(document)):
        assert "Ben" not in text


def test_my_data_lists_the_comments_i_marked_helpful(app, thread):
    _, comment, _, ben = thread
    votes.vote(ben, comment)
    marks = export.export(ben)["helpful_marks"]
    assert [m["comment"] for m in marks] == [f"http://forum.test/comments/{comment.id}"]
    assert "comment_votes" not in export.export(ben)["other"]


@pytest.mark.parametrize("mode", ["erase", "anonymise"])
def test_a_deleted_account_takes_its_votes_and_the_counts_drop(app, thread, mode):
    _, comment, ana, ben = thread
    other = make.comment(proposal_of(comment), ana, "Another thought.")
    for person in (ben, make.user("Cleo")):
        votes.vote(person, comment)
    votes.vote(ben, other)
    privacy.delete_account(ben, mode)
    assert recorded(comment) == (1, 1)
    assert recorded(other) == (0, 0)


def test_a_proposal_deleted_outright_goes_with_the_votes_on_its_comments(app):
    author, reader = make.user("Solo"), make.user("Reader")
    proposal = make.proposal(author)
    own = make.comment(proposal, author, "Adding to my own proposal.")
    votes.vote(reader, own)
    privacy.delete_account(author, "erase")
    from forum.proposals.models import Proposal

    assert db.session.get(Proposal, proposal.id) is None
    assert db.session.scalar(select(func.count(CommentVote.id))) == 0


# --- Demo --------------------------------------------------------------------------------

def test_the_demo_marks_comments_helpful_once(app, runner):
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0, result.output
    rows = db.session.scalar(select(func.count(CommentVote.id)))
    assert rows > 50 and f"{rows} helpful marks" in result.output
    assert db.session.scalar(select(func.sum(Comment.helpful_count))) == rows
    assert db.session.scalar(select(func.count(CommentVote.id)).join(
        Comment, Comment.id == CommentVote.comment_id).where(
        Comment.author_id == CommentVote.user_id)) == 0  # nobody marks their own
    runner.invoke(args=["forum", "demo"])
    assert db.session.scalar(select(func.count(CommentVote.id))) == rows


def test_sqlite_without_math_functions_gets_a_square_root():
    import sqlite3

    from forum.db import _ensure_sqrt

    connection = sqlite3.connect(":memory:")
    _ensure_sqrt(connection)  # built-in here, or Python's: either way it answers
    assert connection.execute("SELECT sqrt(6.25)").fetchone() == (2.5,)
