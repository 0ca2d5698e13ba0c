"""Outbound delivery (7th stage): digest email, chat webhooks, exports and the Zotero push.

Senders record what they delivered through store checkpoints (idempotency per user/radar and
day); they never read the database otherwise. The personal Atom feed lives in deliver/atom.py.
"""

from __future__ import annotations

from academichub.deliver.email import EmailOutcome, email_idempotency_key, send_digest_email
from academichub.deliver.email_message import compose_digest_email
from academichub.deliver.export import EXPORT_FORMATS, export_papers
from academichub.deliver.http_post import PostClient
from academichub.deliver.webhook_formats import digest_messages
from academichub.deliver.webhooks import WebhookReport, deliver_webhook, guess_kind
from academichub.deliver.zotero import ZoteroReport, push_to_zotero

__all__ = [
    "EXPORT_FORMATS",
    "EmailOutcome",
    "PostClient",
    "WebhookReport",
    "ZoteroReport",
    "compose_digest_email",
    "deliver_webhook",
    "digest_messages",
    "email_idempotency_key",
    "export_papers",
    "guess_kind",
    "push_to_zotero",
    "send_digest_email",
]
