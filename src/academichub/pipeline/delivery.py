"""The deliver stage of run_daily: each user's Curated Daily out by email and chat webhooks.

Every channel is tried; failures are collected and raised together at the end,
so the stage is recorded as failed and retried at the next run, while the
idempotency keys kept by deliver/ make sure nothing already sent goes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from academichub.config import Settings
from academichub.deliver.email import email_idempotency_key, send_digest_email
from academichub.deliver.email_message import compose_digest_email
from academichub.deliver.webhooks import deliver_webhook
from academichub.errors import AcademicHubError, DeliveryError
from academichub.models import Digest
from academichub.store import Store

LOCAL_USER = 1


def deliver_digests(
    settings: Settings, store: Store, digests: Sequence[Digest], day: dt.date, *, briefing_markdown: str | None = None
) -> dict[str, int]:
    """Send the day's digests on every configured channel. Raises: DeliveryError naming every failed channel."""
    counts = {"emails": 0, "webhook_messages": 0, "failed": 0}
    failures: list[str] = []
    with_picks = [d for d in digests if d.items]
    if settings.email_to and settings.smtp_host and with_picks:
        mine = [d for d in with_picks if d.radar.user_id == LOCAL_USER]
        unsubscribe = (
            f"{settings.public_url.rstrip('/')}/settings"
            if settings.public_url
            else f"mailto:{settings.email_from}?subject=unsubscribe"
        )
        message = compose_digest_email(
            mine, sender=settings.email_from or settings.smtp_user, recipient=settings.email_to,
            unsubscribe_url=unsubscribe, briefing_markdown=briefing_markdown,
        )  # fmt: skip
        try:
            outcome = send_digest_email(
                settings, message, store=store, idempotency_key=email_idempotency_key(LOCAL_USER, day.isoformat())
            )
            counts["emails"] += outcome.status == "sent"
        except AcademicHubError as exc:
            counts["failed"] += 1
            failures.append(f"email: {exc}")
    for spec in settings.webhooks:
        for digest in with_picks:
            if spec.radars and digest.radar.name not in spec.radars:
                continue
            report = deliver_webhook(settings, spec, digest, briefing_markdown=briefing_markdown, store=store)
            counts["webhook_messages"] += report.sent
            if report.error:
                counts["failed"] += 1
                failures.append(f"webhook {spec.name}: {report.error}")
    if failures:
        raise DeliveryError("; ".join(failures))
    return counts
