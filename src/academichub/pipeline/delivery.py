"""The deliver stage of run_daily: each user's Curated Daily out by email and chat webhooks.

Each user with an e-mail address gets one message a day with all their radars, in the language they read
the site in (the local user of a CLI-only install: to `email_to`, in `llm_language`).

Every channel is tried; failures are collected and raised together at the end,
so the stage is recorded as failed and retried at the next run, while the
idempotency keys kept by deliver/ make sure nothing already sent goes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.message import EmailMessage

from academichub.config import Settings
from academichub.deliver.email import email_idempotency_key, send_digest_email
from academichub.deliver.email_message import compose_digest_email
from academichub.deliver.webhooks import deliver_webhook
from academichub.errors import AcademicHubError, DeliveryError
from academichub.models import Digest
from academichub.pipeline.briefs import briefing_text
from academichub.store import Store

LOCAL_USER = 1


def deliver_digests(settings: Settings, store: Store, digests: Sequence[Digest], day: dt.date) -> dict[str, int]:
    """Send the day's digests on every configured channel. Raises: DeliveryError naming every failed channel."""
    counts = {"emails": 0, "webhook_messages": 0, "failed": 0}
    failures: list[str] = []
    with_picks = [d for d in digests if d.items]
    recipients = store.user_emails()
    if settings.email_to:
        recipients.setdefault(LOCAL_USER, settings.email_to)
    for user_id, address in sorted(recipients.items()) if settings.smtp_host else ():
        mine = [d for d in with_picks if d.radar.user_id == user_id]
        if not mine:
            continue
        try:
            language = _language(settings, store, user_id)
            message = _message(settings, mine, address, briefing_text(store, day, mine), language)
            outcome = send_digest_email(
                settings, message, store=store, idempotency_key=email_idempotency_key(user_id, day.isoformat())
            )
            counts["emails"] += outcome.status == "sent"
        except AcademicHubError as exc:
            counts["failed"] += 1
            failures.append(f"email to user {user_id}: {exc}")
    for spec in settings.webhooks:
        for digest in with_picks:
            if spec.radars and digest.radar.name not in spec.radars:
                continue
            briefing = briefing_text(store, day, [digest])
            report = deliver_webhook(settings, spec, digest, briefing_markdown=briefing, store=store)
            counts["webhook_messages"] += report.sent
            if report.error:
                counts["failed"] += 1
                failures.append(f"webhook {spec.name}: {report.error}")
    if failures:
        raise DeliveryError("; ".join(failures))
    return counts


def _message(
    settings: Settings, digests: Sequence[Digest], address: str, briefing: str | None, language: str
) -> EmailMessage:
    base = settings.public_url.rstrip("/")
    unsubscribe = f"{base}/settings" if base else f"mailto:{settings.email_from}?subject=unsubscribe"
    return compose_digest_email(
        digests, sender=settings.email_from or settings.smtp_user, recipient=address,
        unsubscribe_url=unsubscribe, briefing_markdown=briefing, language=language,
    )  # fmt: skip


def _language(settings: Settings, store: Store, user_id: int) -> str:
    """The language the user reads the site in; for the local user of a CLI-only install (no account, so no
    choice made), the briefing's (`llm_language`)."""
    user = store.user_by_id(user_id)
    return user.language if user is not None and user.has_password else settings.llm_language
