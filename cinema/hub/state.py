"""The hub's shared state (`HubState`, called `core` by the routes): what is published, the session code,
devices and their tokens, rate limits, the phones connected, the replies being waited for, notes.

Threads: the kiosk's main loop calls `publish_threadsafe` and `reply_threadsafe` (they only hand the work
to the hub's event loop with `call_soon_threadsafe`); everything else runs on the hub's event loop thread,
so nothing here needs a lock.

For the routes (server.py's children's socket, teacher.py, files.py):

- `core.state` the latest PhoneState (None until the main loop publishes one); `core.student` its
  `student_json` (what a child's phone may see); `core.code` the short session code now;
- `core.on_publish(callback)`: `callback(state)` runs on the event loop after every publish (a coroutine
  function's result is run as a task); the teacher sockets push from there;
- `await core.ask(event)`: puts a PhoneAnswer / PhoneLink / PhoneCommand / PhoneMark / PhoneChoose on the
  kiosk's queue and returns the engine's PhoneReply (NOT_SAVED "try again" after ASK_SECONDS). The
  event's `request` is replaced by a number unique in this hub, so two sockets of one phone never mix;
  answer the phone with its own "r";
- `core.note(what, device=, detail=, count=)`: a HubNote for the journal; "refused" notes are gathered
  (at most one per device and reason per NOTE_SECONDS, with their count);
- `core.allow(device)`: the device's token bucket (MESSAGES_PER_SECOND, BURST): False means refuse;
- `core.throttled(peer, r, note, words)`: the bucket as both sockets use it: noted, answered refused,
  dropped after BURST in a row;
- `core.device_for(token)` -> (device id, token): a new token when the phone has none (or a malformed one);
- `core.words(lang)`: the gettext translator for a page's language; `core.language` the page language now;
- `core.pin_check`: the teacher PIN check (slow: call it in a worker thread), `core.config` the HubConfig,
  `core.clock` (monotonic seconds).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import inspect
import itertools
import json
import logging
import queue
import re
import secrets
import time
from collections.abc import Callable
from typing import Any, Protocol

from cinema.config.models import HubConfig
from cinema.core.events import (
    HubNote, PhoneAnswer, PhoneChoose, PhoneCommand, PhoneLink, PhoneMark, PhoneReply, ReplyStatus,
)
from cinema.core.messages import N_
from cinema.core.phone import PhoneState, student_json
from cinema.core.view import JoinInfo, Screen
from cinema.hub import BURST, MESSAGES_PER_SECOND
from cinema.hub.peer import ack
from cinema.hub.wifi import wifi_qr_payload
from cinema.locale import translator

log = logging.getLogger(__name__)

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: read off a projector
CODE_LENGTH = 4
ASK_SECONDS = 5.0  # an answer the kiosk has not confirmed by then: the phone says "try again"
NOTE_SECONDS = 10.0  # refused notes of one device and reason: at most one per this long
HELLO_RATE = 1.0  # hellos per second from one address (guessing codes), bursts of HELLO_BURST
HELLO_BURST = 10
MAX_TRACKED = 4096  # devices, addresses and note keys remembered (oldest forgotten first)
TRY_AGAIN = N_("Not saved: try again")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

PinCheck = Callable[[str], tuple[str, int, int]]
AskEvent = PhoneAnswer | PhoneLink | PhoneCommand | PhoneMark | PhoneChoose


class Peer(Protocol):
    """A child's connected socket as HubState sees it (server.py makes them)."""

    device: str
    home: bool  # joined while the kiosk was on the home screen (kept into the next lesson)

    def push(self, text: str, *, state: bool = False) -> None:
        """Queue a text frame (a newer state frame replaces one not sent yet); never blocks."""

    def close(self, code: int, reason: str) -> None:
        """Close the socket (after the frames queued)."""


def new_code(taken: str = "") -> str:
    """A short session code from CODE_ALPHABET (never the same as `taken`)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code != taken:
            return code


def normal_code(typed: str) -> str:
    """What a child typed, as the code is kept: upper case, no spaces, O read as 0 is not in the alphabet."""
    return "".join(typed.split()).upper()[:16]


def device_id(token: str) -> str:
    """A device's public id: 8 hex digits of the token's SHA-256 (it never reveals the token)."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()[:8]


@dataclasses.dataclass
class Bucket:
    """A token bucket: `rate` a second, at most `burst` saved up."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Bounded(dict):
    """A dict that forgets its oldest keys past MAX_TRACKED (insertion order)."""

    def remember(self, key: Any, value: Any) -> None:
        self.pop(key, None)
        self[key] = value
        while len(self) > MAX_TRACKED:
            del self[next(iter(self))]


class HubState:
    """Everything the hub's routes share (see the module docstring). Made by Hub; `bind(loop)` once its
    event loop runs."""

    def __init__(self, events: queue.Queue, config: HubConfig, *, pin_check: PinCheck, language: str = "en",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.events = events
        self.config = config
        self.pin_check = pin_check
        self.default_language = language
        self.clock = clock
        self.loop: asyncio.AbstractEventLoop | None = None
        self.url = ""  # the join URL base once serving, e.g. "http://10.42.0.1:8080/"
        self.state: PhoneState | None = None
        self.student: dict = student_json(_EMPTY)
        self.code = new_code()
        self.peers: set[Peer] = set()
        self.admitted: set[str] = set()  # devices that joined with the code now (they rejoin by token)
        self._callbacks: list[Callable[[PhoneState], Any]] = []
        self._waiting: dict[tuple[str, int], asyncio.Future] = {}
        self._requests = itertools.count(1)
        self._buckets: Bounded = Bounded()
        self._hellos: Bounded = Bounded()
        self._notes: Bounded = Bounded()  # (device, reason) -> [last note time, count not yet noted]
        self._join: JoinInfo | None = None
        self._tasks: set[asyncio.Task] = set()
        self._pending: PhoneState | None = None  # published before the loop ran
        self.ask_seconds = ASK_SECONDS
        self._handed: PhoneState | None = None  # the last state the main loop handed over

    # ---- threads ---------------------------------------------------------------------------------

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called on the hub's event loop when it starts: from now on publish/reply go there."""
        self.loop = loop
        if self._pending is not None:
            self.apply(self._pending)
            self._pending = None

    def publish_threadsafe(self, state: PhoneState) -> None:
        if state is self._handed or state == self._handed:  # the same as last turn: the loop sleeps on
            return
        self._handed = state
        loop = self.loop
        if loop is None:
            self._pending = state
            return
        try:
            loop.call_soon_threadsafe(self.apply, state)
        except RuntimeError:  # the loop closed: the hub stopped
            pass

    def reply_threadsafe(self, reply: PhoneReply) -> None:
        loop = self.loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._resolve, reply)
        except RuntimeError:
            pass

    # ---- on the event loop -------------------------------------------------------------------------

    @property
    def language(self) -> str:
        """The children's pages' language now: the lesson's, else the kiosk's."""
        if self.state is not None and self.state.language:
            return self.state.language
        return self.default_language

    def words(self, lang: str | None = None):
        """The translator (gettext / ngettext) for `lang` (default: the page language now)."""
        return translator(lang or self.language)

    def on_publish(self, callback: Callable[[PhoneState], Any]) -> Callable[[], None]:
        """Run `callback(state)` on the event loop after each publish; returns a function that removes it."""
        self._callbacks.append(callback)

        def remove() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)
        return remove

    def apply(self, state: PhoneState) -> None:
        """A new PhoneState from the kiosk: a new code for a new lesson, children pushed only on change."""
        old = self.state
        if state.session and (old is None or state.session != old.session):
            self._new_session()  # the new code first: a thread that sees the new state sees its code too
        self.state = state
        student = student_json(state)
        if student != self.student:
            self.student = student
            frame = json.dumps({"t": "state", "state": student}, ensure_ascii=False)
            for peer in list(self.peers):
                peer.push(frame, state=True)
        for callback in list(self._callbacks):
            try:
                result = callback(state)
                if inspect.isawaitable(result):
                    self.spawn(result)
            except Exception:  # one teacher socket's trouble must not stop the others
                log.exception("hub: a publish callback failed")

    def _new_session(self) -> None:
        """A lesson started: a new code. Phones that joined on the home screen come along (they are in
        the room waiting for it); phones from the lesson before must type the new code."""
        self.code = new_code(self.code)
        self._join = None
        self.admitted = set()
        for peer in list(self.peers):
            if peer.home:
                self.admitted.add(peer.device)
                peer.home = False
            else:
                peer.push(json.dumps({"t": "refused", "reason": "code"}))
                peer.close(1000, "new lesson")
                self.peers.discard(peer)

    def spawn(self, awaitable: Any) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- joining -----------------------------------------------------------------------------------

    def device_for(self, token: Any) -> tuple[str, str]:
        """(device id, token) for a hello's token: a new token when it has none or a malformed one."""
        if not isinstance(token, str) or not _TOKEN_RE.match(token):
            token = secrets.token_urlsafe(16)
        return device_id(token), token

    def hello_allowed(self, address: str) -> bool:
        """One address may say hello HELLO_RATE times a second (bursts of HELLO_BURST): codes are not guessed."""
        now = self.clock()
        bucket = self._hellos.get(address)
        if bucket is None:
            bucket = Bucket(HELLO_RATE, HELLO_BURST, HELLO_BURST, now)
        ok = bucket.take(now)
        self._hellos.remember(address, bucket)
        return ok

    def admit(self, code: Any, device: str) -> str:
        """"" when a phone with this code (or a device already admitted) may join now, else the reason
        for the refusal: "code" or "full"."""
        known = device in self.admitted
        if not known and (not isinstance(code, str) or normal_code(code) != self.code):
            return "code"
        if len(self.peers) >= max(1, self.config.max_phones):
            return "full"
        return ""

    def join(self, peer: Peer) -> None:
        peer.home = self.state is None or not self.state.session
        self.peers.add(peer)
        self.admitted.add(peer.device)
        self._join = None

    def leave(self, peer: Peer) -> None:
        if peer in self.peers:
            self.peers.discard(peer)
            self._join = None

    @property
    def phones(self) -> int:
        return len(self.peers)

    def join_info(self) -> JoinInfo | None:
        """What the projector shows (rebuilt only when the code or the count of phones changed)."""
        if not self.url:
            return None
        if self._join is None or self._join.phones != len(self.peers) or self._join.code != self.code:
            cfg = self.config
            self._join = JoinInfo(url=f"{self.url}?c={self.code}", code=self.code,
                                  wifi_qr=wifi_qr_payload(cfg.wifi_name, cfg.wifi_password, cfg.wifi_security),
                                  wifi_name=cfg.wifi_name, phones=len(self.peers))
        return self._join

    # ---- messages ----------------------------------------------------------------------------------

    def throttled(self, peer, r: int | None, note: str, too_fast: str) -> bool:
        """True when `peer` sends faster than its bucket allows: noted (`note`), its message `r` answered
        refused with the words `too_fast`, and the socket dropped after BURST of them in a row."""
        if self.allow(peer.device):
            peer.too_fast = 0
            return False
        peer.too_fast += 1
        self.note("refused", peer.device, note)
        if peer.too_fast > BURST:
            peer.close(1008, "rate")
        elif r is not None:
            peer.push(ack(r, "refused", too_fast))
        return True

    def allow(self, device: str) -> bool:
        """The device's token bucket: False when it sends faster than MESSAGES_PER_SECOND (BURST saved)."""
        now = self.clock()
        bucket = self._buckets.get(device)
        if bucket is None:
            bucket = Bucket(MESSAGES_PER_SECOND, BURST, BURST, now)
            self._buckets.remember(device, bucket)
        return bucket.take(now)

    async def ask(self, event: AskEvent) -> PhoneReply:
        """Put `event` on the kiosk's queue and wait for the engine's reply (after its records are on the
        disk); NOT_SAVED with TRY_AGAIN when none comes within `ask_seconds`."""
        request = next(self._requests)
        event = dataclasses.replace(event, request=request)
        future = asyncio.get_running_loop().create_future()
        key = (event.device, request)
        self._waiting[key] = future
        self.events.put(event)
        try:
            return await asyncio.wait_for(future, self.ask_seconds)
        except TimeoutError:
            return PhoneReply(event.device, request, ReplyStatus.NOT_SAVED, TRY_AGAIN)
        finally:
            self._waiting.pop(key, None)

    def _resolve(self, reply: PhoneReply) -> None:
        future = self._waiting.pop((reply.device, reply.request), None)
        if future is not None and not future.done():
            future.set_result(reply)

    def note(self, what: str, device: str = "", detail: str = "", count: int = 1) -> None:
        """A HubNote on the kiosk's queue; "refused" ones gathered per device and reason (NOTE_SECONDS)."""
        if what != "refused":
            self.events.put(HubNote(what, device, detail, count))
            return
        now = self.clock()
        key = (device, detail)
        seen = self._notes.get(key)
        if seen is not None and now - seen[0] < NOTE_SECONDS:
            seen[1] += count
            return
        gathered = count + (seen[1] if seen is not None else 0)
        self._notes.remember(key, [now, 0])
        self.events.put(HubNote("refused", device, detail, gathered))

    def flush_notes(self) -> None:
        """Refusals counted but not yet noted (when the hub stops)."""
        for (device, detail), (_, count) in list(self._notes.items()):
            if count:
                self.events.put(HubNote("refused", device, detail, count))
        self._notes.clear()


_EMPTY = PhoneState(session="", playlist="", lesson_title="", language="", screen=Screen.LIBRARY)
