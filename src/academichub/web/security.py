"""Web security: password hashing and rules, session tokens, CSRF and the response headers.

Sessions are server-side: the cookie holds a random token, the database only
its SHA-256. Every unsafe request must carry the session's CSRF token (or, before
sign-in, the pre-session cookie's) and must not come from a foreign Origin. Sign-in
throttling lives in web/throttle.py.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request
from starlette.responses import Response

from academichub.config import Settings

SESSION_COOKIE = "ah_session"
SECURE_SESSION_COOKIE = "__Host-ah_session"  # the prefix needs Secure, Path=/ and no Domain
CSRF_COOKIE = "ah_csrf"
SECURE_CSRF_COOKIE = "__Host-ah_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
TOKEN_BYTES = 32  # 256-bit session and CSRF tokens
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # argon2 hashes any length; this only bounds the work per attempt
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HSTS_MAX_AGE_S = 365 * 24 * 3600
NONCE_BYTES = 16  # 128-bit CSP nonce, fresh for every response
# {nonce} is filled per response: scripts run from our own files or from an element carrying this response's
# nonce; inline script without it never runs, so markup that slipped past the sanitiser stays inert.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
COMMON_PASSWORD_RANKS = 30_000  # refused: the whole ranked list zxcvbn ships (leaked-password frequency)


@cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower-cased, from the zxcvbn package's data (loaded on first use, ~0.1 s)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    ranked: list[str] = FREQUENCY_LISTS["passwords"]
    return frozenset(word.lower() for word in ranked[:COMMON_PASSWORD_RANKS])


_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a dummy hash is checked for unknown names)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, name: str) -> str | None:
    """A catalogue key saying what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_CHARS:
        return "password_too_short"
    if len(password) > MAX_PASSWORD_CHARS:
        return "password_too_long"
    if password.lower() in common_passwords() or password.lower() == name.lower():
        return "password_too_common"
    return None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def is_secure(request: Request, settings: Settings) -> bool:
    """Cookies get Secure (and the __Host- prefix) when the app is served over HTTPS."""
    return settings.web_https or request.url.scheme == "https"


def session_cookie_name(request: Request, settings: Settings) -> str:
    return SECURE_SESSION_COOKIE if is_secure(request, settings) else SESSION_COOKIE


def csrf_cookie_name(request: Request, settings: Settings) -> str:
    return SECURE_CSRF_COOKIE if is_secure(request, settings) else CSRF_COOKIE


def is_foreign_origin(request: Request) -> bool:
    """An Origin (or, lacking it, Referer) header naming another site than this one."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin == "null"
    host = request.headers.get("host", "")
    rest = origin.split("://", 1)[-1]
    return rest.split("/", 1)[0] != host


def set_cookie(response: Response, request: Request, settings: Settings, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=is_secure(request, settings)
    )


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def csp_nonce(request: Request) -> str:
    """This response's CSP nonce (templates put it on every <script>); made by the security middleware."""
    nonce = getattr(request.state, "csp_nonce", None)
    if nonce is None:
        nonce = request.state.csp_nonce = new_nonce()
    return str(nonce)


def add_security_headers(response: Response, *, secure: bool, nonce: str) -> None:
    response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY.format(nonce=nonce)
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["x-frame-options"] = "DENY"
    response.headers["referrer-policy"] = "same-origin"
    response.headers["cross-origin-opener-policy"] = "same-origin"
    response.headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"
    if secure:
        response.headers["strict-transport-security"] = f"max-age={HSTS_MAX_AGE_S}; includeSubDomains"
    if response.headers.get("content-type", "").startswith("text/html") and "charset" not in response.headers.get(
        "content-type", ""
    ):
        response.headers["content-type"] = "text/html; charset=utf-8"


def security_middleware(
    settings: Settings,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Headers on every response (CSP with a fresh nonce); a pre-session CSRF cookie for visitors who have none."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        cookie = csrf_cookie_name(request, settings)
        existing = request.cookies.get(cookie)
        request.state.anon_csrf = existing or new_token()
        nonce = csp_nonce(request)
        response = await call_next(request)
        if not existing:
            set_cookie(response, request, settings, cookie, request.state.anon_csrf, settings.web_session_lifetime_s)
        add_security_headers(response, secure=is_secure(request, settings), nonce=nonce)
        return response

    return middleware
