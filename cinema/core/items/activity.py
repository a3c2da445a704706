"""Activities: one question at a time; answers by handset or by turned card; results as a chart."""

from __future__ import annotations

from cinema.core.activity import AnswerBox
from cinema.core.events import CardAnswer, CardsInView, ClickerPressed, Effect, Event
from cinema.core.items.base import ItemHandler, Stopwatch, whole_seconds
from cinema.core.records import AnswerChanged, AnswerRecorded, QuestionClosed
from cinema.core.roster import verify_token
from cinema.core.view import Body, OptionTally, QuestionBody, ResultsBody, Screen, TeamScore

# A flood of presses (a hostile or broken transmitter, a keypad gone mad) cannot grow the journal
# without bound: each voter's first MAX_CHANGES changes to a question are journaled as they come,
# later ones only when the question closes (the last answer, the one that counts, is never lost);
# and at most MAX_UNPAIRED handsets nobody was given answer one question.
MAX_CHANGES = 20
MAX_UNPAIRED = 300


class ActivityHandler(ItemHandler):
    def enter(self, start_at: float = 0.0) -> list[Effect]:
        super().enter()
        self.question_watch = Stopwatch(self.lesson)
        self.team_correct: dict[int, int] = {}  # team mode: right answers per team, whole activity
        self.team_answered: dict[int, int] = {}
        if self.item.activity is None:
            return self.lesson.fail("activity not found")
        self._open(0)
        return []

    @property
    def activity(self):
        assert self.item.activity is not None
        return self.item.activity

    def _open(self, number: int) -> None:
        self.question = number
        self.box = AnswerBox(self.activity.questions[number])
        self.journaled: dict[str, str] = {}  # voter -> the key of their last journaled answer
        self.changes: dict[str, int] = {}  # voter -> changes journaled as they came
        self.held: dict[str, dict] = {}  # voter -> their latest answer, journaled at the close
        self.unpaired = 0
        self.results = False
        self.question_watch.restart()

    def _close(self) -> list[Effect]:
        box = self.box
        box.close()
        self.results = True
        fx: list[Effect] = []
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
        if not self.results:
            return self._close()
        if self.question + 1 < len(self.activity.questions):
            self._open(self.question + 1)
            return []
        return None

    def back(self) -> list[Effect] | None:
        if self.results:
            return []  # answers are closed; going back would re-open a counted question
        return None

    def tick(self) -> list[Effect]:
        left = self.seconds_left()
        if left is not None and left <= 0:
            return self._close()
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
        if isinstance(event, CardAnswer):
            return self._card(event)
        return []

    def _card(self, event: CardAnswer) -> list[Effect]:
        """Children without clickers answer by turning their card: one answer per learner, last wins."""
        roster = self.lesson.roster
        if roster is None:
            return []
        check = verify_token(event.payload, roster.program, roster.keys)
        if not check.valid or check.learner_id is None:
            return []
        return self._answer(f"card:{check.learner_id}", event.key, check.learner_id, "card")

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
                      key=key, correct=self.box.is_correct(key), clicker=voter if via is None else None,
                      learner_id=learner, via=via,
                      team=self.lesson.handsets.team(voter, self.item.teams) if self.item.teams else None)
        # A changed answer is its own kind, so that reports count answers from the kind index
        # without reading every payload; the last answer of a voter is the one that counts.
        if previous is None:
            self.journaled[voter] = key
            return [AnswerRecorded(**answer).record()]
        if self.changes.get(voter, 0) >= MAX_CHANGES:
            self.held[voter] = answer
            return []
        self.changes[voter] = self.changes.get(voter, 0) + 1
        self.held.pop(voter, None)
        replaces, self.journaled[voter] = self.journaled[voter], key
        return [AnswerChanged(**answer, replaces=replaces).record()]

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
                                               question.correct is not None, teams)
        options = tuple(OptionTally(o.key, o.text) for o in question.options)
        return Screen.QUESTION, QuestionBody(question.prompt, options, box.answered, self.lesson.expected_handsets(),
                                             self.question + 1, total, whole_seconds(self.seconds_left()),
                                             str(question.image) if question.image else None)
