"""One phone's socket, as the children's and the teachers' pages both use it: frames go out in order
through one writer task, and a phone that cannot keep up is dropped rather than holding the hub back."""

from __future__ import annotations

import asyncio
import collections
import json
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

OUTBOX = 64  # frames waiting for one slow phone before it is dropped


class ChildPeer:
    """One child's socket: every frame goes out through one writer task (acks and states in order; a newer
    state replaces one not yet sent; a phone that falls OUTBOX frames behind is dropped)."""

    def __init__(self, ws: WebSocket, device: str) -> None:
        self.ws = ws
        self.device = device
        self.home = False
        self.frames: collections.deque[tuple[bool, str]] = collections.deque()
        self.wake = asyncio.Event()
        self.closing: tuple[int, str] | None = None
        self.too_fast = 0  # messages refused in a row for coming too fast (past BURST: dropped)

    def push(self, text: str, *, state: bool = False) -> None:
        if self.closing is not None:
            return
        if state:
            self.frames = collections.deque(f for f in self.frames if not f[0])
        if len(self.frames) >= OUTBOX:
            self.close(1008, "too slow")
            return
        self.frames.append((state, text))
        self.wake.set()

    def close(self, code: int, reason: str) -> None:
        if self.closing is None:
            self.closing = (code, reason)
            self.wake.set()

    async def run(self) -> None:
        try:
            while True:
                await self.wake.wait()
                self.wake.clear()
                while self.frames:
                    _, text = self.frames.popleft()
                    await self.ws.send_text(text)
                if self.closing is not None:
                    await self.ws.close(*self.closing)
                    return
        except (WebSocketDisconnect, RuntimeError, OSError):
            return


def frame_of(message: dict) -> str | bytes | None:
    """A received WebSocket message's payload: its text, else its bytes."""
    text = message.get("text")
    return text if text is not None else message.get("bytes")


def ack(r: int, status: str, detail: str = "", **more: Any) -> str:
    """The one reply to a phone's message numbered `r` (the wire protocol in cinema/hub/__init__.py)."""
    return json.dumps({"t": "ack", "r": r, "status": status, "detail": detail, **more}, ensure_ascii=False)
