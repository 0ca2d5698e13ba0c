"""`user`: account chores an administrator does from the shell, such as a password-reset link."""

from __future__ import annotations

import click

from academichub.cli.context import AppContext, pass_app
from academichub.errors import InputError
from academichub.store import User
from academichub.web.password_reset import issue_reset_link


@click.group()
def user() -> None:
    """Web accounts (they are made on the web app; see `serve`)."""


def _account(app: AppContext, who: str) -> User:
    """The account with this e-mail address or name. Raises: InputError (none, or several share the address)."""
    if "@" in who:
        found = app.store.users_by_email(who)
        if len(found) > 1:
            names = ", ".join(u.name for u in found)
            raise InputError(f"several accounts use {who} ({names}): give the account name instead")
        if found:
            return found[0]
    named = app.store.user_by_name(who)
    if named is None or named.disabled:
        raise InputError(f"no enabled account with the e-mail address or name {who!r}")
    return named


@click.command("reset-link")
@click.argument("who", metavar="EMAIL")
@pass_app
def reset_link(app: AppContext, who: str) -> None:
    """Print a one-time link that sets a new password for the account with this e-mail address (or name).

    The link works once, for `web_reset_lifetime_s` (an hour by default); using it signs the account out
    everywhere. An earlier link for the same account stops working. Links use `public_url` when set."""
    account = _account(app, who)
    link = issue_reset_link(app.store, app.settings, account)
    minutes = app.settings.web_reset_lifetime_s // 60
    click.echo(f"Password-reset link for {account.name} (works once, for {minutes} minutes):\n{link}")


user.add_command(reset_link)
