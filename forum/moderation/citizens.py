"""Pages for everyone: reporting what is wrong, and appealing a decision about oneself."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from forum.accounts.models import User
from forum.comments.models import Comment
from forum.content.authoring import add_error
from forum.content.validation import ContentError
from forum.db import db
from forum.extensions import write_limit
from forum.machine_translation.reading import for_request
from forum.moderation import access, appeals, reports
from forum.moderation.forms import AppealForm, ReportForm
from forum.moderation.pages import context_proposals, public_url
from forum.moderation.reports import Filed
from forum.moderation.views import bp
from forum.proposals.models import Proposal

FILED_MESSAGES = {
    Filed.RECEIVED: _l("Thank you: the moderators will look at it. Nobody else learns that "
                       "you reported it."),
    Filed.HIDDEN: _l("Thank you: several people reported it, so it is hidden until the "
                     "moderators look at it."),
    Filed.DUPLICATE: _l("You have reported this already: the moderators have your report."),
    Filed.ALREADY_HIDDEN: _l("The moderators have already hidden this."),
}
ONCE = _l("You can appeal each decision only once, and you have already appealed this one.")


@bp.route("/proposals/<int:proposal_id>/report", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_REPORT", "report")
def report_proposal(proposal_id: int):
    return _report(db.get_or_404(Proposal, proposal_id))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_REPORT", "report")
def report_comment(comment_id: int):
    return _report(db.get_or_404(Comment, comment_id))


@bp.route("/people/<int:user_id>/report", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_REPORT", "report")
def report_account(user_id: int):
    person = db.get_or_404(User, user_id)
    if person.deleted_at is not None:
        abort(404)
    return _report(person)


def _report(item):
    """Show the report form for an item, or file the report."""
    if not access.can_report(current_user, item):
        abort(403)
    if reports.has_reported(current_user, item):
        flash(str(FILED_MESSAGES[Filed.DUPLICATE]))
        return redirect(public_url(item))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            filed = reports.file_report(current_user, item, form.reason.data, form.details.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(str(FILED_MESSAGES[filed]))
            return redirect(public_url(item))
    return render_template("moderation/report.html", form=form, item=item,
                           **_shown(item)), 422 if form.errors else 200


def _shown(item) -> dict:
    proposals = context_proposals([item]) if not isinstance(item, User) else {}
    texts = for_request([*proposals.values(), *([item] if isinstance(item, Comment) else [])])
    return dict(proposals=proposals, texts=texts, public_address=public_url(item))


@bp.route("/proposals/<int:proposal_id>/appeal", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_APPEAL", "appeal")
def appeal_proposal(proposal_id: int):
    return _appeal(db.get_or_404(Proposal, proposal_id))


@bp.route("/comments/<int:comment_id>/appeal", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_APPEAL", "appeal")
def appeal_comment(comment_id: int):
    return _appeal(db.get_or_404(Comment, comment_id))


@bp.route("/account/appeal", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_APPEAL", "appeal")
def appeal_account():
    return _appeal(current_user._get_current_object())


def _appeal(item):
    """Show the decision about one's item or account and the appeal form, or lodge it."""
    if not access.is_concerned(current_user, item):
        abort(403)
    decision = appeals.appealable_decision(current_user, item)
    if decision is None or not access.can_appeal(current_user, decision):
        flash(_("There is no decision to appeal here: nothing of yours is hidden or restricted."))
        elsewhere = url_for("accounts.settings") if isinstance(item, User) else public_url(item)
        return redirect(elsewhere)
    lodged = appeals.appeal_of(decision)
    form = AppealForm(language=current_user.language)
    status = 200
    if lodged is not None and form.is_submitted():
        flash(str(ONCE))
        status = 409
    elif lodged is None and form.validate_on_submit():
        try:
            result = appeals.lodge(current_user, decision, form.message.data, form.language.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(_("Your appeal is sent. A moderator will review it and you will be told.")
                  if result == appeals.Lodged.RECEIVED else str(ONCE))
            return redirect(request.path)
    return render_template("moderation/appeal.html", form=form, item=item, decision=decision,
                           lodged=lodged, texts=for_request([decision]),
                           public_address=public_url(item), is_account=isinstance(item, User)), \
        422 if form.errors else status
