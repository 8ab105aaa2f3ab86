"""Pages for writing, editing and reading threads of comments."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.caching import cacheable
from forum.comments import access, fragments, service, votes
from forum.comments.forms import CommentForm
from forum.comments.models import Comment
from forum.content.authoring import write
from forum.db import db
from forum.extensions import write_limit
from forum.machine_translation.reading import for_request
from forum.proposals import access as proposal_access
from forum.proposals.models import Proposal
from forum.web.arguments import load_allowed, safe_next
from forum.web.forms import ConfirmForm

bp = Blueprint("comments", __name__)
ALIGNMENT_LABELS = {"for": _l("For"), "against": _l("Against"), "neutral": _l("Neutral")}


def alignment_label(alignment: str) -> str:
    """Name a comment's position in the interface language."""
    return str(ALIGNMENT_LABELS.get(alignment, alignment))


def thread_viewer(proposal) -> access.Viewer:
    """Work out the current reader's permissions over a thread once."""
    return access.Viewer(current_user._get_current_object(), proposal)


TEMPLATE_GLOBALS = {"alignment_label": alignment_label, "thread_viewer": thread_viewer,
                    "comment_public_part": fragments.public_part}


def link_to(comment: Comment) -> str:
    """Return the address of a comment within its proposal's thread."""
    return url_for("proposals.show", proposal_id=comment.proposal_id,
                   page=service.page_of(comment)) + f"#c{comment.id}"


def _write(proposal: Proposal, parent: Comment | None):
    """Handle a comment form: publish it, or show it again with what to fix."""
    form = CommentForm()
    written = write(form, lambda: form.body.data, lambda: service.post_comment(
        current_user, proposal, form.body.data, form.language.data, form.alignment.data, parent))
    if written.saved:
        flash(_("Your comment is published."))
        return redirect(link_to(written.result))
    if request.method == "GET":
        form.language.data = current_user.language
    texts = for_request([proposal] + ([parent] if parent else []))
    status = 422 if form.errors else 200
    return render_template("comments/write.html", form=form, proposal=proposal, parent=parent,
                           texts=texts, language_message=written.language_message), status


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
@write_limit("RATELIMIT_COMMENT", "comment")
def create(proposal_id: int):
    proposal = load_allowed(Proposal, proposal_id, proposal_access.can_comment)
    return _write(proposal, None)


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_COMMENT", "comment")
def reply(comment_id: int):
    parent = db.get_or_404(Comment, comment_id)
    proposal = db.session.get(Proposal, parent.proposal_id)
    if not access.can_reply(current_user, parent, proposal):
        abort(403)
    assert proposal is not None  # a comment's foreign key keeps its proposal
    return _write(proposal, parent)


@bp.get("/comments/<int:comment_id>")
@cacheable
def show(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    proposal = db.session.get(Proposal, comment.proposal_id)
    roots, comments = service.subthread(comment)
    above = service.ancestors(comment)
    texts = for_request([proposal, *above, *comments])
    return render_template("comments/show.html", proposal=proposal, comment=comment,
                           roots=roots, ancestors=above, texts=texts,
                           proposal_access=proposal_access)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_EDIT", "edit")
def edit(comment_id: int):
    comment = load_allowed(Comment, comment_id, access.can_edit)
    form = CommentForm(obj=comment, body=comment.body_source, alignment=comment.alignment or "")
    written = write(form, lambda: form.body.data, lambda: service.edit_comment(
        comment, form.body.data, form.language.data, form.alignment.data))
    if written.saved:
        flash(_("Your changes are saved. Translations are being updated."))
        return redirect(link_to(comment))
    return render_template("comments/edit.html", form=form, comment=comment,
                           language_message=written.language_message), 422 if form.errors else 200


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete(comment_id: int):
    comment = load_allowed(Comment, comment_id, access.can_delete)
    if ConfirmForm().validate_on_submit():
        service.delete_comment(comment)
        flash(_("Your comment is deleted. Replies to it stay in place."))
    return redirect(link_to(comment))


@bp.post("/comments/<int:comment_id>/helpful")
@login_required
@write_limit("RATELIMIT_VOTE", "vote")
def helpful(comment_id: int):
    comment = load_allowed(Comment, comment_id, access.can_mark_helpful)
    if ConfirmForm().validate_on_submit():
        flash(_mark_helpful(comment, withdraw=request.form.get("action") == "withdraw"))
    return redirect(_back_to(comment))


def _mark_helpful(comment: Comment, withdraw: bool) -> str:
    """Vote or take the vote back; return what to tell the person."""
    if withdraw:
        if votes.unvote(current_user, comment):
            return _("You no longer mark this comment helpful.")
        return _("You had not marked this comment helpful.")
    try:
        counted = votes.vote(current_user, comment)
    except votes.VoteRefused as refused:
        return str(refused.message)
    if counted:
        return _("Thank you: you marked this comment helpful.")
    return _("You already marked this comment helpful.")


def _back_to(comment: Comment) -> str:
    """Return the page the form was on (same order and page), at the comment."""
    target = request.form.get("next", "")
    if target and safe_next(target) == target:
        return f"{target}#c{comment.id}"
    return link_to(comment)


def thread_display_depth() -> int:
    """Return how many levels of replies one page shows before "continue this thread"."""
    return current_app.config["THREAD_DISPLAY_DEPTH"]
