"""Reading a thread costs the same few SQL statements whether it has 10 comments or 1,000."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

import factories as make
from fixtures_core import comment_ids, log_in, main, store_translation
from forum.comments.models import Comment, path_segment
from forum.content.render import render_markdown
from forum.db import db, utcnow

# Statements a page costs: for a visitor, the content version (the ETag check of the
# HTTP cache); then the proposal (with its topic and author), the number of top-level
# comments, the comments of the page (with their authors), the proposal's official answers
# (with their authors) and its milestones, the events treating it, its topic's process
# and the process's phases (what is open now), the stored translations, the translation
# jobs of the texts without one. A logged-in reader skips the cache check and adds their
# account, whether they support and whether they follow the proposal, their count of
# unread notifications, and which comments of the thread they marked helpful. The API's
# detail costs the same as a visitor's page.
PAGE_STATEMENTS = {"visitor": 11, "citizen": 15}
API_STATEMENTS = 11
# The page of one comment: the content version, the comment, its proposal, the comments
# below it, the comments above it (none above a top-level one), translations and jobs.
COMMENT_PAGE_STATEMENTS = {"top level": 6, "reply": 7}
DEEPEST = 12
# Hidden comments on a page add, once for the whole page: the moderators' hides of the
# proposal's items, the translations of their public reasons, and the translation jobs of
# the reasons not yet translated.
TOMBSTONE_STATEMENTS = 3


@pytest.fixture
def settings(settings):
    # The whole thread on one page, every level rendered: the worst case for the read path.
    return {**settings, "COMMENTS_PER_PAGE": 1000, "THREAD_DISPLAY_DEPTH": DEEPEST + 2}


def plan(size: int, seed: int = 1) -> tuple[list[int | None], list[int]]:
    """Return, for each comment to post, the index of its parent (None: top level) and depth."""
    rng = random.Random(seed)
    parents: list[int | None] = [None]
    depths = [0]
    while len(parents) < size:
        if len(parents) <= DEEPEST:  # one chain reaches the deepest level
            parent = len(parents) - 1
        elif rng.random() < 0.2:
            parent = None
        else:  # replies mostly go to recent comments, as in a live discussion
            recent = range(max(0, len(depths) - 200), len(depths))
            parent = rng.choice([i for i in recent if depths[i] < DEEPEST])
        parents.append(parent)
        depths.append(0 if parent is None else depths[parent] + 1)
    return parents, depths


def build_thread(proposal, size: int) -> list[Comment]:
    """Insert a thread level by level in one transaction, as forum/demo/loader.py does."""
    authors = [make.user(language="es") for _ in range(5)]
    parents, depths = plan(size)
    comments: list[Comment] = []
    start = utcnow() - timedelta(days=1)
    for index, _parent_index in enumerate(parents):
        body = f"Comentario número {index}: **de acuerdo** en parte."
        comments.append(Comment(
            proposal_id=proposal.id, author=authors[index % 5], language="es",
            body_source=body, body_html=render_markdown(body), depth=depths[index],
            alignment=("for", "against", "neutral", None)[index % 4],
            created_at=start + timedelta(seconds=index)))
    for depth in range(max(depths) + 1):
        level = [i for i in range(size) if depths[i] == depth]
        for i in level:
            parent = comments[parents[i]] if parents[i] is not None else None
            comments[i].parent_id = parent.id if parent else None
        db.session.add_all(comments[i] for i in level)
        db.session.flush()  # paths need the new ids
        for i in level:
            parent = comments[parents[i]] if parents[i] is not None else None
            comments[i].path = (parent.path if parent else "") + path_segment(comments[i].id)
            comments[i].root_id = parent.root_id if parent else comments[i].id
            if parent is not None:
                parent.reply_count += 1
    proposal.comment_count = size
    db.session.commit()
    return comments


@pytest.fixture
def thread():
    """Build a proposal in Spanish with a thread of `size` comments, a third translated."""
    def build(size: int):
        proposal = make.proposal(author=make.user(language="es"),
                                 title="Más sombra en el paseo del río",
                                 body="Plantemos árboles autóctonos a lo largo del paseo.")
        comments = build_thread(proposal, size)
        store_translation(proposal, "title", "More shade on the river walk")
        store_translation(proposal, "body", "Let us plant native trees along the walk.")
        for index, comment in list(enumerate(comments))[::3]:
            store_translation(comment, "body", f"Comment number {index}: **agreed** in part.")
        db.session.commit()
        # One query loads them all again, so the test's own look-ups cost nothing.
        db.session.scalars(db.select(Comment).where(Comment.proposal_id == proposal.id)).all()
        return proposal, comments
    return build


def count_page(client, queries, proposal) -> tuple[int, object]:
    address = f"/proposals/{proposal.id}"  # outside the count: the test's own refresh
    with queries.counting():
        response = client.get(address)
    assert response.status_code == 200
    return queries.count, response


@pytest.mark.parametrize("reader", ["visitor", "citizen"])
def test_a_thread_page_costs_the_same_whatever_its_size(client, queries, thread, reader):
    if reader == "citizen":
        log_in(client, make.user(language="en"))
    small, _ = thread(10)
    large, comments = thread(1000)
    assert max(c.depth for c in comments) == DEEPEST
    assert sum(c.parent_id is None for c in comments) > 100

    statements, response = count_page(client, queries, large)
    shown = main(response)
    assert len(comment_ids(shown)) == 1000
    # The stored translations are what the reader sees, with their provenance.
    assert "Comment number 3: agreed in part." in shown.text
    assert "Comentario número 4" in shown.text
    assert shown.find("h1").text == "More shade on the river walk"
    assert statements == PAGE_STATEMENTS[reader], "\n".join(queries.statements)

    small_statements, small_response = count_page(client, queries, small)
    assert len(comment_ids(main(small_response))) == 10
    assert small_statements == statements, "\n".join(queries.statements)


def count_api(client, queries, proposal) -> tuple[int, dict]:
    address = f"/api/v1/proposals/{proposal.id}?lang=en"
    with queries.counting():
        response = client.get(address)
    assert response.status_code == 200
    return queries.count, response.get_json()


def flatten(nodes: list[dict]) -> list[dict]:
    return [n for node in nodes for n in [node, *flatten(node["replies"])]]


def test_the_api_detail_costs_the_same_whatever_its_size(client, queries, thread):
    small, _ = thread(10)
    large, comments = thread(1000)

    statements, detail = count_api(client, queries, large)
    listed = flatten(detail["comments"])
    assert len(listed) == 1000
    assert max(n["depth"] for n in listed) == DEEPEST
    translated = [n for n in listed if n["body"]["machine_translated"]]
    assert len(translated) == len(comments[::3])
    assert detail["title"]["text"] == "More shade on the river walk"
    assert statements == API_STATEMENTS, "\n".join(queries.statements)

    small_statements, small_detail = count_api(client, queries, small)
    assert len(flatten(small_detail["comments"])) == 10
    assert small_statements == statements, "\n".join(queries.statements)


def test_a_comment_page_costs_the_same_whatever_its_depth(client, queries, thread):
    _, comments = thread(1000)
    counts = {}
    for comment in (comments[0], comments[1], comments[6], comments[DEEPEST]):
        address = f"/comments/{comment.id}"
        with queries.counting():
            response = client.get(address)
        below = [c for c in comments if c.path.startswith(comment.path)]
        assert len(comment_ids(main(response))) == len(below)
        counts.setdefault("reply" if comment.depth else "top level", set()).add(queries.count)
    assert counts == {kind: {n} for kind, n in COMMENT_PAGE_STATEMENTS.items()}


def hide_every(comments, step: int) -> None:
    """Hide every `step`-th comment with a reason in Spanish, half of them translated."""
    from forum.moderation import service as moderation

    moderator = make.user(language="es", role="moderator")
    for index, comment in enumerate(comments[::step]):
        entry = moderation.act(moderator, comment, "hide", f"Insulto número {index}.").entry
        if index % 2 == 0:
            store_translation(entry, "reason", f"Insult number {index}.")
    db.session.commit()


@pytest.mark.parametrize("size", [10, 1000])
def test_tombstones_cost_the_same_few_statements_however_many_are_hidden(client, queries,
                                                                          thread, size):
    proposal, comments = thread(size)
    visible, _ = count_page(client, queries, proposal)
    hide_every(comments, 7)

    statements, response = count_page(client, queries, proposal)

    assert statements - visible == TOMBSTONE_STATEMENTS, "\n".join(queries.statements)
    shown = main(response)
    tombstones = [p.text for p in shown.find_all("p", class_="tombstone")]
    assert len(tombstones) == len(comments[::7])
    assert "Insult number 0." in tombstones[0] and "Insulto número 1." in tombstones[1]
