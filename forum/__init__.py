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
    from forum import caching, i18n, routing, security, templating
    from forum.web import boundary
    from forum.db import db
    from forum.extensions import csrf, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    boundary.init_app(app)  # before CSRF: a body that is no form is refused as such
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    routing.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    caching.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from forum import cli, health, i18n
    from forum.accounts import views as accounts
    from forum.accountability import views as accountability
    from forum.answers import views as answers
    from forum.api import views as api
    from forum.comments import views as comments
    from forum.errors import handlers as errors
    from forum.machine_translation import views as machine_translation
    from forum.moderation import views as moderation
    from forum.notifications import views as notifications
    from forum.privacy import views as privacy
    from forum.proposals import views as proposals
    from forum.search import views as search

    app.register_blueprint(errors.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(proposals.bp)
    app.register_blueprint(comments.bp)
    app.register_blueprint(machine_translation.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(answers.bp)
    app.register_blueprint(accountability.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    cli.init_app(app)
