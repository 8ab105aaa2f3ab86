"""`forum privacy purge`: apply the retention settings."""
from __future__ import annotations

import click
from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="Personal data: retention.")


@privacy_cli.command("purge")
def purge() -> None:
    """Delete old read notifications, settled reports and logins past their lifetime."""
    from forum.privacy.service import purge as purge_old

    counts = purge_old()
    click.echo(f"deleted {counts['notifications']} notifications and "
               f"{counts['reports']} reports; ended {counts['logins']} logins older than "
               f"REMEMBER_COOKIE_DAYS")
