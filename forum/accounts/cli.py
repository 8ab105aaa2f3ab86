"""`forum users …`: create accounts, give roles, issue one-time password resets."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from forum.accounts.models import Role
from forum.accounts.password_policy import problem
from forum.accounts.service import AccountError, find_by_name, register, set_role

users_cli = AppGroup("users", help="Create accounts, give roles, issue password resets.")


@users_cli.command("create")
@click.argument("display_name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--language", default=None, help="Preferred language (default: the first one).")
@click.option("--role", type=click.Choice(["citizen", "moderator", "admin"]), default="citizen")
@click.option("--email", default=None)
def create_user(display_name, password, language, role, email) -> None:
    """Create an account, e.g. the first admin."""
    language = language or current_app.config["LANGUAGES"][0]
    if language not in current_app.config["LANGUAGES"]:
        raise click.BadParameter(f"not one of {current_app.config['LANGUAGES']}",
                                 param_hint="language")
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
    user = find_by_name(display_name)
    if user is None:
        raise click.ClickException(f"no account named {display_name!r}")
    set_role(user, Role(role))
    click.echo(f"{user.display_name} is now {role}")


@users_cli.command("reset")
@click.argument("display_name")
def reset_password(display_name) -> None:
    """Print a one-time link to choose a new password, for a person in front of you.

    Check first that the account is theirs (they can tell you what they wrote, or show
    the town hall's letter); the link is written in the audit log, never its secret.
    """
    from forum.recovery.service import issue_reset
    from forum.web.links import public_url

    user = find_by_name(display_name)
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no account named {display_name!r}")
    raw, expires = issue_reset(user)
    click.echo(f"One-time password reset for {user.display_name}, usable once until "
               f"{expires:%Y-%m-%d %H:%M} UTC:")
    click.echo(public_url("recovery.reset", token=raw))
