"""`forum mt rerender` makes every stored rendering what the renderer gives now, and pages
show it at once (no kept page or part is stale)."""
from __future__ import annotations

from sqlalchemy import select, update

import factories
from fixtures_core import browser, store_translation
from forum.comments import service as comments
from forum.comments.models import Comment
from forum.content.render import render_markdown
from forum.db import db
from forum.machine_translation.models import Translation
from forum.proposals.models import Proposal


def rerender(app) -> str:
    result = app.test_cli_runner().invoke(args=["forum", "mt", "rerender"])
    assert result.exit_code == 0, result.output
    return result.output


def test_stale_renderings_are_made_again_and_pages_show_them(app):
    proposal = factories.proposal(body="Plant **trees** along the river, please.")
    comment = factories.comment(proposal, factories.user(language="ca"), "Molt *bona* idea.")
    gone = factories.comment(proposal, body="Something I took back.")
    comments.delete_comment(gone)
    store_translation(comment, "body", "A very *good* idea.", language="en")
    db.session.commit()
    # As an older renderer (or a looser sanitiser) would have left them.
    db.session.execute(update(Proposal).values(body_html="<p>Plant trees (old).</p>"))
    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(body_html="<p>Molt bona idea (old).</p>"))
    db.session.execute(update(Translation).values(html='<p onclick="x()">old</p>'))
    db.session.commit()
    client = browser(app)
    path = f"/proposals/{proposal.id}"
    assert "(old)" in client.get(path).get_data(as_text=True)  # kept by this process now

    output = rerender(app)

    assert "3 changed" in output
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).body_html == render_markdown(
        "Plant **trees** along the river, please.")
    assert db.session.get(Comment, comment.id).body_html == render_markdown("Molt *bona* idea.")
    assert db.session.scalar(select(Translation.html)) == render_markdown("A very *good* idea.")
    assert db.session.get(Comment, gone.id).body_html == ""  # a tombstone stays empty
    shown = client.get(path).get_data(as_text=True)
    assert "(old)" not in shown and "<strong>trees</strong>" in shown
    assert "<em>good</em>" in client.get(path, headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "0 changed" in rerender(app)  # nothing left to do
