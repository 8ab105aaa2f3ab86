"""Pages where admins answer proposals and keep their follow-up timeline."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.answers import access, service
from forum.answers.forms import AnswerForm, MilestoneForm
from forum.answers.models import Milestone
from forum.content.authoring import add_error, write
from forum.content.validation import ContentError
from forum.db import db
from forum.machine_translation.reading import for_request
from forum.proposals.models import Proposal, ProposalState
from forum.web.arguments import load_allowed
from forum.web.forms import ConfirmForm

bp = Blueprint("answers", __name__)


def _proposal_page(proposal: Proposal, anchor: str):
    return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor))


@bp.route("/proposals/<int:proposal_id>/answer", methods=["GET", "POST"])
@login_required
def answer(proposal_id: int):
    proposal = load_allowed(Proposal, proposal_id, access.can_answer)
    # A first answer usually acknowledges; a later one usually confirms the current state.
    suggested = (ProposalState.UNDER_REVIEW if proposal.state == ProposalState.OPEN
                 else proposal.state)
    form = AnswerForm(language=current_user.language, state=suggested)
    written = write(form, lambda: form.body.data, lambda: service.give_answer(
        proposal, current_user, form.state.data, form.body.data, form.language.data))
    if written.saved:
        flash(_("The answer is published. The author and the followers are told."))
        return _proposal_page(proposal, "answers")
    answers = service.answers_of(proposal.id)
    return render_template("answers/answer.html", proposal=proposal, answers=answers,
                           texts=for_request([proposal, *answers]), form=form,
                           language_message=written.language_message), 422 if form.errors else 200


@bp.route("/proposals/<int:proposal_id>/milestones/new", methods=["GET", "POST"])
@login_required
def new_milestone(proposal_id: int):
    proposal = load_allowed(Proposal, proposal_id, access.can_plan)
    form = MilestoneForm(language=current_user.language)
    return _save_milestone(proposal, form, None, _("The milestone is added to the timeline."),
                           lambda *fields: service.add_milestone(proposal, *fields))


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit_milestone(milestone_id: int):
    milestone, proposal = _milestone_to_plan(milestone_id)
    form = MilestoneForm(obj=milestone)
    return _save_milestone(proposal, form, milestone, _("The milestone is saved."),
                           lambda *fields: service.edit_milestone(milestone, *fields))


def _milestone_to_plan(milestone_id: int) -> tuple[Milestone, Proposal]:
    """Return a milestone and its proposal, or abort unless the current person may plan it."""
    if not access.can_manage_timelines(current_user):
        abort(403)
    milestone = db.get_or_404(Milestone, milestone_id)
    proposal = load_allowed(Proposal, milestone.proposal_id, access.can_plan)
    return milestone, proposal


def _save_milestone(proposal: Proposal, form: MilestoneForm, milestone: Milestone | None,
                    done_message: str, save):
    """Save a valid milestone form with `save(title, due_on, language, done)`, else show it."""
    if form.validate_on_submit():
        try:
            save(form.title.data, form.due_on.data, form.language.data, form.done.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(done_message)
            return _proposal_page(proposal, "milestones")
    return _milestone_page(proposal, form, milestone)


def _milestone_page(proposal: Proposal, form: MilestoneForm, milestone: Milestone | None):
    return render_template("answers/milestone.html", proposal=proposal, form=form,
                           milestone=milestone, texts=for_request([proposal]),
                           confirm_form=ConfirmForm()), 422 if form.errors else 200


@bp.post("/milestones/<int:milestone_id>/delete")
@login_required
def delete_milestone(milestone_id: int):
    milestone, proposal = _milestone_to_plan(milestone_id)
    if ConfirmForm().validate_on_submit():
        service.delete_milestone(milestone)
        flash(_("The milestone is removed from the timeline."))
    return _proposal_page(proposal, "milestones")
