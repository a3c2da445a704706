"""Learners and card tokens: a card carries programme + learner id + a keyed check, never a name."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field

TOKEN_PREFIX = "LC1"
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ID_PATTERN = _ID_RE.pattern  # programme codes and learner ids: what a token can carry
# 8 base32 letters = 40 bits: a guessed or mistyped check passes once in a trillion tries, and
# it is short enough to type from a worn card when the camera cannot read it.
CHECK_LEN = 8
# Base32 (A-Z, 2-7) has no 0, 1 or 8, so a hand-typed 0, 1 or 8 can only be a misread O, I or B:
# reading them so costs nothing in safety. Lowercase is read as uppercase; spaces and dashes
# (the card prints the check as "ABCD EFGH") are ignored.
_CHECK_TYPOS = str.maketrans({"0": "O", "1": "I", "8": "B", " ": None, "-": None})


def _check(key: bytes, program: str, learner_id: str) -> str:
    mac = hmac.new(key, f"{TOKEN_PREFIX}|{program}|{learner_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode()[:CHECK_LEN]


def make_token(program: str, learner_id: str, key: bytes) -> str:
    if not _ID_RE.match(program) or not _ID_RE.match(learner_id):
        raise ValueError("programme code and learner id may use only letters, digits, - and _")
    return f"{TOKEN_PREFIX}.{program}.{learner_id}.{_check(key, program, learner_id)}"


def normalize_check(typed: str) -> str:
    """The check as printed, from what a person typed (case, O/0, I/1, B/8, spaces forgiven)."""
    return typed.strip().upper().translate(_CHECK_TYPOS)


MAX_TOKEN = 3 * 32 + len(TOKEN_PREFIX) + 16  # characters: prefix, two ids, the check (with spaces), the dots


def looks_like_card(text: str) -> bool:
    """Shaped like a card's token (the prefix and four parts), whatever its check: what a scanner
    passes on to the engine; anything else it reads is junk (noise on the wire, a book's barcode)."""
    if len(text) > MAX_TOKEN:
        return False
    parts = text.strip().split(".")
    return len(parts) == 4 and parts[0] == TOKEN_PREFIX and all(parts[1:])


@dataclass(frozen=True)
class CardCheck:
    learner_id: str | None
    reason: str = ""  # "" when valid; else a message id for the screen
    old_key: bool = False  # valid, but signed with a key being retired: print this child a new card

    @property
    def valid(self) -> bool:
        return self.learner_id is not None


def verify_token(payload: str, program: str, keys: tuple[bytes, ...]) -> CardCheck:
    """Accept a card of this programme whose check matches any current key.

    `keys` is current key first, then older keys still in their grace period (see
    cinema.cards.keys); the prefix, programme and learner id must be exact.
    """
    parts = payload.strip().split(".")
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
        return CardCheck(None, "Card not recognised")
    _, card_program, learner_id, check = parts
    if not _ID_RE.match(card_program) or not _ID_RE.match(learner_id):
        return CardCheck(None, "Card not recognised")
    if card_program != program:
        return CardCheck(None, "Card from another programme")
    check = normalize_check(check)
    if not check.isascii():  # compare_digest raises on non-ASCII text (found by fuzzing): never a check we print
        return CardCheck(None, "Card not recognised")
    for index, key in enumerate(keys):
        if hmac.compare_digest(_check(key, card_program, learner_id), check):
            return CardCheck(learner_id, old_key=index > 0)
    return CardCheck(None, "Card not recognised")


# Answer cards tell apart this many numbers (1..CARD_NUMBERS: the codes of the marker family on
# their backs, cinema.devices.cards.markers); cinema.cards.numbers gives them out.
CARD_NUMBERS = 100


@dataclass(frozen=True)
class Learner:
    learner_id: str
    name: str = ""
    group: str = ""  # class or group label from the roster, for sorting cards; "" = none
    language: str = ""  # the child's language code (e.g. "ar", "uk"); "" = the kiosk's
    # The answer card's number (1..100: the big marker on the card's back, cinema.cards.numbers);
    # None: no answer card. Unique in the roster, or within the group when the roster is larger
    # than the marker family. Kept on the kiosk: the marker carries this number, never the id.
    card: int | None = None

    @property
    def first_name(self) -> str:
        """The first word of the name; for "Said, Amina" (family name first) the word after the comma."""
        name = self.name.split(",", 1)[1] if "," in self.name and self.name.split(",", 1)[1].strip() else self.name
        words = name.replace(",", " ").split()
        return words[0] if words else ""


@dataclass(frozen=True)
class Roster:
    program: str
    keys: tuple[bytes, ...]
    learners: tuple[Learner, ...] = ()

    def find(self, learner_id: str) -> Learner | None:
        for learner in self.learners:
            if learner.learner_id == learner_id:
                return learner
        return None

    def by_card(self, number: int, present: frozenset[str] | set[str] = frozenset()) -> str | None:
        """The learner id whose answer card has `number`; when several groups share the number,
        the one child of them marked present, else None (the card cannot be told apart)."""
        found = [learner.learner_id for learner in self.learners if learner.card == number]
        if len(found) > 1:
            found = [learner_id for learner_id in found if learner_id in present]
        return found[0] if len(found) == 1 else None

    def label(self, learner_id: str) -> str:
        learner = self.find(learner_id)
        return (learner.first_name if learner else "") or learner_id


TEACHER_KEYS = {
    # Teacher handsets with navigation keys...
    "OK": "next", "DOWN": "next", "BACK": "back", "UP": "pause",
    # ...and simple handsets with letters only.
    "A": "back", "B": "next", "C": "pause", "D": "repeat", "E": "accept",
    # A video or audio: 4 and 6 move it 10 s back and on, 7 and 9 move it 30 s (a keypad's arrows' places).
    "4": "seek_back", "6": "seek_forward", "7": "seek_back_long", "9": "seek_forward_long",
    "5": "captions",  # captions on / off
    "F": "mark", "0": "mark",  # marking children by hand: the class list (OK marks, BACK closes it)
}


@dataclass
class Handsets:
    """Which handset belongs to which learner (and team), and which are the teacher's."""

    teacher: frozenset[str] = frozenset()
    learner_by_clicker: dict[str, str] = field(default_factory=dict)
    team_by_learner: dict[str, int] = field(default_factory=dict)  # from a pairing CSV, 1-based
    _order: dict[str, int] = field(default_factory=dict)  # first-seen order, for even teams

    def is_teacher(self, clicker: str) -> bool:
        return clicker in self.teacher

    def learner(self, clicker: str) -> str | None:
        return self.learner_by_clicker.get(clicker)

    def pair(self, clicker: str, learner_id: str) -> str | None:
        """Give `clicker` to the learner; returns the handset they had before (a swapped one)."""
        previous = next((c for c, l in self.learner_by_clicker.items() if l == learner_id), None)
        if previous is not None:
            del self.learner_by_clicker[previous]
        self.learner_by_clicker[clicker] = learner_id
        return previous

    def team(self, clicker: str, teams: int) -> int:
        """1-based team of a handset: the pairing file's team, else round-robin in first-seen order."""
        learner = self.learner(clicker)
        if learner is not None and learner in self.team_by_learner:
            return (self.team_by_learner[learner] - 1) % teams + 1
        key = learner if learner is not None else clicker
        order = self._order.setdefault(key, len(self._order))
        return order % teams + 1
