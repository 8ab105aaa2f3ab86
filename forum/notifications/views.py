"""The notifications page and following proposals."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forum.accounts.models import User
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation.reading import for_request
from forum.notifications import service
from forum.proposals import access as proposal_access
from forum.web.arguments import page_arg
from forum.web.forms import ConfirmForm
from forum.proposals.models import Proposal

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    page = service.recent(current_user, page_arg())
    items = list(page.items)
    proposals = _by_id(Proposal, {n.proposal_id for n in items})
    actors = _by_id(User, {n.actor_id for n in items})
    comments = _by_id(Comment, {n.item_id for n in items if n.item_type == "comment"})
    texts = for_request(list(proposals.values()))
    return render_template("notifications/index.html", page=page, proposals=proposals,
                           actors=actors, comments=comments, texts=texts, form=ConfirmForm())


def _by_id(model, ids) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


@bp.post("/notifications/read")
@login_required
def mark_read():
    if ConfirmForm().validate_on_submit():
        service.mark_all_read(current_user)
        flash(_("All notifications are marked as read."))
    return redirect(url_for(".index"))


@bp.post("/proposals/<int:proposal_id>/follow")
@login_required
def follow(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    if not proposal_access.can_follow(current_user, proposal):
        abort(403)
    if ConfirmForm().validate_on_submit():
        if request.form.get("action") == "unfollow":
            service.stop_following(current_user, proposal)
            flash(_("You no longer follow this proposal."))
        elif service.start_following(current_user, proposal):
            flash(_("You follow this proposal: you will hear of new comments and answers."))
    return redirect(url_for("proposals.show", proposal_id=proposal.id))
