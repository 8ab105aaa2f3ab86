"""The `flask --app wsgi forum …` commands for operators, gathered from the features."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

forum_cli = AppGroup("forum", help="Run and administer the forum.")


def init_app(app) -> None:
    """Register the `forum` command group with every feature's commands."""
    from forum.accounts.cli import users_cli
    from forum.backup import backup_command
    from forum.machine_translation.cli import mt_cli
    from forum.privacy.cli import privacy_cli
    from forum.residents.cli import residents_cli
    from forum.search.cli import search_cli

    for command in (users_cli, mt_cli, search_cli, privacy_cli, residents_cli,
                    backup_command):
        forum_cli.add_command(command)
    app.cli.add_command(forum_cli)


@forum_cli.command("worker")
@click.option("--once", is_flag=True, help="Stop when nothing is owed any more.")
@click.option("--name", default=None, help="Worker name in claims (default: host-pid).")
def worker_command(once: bool, name: str | None) -> None:
    """Translate owed texts and send owed mail until stopped (SIGTERM finishes the batch)."""
    from forum.db import db, limit_idle_transactions
    from forum.machine_translation.engines import build_router
    from forum.machine_translation.worker import Worker
    from forum.notifications.mail import Mailer
    from forum.worker import WorkerProcess, default_name

    # Discarded late results, failures and reconciliation findings are logged for operators.
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    name = name or default_name()
    limit_idle_transactions(db.engine, current_app.config["WORKER_IDLE_TRANSACTION_SECONDS"])
    router = build_router(current_app.config)
    translations = Worker(router, name)
    process = WorkerProcess([translations, Mailer(name)], current_app.config["MT_POLL_SECONDS"])
    process.install_signal_handlers()
    click.echo(f"worker {name}: engines "
               + ", ".join(f"{e.name}({'on' if e.available() else 'off'})" for e in router.engines))
    try:
        done = process.run(once=once)
    finally:
        router.close()
    tally = translations.tally
    click.echo(f"worker {name}: stopped after {done} jobs; {tally.stored} stored, "
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
