"""Admin pages for managing topics."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from forum.content.authoring import add_error
from forum.content.validation import ContentError
from forum.db import db
from forum.processes import service as processes
from forum.proposals import access, service
from forum.proposals.forms import TopicForm
from forum.proposals.models import Topic
from forum.proposals.views import bp
from forum.thresholds import service as thresholds


def _require_admin() -> None:
    if not access.can_manage_topics(current_user):
        abort(403)


@bp.route("/admin/topics", methods=["GET", "POST"])
@login_required
def manage_topics():
    _require_admin()
    form = TopicForm(processes.list_processes(), language=current_user.language)
    if form.validate_on_submit():
        try:
            service.create_topic(form.name.data, form.description.data, form.language.data,
                                 process_id=form.process_id.data)
        except ContentError as error:
            add_error(form, error if error.field != "slug" else
                      ContentError("name", _("A topic with this name exists already.")))
        else:
            flash(_("The topic is created."))
            return redirect(url_for(".manage_topics"))
    return render_template("proposals/topics.html", topics=service.list_topics(),
                           form=form), 422 if form.errors else 200


@bp.route("/admin/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@login_required
def edit_topic(topic_id: int):
    _require_admin()
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(processes.list_processes(), obj=topic)
    if form.validate_on_submit():
        try:
            service.update_topic(topic, form.name.data, form.description.data, form.language.data,
                                 process_id=form.process_id.data)
        except ContentError as error:
            add_error(form, error)
        else:
            reached = thresholds.set_threshold(topic, form.answer_threshold.data,
                                               form.answer_days.data, current_user)
            if reached:
                flash(ngettext("%(num)s proposal is past the new threshold and awaits an "
                               "answer.", "%(num)s proposals are past the new threshold and "
                               "await an answer.", len(reached)))
            flash(_("The topic is saved."))
            return redirect(url_for(".manage_topics"))
    return render_template("proposals/topic_edit.html", topic=topic,
                           form=form), 422 if form.errors else 200
