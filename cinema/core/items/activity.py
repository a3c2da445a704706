"""Activities: one question at a time; answers by handset or by turned card; results as a chart.

A question goes open -> closed (the counts are up) -> revealed (the right answer is marked), the
teacher moving it on each time; a poll has no right answer, so it has no reveal step. Sounds tell
the room a question opened and closed, count down its last seconds and cheer when everyone present
has answered.
"""

from __future__ import annotations

from enum import Enum

from cinema.core.activity import AnswerBox
from cinema.core.events import (
    CardAnswer, CardsInView, ClickerPressed, Effect, Event, MarkersInView, PlaySound, ReplyStatus,
)
from cinema.core.items.base import ItemHandler, Stopwatch, whole_seconds
from cinema.core.records import AnswerChanged, AnswerRecorded, QuestionClosed
from cinema.core.roster import CARD_NUMBERS, verify_token
from cinema.core.view import Body, OptionTally, QuestionBody, ResultsBody, Screen, TeamScore, Voter

# A flood of presses (a hostile or broken transmitter, a keypad gone mad) cannot grow the journal
# without bound: each voter's first MAX_CHANGES changes to a question are journaled as they come,
# later ones only when the question closes (the last answer, the one that counts, is never lost);
# and at most MAX_UNPAIRED handsets nobody was given answer one question.
MAX_CHANGES = 20
MAX_UNPAIRED = 300
COUNTDOWN_CUE = 5  # a tick each second in a timed question's last seconds
MAX_GRID = 60  # chips in the answered grid; a bigger room is shown by its count only
HANDSET_DIGITS = 4  # a handset is shown by its id's last digits (the number written on it)
# Answer cards read across the room (big markers: cinema.devices.cards.markers): a card counts once it
# is seen with the same letter in SEEN_FRAMES frames, so a card waved past in one frame is no answer.
# Numbers outside 1..CARD_NUMBERS (the marker family's codes) are never tracked: a question
# remembers at most that many cards, however long it stays open.
SEEN_FRAMES = 2


class Stage(Enum):
    OPEN = "open"  # answers coming in
    CLOSED = "closed"  # answers counted, the right answer not shown yet
    REVEALED = "revealed"  # the right answer is marked (a poll goes straight here)


def handset_label(clicker: str) -> str:
    return clicker[-HANDSET_DIGITS:]


def speech_sound(activity_id: str, number: int) -> str:
    """The name of a question's spoken words among the kiosk's sounds (made ahead by cinema.media.speech)."""
    return f"speech:{activity_id}:{number}"


def reads_aloud(item, playlist) -> bool:
    """Whether an activity's questions are spoken: the item says so, else the playlist."""
    return item.read_aloud if item.read_aloud is not None else playlist.read_aloud


class CardSightings:
    """Which letter each answer card has shown in the frames of one open question (pure, bounded).

    `seen(number, letter)` is called once per frame a card is in; it returns the letter when the card
    has now shown that letter in SEEN_FRAMES frames since it last showed another one (so the latest
    letter held up wins, and a letter glimpsed in one frame while the card turns is not an answer),
    else None. A frame where the card is held at a slant (letter None) neither counts nor resets."""

    def __init__(self, frames: int = SEEN_FRAMES) -> None:
        self.frames = frames
        self._runs: dict[int, tuple[str, int]] = {}  # number -> (letter, frames in a row showing it)

    def seen(self, number: int, letter: str | None) -> str | None:
        if letter is None or not 1 <= number <= CARD_NUMBERS:
            return None
        shown, count = self._runs.get(number, ("", 0))
        count = count + 1 if shown == letter else 1
        self._runs[number] = (letter, min(count, self.frames))
        return letter if count >= self.frames else None

    def __len__(self) -> int:
        return len(self._runs)


class ActivityHandler(ItemHandler):
    def enter(self, start_at: float = 0.0) -> list[Effect]:
        super().enter()
        self.question_watch = Stopwatch(self.lesson)
        self.team_correct: dict[int, int] = {}  # team mode: right answers per team, whole activity
        self.team_answered: dict[int, int] = {}
        if self.item.activity is None:
            return self.lesson.fail("activity not found")
        return self._open(0)

    @property
    def activity(self):
        assert self.item.activity is not None
        return self.item.activity

    @property
    def results(self) -> bool:
        return self.stage is not Stage.OPEN

    def _open(self, number: int) -> list[Effect]:
        self.question = number
        self.stage = Stage.OPEN
        self.cued = COUNTDOWN_CUE + 1  # the last countdown second cued so far
        self.everyone_cued = False
        self.box = AnswerBox(self.activity.questions[number])
        self.journaled: dict[str, str] = {}  # voter -> the key of their last journaled answer
        self.changes: dict[str, int] = {}  # voter -> changes journaled as they came
        self.held: dict[str, dict] = {}  # voter -> their latest answer, journaled at the close
        self.unpaired = 0
        self.sightings = CardSightings()  # answer cards seen across the room, frame by frame
        self.card_learners: dict[int, str | None] = {}  # card number -> learner (None: on nobody, or ambiguous)
        self.unknown_cards: list[int] = []  # numbers held up that are nobody's: the teacher is told, once each
        self.question_watch.restart()
        fx: list[Effect] = [PlaySound("question_open")]
        if reads_aloud(self.item, self.lesson.playlist):
            fx.append(PlaySound(speech_sound(self.activity.id, number)))
        return fx

    def _close(self) -> list[Effect]:
        box = self.box
        box.close()
        self.stage = Stage.CLOSED if box.question.correct is not None else Stage.REVEALED
        fx: list[Effect] = [PlaySound("question_close")]
        for voter, answer in self.held.items():  # the last answers of voters past MAX_CHANGES
            if answer["key"] != self.journaled[voter]:
                fx.append(AnswerChanged(**answer, replaces=self.journaled[voter]).record())
        self.held.clear()
        if self.item.teams:
            for voter, key in box.answers.items():
                team = self.lesson.handsets.team(voter, self.item.teams)
                self.team_answered[team] = self.team_answered.get(team, 0) + 1
                if box.is_correct(key):
                    self.team_correct[team] = self.team_correct.get(team, 0) + 1
        return fx + [QuestionClosed(index=self.lesson.index, item=self.item.id, activity=self.activity.id,
                                    question=self.question, answered=box.answered, tally=box.tally(),
                                    correct=box.question.correct, prompt=box.question.prompt).record()]

    # ---- stepping -------------------------------------------------------------

    def next(self) -> list[Effect] | None:
        if self.stage is Stage.OPEN:
            return self._close()
        if self.stage is Stage.CLOSED:
            self.stage = Stage.REVEALED
            return [PlaySound("reveal")]
        if self.question + 1 < len(self.activity.questions):
            return self._open(self.question + 1)
        return None

    def back(self) -> list[Effect] | None:
        if self.results:
            return []  # answers are closed; going back would re-open a counted question
        return None

    def tick(self) -> list[Effect]:
        left = self.seconds_left()
        if left is None:
            return []
        if left <= 0:
            return self._close()
        second = whole_seconds(left)
        if second is not None and second < self.cued:
            self.cued = second
            return [PlaySound("countdown")]
        return []

    def seconds_left(self) -> float | None:
        if not self.activity.seconds or self.results:
            return None
        return self.activity.seconds - self.question_watch.elapsed()

    # ---- answers --------------------------------------------------------------

    def handle(self, event: Event) -> list[Effect]:
        if self.results:
            return []
        if isinstance(event, ClickerPressed):
            return self._answer(event.clicker, event.key, self.lesson.handsets.learner(event.clicker), None)
        if isinstance(event, CardsInView):
            fx: list[Effect] = []
            if self.item.answer_by_card:
                for payload, key in event.cards:
                    if key is not None:
                        fx += self._card(CardAnswer(payload, key))
            return fx
        if isinstance(event, MarkersInView):
            return self._markers(event) if self.item.answer_by_card else []
        if isinstance(event, CardAnswer):
            return self._card(event)
        return []

    def phone_answer(self, device: str, key: str, learner: str | None) -> tuple[list[Effect], ReplyStatus]:
        """A phone answers like a handset (one answer per phone, the last before the close wins), its
        records marked via "phone"; RECEIVED only once the answer is in the records handed back now or
        before (HELD: past MAX_CHANGES, journaled at the close)."""
        if self.results:
            return [], ReplyStatus.CLOSED
        key = key.upper()
        if key not in {o.key for o in self.box.question.options}:
            return [], ReplyStatus.REFUSED
        voter = f"phone:{device}"
        fx = self._answer(voter, key, learner, "phone")
        if self.held.get(voter, {}).get("key") == key:
            return fx, ReplyStatus.HELD
        if self.box.answers.get(voter) == key and self.journaled.get(voter) == key:
            return fx, ReplyStatus.RECEIVED
        return fx, ReplyStatus.REFUSED

    def _card(self, event: CardAnswer) -> list[Effect]:
        """Children without clickers answer by turning their card: one answer per learner, last wins."""
        roster = self.lesson.roster
        if roster is None:
            return []
        check = verify_token(event.payload, roster.program, roster.keys)
        if not check.valid or check.learner_id is None:
            return []
        return self._answer(f"card:{check.learner_id}", event.key, check.learner_id, "card")

    def _markers(self, event: MarkersInView) -> list[Effect]:
        """Answer cards in one camera frame: a card is a child's answer once seen with the same letter in
        SEEN_FRAMES frames; the same voter as the child's QR card (\"card:<learner>\"), so one answer a child."""
        roster = self.lesson.roster
        if roster is None:
            return []
        fx: list[Effect] = []
        for number, letter in dict(event.markers).items():  # a number twice in a frame is one sighting
            key = self.sightings.seen(number, letter)
            if key is None:
                continue
            if number not in self.card_learners:
                # Decided once per question: who is present does not change what a held-up card means mid-question.
                self.card_learners[number] = roster.by_card(number, self.lesson.attendance)
            learner = self.card_learners[number]
            if learner is None:
                if number not in self.unknown_cards:
                    self.unknown_cards.append(number)
                continue
            fx += self._answer(f"card:{learner}", key, learner, "card")  # a letter no option has: no answer
        return fx

    def _answer(self, voter: str, key: str, learner: str | None, via: str | None) -> list[Effect]:
        key = key.upper()
        previous = self.box.answers.get(voter)
        # Pressing the same key again (or the camera seeing the same card again) changes nothing.
        unpaired = previous is None and learner is None
        if previous == key or (unpaired and self.unpaired >= MAX_UNPAIRED) or not self.box.answer(voter, key):
            return []
        if unpaired:
            self.unpaired += 1
        if previous is None:
            self.lesson.answers += 1
        answer = dict(index=self.lesson.index, item=self.item.id, activity=self.activity.id, question=self.question,
                      key=key, correct=self.box.is_correct(key), clicker=voter if via in (None, "phone") else None,
                      learner_id=learner, via=via,
                      team=self.lesson.handsets.team(voter, self.item.teams) if self.item.teams else None)
        # A changed answer is its own kind, so that reports count answers from the kind index
        # without reading every payload; the last answer of a voter is the one that counts.
        if previous is None:
            self.journaled[voter] = key
            return [AnswerRecorded(**answer).record()] + self._everyone_cue()
        if self.changes.get(voter, 0) >= MAX_CHANGES:
            self.held[voter] = answer
            return []
        self.changes[voter] = self.changes.get(voter, 0) + 1
        self.held.pop(voter, None)
        replaces, self.journaled[voter] = self.journaled[voter], key
        return [AnswerChanged(**answer, replaces=replaces).record()]

    # ---- who is in the room -----------------------------------------------------

    def _room(self) -> list[str] | None:
        """The handsets of the children present (all paired ones before anyone is marked present);
        None when no handset is paired: then only the configured count of handsets is known."""
        handsets = self.lesson.handsets
        present = self.lesson.attendance
        paired = [c for c, learner in handsets.learner_by_clicker.items()
                  if not handsets.is_teacher(c) and (not present or learner in present)]
        return paired or None

    def _expected(self) -> int | None:
        present = self.lesson.attendance
        if present:
            return len(present)
        room = self._room()
        return len(room) if room else self.lesson.expected_handsets()

    def _everyone_answered(self) -> bool:
        expected = self._expected()
        if not expected:
            return False
        present = self.lesson.attendance
        if present:
            learners = {self._learner(v) for v in self.box.answers}
            return len(learners & present) >= expected
        return self.box.answered >= expected

    def _learner(self, voter: str) -> str | None:
        if voter.startswith("card:"):
            return voter[len("card:"):]
        if voter.startswith("phone:"):
            return getattr(self.lesson, "phones", {}).get(voter[len("phone:"):])
        return self.lesson.handsets.learner(voter)

    def _everyone_cue(self) -> list[Effect]:
        if self.everyone_cued or not self._everyone_answered():
            return []
        self.everyone_cued = True
        return [PlaySound("everyone")]

    def _voters(self) -> tuple[Voter, ...]:
        """The answered grid: handsets in the room (lit once they answered), then any other that answered."""
        room = self._room() or []
        # Handsets only: a card or a phone is not a handset in the room (a phone shows its own "received").
        answered = [v for v in self.box.answers if not v.startswith(("card:", "phone:"))]
        clickers = list(dict.fromkeys(room + answered))
        if len(clickers) > MAX_GRID:
            return ()
        teams = self.item.teams
        chips = [Voter(handset_label(c), c in self.box.answers,
                       self.lesson.handsets.team(c, teams) if teams else None) for c in clickers]
        return tuple(sorted(chips, key=lambda v: (len(v.label), v.label)))

    def answering(self) -> set[str] | None:
        return None if self.results else set(self.box.answers)

    @property
    def takes_cards(self) -> bool:
        """The open question takes answer cards held up to the camera."""
        return bool(self.item.answer_by_card) and not self.results

    # ---- screen ---------------------------------------------------------------

    def view(self) -> tuple[Screen, Body]:
        box, question, total = self.box, self.box.question, len(self.activity.questions)
        if self.results:
            tally = box.tally()
            options = tuple(OptionTally(o.key, o.text, tally[o.key], o.key == question.correct)
                            for o in question.options)
            teams = tuple(TeamScore(t, self.team_correct.get(t, 0), self.team_answered.get(t, 0))
                          for t in range(1, (self.item.teams or 0) + 1))
            return Screen.RESULTS, ResultsBody(question.prompt, options, box.answered, self.question + 1, total,
                                               question.correct is not None, teams,
                                               revealed=self.stage is Stage.REVEALED,
                                               team_names=self.item.team_names)
        options = tuple(OptionTally(o.key, o.text) for o in question.options)
        return Screen.QUESTION, QuestionBody(question.prompt, options, box.answered, self._expected(),
                                             self.question + 1, total, whole_seconds(self.seconds_left()),
                                             str(question.image) if question.image else None,
                                             seconds_total=self.activity.seconds or None, voters=self._voters(),
                                             everyone=self._everyone_answered(), team_names=self.item.team_names,
                                             cards=bool(self.item.answer_by_card))
