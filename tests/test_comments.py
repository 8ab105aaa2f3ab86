"""Commenting and replying at any depth, positions, edits, deletions, thread pages."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

import factories as make
from fixtures_core import comment_ids, field_errors, flashes, location, log_in, main, reload
from forum.comments import service as comments
from forum.comments.models import Comment, path_segment
from forum.db import db, utcnow


def thread_of(client, proposal, page: int = 1):
    """Return the discussion section of a proposal page."""
    response = client.get(f"/proposals/{proposal.id}?page={page}")
    assert response.status_code == 200
    return main(response).find("section", class_="discussion")


def shown_comment(section, comment):
    return section.find("li", id=f"c{comment.id}")


def parent_comment_id(section, comment) -> int | None:
    """Return the id of the comment under which `comment` is displayed."""
    node = shown_comment(section, comment).parent
    while node is not None and not (node.tag == "li" and "comment" in node.classes()):
        node = node.parent
    return int(node.attrs["id"][1:]) if node is not None else None


def chain(proposal, length: int) -> list[Comment]:
    """Post a comment and replies to replies, `length` comments in all."""
    made = [make.comment(proposal, body="Level 0")]
    for depth in range(1, length):
        made.append(make.comment(proposal, body=f"Level {depth}", parent=made[-1]))
    return made


def chain_under(proposal, root, length: int = 2) -> list[Comment]:
    """Post `length` replies under `root`, each replying to the one before."""
    made, parent = [], root
    for _ in range(length):
        parent = make.comment(proposal, body="a reply", parent=parent)
        made.append(parent)
    return made


# --- Posting ----------------------------------------------------------------------------------

def test_a_citizen_comments_with_a_position(client):
    proposal = make.proposal()
    log_in(client, make.user("Joan"))
    response = client.post(f"/proposals/{proposal.id}/comments", data={
        "body": "I *agree*: the river walk needs shade.", "alignment": "for",
        "language": "en"})
    comment = db.session.scalar(db.select(Comment))
    assert location(response) == f"/proposals/{proposal.id}?page=1#c{comment.id}"

    shown = client.get(location(response))
    assert "Your comment is published." in flashes(shown)
    item = shown_comment(main(shown), comment)
    assert item.find(class_="author").text == "Joan"
    assert item.find(class_="alignment").text == "For"
    assert item.find("em").text == "agree"
    assert "1 comment" in main(shown).find("h2", id="discussion").text


@pytest.mark.parametrize("alignment, label", [("for", "For"), ("against", "Against"),
                                              ("neutral", "Neutral"), ("", None)])
def test_positions_are_shown(client, alignment, label):
    proposal = make.proposal()
    comment = make.comment(proposal, alignment=alignment or None)
    shown = shown_comment(thread_of(client, proposal), comment).find(class_="alignment")
    assert (shown.text if shown else None) == label


@pytest.mark.parametrize("data, field", [({"body": ""}, "body"),
                                         ({"alignment": "maybe"}, "alignment"),
                                         ({"language": "xx"}, "language")])
def test_bad_comments_come_back_with_reasons(client, data, field):
    proposal = make.proposal()
    log_in(client, make.user())
    response = client.post(f"/proposals/{proposal.id}/comments", data={
        "body": "Fine words.", "alignment": "", "language": "en", **data})
    assert response.status_code == 422 and field_errors(response, field)
    assert db.session.scalar(db.select(Comment)) is None


def test_a_reply_is_shown_under_its_parent(client):
    proposal = make.proposal()
    parent = make.comment(proposal, author=make.user("Marta"), body="Shade matters.")
    log_in(client, make.user("Joan"))
    form = main(client.get(f"/comments/{parent.id}/reply"))
    assert form.find("h1").text == "Reply to Marta"
    assert "Shade matters." in form.find("blockquote").text

    response = client.post(f"/comments/{parent.id}/reply", data={
        "body": "So do benches.", "alignment": "neutral", "language": "en"})
    reply = db.session.scalar(db.select(Comment).where(Comment.parent_id == parent.id))
    assert location(response) == f"/proposals/{proposal.id}?page=1#c{reply.id}"
    section = thread_of(client, proposal)
    assert parent_comment_id(section, reply) == parent.id
    assert "So do benches." in shown_comment(section, reply).text
    assert (reply.depth, reply.root_id) == (1, parent.id)
    assert reload(parent).reply_count == 1


def test_replies_twelve_deep_continue_on_their_own_page(client, app):
    depth = app.config["THREAD_DISPLAY_DEPTH"]
    proposal = make.proposal()
    made = chain(proposal, 13)  # depths 0 to 12
    assert made[-1].depth == 12

    section = thread_of(client, proposal)
    assert comment_ids(section) == [c.id for c in made[:depth]]
    for upper, lower in zip(made[:depth - 1], made[1:depth], strict=True):
        assert parent_comment_id(section, lower) == upper.id
    last_shown = shown_comment(section, made[depth - 1])
    link = last_shown.find("p", class_="continue").find("a")
    assert link.text == "Continue this thread (1 reply)"
    assert link.attrs["href"] == f"/comments/{made[depth - 1].id}"
    assert "Level 12" not in section.text

    rest = main(client.get(link.attrs["href"]))
    assert comment_ids(rest) == [c.id for c in made[depth - 1:]]
    assert "Level 12" in shown_comment(rest, made[12]).text
    ancestors = rest.find("nav", class_="ancestors")
    assert [a.attrs["href"] for a in ancestors.find_all("a")] == \
        [f"/comments/{c.id}" for c in made[:depth - 1]]


def test_display_depth_is_configurable(client, app):
    app.config["THREAD_DISPLAY_DEPTH"] = 3
    proposal = make.proposal()
    made = chain(proposal, 5)
    section = thread_of(client, proposal)
    assert comment_ids(section) == [c.id for c in made[:3]]
    assert shown_comment(section, made[2]).find("p", class_="continue") is not None


def test_the_thread_is_in_materialised_path_order(client):
    proposal = make.proposal()
    first = make.comment(proposal, body="first")
    second = make.comment(proposal, body="second")
    first_a = make.comment(proposal, body="first a", parent=first)
    second_a = make.comment(proposal, body="second a", parent=second)
    first_b = make.comment(proposal, body="first b", parent=first)
    first_a_i = make.comment(proposal, body="first a i", parent=first_a)

    # Depth first, siblings oldest first, whatever order the replies were written in.
    expected = [first, first_a, first_a_i, first_b, second, second_a]
    assert comment_ids(thread_of(client, proposal)) == [c.id for c in expected]
    assert first_a_i.path == path_segment(first.id) + path_segment(first_a.id) \
        + path_segment(first_a_i.id)
    assert {c.root_id for c in (first, first_a, first_b, first_a_i)} == {first.id}
    assert sorted(expected, key=lambda c: c.path) == expected


def test_paths_sort_numerically_past_nine(client):
    proposal = make.proposal()
    roots = [make.comment(proposal, body=f"Root {n}") for n in range(11)]
    replies = [make.comment(proposal, body="Reply", parent=root) for root in roots[::5]]
    shown = comment_ids(thread_of(client, proposal))
    # Text order of unpadded ids would put 10 before 2; fixed-width path steps do not.
    assert shown.index(roots[10].id) > shown.index(roots[2].id)
    assert shown == sorted(shown, key=lambda i: db.session.get(Comment, i).path)
    assert [shown.index(r.id) for r in replies] == \
        [shown.index(root.id) + 1 for root in roots[::5]]


# --- Pages of a thread -------------------------------------------------------------------------

def test_pages_hold_top_level_comments_with_all_their_replies(client, app):
    app.config["COMMENTS_PER_PAGE"] = 2
    proposal = make.proposal()
    roots = [make.comment(proposal, body=f"Root {n}") for n in range(5)]
    replies = {root.id: chain_under(proposal, root) for root in roots}
    late = make.comment(proposal, body="A late reply to the first", parent=roots[0])

    first = thread_of(client, proposal, 1)
    assert comment_ids(first) == [roots[0].id, *[c.id for c in replies[roots[0].id]], late.id,
                                  roots[1].id, *[c.id for c in replies[roots[1].id]]]
    assert "Page 1 of 3" in first.find("nav", class_="pager").text
    last = thread_of(client, proposal, 3)
    assert comment_ids(last) == [roots[4].id, *[c.id for c in replies[roots[4].id]]]
    # Past the end, the last page is shown rather than an empty one.
    assert "Page 3 of 3" in thread_of(client, proposal, 99).find("nav", class_="pager").text

    # A new reply deep in a later page links to the page its thread is on.
    log_in(client, make.user())
    deepest = replies[roots[4].id][-1]
    response = client.post(f"/comments/{deepest.id}/reply",
                           data={"body": "Late to the party.", "language": "en"})
    assert location(response).startswith(f"/proposals/{proposal.id}?page=3#c")


# --- Editing and deleting ----------------------------------------------------------------------

def test_the_author_edits_a_comment(client):
    proposal = make.proposal()
    comment = make.comment(proposal, body="Frist!", alignment="for")
    log_in(client, comment.author)
    assert shown_comment(thread_of(client, proposal), comment).find(
        "a", href=f"/comments/{comment.id}/edit") is not None
    response = client.post(f"/comments/{comment.id}/edit", data={
        "body": "First, and against on reflection.", "alignment": "against", "language": "en"})
    assert location(response) == f"/proposals/{proposal.id}?page=1#c{comment.id}"
    item = shown_comment(thread_of(client, proposal), comment)
    assert "First, and against on reflection." in item.text
    assert item.find(class_="alignment").text == "Against"
    assert item.find(class_="edited").text == "edited"


def test_others_and_latecomers_cannot_edit(client):
    comment = make.comment(make.proposal(), body="Original words.")
    log_in(client, make.user())
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/comments/{comment.id}/edit",
                       data={"body": "Hijacked", "language": "en"}).status_code == 403

    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    log_in(client, comment.author)
    assert client.post(f"/comments/{comment.id}/edit",
                       data={"body": "Too late", "language": "en"}).status_code == 403
    assert reload(comment).body_source == "Original words."


def test_deleting_leaves_a_tombstone_and_the_replies_in_place(client):
    proposal = make.proposal()
    doomed = make.comment(proposal, author=make.user("Marta"), body="Something rash.",
                          alignment="against")
    reply = make.comment(proposal, body="A reply that stays.", parent=doomed)
    log_in(client, doomed.author)
    response = client.post(f"/comments/{doomed.id}/delete")
    assert location(response) == f"/proposals/{proposal.id}?page=1#c{doomed.id}"

    section = thread_of(client, proposal)
    tombstone = shown_comment(section, doomed)
    assert tombstone.find("p", class_="tombstone").text == "Deleted by its author."
    assert "Something rash." not in tombstone.find("article").text
    assert "Marta" not in tombstone.find("article").text
    assert tombstone.find(class_="alignment") is None
    assert parent_comment_id(section, reply) == doomed.id
    assert "A reply that stays." in shown_comment(section, reply).text
    shown = main(client.get(f"/proposals/{proposal.id}"))
    assert "1 comment" in shown.find("h2", id="discussion").text
    # Nothing is left to reply to, edit or delete again.
    assert client.get(f"/comments/{doomed.id}/reply").status_code == 403
    assert client.get(f"/comments/{doomed.id}/edit").status_code == 403
    assert client.post(f"/comments/{doomed.id}/delete").status_code == 403
    assert reload(doomed).body_source == ""


def test_only_the_author_deletes(client):
    comment = make.comment(make.proposal())
    log_in(client, make.user(role="admin"))
    assert client.post(f"/comments/{comment.id}/delete").status_code == 403
    assert reload(comment).deleted_at is None


def test_a_deleted_comment_still_counts_for_its_page(client, app):
    app.config["COMMENTS_PER_PAGE"] = 1
    proposal = make.proposal()
    gone, kept = make.comment(proposal), make.comment(proposal, body="Still here.")
    comments.delete_comment(gone)
    assert comment_ids(thread_of(client, proposal, 1)) == [gone.id]
    assert comment_ids(thread_of(client, proposal, 2)) == [kept.id]


# --- Where comments are closed -----------------------------------------------------------------

def test_visitors_see_a_login_link_instead_of_the_form(client):
    proposal = make.proposal()
    section = thread_of(client, proposal)
    assert section.find("form", class_="comment-form") is None
    assert "Log in to comment" in section.text
