"""Sending the digest email over SMTP (STARTTLS, SSL, or plain to a local relay), at most once per user and day.

Idempotency protocol (checkpoint job "deliver-email", key "<user>:<day>"):
  absent / "failed:…"  → send (again);
  "sending:<id>"       → written just before the DATA command; if it is still there on a rerun the
                         process died while the server may have accepted the message, so the outcome
                         is unknown and the message is NOT resent (at most once: a lost digest is
                         better than a duplicate; `resend_uncertain=True` chooses at least once);
  "sent:<id>"          → written after the server's 250; nothing is sent again.
Failures before DATA (refused connection, 4xx greeting, auth) are retried with backoff; 5xx are permanent.
The SMTP password is never logged or put in an error message.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from academichub.config import Settings
from academichub.deliver.email_message import MAIL_POLICY, parse_address
from academichub.errors import DeliveryError
from academichub.store import Store

EMAIL_JOB = "deliver-email"
Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class EmailOutcome:
    status: str  # "sent" | "already_sent" | "uncertain" (a crash during an earlier send; not resent)
    message_id: str
    attempts: int = 0


class _Transient(Exception):
    """A failure worth retrying; `code` is the SMTP reply code when the server gave one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class _Unknown(Exception):
    """The connection broke after DATA began: the server may or may not have the message."""


def email_idempotency_key(user: str | int, day: str) -> str:
    return f"{user}:{day}"


def send_digest_email(
    settings: Settings,
    message: EmailMessage,
    *,
    store: Store | None = None,
    idempotency_key: str | None = None,
    resend_uncertain: bool = False,
    sleep: Sleep = time.sleep,
) -> EmailOutcome:
    """Send `message` unless this key was already sent (see module docstring for the protocol).

    Raises: DeliveryError (after retries; `.permanent` for 5xx answers, refused TLS or bad credentials).
    """
    message_id = str(message["Message-ID"] or "")
    tracked = store is not None and idempotency_key is not None
    if store is not None and idempotency_key is not None:
        state = store.checkpoint(EMAIL_JOB, idempotency_key) or ""
        if state.startswith("sent:"):
            return EmailOutcome("already_sent", state.removeprefix("sent:"))
        if state.startswith("sending:") and not resend_uncertain:
            return EmailOutcome("uncertain", state.removeprefix("sending:"))

    def record(value: str) -> None:
        if store is not None and idempotency_key is not None:
            store.set_checkpoint(EMAIL_JOB, idempotency_key, value)

    attempts = max(1, settings.delivery_retries + 1)
    for attempt in range(1, attempts + 1):
        try:
            transmit_message(settings, message, before_data=lambda: record(f"sending:{message_id}"))
        except _Unknown as exc:
            return _unknown_outcome(message_id, attempt, exc, tracked)
        except _Transient as exc:
            record(f"failed:{exc}")
            if attempt == attempts:
                raise DeliveryError(f"email not sent after {attempts} attempts: {exc}", smtp_code=exc.code) from None
            sleep(settings.delivery_backoff_s * 2 ** (attempt - 1))
        except DeliveryError as exc:
            record(f"failed:{exc}")
            raise
        else:
            record(f"sent:{message_id}")
            return EmailOutcome("sent", message_id, attempt)
    raise AssertionError("unreachable")


def _unknown_outcome(message_id: str, attempt: int, exc: _Unknown, tracked: bool) -> EmailOutcome:
    if not tracked:
        raise DeliveryError(f"email outcome unknown: {exc}")
    return EmailOutcome("uncertain", message_id, attempt)


def transmit_message(settings: Settings, message: EmailMessage, *, before_data: Callable[[], None]) -> None:
    """One SMTP session delivering `message` to its To address. Raises: _Transient, _Unknown, DeliveryError."""
    if not settings.smtp_host:
        raise DeliveryError("no SMTP server configured (set smtp_host)", permanent=True)
    sender = parse_address(str(message["From"])).addr_spec
    recipient = parse_address(str(message["To"])).addr_spec
    raw = message.as_bytes(policy=MAIL_POLICY)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    data_started = delivered = False
    try:
        with _open_session(settings) as smtp:
            _check(smtp.mail(sender), (250,), "MAIL FROM")
            _check(smtp.rcpt(recipient), (250, 251), f"RCPT TO {recipient}")
            before_data()
            data_started = True
            _check(smtp.data(raw), (250,), "DATA")
            delivered = True
    except smtplib.SMTPResponseException as exc:
        if delivered:  # only QUIT failed
            return
        raise _classify(exc.smtp_code, exc.smtp_error, where) from None
    except ssl.SSLError as exc:  # includes certificate failures: fail closed, never retry insecurely
        raise DeliveryError(f"TLS with {where} failed: {exc}", permanent=True) from None
    except (OSError, smtplib.SMTPException) as exc:  # refused, reset, timeout, disconnected
        if delivered:
            return
        reason = f"SMTP server {where}: {type(exc).__name__}: {exc}".rstrip(": ")
        if data_started:
            raise _Unknown(reason) from None
        raise _Transient(reason) from None


def _check(reply: tuple[int, bytes], ok: tuple[int, ...], step: str) -> None:
    code, text = reply
    if code not in ok:
        raise smtplib.SMTPResponseException(code, text or step.encode())


def _classify(code: int, text: bytes | str, where: str) -> Exception:
    said = (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)).strip()
    message = f"SMTP server {where} answered {code} {said}"
    if 400 <= code < 500:
        return _Transient(message, code)
    return DeliveryError(message, smtp_code=code, permanent=True)


def _tls_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.smtp_ca_file is not None:
        context.load_verify_locations(cafile=str(settings.smtp_ca_file))
    return context


def _open_session(settings: Settings) -> smtplib.SMTP:
    """Connected, secured and logged in. Raises: smtplib/ssl/OS errors, DeliveryError for bad credentials."""
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_s
    smtp: smtplib.SMTP
    if settings.smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(settings))
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if settings.smtp_security == "starttls":
            if not smtp.has_extn("starttls"):
                raise DeliveryError(f"SMTP server {host}:{port} does not offer STARTTLS", permanent=True)
            smtp.starttls(context=_tls_context(settings))
            smtp.ehlo()
        if settings.smtp_user:
            _login(smtp, settings)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, settings: Settings) -> None:
    try:
        smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"SMTP login as {settings.smtp_user} refused ({exc.smtp_code})", smtp_code=exc.smtp_code, permanent=True
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError("SMTP server offers no login (AUTH) but smtp_user is set", permanent=True) from None
