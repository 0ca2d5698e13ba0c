"""A real SMTP server (aiosmtpd) on loopback for delivery tests: a free port and a recording handler."""

from __future__ import annotations

import asyncio
import socket
import threading


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RecordingHandler:
    """Keeps every accepted message; `replies` scripts the answers to DATA (e.g. ["451 busy"]), then 250."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.replies: list[str] = []
        self.data_started = threading.Event()
        self.hold_data: threading.Event | None = None  # set by a test to stall DATA until released

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        if self.hold_data is not None:
            while not self.hold_data.is_set():
                await asyncio.sleep(0.02)
        if self.replies:
            return self.replies.pop(0)
        self.envelopes.append(envelope)
        return "250 OK"
