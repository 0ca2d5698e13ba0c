"""The request-body cap: a declared or streamed body over MAX_REQUEST_BODY_BYTES is refused with 413.

A Content-Length over the cap is refused before a byte is read; a chunked
body is counted as it streams and, once over, whatever the app answered to the
cut-off body is replaced by the same 413 (HTML for pages, JSON for /api/).
"""

from __future__ import annotations

import json
from html import escape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from academichub.sources.library import MAX_LIBRARY_BYTES

MAX_REQUEST_BODY_BYTES = MAX_LIBRARY_BYTES + 2**20  # the largest library file plus the form around it


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body passes the cap."""


def too_large_message(size: int | None, limit: int) -> str:
    shown = f"{size / 2**20:.1f} MiB" if size is not None else f"over {limit / 2**20:g} MiB"
    return f"The upload is {shown}; the limit is {limit / 2**20:g} MiB. Choose a smaller file."


class BodyLimit:
    """ASGI middleware: bodies larger than `limit_bytes` get 413 with a message saying the size and the limit."""

    def __init__(self, app: ASGIApp, limit_bytes: int = MAX_REQUEST_BODY_BYTES) -> None:
        self.app = app
        self.limit_bytes = limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit_bytes:
            await refuse(scope, send, too_large_message(declared, self.limit_bytes))
            return
        seen = 0
        over = False

        async def limited_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not over:  # the app's answer to a cut-off body is dropped for the 413 below
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            pass
        if over:
            await refuse(scope, send, too_large_message(None, self.limit_bytes))


async def refuse(scope: Scope, send: Send, message: str) -> None:
    """Send 413 with `message`: JSON under /api/, else a small HTML page (the security middleware adds headers)."""
    if str(scope.get("path", "")).startswith("/api/"):
        body, kind = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>413 · AcademicHub</title></head>'
            f'<body><main><h1>上传文件过大 · Upload too large</h1><p role="alert">{escape(message)}</p>'
            '<p><a href="/radars">← Radars</a></p></main></body></html>'
        )
        body, kind = page.encode(), b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
