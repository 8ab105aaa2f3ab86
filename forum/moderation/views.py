"""Pages for moderators: the queue, one item, one account, bulk actions, appeals, the log."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.accounts.models import User
from forum.caching import cacheable
from forum.comments.models import Comment
from forum.content.authoring import add_error
from forum.content.validation import ContentError
from forum.db import db, utcnow
from forum.moderation import access, appeals, reading, reports, service
from forum.moderation.forms import (
    AccountActionForm,
    BulkForm,
    DecisionForm,
    ItemActionForm,
    action_button,
    action_name,
    bulk_name,
    reason_label,
)
from forum.moderation.models import Action, Appeal
from forum.moderation.pages import (
    appeals_context,
    hidden_context,
    item_context,
    item_url,
    log_context,
    outcome_message,
    queue_context,
)
from forum.proposals.models import Proposal
from forum.web.arguments import page_arg, safe_next

bp = Blueprint("moderation", __name__)


def _require_moderator() -> None:
    if not access.is_moderator(current_user):
        abort(403)


def _back(default: str) -> str:
    """Return where to go after an action: a moderation page the form named, or `default`."""
    target = safe_next(request.form.get("next"))
    return target if target.startswith("/moderation") and "//" not in target else default


@bp.get("/moderation")
@login_required
def queue():
    _require_moderator()
    page = reports.queue_page(page_arg(), current_app.config["MODERATION_QUEUE_PER_PAGE"])
    return render_template("moderation/queue.html", **queue_context(page))


@bp.get("/moderation/hidden")
@login_required
def hidden():
    _require_moderator()
    return render_template("moderation/hidden.html", **hidden_context(page_arg()))


@bp.route("/moderation/proposals/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def proposal(proposal_id: int):
    _require_moderator()
    return _item_page(db.get_or_404(Proposal, proposal_id))


@bp.route("/moderation/comments/<int:comment_id>", methods=["GET", "POST"])
@login_required
def comment(comment_id: int):
    _require_moderator()
    return _item_page(db.get_or_404(Comment, comment_id))


def _item_page(item):
    """Show one reported item with its history, or take the action a button asked for."""
    form = ItemActionForm(service.ITEM_ACTIONS[service.item_type_of(item)])
    if form.validate_on_submit():
        try:
            original = _original(form) if form.action.data == Action.DUPLICATE else None
            outcome = service.act(current_user, item, Action(form.action.data),
                                  form.reason.data, form.seen.data, original)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(outcome_message(outcome, item))
            return redirect(_back(item_url(item)))
    return render_template("moderation/item.html", form=form,
                           **item_context(item)), 422 if form.errors else 200


def _original(form) -> Proposal:
    original = db.session.get(Proposal, form.duplicate_of.data) if form.duplicate_of.data else None
    if original is None:
        raise ContentError("duplicate_of", _("There is no proposal with this number."))
    if original.hidden_at is not None:
        raise ContentError("duplicate_of", _("That proposal is hidden: point to a visible one."))
    return original


@bp.route("/moderation/people/<int:user_id>", methods=["GET", "POST"])
@login_required
def account(user_id: int):
    _require_moderator()
    person = db.get_or_404(User, user_id)
    form = AccountActionForm()
    if form.validate_on_submit():
        action = Action(form.action.data)
        if action != Action.DISMISS and not access.can_restrict(current_user, person):
            abort(403)
        try:
            outcome = service.restrict(current_user, person, action, form.reason.data,
                                       form.days.data, form.seen.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(outcome_message(outcome, person))
            return redirect(_back(item_url(person)))
    return render_template("moderation/item.html", form=form,
                           **item_context(person)), 422 if form.errors else 200


@bp.post("/moderation/bulk")
@login_required
def bulk():
    _require_moderator()
    form = BulkForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors))
        return redirect(_back(url_for(".queue")))
    try:
        result = service.bulk(current_user, service.parse_selection(form.items.data),
                              Action(form.action.data), form.reason.data)
    except ContentError:
        flash(_("Give a public reason to hide or ban."))
    else:
        flash(_("%(action)s: %(done)s done, %(handled)s already handled by someone else, "
                "%(skipped)s skipped.", action=bulk_name(form.action.data),
                done=result.done, handled=result.handled, skipped=result.skipped))
    return redirect(_back(url_for(".queue")))


@bp.route("/moderation/appeals", methods=["GET", "POST"])
@login_required
def appeal_queue():
    _require_moderator()
    form = DecisionForm()
    if form.validate_on_submit():
        appeal = db.get_or_404(Appeal, form.appeal.data)
        if not access.can_decide(current_user, appeal, appeals.moderator_ids()):
            abort(403)
        outcome = appeals.decide(current_user, appeal, form.decision.data == "grant",
                                 form.reason.data)
        if outcome.done:
            flash(_("The appeal is decided: %(decision)s. The person is told.",
                    decision=action_name(outcome.entry.action)))
        else:
            flash(_("Nothing was done: another moderator decided this appeal already."))
        return redirect(url_for(".appeal_queue"))
    return render_template("moderation/appeals.html", form=form,
                           **appeals_context(page_arg())), 422 if form.errors else 200


@bp.get("/moderation/log")
@cacheable
def public_log():
    return render_template("moderation/log.html", **log_context(page_arg()))


def moderation_waiting() -> int:
    """Count what waits for moderators (reported items and appeals), in one query."""
    if not access.is_moderator(current_user):
        return 0
    return reports.waiting_count()


TEMPLATE_GLOBALS = {
    "moderation_waiting": moderation_waiting, "now_utc": utcnow,
    "moderation_action": action_name, "moderation_button": action_button,
    "report_reason": reason_label, "tombstone_reason": reading.tombstone_reason,
    "duplicate_original": reading.duplicate_original, "offers_report": access.offers_report,
}


