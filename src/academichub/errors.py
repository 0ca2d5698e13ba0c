"""The one exception tree of AcademicHub. Edges (CLI, web) translate these; nothing else.

AcademicHubError
├── ConfigError            bad settings or config file
├── SourceError            anything about one source; recorded on its fetch run
│   ├── FetchError         network, HTTP status, size cap, refused address
│   │   ├── BlockedAddressError   private/loopback/link-local target or bad scheme
│   │   ├── TooLargeError         body over the cap (after decompression)
│   │   └── RateLimitedError      429/503 that we gave up waiting on
│   └── ParseError         not a feed, truncated beyond salvage, provider error body
├── StoreError             database problems, failed migration, bad query
│   └── SearchSyntaxError  full-text query the index cannot parse
├── InputError             a user's file or argument we cannot use
├── NotReadYet             a page asked to rank a day whose papers are still being read (encoded)
├── DeliveryError          an email, webhook or Zotero push that failed (secrets redacted)
└── BriefingError          an LLM provider fault or unusable answer; the briefing is marked failed
"""

from __future__ import annotations


class AcademicHubError(Exception):
    """Base of every error AcademicHub raises on purpose."""


class ConfigError(AcademicHubError):
    pass


class NotReadYet(AcademicHubError):
    """A day's papers are still being read (the daily job encodes them): `read` of `total` have vectors."""

    def __init__(self, read: int, total: int) -> None:
        super().__init__(f"this day's papers are still being read: {read} of {total} so far; try again later")
        self.read = read
        self.total = total


class SourceError(AcademicHubError):
    pass


class FetchError(SourceError):
    """`body` holds the (capped) response body of an HTTP error, e.g. a provider's error document."""

    def __init__(self, message: str, *, http_status: int | None = None, body: bytes | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.body = body


class BlockedAddressError(FetchError):
    pass


class TooLargeError(FetchError):
    pass


class RateLimitedError(FetchError):
    def __init__(
        self,
        message: str,
        *,
        retry_after_s: float | None = None,
        http_status: int | None = 429,
        body: bytes | None = None,
    ) -> None:
        super().__init__(message, http_status=http_status, body=body)
        self.retry_after_s = retry_after_s


class ParseError(SourceError):
    pass


class StoreError(AcademicHubError):
    pass


class SearchSyntaxError(StoreError):
    pass


class InputError(AcademicHubError):
    pass


class DeliveryError(AcademicHubError):
    """`http_status`/`smtp_code` say what the far end answered; `permanent` means retrying will not help."""

    def __init__(
        self, message: str, *, http_status: int | None = None, smtp_code: int | None = None, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.smtp_code = smtp_code
        self.permanent = permanent


class BriefingError(AcademicHubError):
    """`kind`: timeout, rate_limited, server, connection, malformed, length, empty, refusal, auth, bad_request."""

    def __init__(self, message: str, *, kind: str = "provider", retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after_s = retry_after_s
