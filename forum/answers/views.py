"""Pages where admins answer proposals and keep their follow-up timeline."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.answers import access, service
from forum.answers.forms import AnswerForm, MilestoneForm
from forum.answers.models import Milestone
from forum.content.authoring import add_error, doubtful_language
from forum.content.validation import ContentError
from forum.db import db
from forum.machine_translation.reading import for_request
from forum.proposals.forms import ConfirmForm, language_warning
from forum.proposals.models import Proposal, ProposalState

bp = Blueprint("answers", __name__)


def _proposal_page(proposal: Proposal, anchor: str):
    return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor=anchor))


@bp.route("/proposals/<int:proposal_id>/answer", methods=["GET", "POST"])
@login_required
def answer(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    if not access.can_answer(current_user, proposal):
        abort(403)
    # A first answer usually acknowledges; a later one usually confirms the current state.
    suggested = (ProposalState.UNDER_REVIEW if proposal.state == ProposalState.OPEN
                 else proposal.state)
    form = AnswerForm(language=current_user.language, state=suggested)
    warning = None
    if form.validate_on_submit():
        warning = doubtful_language(form, form.body.data)
        if warning is None:
            try:
                service.give_answer(proposal, current_user, form.state.data, form.body.data,
                                    form.language.data)
            except ContentError as error:
                add_error(form, error)
            else:
                flash(_("The answer is published. The author and the followers are told."))
                return _proposal_page(proposal, "answers")
    answers = service.answers_of(proposal.id)
    message = language_warning(warning, form.language.data) if warning else None
    return render_template("answers/answer.html", proposal=proposal, answers=answers,
                           texts=for_request([proposal, *answers]), form=form,
                           language_message=message), 422 if form.errors else 200


@bp.route("/proposals/<int:proposal_id>/milestones/new", methods=["GET", "POST"])
@login_required
def new_milestone(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    if not access.can_plan(current_user, proposal):
        abort(403)
    form = MilestoneForm(language=current_user.language)
    if form.validate_on_submit():
        try:
            service.add_milestone(proposal, form.title.data, form.due_on.data,
                                  form.language.data, form.done.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(_("The milestone is added to the timeline."))
            return _proposal_page(proposal, "milestones")
    return _milestone_page(proposal, form, None)


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@login_required
def edit_milestone(milestone_id: int):
    if not access.can_manage_timelines(current_user):
        abort(403)
    milestone = db.get_or_404(Milestone, milestone_id)
    proposal = db.get_or_404(Proposal, milestone.proposal_id)
    if not access.can_plan(current_user, proposal):
        abort(403)
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit():
        try:
            service.edit_milestone(milestone, form.title.data, form.due_on.data,
                                   form.language.data, form.done.data)
        except ContentError as error:
            add_error(form, error)
        else:
            flash(_("The milestone is saved."))
            return _proposal_page(proposal, "milestones")
    return _milestone_page(proposal, form, milestone)


def _milestone_page(proposal: Proposal, form: MilestoneForm, milestone: Milestone | None):
    return render_template("answers/milestone.html", proposal=proposal, form=form,
                           milestone=milestone, texts=for_request([proposal]),
                           confirm_form=ConfirmForm()), 422 if form.errors else 200


@bp.post("/milestones/<int:milestone_id>/delete")
@login_required
def delete_milestone(milestone_id: int):
    if not access.can_manage_timelines(current_user):
        abort(403)
    milestone = db.get_or_404(Milestone, milestone_id)
    proposal = db.get_or_404(Proposal, milestone.proposal_id)
    if not access.can_plan(current_user, proposal):
        abort(403)
    if ConfirmForm().validate_on_submit():
        service.delete_milestone(milestone)
        flash(_("The milestone is removed from the timeline."))
    return _proposal_page(proposal, "milestones")
