"""The teacher PIN prompt, drawn over any screen: its own small state table (closed, open, wrong,
waiting after too many wrong tries, choosing a new PIN), the digits typed (shown as dots), the
count of wrong tries in a row with its growing wait, and the salted hash the typed PIN is checked
against (standard library `hashlib.scrypt`: the kiosk never keeps the PIN itself)."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from cinema.core.events import Command, LaptopKey, PinDigit
from cinema.core.messages import N_
from cinema.core.view import PinPrompt

PIN_TIMEOUT = 20.0  # seconds without a key before the prompt closes by itself
MAX_DIGITS = 12  # a child pressing keys cannot grow the PIN without bound
MIN_DIGITS = 4  # a PIN the teacher chooses
DEFAULT_PIN = "1234"  # the PIN the kiosk ships with: fine for training, refused for a real kiosk
FREE_TRIES = 5  # wrong tries in a row before the prompt makes the teacher wait
FIRST_WAIT = 30.0  # seconds after the 5th wrong try; each further wrong try doubles it ...
MAX_WAIT = 15 * 60.0  # ... up to this

# scrypt's cost (16 MiB, ~50 ms a try here) and the bounds a stored hash must keep: a hostile
# teacher-pin.json cannot make the kiosk allocate gigabytes to check a PIN.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024


@dataclass(frozen=True)
class PinHash:
    """A PIN as stored: scrypt of the digits with a random salt."""

    salt: bytes
    digest: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def __post_init__(self) -> None:
        if not (2**10 <= self.n <= 2**16 and self.n & (self.n - 1) == 0 and 1 <= self.r <= 16 and 1 <= self.p <= 4
                and 16 <= len(self.salt) <= 64 and 16 <= len(self.digest) <= 64):
            raise ValueError("scrypt parameters out of bounds")

    @classmethod
    def make(cls, pin: str, salt: bytes | None = None, n: int = SCRYPT_N) -> PinHash:
        salt = secrets.token_bytes(16) if salt is None else salt
        return cls(salt, _scrypt(pin, salt, n, SCRYPT_R, SCRYPT_P, 32), n)

    def matches(self, pin: str) -> bool:
        if not pin or len(pin) > MAX_DIGITS:
            return False
        return hmac.compare_digest(_scrypt(pin, self.salt, self.n, self.r, self.p, len(self.digest)), self.digest)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=length)


def pin_problem(pin: str) -> str:
    """Why a new PIN is refused (a message id), or "" when it will do."""
    if not (pin.isascii() and pin.isdigit()) or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return PIN_LENGTH
    if pin == DEFAULT_PIN or len(set(pin)) == 1:
        return PIN_TOO_EASY
    return ""


def wait_after(wrong_in_a_row: int) -> float:
    """Seconds the prompt refuses tries after this many wrong ones in a row: none for the first 4,
    then 30 s, 60 s, 2 min ... up to 15 min."""
    if wrong_in_a_row < FREE_TRIES:
        return 0.0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** min(wrong_in_a_row - FREE_TRIES, 16))


class TriesKeeper(Protocol):
    """Where the wrong tries outlive the programme (the app keeps them in the PIN file): a child who
    restarts the laptop does not get 5 new tries."""

    def load(self) -> tuple[int, float] | None:
        """(wrong tries in a row, seconds of wait left, at most MAX_WAIT), or None when unknown."""

    def save(self, wrong_in_a_row: int, wait_left: float) -> None: ...


# Message ids (the display translates them; listed here so the core stays free of gettext).
PIN_LENGTH = N_("Use 4 to 12 digits.")
PIN_TOO_EASY = N_("Too easy to guess: choose other digits, not 1234.")
PIN_MISMATCH = N_("The two PINs were not the same. Choose again.")


def typed_for_pin(event) -> PinDigit | None:
    """A laptop key the keyboard handed on before the prompt was open (it held the letters typed just
    before, to tell a person from a card scanner; Escape then the PIN typed fast on a busy kiosk come in
    one burst): its digit or Enter still goes to the prompt. None for anything else."""
    if not isinstance(event, LaptopKey):
        return None
    text = event.text
    if len(text) == 1 and text.isdigit():
        return PinDigit(digit=str(int(text)))  # Arabic-Indic digits typed work too
    if event.command is Command.ACCEPT:
        return PinDigit(submit=True)
    return None


class PinPurpose(Enum):
    """What the right PIN does."""

    QUIT = "quit"  # end the session / leave the kiosk
    UNLOCK = "unlock"  # open the laptop keyboard for a while
    CHOOSE = "choose"  # first start of a real kiosk: the teacher chooses the PIN ...
    CONFIRM = "confirm"  # ... and types it again


class PinState(Enum):
    CLOSED = "closed"
    OPEN = "open"  # asking for the PIN
    WRONG = "wrong"  # asking again, saying the last one was wrong
    WAITING = "waiting"  # too many wrong tries: no try is taken until the wait is over


class PinStep(Enum):
    OPEN = "open"
    RIGHT = "right"
    WRONG = "wrong"
    TOO_MANY = "too_many"  # a wrong try that starts a wait
    WAITED = "waited"  # the wait is over
    CLOSE = "close"  # cancelled, or no key for PIN_TIMEOUT


TRANSITIONS: dict[tuple[PinState, PinStep], PinState] = {
    (PinState.CLOSED, PinStep.OPEN): PinState.OPEN,
    (PinState.OPEN, PinStep.OPEN): PinState.OPEN,  # asked again: start the PIN over
    (PinState.WRONG, PinStep.OPEN): PinState.OPEN,
    (PinState.WAITING, PinStep.OPEN): PinState.WAITING,  # reopening does not shorten the wait
    (PinState.OPEN, PinStep.WRONG): PinState.WRONG,
    (PinState.WRONG, PinStep.WRONG): PinState.WRONG,
    (PinState.OPEN, PinStep.TOO_MANY): PinState.WAITING,
    (PinState.WRONG, PinStep.TOO_MANY): PinState.WAITING,
    (PinState.WAITING, PinStep.WAITED): PinState.WRONG,
    (PinState.OPEN, PinStep.RIGHT): PinState.CLOSED,
    (PinState.WRONG, PinStep.RIGHT): PinState.CLOSED,
    (PinState.OPEN, PinStep.CLOSE): PinState.CLOSED,
    (PinState.WRONG, PinStep.CLOSE): PinState.CLOSED,
    (PinState.WAITING, PinStep.CLOSE): PinState.CLOSED,
}


class PinResult(Enum):
    TYPING = "typing"
    RIGHT = "right"  # the PIN was right (or, choosing, the new PIN was typed twice alike: see `chosen`)
    WRONG = "wrong"  # a wrong try: journal it (`wrong_in_a_row`, `wait_left`)
    CLOSED = "closed"  # cancelled by the teacher


@dataclass
class PinPad:
    expected: PinHash | str  # a plain str only in tests and training runs
    state: PinState = PinState.CLOSED
    purpose: PinPurpose = PinPurpose.QUIT
    typed: str | None = None  # the digits so far; None while closed
    last_key_at: float = 0.0
    wrong_in_a_row: int = 0  # kept across openings of the prompt; a right PIN clears it
    wait_until: float = 0.0
    problem: str = ""  # choosing: why the last PIN was refused (message id)
    first_choice: str = ""  # choosing: the PIN typed the first time
    chosen: str = ""  # choosing: the new PIN once typed twice alike (read it, then clear it)
    keeper: TriesKeeper | None = None  # keeps the wrong tries and the wait across restarts (and prompts)

    @property
    def is_open(self) -> bool:
        return self.state is not PinState.CLOSED

    def _go(self, step: PinStep) -> None:
        self.state = TRANSITIONS[(self.state, step)]
        self.typed = None if self.state is PinState.CLOSED else ""

    def open(self, now: float, purpose: PinPurpose = PinPurpose.QUIT) -> None:
        self.purpose = purpose
        self.problem, self.first_choice = "", ""
        self._recall(now)
        self._go(PinStep.OPEN)
        if self.state is PinState.OPEN and self.wait_left(now) > 0:
            self._go(PinStep.TOO_MANY)  # closing and opening the prompt again does not end a wait
        self.last_key_at = now

    def _recall(self, now: float) -> None:
        """The wrong tries kept by the last run (or another prompt): never a longer wait than the
        tries deserve, so a wrong clock cannot lock the teacher out for more than MAX_WAIT."""
        kept = self.keeper.load() if self.keeper is not None else None
        if kept is None:
            return
        tries, left = kept
        self.wrong_in_a_row = max(0, tries)
        self.wait_until = now + max(0.0, min(left, wait_after(self.wrong_in_a_row)))

    def _keep(self, now: float) -> None:
        if self.keeper is not None:
            self.keeper.save(self.wrong_in_a_row, self.wait_left(now))

    def close(self) -> None:
        if self.is_open:
            self._go(PinStep.CLOSE)

    def wait_left(self, now: float) -> float:
        return max(0.0, self.wait_until - now)

    def key(self, event: PinDigit, now: float) -> PinResult:
        assert self.typed is not None
        self.last_key_at = now
        if event.cancel:
            if self.purpose is PinPurpose.CONFIRM:  # back to the first choice, not out of the prompt
                self.open(now, PinPurpose.CHOOSE)
                return PinResult.TYPING
            self.close()
            return PinResult.CLOSED
        if self.state is PinState.WAITING:
            if self.wait_left(now) > 0:
                return PinResult.TYPING  # nothing is taken while the wait lasts
            self._go(PinStep.WAITED)
        if event.submit:
            if self.purpose in (PinPurpose.CHOOSE, PinPurpose.CONFIRM):
                return self._choose()
            return self._try(now)
        if event.digit.isdigit() and len(self.typed) < MAX_DIGITS:
            self.typed += event.digit
        return PinResult.TYPING

    def _try(self, now: float) -> PinResult:
        typed = self.typed or ""
        right = self.expected.matches(typed) if isinstance(self.expected, PinHash) else typed == self.expected
        if right:
            if self.wrong_in_a_row or self.wait_until:
                self.wrong_in_a_row, self.wait_until = 0, 0.0
                self._keep(now)
            self._go(PinStep.RIGHT)
            return PinResult.RIGHT
        self.wrong_in_a_row += 1
        wait = wait_after(self.wrong_in_a_row)
        self.wait_until = now + wait
        self._keep(now)  # before the prompt says so: pulling the power now does not forget this try
        self._go(PinStep.TOO_MANY if wait else PinStep.WRONG)
        return PinResult.WRONG

    def _choose(self) -> PinResult:
        typed = self.typed or ""
        self.typed = ""
        if self.purpose is PinPurpose.CHOOSE:
            self.problem = pin_problem(typed)
            if not self.problem:
                self.purpose, self.first_choice = PinPurpose.CONFIRM, typed
            return PinResult.TYPING
        if typed != self.first_choice:
            self.purpose, self.first_choice, self.problem = PinPurpose.CHOOSE, "", PIN_MISMATCH
            return PinResult.TYPING
        self.chosen, self.first_choice = typed, ""
        self.wrong_in_a_row, self.wait_until = 0, 0.0
        self._go(PinStep.RIGHT)
        return PinResult.RIGHT

    def expire(self, now: float) -> bool:
        """Close the prompt after PIN_TIMEOUT without a key (never while choosing, nor while a wait
        runs: the teacher must see when they may try again); True when it closed now."""
        if self.state is PinState.WAITING and self.wait_left(now) > 0:
            return False
        if self.purpose in (PinPurpose.CHOOSE, PinPurpose.CONFIRM):
            return False
        if self.is_open and now - max(self.last_key_at, self.wait_until) > PIN_TIMEOUT:
            self.close()
            return True
        return False

    def prompt(self, now: float) -> PinPrompt | None:
        if self.typed is None:
            return None
        waiting = self.state is PinState.WAITING and self.wait_left(now) > 0
        return PinPrompt(len(self.typed), wrong=self.state in (PinState.WRONG, PinState.WAITING),
                         purpose=self.purpose.value, wait_seconds=math.ceil(self.wait_left(now)) if waiting else 0,
                         tries_left=max(0, FREE_TRIES - self.wrong_in_a_row), problem=self.problem)
