"""Presenter mode's split of one screen into two: what the class window may show, and what only the
teacher's own window shows (battery advice, teacher messages, the PIN prompt, the keyboard hint).

Pure: the display adapter asks `class_view(view)` for the projector when a teacher window is open;
with one display the View is drawn whole (the teacher's messages as small strips over it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from cinema.core.checkin import PRIVATE_FACES, shown_counts
from cinema.core.content import Playlist
from cinema.core.events import JournalHealth
from cinema.core.items.activity import handset_label
from cinema.core.items.base import Lesson as ItemLesson
from cinema.core.messages import N_, DISK_FULL, DISK_LOW, DISK_RESERVE, JOURNAL_SET_ASIDE
from cinema.core.power import MSG_STOP, LessonPlan
from cinema.core.view import AnswerList, CalmNote, TeacherItem, View

PAUSED = "Paused"
ALREADY_MARKED = "Already marked"

# Toasts the class needs to see: about the room's own cards and answers (a full disk refuses them), or
# that the lesson stopped. Every other toast (PIN, keyboard, captions, battery, USB) is the teacher's.
CLASS_TOASTS = frozenset({PAUSED, ALREADY_MARKED, MSG_STOP, DISK_FULL})


def class_view(view: View, class_toasts: frozenset[str] = CLASS_TOASTS) -> View:
    """The View for the projector when the teacher has a window of their own: no PIN prompt, no
    battery advice, no keyboard hint, no roster to mark children by hand, and only the toasts meant
    for the room."""
    toast = view.toast if view.toast in class_toasts else ""
    return replace(view, pin=None, power_advice=None, keyboard_locked=False, toast=toast, picker=None)


# ---- what the teacher window shows (built from the engine; see SessionEngine.teacher_view) -----------

MAX_NAMES = 40  # names listed in each of answered / waiting; the rest are counted
MAX_NOTICES = 6
NOTICE_SECONDS = 120.0  # a teacher's toast stays among the notices this long
DEVICE_LOST = N_("A device is disconnected")
HEALTH_NOTICES = {
    JournalHealth.LOW: DISK_LOW, JournalHealth.RESERVE: DISK_RESERVE, JournalHealth.FULL: DISK_FULL,
    JournalHealth.SET_ASIDE: JOURNAL_SET_ASIDE,
}


class Lesson(ItemLesson, Protocol):
    """What the builder reads of the session engine: what an item handler may use, and the journal's health."""

    journal_health: JournalHealth


def item_of(playlist: Playlist, index: int | None) -> TeacherItem | None:
    if index is None or not 0 <= index < len(playlist.items):
        return None
    item = playlist.items[index]
    # An activity without a title of its own is named by its activity's (as the class sees it); an item with
    # no title at all is "" and the teacher's views name it by its kind ("Closing"), never by its id.
    title = item.title or (item.activity.title if item.activity is not None else "")
    return TeacherItem(title, item.type, index + 1)


def calm_note(counts: tuple[int, ...], offered: bool, calm_title: str) -> CalmNote:
    """A closed check-in for the teacher: the two saddest faces' count only with enough answers."""
    shown = shown_counts(counts)
    low = None if shown is None else sum(shown[:PRIVATE_FACES])
    return CalmNote(sum(counts), low, offered, calm_title)


def voter_learner(voter: str, lesson: ItemLesson) -> str | None:
    """The child behind a voter: a card's learner, a phone linked by a card's code, a paired handset."""
    if voter.startswith("card:"):
        return voter[len("card:"):]
    if voter.startswith("phone:"):
        return getattr(lesson, "phones", {}).get(voter[len("phone:"):])
    return lesson.handsets.learner(voter)


def answer_list(voters: set[str], lesson: Lesson, *, cards: bool = False,
                unknown_cards: tuple[int, ...] = ()) -> AnswerList:
    """Who answered what is open (`voters`: handset ids, or "card:<learner>"), and which children present
    (else every child given a handset) have not yet. Children by first name; a handset given to nobody as
    "#<its number>". `cards`: a question answered by answer cards: the whole class is expected (everyone
    present, else every child with a card) and shown as a grid; `unknown_cards`: numbers read that are nobody's."""
    handsets, roster = lesson.handsets, lesson.roster
    learners: set[str] = set()
    loose: list[str] = []
    phones = 0  # anonymous phones: not handsets, so not listed as "#1234", only counted
    for voter in voters:
        learner = voter_learner(voter, lesson)
        if learner is not None:
            learners.add(learner)
        elif voter.startswith("phone:"):
            phones += 1
        elif not handsets.is_teacher(voter):
            loose.append(voter)
    expected = set(lesson.attendance) or {l for c, l in handsets.learner_by_clicker.items()
                                           if not handsets.is_teacher(c)}
    if cards and not lesson.attendance and roster is not None:
        expected |= {learner.learner_id for learner in roster.learners if learner.card is not None}

    def label(learner: str) -> str:
        return roster.label(learner) if roster is not None else learner

    if cards and roster is not None:
        # The whole class in one grid: two children with the same first name are told apart by their card's number.
        firsts = Counter(roster.label(l) for l in learners | expected)
        twice = {name for name, times in firsts.items() if times > 1}

        def label(learner: str) -> str:  # noqa: F811 - the grid's labels
            name, found = roster.label(learner), roster.find(learner)
            return f"{name} {found.card}" if name in twice and found is not None and found.card is not None else name

    answered = sorted((label(l) for l in learners), key=str.casefold)
    answered += sorted((f"#{handset_label(c)}" for c in loose), key=lambda s: (len(s), s))
    waiting = sorted((label(l) for l in expected - learners), key=str.casefold)
    return AnswerList(tuple(answered[:MAX_NAMES]), tuple(waiting[:MAX_NAMES]),
                      max(0, len(answered) - MAX_NAMES), max(0, len(waiting) - MAX_NAMES),
                      unpaired=len(loose), phones=phones, grid=cards, unknown_cards=tuple(unknown_cards[:MAX_NAMES]))


def lesson_seconds(plan: LessonPlan, item_left: float | None, now: float) -> float:
    """The rest of the lesson: this item's rest (its own timer when it has one, else the planner's
    estimate) and every later item's expected length, as the battery plan counts them."""
    current = item_left if item_left is not None else max(0.0, plan.current_minutes * 60 - max(0.0, now - plan.made_at))
    return max(0.0, current) + sum(p.minutes for p in plan.rest) * 60


def notices_now(failed: tuple[str, str] | None, lesson: Lesson, lost: bool,
                recent: Iterable[tuple[str, float]], now: float) -> tuple[str, ...]:
    """Newest first: a failed item, the journal's disk, a lost device, then the teacher's recent toasts."""
    out: list[str] = []
    if failed is not None:
        out.append(failed[0])
    health = HEALTH_NOTICES.get(lesson.journal_health)
    if health is not None:
        out.append(health)
    if lost:
        out.append(DEVICE_LOST)
    for msg, at in recent:
        if now - at <= NOTICE_SECONDS and msg and msg not in out:
            out.append(msg)
    return tuple(out[:MAX_NOTICES])
