"""Take-home downloads: `/files/<n>/<name>` serves the n-th of the lesson's take-home files (never a path
from the request), resumable (HTTP Range), all downloads together paced to `take_home_kbps` (a quarter
of it while a question is open, so answers never wait behind a video), a few at once per phone, and
each download that reaches the file's last byte counted for the lesson (never for a child)."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import re
import stat
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from cinema.core.events import TakeHomeTaken
from cinema.core.messages import N_
from cinema.core.phone import PhoneState, TakeHomeFile

CHUNK = 64 * 1024  # bytes read and sent at a time (each waits for its share of the rate)
PER_DEVICE = 4  # downloads at once from one phone (its address)
QUESTION_SHARE = 0.25  # of the rate while a question is open
BURST_SECONDS = 0.1  # how far ahead of the rate the downloads together may run
KILOBYTE = 1000

NOT_OFFERED = N_("This file is not offered now.")
TOO_MANY = N_("Too many downloads at once from this phone: wait for one to finish.")
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')


class Pacer:
    """One byte budget shared by every download (a virtual-time token bucket, GCRA): each chunk
    reserves its time at the rate of the moment and waits until then, first come first served, with
    no lock (the event loop's thread only). `rate()` is bytes a second; 0 or less means no downloads."""

    def __init__(self, rate: Callable[[], float], clock: Callable[[], float] = time.monotonic,
                 burst_seconds: float = BURST_SECONDS) -> None:
        self.rate = rate
        self.clock = clock
        self.burst = burst_seconds
        self._due = 0.0  # when the bytes reserved so far would have been sent at the rate

    def reserve(self, size: int) -> float:
        """Reserve `size` bytes; the seconds to wait before sending them."""
        rate = self.rate()
        now = self.clock()
        start = max(self._due, now)
        self._due = start + size / max(rate, 1.0)
        return max(0.0, start - now - self.burst)

    async def take(self, size: int) -> None:
        wait = self.reserve(size)
        if wait > 0:
            await asyncio.sleep(wait)


def safe_filename(name: str) -> str:
    """The name a phone saves the file as: no folder, no quotes or control characters, not hidden."""
    name = unicodedata.normalize("NFC", name)
    cleaned = _UNSAFE.sub("_", name).strip().lstrip(".")
    return cleaned[:150] or "file"


@dataclass(frozen=True)
class Offer:
    """The take-home files phones may download now, and whose they are."""

    session: str
    playlist: str
    files: tuple[TakeHomeFile, ...]


class Offered:
    """The files offered now: the current lesson's, or (at home, after it) the last lesson's."""

    def __init__(self) -> None:
        self._last: Offer | None = None

    def see(self, state: PhoneState | None) -> None:
        # Only a running lesson's list says whose the files are: an ended lesson's state has no session.
        if state is not None and state.session and state.take_home:
            self._last = Offer(state.session, state.playlist, tuple(state.take_home))

    def now(self, state: PhoneState | None) -> Offer | None:
        self.see(state)
        if state is not None and state.session and not state.take_home:
            return None  # a lesson with no files of its own: the last lesson's are not offered in it
        return self._last

    def find(self, state: PhoneState | None, n: int, name: str) -> tuple[Offer, TakeHomeFile] | None:
        offer = self.now(state)
        if offer is None or not 0 <= n < len(offer.files):
            return None
        wanted = offer.files[n]
        if wanted.name != name:
            return None
        return offer, wanted


class Downloads:
    """The downloads going on: the shared pacer and how many each phone has open."""

    def __init__(self, pacer: Pacer, per_device: int = PER_DEVICE) -> None:
        self.pacer = pacer
        self.per_device = per_device
        self.active: dict[str, int] = {}

    def start(self, device: str) -> bool:
        if self.active.get(device, 0) >= self.per_device:
            return False
        self.active[device] = self.active.get(device, 0) + 1
        return True

    def end(self, device: str) -> None:
        left = self.active.get(device, 0) - 1
        if left > 0:
            self.active[device] = left
        else:
            self.active.pop(device, None)


class TakeHomeResponse(FileResponse):
    """Starlette's FileResponse (ranges, 206/416, If-Range, HEAD) with every chunk paced by the shared
    Pacer, a cap on downloads at once per phone, and `finished()` called when a GET's body reached the
    file's last byte (a whole file, or the range that resumes it to its end)."""

    chunk_size = CHUNK

    def __init__(self, path: os.PathLike | str, *, filename: str, stat_result: os.stat_result,
                 downloads: Downloads, device: str, finished: Callable[[], None], busy: Response) -> None:
        super().__init__(path, filename=filename, stat_result=stat_result,
                         media_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")
        self.headers["cache-control"] = "no-store"
        self.downloads = downloads
        self.device = device
        self.finished = finished
        self.busy = busy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.downloads.start(self.device):
            await self.busy(scope, receive, send)
            return
        try:
            # No zero-copy "pathsend": every byte goes through the pacer.
            extensions = {k: v for k, v in (scope.get("extensions") or {}).items() if k != "http.response.pathsend"}
            scope = {**scope, "extensions": extensions}
            counting = scope.get("method", "GET").upper() == "GET"
            size = self.stat_result.st_size if self.stat_result is not None else -1
            to_end = False

            async def paced(message: Message) -> None:
                nonlocal to_end
                if message["type"] == "http.response.start":
                    to_end = _reaches_end(message, size)
                    await send(message)
                    return
                body = message.get("body", b"") if message["type"] == "http.response.body" else b""
                if body:
                    await self.downloads.pacer.take(len(body))
                await send(message)
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    if counting and to_end:
                        self.finished()

            await super().__call__(scope, receive, paced)
        finally:
            self.downloads.end(self.device)


def _reaches_end(start: Message, size: int) -> bool:
    """True when a response (its start message) sends the file up to its last byte: a 200, or a 206
    whose one range ends there. (A multi-range answer is never counted: browsers resume with one.)"""
    status = start.get("status")
    if status == 200:
        return True
    if status != 206:
        return False
    for key, value in start.get("headers", ()):
        if key.lower() == b"content-range":
            m = _CONTENT_RANGE.match(value.decode("latin-1"))
            return m is not None and int(m.group(2)) == size - 1 == int(m.group(3)) - 1
    return False


def _device(request: Request) -> str:
    return request.client.host if request.client is not None else "?"


def routes(core: Any) -> list:
    """The download route for the hub's app. `core` is the HubState: `state`, `events`, `config`
    (take_home_kbps), `words(lang)`, `on_publish(callback)`."""
    offered = Offered()
    core.on_publish(offered.see)

    def rate() -> float:
        full = float(core.config.take_home_kbps) * KILOBYTE
        state = core.state
        return full * QUESTION_SHARE if state is not None and state.question is not None else full

    downloads = Downloads(Pacer(rate, clock=core.clock))

    def said(msgid: str, status: int, headers: dict[str, str] | None = None) -> Response:
        return PlainTextResponse(core.words().gettext(msgid), status_code=status, headers=headers)

    async def download(request: Request) -> Response:
        state = core.state
        found = offered.find(state, request.path_params["n"], request.path_params["name"])
        if found is None or core.config.take_home_kbps <= 0:
            return said(NOT_OFFERED, 404)
        offer, wanted = found
        try:
            info = await anyio.to_thread.run_sync(os.stat, wanted.path)
        except OSError:
            return said(NOT_OFFERED, 404)
        if not stat.S_ISREG(info.st_mode):
            return said(NOT_OFFERED, 404)

        def finished() -> None:
            core.events.put(TakeHomeTaken(offer.session, offer.playlist, wanted.name, info.st_size))

        return TakeHomeResponse(wanted.path, filename=safe_filename(wanted.name), stat_result=info,
                                downloads=downloads, device=_device(request), finished=finished,
                                busy=said(TOO_MANY, 429, {"retry-after": "5"}))

    return [Route("/files/{n:int}/{name}", download, methods=["GET", "HEAD"], name="takehome")]
