"""The `flask --app wsgi forum …` commands for operators."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

forum_cli = AppGroup("forum", help="Run and administer the forum.")
users_cli = AppGroup("users", help="Create accounts and give roles.")
mt_cli = AppGroup("mt", help="Machine translation: engines, pairs, models, re-translation.")
forum_cli.add_command(users_cli)
forum_cli.add_command(mt_cli)


def init_app(app) -> None:
    """Register the command groups."""
    app.cli.add_command(forum_cli)


@forum_cli.command("worker")
@click.option("--once", is_flag=True, help="Stop when nothing is owed any more.")
@click.option("--name", default=None, help="Worker name in claims (default: host-pid).")
def worker_command(once: bool, name: str | None) -> None:
    """Translate owed texts until stopped (SIGTERM finishes the current batch)."""
    from forum.machine_translation.engines import build_router
    from forum.machine_translation.worker import Worker

    # Discarded late results, failures and reconciliation findings are logged for operators.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    router = build_router(current_app.config)
    worker = Worker(router, name)
    worker.install_signal_handlers()
    click.echo(f"worker {worker.name}: engines "
               + ", ".join(f"{e.name}({'on' if e.available() else 'off'})" for e in router.engines))
    try:
        done = worker.run(once=once)
    finally:
        router.close()
    tally = worker.tally
    click.echo(f"worker {worker.name}: stopped after {done} jobs; {tally.stored} stored, "
               f"{tally.discarded} late results discarded ({tally.lost_claim} claims lost, "
               f"{tally.text_changed} texts changed)")


@forum_cli.command("demo")
@click.option("--password", default=None,
              help="Give every demo account this password (default: unusable ones).")
def demo_command(password: str | None) -> None:
    """Load the multilingual demo (idempotent: a second run changes nothing)."""
    from forum.demo.loader import load_demo

    created = load_demo(password)
    click.echo("demo loaded: " + ", ".join(f"{n} {k}" for k, n in created.items())
               if created else "demo already loaded: nothing to do")


@users_cli.command("create")
@click.argument("display_name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--language", default=None, help="Preferred language (default: the first one).")
@click.option("--role", type=click.Choice(["citizen", "moderator", "admin"]), default="citizen")
@click.option("--email", default=None)
def create_user(display_name, password, language, role, email) -> None:
    """Create an account, e.g. the first admin."""
    from forum.accounts.models import Role
    from forum.accounts.service import AccountError, register

    language = language or current_app.config["LANGUAGES"][0]
    if language not in current_app.config["LANGUAGES"]:
        raise click.BadParameter(f"not one of {current_app.config['LANGUAGES']}", param_hint="language")
    from forum.accounts.password_policy import problem

    if (reason := problem(password, display_name)) is not None:
        raise click.BadParameter(str(reason), param_hint="password")
    try:
        user = register(display_name, password, language, email, Role(role))
    except AccountError:
        raise click.ClickException(f"the name {display_name!r} is taken") from None
    click.echo(f"created {user.display_name} (id {user.id}, {user.role})")


@users_cli.command("set-role")
@click.argument("display_name")
@click.argument("role", type=click.Choice(["citizen", "moderator", "admin"]))
def set_user_role(display_name, role) -> None:
    """Give an existing account a role."""
    from forum.accounts.models import Role
    from forum.accounts.service import find_by_name, set_role

    user = find_by_name(display_name)
    if user is None:
        raise click.ClickException(f"no account named {display_name!r}")
    set_role(user, Role(role))
    click.echo(f"{user.display_name} is now {role}")


from forum.machine_translation import cli as _mt_commands  # noqa: E402,F401
from forum.search import cli as _search_commands  # noqa: E402,F401
from forum.privacy import cli as _privacy_commands  # noqa: E402,F401
from forum import backup as _backup_command  # noqa: E402,F401
