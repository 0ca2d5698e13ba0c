"""Password-reset links: made here (for `academichub user reset-link` and the "forgot password" page) and mailed.

A link carries a 256-bit random token; the database keeps only its SHA-256 and an expiry
(`web_reset_lifetime_s`, an hour by default). Making a new link for an account voids its older one.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from academichub.config import Settings
from academichub.deliver import send_digest_email
from academichub.deliver.email_message import parse_address
from academichub.errors import AcademicHubError
from academichub.store import Store, User
from academichub.web import security

log = logging.getLogger(__name__)
RESET_PATH = "/reset/"
LOCAL_BASE_URL = "http://127.0.0.1:8000"  # `serve`'s default address, when public_url is not set


def can_mail_resets(settings: Settings) -> bool:
    """The "forgot password" page exists only when there is an SMTP server to send links through."""
    return bool(settings.smtp_host and settings.email_from)


def issue_reset_link(store: Store, settings: Settings, user: User, base_url: str = "") -> str:
    """A fresh one-time link for `user` (shown or mailed once; only its hash is kept)."""
    token = security.new_token()
    lifetime = dt.timedelta(seconds=settings.web_reset_lifetime_s)
    store.create_password_reset(user.id, security.token_hash(token), lifetime)
    base = (settings.public_url or base_url or LOCAL_BASE_URL).rstrip("/")
    return f"{base}{RESET_PATH}{token}"


def reset_email(settings: Settings, user: User, address: str, link: str) -> EmailMessage:
    sender = parse_address(settings.email_from)
    minutes = settings.web_reset_lifetime_s // 60
    message = EmailMessage()
    message["From"] = str(sender)
    message["To"] = str(parse_address(address))
    message["Subject"] = "AcademicHub password reset · 重置密码"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message.set_content(
        f"Someone asked to reset the password of the AcademicHub account {user.name!r}.\n"
        f"To choose a new password, open this link within {minutes} minutes (it works once):\n\n{link}\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is.\n\n"
        f"有人请求重置 AcademicHub 账户 {user.name!r} 的密码。请在 {minutes} 分钟内打开上面的链接（仅可使用一次）。"
        "如果不是您本人操作，请忽略此邮件。\n"
    )
    return message


def mail_reset_links(settings: Settings, store: Store, address: str, base_url: str) -> None:
    """Mail a link to every account using `address`; nothing happens for an unknown one. Never raises."""
    for user in store.users_by_email(address):
        try:
            link = issue_reset_link(store, settings, user, base_url)
            send_digest_email(settings, reset_email(settings, user, address, link))
        except AcademicHubError as exc:  # logged for the admin; the visitor sees the same page either way
            log.warning("password-reset e-mail for account %s not sent: %s", user.id, exc)
