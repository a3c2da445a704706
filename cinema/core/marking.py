"""Marking children by hand: the teacher types a few letters of a name (or moves with the remote) and
chooses a child from the roster; choosing one marked by hand takes the mark back.

Pure and clocked from outside, like core/pin.py: it holds what is typed and chosen and says what a
choice means (`Choice`); the session journals it through the register. Everything is bounded: the
letters typed, the rows listed, and at most one record per key press.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import Enum

from cinema.core.events import ClickerPressed, Command, Effect, LaptopKey, PlaySound, TeacherCommand
from cinema.core.messages import N_
from cinema.core.register import Register
from cinema.core.roster import Learner, Roster
from cinema.core.view import MarkPicker, PickRow

MAX_QUERY = 20  # letters kept; more typed are dropped (a stuck key cannot grow it)
ROWS = 8  # rows listed at once, around the chosen one
IDLE_SECONDS = 60.0  # no key for this long: the picker closes, the remote drives the lesson again
MAX_NAME = 80  # characters of a first name used (the class list's loader keeps names this short too)

MARKED = N_("Marked present")
UNDONE = N_("Mark taken back")
BY_CARD = N_("Already here by card")
NO_ROSTER = N_("No class list: children cannot be marked by hand")
NO_MATCH = N_("No child's name starts with these letters")
NOT_SAVED = N_("Not saved: the disk is full")


class Move(Enum):
    """What a key does in the open picker."""

    UP = "up"
    DOWN = "down"
    CHOOSE = "choose"
    CLOSE = "close"
    ERASE = "erase"  # Backspace


# The presenter remote's and the laptop's commands while the picker is open: next/back move, OK
# chooses, anything that would leave (Escape, the remote's pause or Esc, M again) closes it; the rest
# (seek, skip, repeat, captions) do nothing: the lesson does not move while the teacher marks.
COMMAND_MOVES: dict[Command, Move] = {
    Command.NEXT: Move.DOWN, Command.BACK: Move.UP, Command.ACCEPT: Move.CHOOSE,
    Command.DECLINE: Move.CLOSE, Command.QUIT: Move.CLOSE, Command.PAUSE: Move.CLOSE, Command.MARK: Move.CLOSE,
}
# A teacher handset's keys while the picker is open (its OK chooses here, where in a lesson it goes on).
HANDSET_MOVES: dict[str, Move] = {
    "OK": Move.CHOOSE, "E": Move.CHOOSE, "DOWN": Move.DOWN, "B": Move.DOWN, "UP": Move.UP, "A": Move.UP,
    "BACK": Move.CLOSE, "C": Move.CLOSE, "F": Move.CLOSE, "0": Move.CLOSE,
    "8": Move.UP, "2": Move.DOWN,  # a numeric keypad's arrows
}

# The opened laptop keyboard's keys that move in the list (letters type the name).
LIST_KEYS = {"up": Move.UP, "down": Move.DOWN, "backspace": Move.ERASE}


def move_for(event: TeacherCommand | ClickerPressed | LaptopKey) -> Move | None:
    """What a remote's command, a teacher handset's key or an opened laptop key does in the open list."""
    if isinstance(event, ClickerPressed):
        return HANDSET_MOVES.get(event.key.upper())
    if isinstance(event, LaptopKey) and event.key in LIST_KEYS:
        return LIST_KEYS[event.key]
    return COMMAND_MOVES.get(event.command) if event.command is not None else None


class Choice(Enum):
    MARK = "mark"  # an absent child: mark present
    UNDO = "undo"  # marked by hand: take the mark back
    BY_CARD = "by_card"  # here by card: nothing to do
    NONE = "none"  # nothing chosen (no roster, no match)


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching: "Émile" and "emile", "أحمد" and "احمد" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    """The words of a name: split on anything that is not a letter or digit ("Anne-Marie": anne, marie)."""
    out, word = [], []
    for ch in fold(text):
        if ch.isalnum():
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


@dataclass(frozen=True)
class _Entry:
    learner_id: str
    label: str
    keys: tuple[str, ...]  # folded words of the first name, and the folded learner id


def _entries(roster: Roster) -> tuple[_Entry, ...]:
    firsts = [learner.first_name[:MAX_NAME] for learner in roster.learners]
    seen: dict[str, int] = {}
    for first in firsts:
        seen[fold(first)] = seen.get(fold(first), 0) + 1
    entries = []
    for learner, first in zip(roster.learners, firsts):
        label = _label(learner, first, seen.get(fold(first), 0) > 1)
        entries.append(_Entry(learner.learner_id, label, tuple(_words(first)) + (fold(learner.learner_id),)))
    return tuple(sorted(entries, key=lambda e: (fold(e.label), e.learner_id)))


def _label(learner: Learner, first: str, shared: bool) -> str:
    if not first:
        return learner.learner_id
    # Two children with the same first name: the id tells the teacher which is which.
    return f"{first} · {learner.learner_id}" if shared else first


@dataclass
class Marking:
    """The picker's state. `open()`, then `type()`/`move()`; `choice()` says what choosing now means."""

    roster: Roster | None
    is_open: bool = False
    query: str = ""
    selected: int = 0  # index into the matches
    message: str = ""
    last_key: float = 0.0
    fresh: bool = False  # a child was just chosen: the next letter starts a new search
    _all: tuple[_Entry, ...] = field(default=(), init=False, repr=False)
    _matches: tuple[_Entry, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        self._all = _entries(self.roster) if self.roster is not None else ()
        self._matches = self._all

    # ---- keys -------------------------------------------------------------------

    def class_list(self) -> tuple[tuple[str, str], ...]:
        """(learner id, label) of every child, as the picker lists them: by first name, an id added where
        two share one (made once, when the lesson's engine is)."""
        return tuple((e.learner_id, e.label) for e in self._all)

    def open(self, now: float) -> None:
        self.is_open, self.query, self.selected, self.fresh, self.last_key = True, "", 0, False, now
        self._matches = self._all
        self.message = "" if self._all else NO_ROSTER

    def close(self) -> None:
        self.is_open = False

    def expire(self, now: float) -> bool:
        """Closes an open picker left alone; True when it did."""
        if self.is_open and now - self.last_key >= IDLE_SECONDS:
            self.close()
            return True
        return False

    def type(self, text: str, now: float) -> None:
        """Letters typed (any script); a space or dash between words is kept, other characters are not."""
        self.last_key = now
        if not self._all:
            return
        if self.fresh:
            self.query, self.fresh = "", False
        for ch in text:
            if len(self.query) >= MAX_QUERY:
                break
            if ch.isalnum() or (ch in " -" and self.query and self.query[-1] not in " -"):
                self.query += ch
        self._search()

    def move(self, move: Move, now: float) -> None:
        """Up, down, Backspace or close (choosing is the session's: see `choice` and `chose`)."""
        self.last_key = now
        if move is Move.CLOSE:
            self.close()
        elif move is Move.ERASE and self._all:
            self.fresh = False
            self.query = self.query[:-1]
            self._search()
        elif move in (Move.UP, Move.DOWN) and self._matches:
            step = -1 if move is Move.UP else 1
            self.selected = (self.selected + step) % len(self._matches)

    def _search(self) -> None:
        words = _words(self.query)
        if not words:
            self._matches = self._all
        else:
            # Every word typed starts some word of the name ("am s" finds "Amina Said"'s first name only
            # when both start one of its words): a second word narrows, it never widens.
            self._matches = tuple(e for e in self._all if all(any(k.startswith(w) for k in e.keys) for w in words))
        self.selected = 0
        self.message = "" if self._matches else NO_MATCH

    def press(self, event: TeacherCommand | ClickerPressed | LaptopKey, register: Register, index: int,
              saved: bool, now: float) -> list[Effect]:
        """One key in the open list: a letter typed, a move, or a choice that marks a child present or takes
        a mark by hand back through the register (one record at most). `saved`: records reach the disk;
        when they do not, nothing is marked (it would be shown marked yet be lost)."""
        if isinstance(event, LaptopKey) and event.text and event.text.isprintable():
            self.type(event.text, now)
            return []
        move = move_for(event)
        if move is None:
            return []
        if move is not Move.CHOOSE:
            self.move(move, now)
            return []
        choice, learner = self.choice(register.present, register.by_hand)
        if learner is None or choice in (Choice.NONE, Choice.BY_CARD):
            self.chose(choice, now)
            return []
        if not saved:
            self.chose(choice, now, saved=False)
            return [PlaySound("scan_refused")]
        fx = register.mark(learner, index) if choice is Choice.MARK else register.undo(learner)
        self.chose(choice, now)
        return fx

    # ---- choosing ----------------------------------------------------------------

    def chosen(self) -> str | None:
        """The learner id of the chosen row, if any."""
        if not self._matches:
            return None
        return self._matches[min(self.selected, len(self._matches) - 1)].learner_id

    def choice(self, present: set[str], by_hand: set[str]) -> tuple[Choice, str | None]:
        learner = self.chosen()
        if learner is None:
            return Choice.NONE, None
        if learner in by_hand:
            return Choice.UNDO, learner
        if learner in present:
            return Choice.BY_CARD, learner
        return Choice.MARK, learner

    def chose(self, choice: Choice, now: float, saved: bool = True) -> None:
        """Say on the picker what the choice did; the next letter typed starts a new search."""
        self.last_key = now
        if not saved:
            self.message = NOT_SAVED
            return
        self.message = {Choice.MARK: MARKED, Choice.UNDO: UNDONE, Choice.BY_CARD: BY_CARD}.get(choice, self.message)
        self.fresh = choice is not Choice.NONE

    # ---- what the screen shows ---------------------------------------------------------

    def picker(self, present: set[str], by_hand: set[str]) -> MarkPicker | None:
        if not self.is_open:
            return None
        matches = self._matches
        if not matches:
            return MarkPicker(self.query, (), -1, 0, self.message)
        selected = min(self.selected, len(matches) - 1)
        first = max(0, min(selected - ROWS // 2, len(matches) - ROWS))
        shown = matches[first:first + ROWS]
        rows = tuple(PickRow(e.label, "teacher" if e.learner_id in by_hand else
                             "card" if e.learner_id in present else "absent") for e in shown)
        return MarkPicker(self.query, rows, selected - first, len(matches) - len(shown), self.message)
