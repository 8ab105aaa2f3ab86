"""The notifications page and following proposals."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.accounts.models import User
from forum.comments.models import Comment
from forum.db import by_id
from forum.items import ItemKind
from forum.machine_translation.reading import for_request
from forum.notifications import service
from forum.proposals import access as proposal_access
from forum.proposals import service as proposals
from forum.proposals.models import Proposal
from forum.web.arguments import load_allowed, page_arg
from forum.web.forms import ConfirmForm

bp = Blueprint("notifications", __name__)


def unread_notifications() -> int:
    """Count the current person's unread notifications (one query, only when shown)."""
    return service.unread_count(current_user) if current_user.is_authenticated else 0


def follows_topic(topic) -> bool:
    """Say whether the current person follows a topic (no query for visitors)."""
    return service.follows_topic(current_user, topic.id)


TEMPLATE_GLOBALS = {"unread_notifications": unread_notifications, "follows_topic": follows_topic}


@bp.get("/notifications")
@login_required
def index():
    page = service.recent(current_user, page_arg())
    items = list(page.items)
    proposals = by_id(Proposal, {n.proposal_id for n in items})
    actors = by_id(User, {n.actor_id for n in items})
    comments = by_id(Comment, {n.item_id for n in items if n.item_type == ItemKind.COMMENT})
    texts = for_request(list(proposals.values()))
    return render_template("notifications/index.html", page=page, proposals=proposals,
                           actors=actors, comments=comments, texts=texts, form=ConfirmForm())


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
    proposal = load_allowed(Proposal, proposal_id, proposal_access.can_follow)
    if ConfirmForm().validate_on_submit():
        if request.form.get("action") == "unfollow":
            service.stop_following(current_user, proposal)
            flash(_("You no longer follow this proposal."))
        elif service.start_following(current_user, proposal):
            flash(_("You follow this proposal: you will hear of new comments and answers."))
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.post("/topics/<slug>/follow")
@login_required
def follow_topic(slug: str):
    topic = proposals.topic_or_404(slug)
    if ConfirmForm().validate_on_submit():
        if request.form.get("action") == "unfollow":
            service.unfollow_topic(current_user, topic.id)
            flash(_("You no longer follow this topic."))
        elif service.follow_topic(current_user, topic.id):
            flash(_("You follow this topic: you will hear of each new proposal in it."))
    return redirect(url_for("proposals.topic", slug=topic.slug))
