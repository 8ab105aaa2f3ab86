"""A privacy-first, self-hosted multilingual deliberation forum."""
from __future__ import annotations

import os

from flask import Flask

from forum.config import apply_settings, ensure_secret_key, load_settings


def create_app(config: dict | None = None) -> Flask:
    """Create the forum's web application; `config` overrides every other setting."""
    config = config or {}
    instance = config.get("INSTANCE_PATH") or os.environ.get("FORUM_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    settings = load_settings()
    settings.update(config)
    apply_settings(app, settings)
    ensure_secret_key(app)
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    from forum import caching, db, i18n, routing, security, templating
    from forum.extensions import csrf, limiter, login_manager, migrate
    from forum.machine_translation import outbox
    from forum.web import boundary

    db.init_app(app)
    migrate.init_app(app, db.db, directory=os.path.join(app.root_path, "..", "migrations"))
    boundary.init_app(app)  # before CSRF: a body that is no form is refused as such
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    routing.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    # What else a commit does, for every service: a changed text owes its translations
    # and is re-indexed for search (outbox); a public change bumps the HTTP cache (caching).
    outbox.init_app(app)
    caching.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from forum import api, cli, fragments, health, i18n, moderation, proposals, templating
    from forum.accountability import views as accountability
    from forum.accounts import views as accounts
    from forum.answers import views as answers
    from forum.audit import views as audit
    from forum.comments import views as comments
    from forum.errors import handlers as errors
    from forum.events import views as events
    from forum.feeds import views as feeds
    from forum.machine_translation import views as machine_translation
    from forum.moderation import views as moderation_views
    from forum.notifications import views as notifications
    from forum.privacy import views as privacy
    from forum.processes import labels as process_labels
    from forum.processes import views as processes
    from forum.proposals import views as proposals_views
    from forum.recovery import views as recovery
    from forum.residents import views as residents
    from forum.search import views as search
    from forum.thresholds import labels as threshold_labels

    fragments.init_app(app)
    for blueprint in (errors.bp, health.bp, i18n.bp, accounts.bp, proposals.blueprint(),
                      comments.bp, machine_translation.bp, notifications.bp, answers.bp,
                      accountability.bp, moderation.blueprint(), search.bp, privacy.bp,
                      recovery.bp, audit.bp, residents.bp, feeds.bp, events.bp, processes.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api.blueprint(), url_prefix="/api/v1")
    # Names templates use, each registered by the feature that owns it.
    for names in (i18n.TEMPLATE_GLOBALS, accounts.TEMPLATE_GLOBALS,
                  proposals_views.TEMPLATE_GLOBALS, comments.TEMPLATE_GLOBALS,
                  machine_translation.TEMPLATE_GLOBALS,
                  notifications.TEMPLATE_GLOBALS, accountability.TEMPLATE_GLOBALS,
                  moderation_views.TEMPLATE_GLOBALS, threshold_labels.TEMPLATE_GLOBALS,
                  events.TEMPLATE_GLOBALS,
                  process_labels.TEMPLATE_GLOBALS):
        templating.add_globals(app, names)
    cli.init_app(app)
