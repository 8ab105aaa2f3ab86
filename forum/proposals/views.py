"""Pages for browsing, writing and supporting proposals."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.answers import access as answer_access
from forum.answers import service as official
from forum.caching import cacheable
from forum.comments import service as comments
from forum.comments.forms import CommentForm
from forum.comments.orders import order_or_default
from forum.content.authoring import write
from forum.db import db
from forum.events import service as events
from forum.extensions import write_limit
from forum.machine_translation.reading import for_request
from forum.notifications import service as notifications
from forum.processes import service as processes
from forum.processes.labels import phase_refusal
from forum.processes.rules import PhaseClosed
from forum.proposals import access, fragments, service
from forum.proposals.forms import ProposalForm
from forum.proposals.labels import state_label
from forum.proposals.models import Proposal, ProposalState, Topic
from forum.search.similar import Similar, similar_proposals
from forum.web.arguments import id_arg, load_allowed, page_arg
from forum.web.forms import ConfirmForm

bp = Blueprint("proposals", __name__)
TEMPLATE_GLOBALS = {"state_label": state_label, "proposal_card": fragments.card}


def _list_page(template: str, topic: Topic | None = None, **extra):
    sort = request.args.get("sort", "newest")
    sort = sort if sort in service.SORTS else "newest"
    state = request.args.get("state") or None
    state = state if state in {s.value for s in ProposalState} else None
    page = service.list_proposals(topic, sort, page_arg(), state)
    topics = service.list_topics()
    texts = for_request(list(page.items) + topics)
    return render_template(template, page=page, topics=topics, topic=topic, sort=sort,
                           state=state, texts=texts, states=list(ProposalState), **extra)


@bp.get("/")
@cacheable
def index():
    current = [p for p in processes.current_processes() if p.title]
    return _list_page("proposals/index.html", processes=current,
                      process_texts=for_request([*current, *(f for p in current
                                                             for f in p.phases)]))


@bp.get("/proposals")
@cacheable
def list_all():
    return _list_page("proposals/list.html")


@bp.get("/topics/<slug>")
@cacheable
def topic(slug: str):
    found = service.topic_or_404(slug)
    return _list_page("proposals/list.html", topic=found)


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_PROPOSAL", "proposal")
def new():
    if not access.can_create(current_user):
        abort(403)
    topics = service.list_topics()
    form = ProposalForm(topics, language=current_user.language, topic=id_arg("topic"),
                        closed=service.topics_closed_to_proposals(topics))
    found = _similar_step(form)
    if found is not None:
        return render_template("proposals/edit.html", form=form, proposal=None, similar=found)
    written = write(form, lambda: _text_of(form), lambda: service.create_proposal(
        current_user, db.get_or_404(Topic, form.topic.data), form.title.data, form.body.data,
        form.language.data))
    if written.saved:
        flash(_("Your proposal is published. Translations follow in a moment."))
        return redirect(url_for(".show", proposal_id=written.result.id))
    return render_template("proposals/edit.html", form=form, proposal=None,
                           language_message=written.language_message), 422 if form.errors else 200


def _similar_step(form: ProposalForm) -> list[Similar] | None:
    """Return the proposals like a valid draft to show instead of publishing, or None.

    Shown when the author asks ("Check for similar proposals"), and once before publishing
    a draft that probably repeats one; the next "Publish" goes through.
    """
    checking = request.form.get("step") == "check"
    if (form.similar_seen.data and not checking) or not form.validate_on_submit():
        return None
    found = similar_proposals(form.title.data, form.body.data, form.language.data)
    if not checking and not any(s.flagged for s in found):
        return None
    form.similar_seen.data = "1"
    return found


def _text_of(form: ProposalForm) -> str:
    return f"{form.title.data}\n{form.body.data}"


@bp.get("/proposals/<int:proposal_id>")
@cacheable
def show(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    thread = comments.thread_page(proposal, page_arg(), order=order_or_default(
        request.args.get("order")), opened=id_arg("open"))
    answers = official.answers_of(proposal.id)
    milestones = official.milestones_of([proposal.id])[proposal.id]
    proposal_events = events.events_of_proposal(proposal.id)
    texts = for_request([proposal, proposal.topic, proposal.topic.process, *answers,
                         *milestones, *(e for e, _ in proposal_events), *thread.comments])
    return render_template("proposals/show.html", proposal=proposal, thread=thread,
                           texts=texts, access=access, answers=answers, milestones=milestones,
                           proposal_events=proposal_events,
                           answer_access=answer_access,
                           supported=service.has_supported(current_user, proposal),
                           following=notifications.is_following(current_user, proposal.id),
                           comment_form=_comment_form(proposal))


def _comment_form(proposal):
    """Return the comment form for people who may comment, else None.

    A form carries a CSRF token, which lives in the session: building one for a visitor
    would give every reader a cookie for nothing.
    """
    if not access.can_comment(current_user, proposal) or phase_refusal(proposal, "comments"):
        return None
    return CommentForm(language=_writing_language())


def _writing_language() -> str:
    from forum.i18n import reading_language

    if current_user.is_authenticated:
        return current_user.language
    return reading_language()


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
@write_limit("RATELIMIT_EDIT", "edit")
def edit(proposal_id: int):
    proposal = load_allowed(Proposal, proposal_id, access.can_edit)
    topics = service.list_topics()
    # Not obj=proposal: its `topic` is a Topic, not the id the select needs, and the form
    # would come with no topic selected (the browser then sends the first one).
    form = ProposalForm(topics, title=proposal.title, body=proposal.body_source,
                        topic=proposal.topic_id, language=proposal.language)
    written = write(form, lambda: _text_of(form), lambda: service.edit_proposal(
        proposal, form.title.data, form.body.data, form.language.data,
        db.get_or_404(Topic, form.topic.data)))
    if written.saved:
        flash(_("Your changes are saved. Translations are being updated."))
        return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template("proposals/edit.html", form=form, proposal=proposal,
                           language_message=written.language_message), 422 if form.errors else 200


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int):
    proposal = load_allowed(Proposal, proposal_id, access.can_withdraw)
    if ConfirmForm().validate_on_submit():
        service.withdraw(proposal)
        flash(_("Your proposal is withdrawn. It stays readable, marked as withdrawn."))
    return redirect(url_for(".show", proposal_id=proposal.id))


@bp.post("/proposals/<int:proposal_id>/support")
@login_required
@write_limit("RATELIMIT_SUPPORT", "support")
def support(proposal_id: int):
    proposal = load_allowed(Proposal, proposal_id, access.can_support)
    if ConfirmForm().validate_on_submit():
        if request.form.get("action") == "withdraw":
            _withdraw_support(proposal)
        elif access.needs_verification(current_user):
            flash(_("Only verified residents can support proposals here. Enter the code "
                    "you received from the town on your account page."))
        else:
            _support(proposal)
    return redirect(url_for(".show", proposal_id=proposal.id) + "#support")


def _support(proposal: Proposal) -> None:
    try:
        if service.support(current_user, proposal):
            flash(_("Thank you: your support is counted."))
        else:
            flash(_("You already support this proposal."))
    except PhaseClosed as refused:
        flash(str(refused.message))


def _withdraw_support(proposal: Proposal) -> None:
    try:
        service.withdraw_support(current_user, proposal)
    except PhaseClosed as refused:
        flash(str(refused.message))
    else:
        flash(_("Your support is withdrawn."))
