"""What a supervisor's report holds: plain dataclasses built from merged records, read by every output."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cinema.core.checkin import MIN_ANSWERS_SHOWN, shown_counts

TOTAL_FIELDS = ("sessions", "attendance", "answers", "checkins", "items_played", "items_failed", "records", "take_home")


@dataclass
class SourceInfo:
    """One file given to `cinema report`: a journal or an export bundle, and whether it was used."""

    name: str
    kind: str  # "journal" | "bundle"
    status: str  # "ok" | "unsigned" (checksums fine, no key to check the signature) | "refused" | "repeated"
    kiosk_id: str | None = None
    records: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    reason: str = ""  # why refused / unsigned, in plain words
    signed: bool = False  # a bundle whose signature was checked with the programme's key (journals never are)
    unreadable: int = 0  # records of a damaged journal that could not be read (the others are used)


@dataclass
class ItemRow:
    index: int
    item: str
    title: str
    type: str
    status: str  # "played" | "failed" | "skipped" | "started" (the session stopped during it)
    seconds: float | None = None
    reason: str = ""  # why it failed


@dataclass
class NoiseRow:
    """What one device sent that was not a card or a press, summed over a session's `device.noise` records."""

    device: str
    junk: int = 0  # lines or frames thrown away
    refused: int = 0  # card scans refused past the allowance (not journaled one by one)
    changes: int = 0  # connects and losses not journaled one by one (a loose cable)
    minutes: float = 0.0  # the summed windows in which the device sent junk
    noisy_minutes: float = 0.0  # ... of which it sent mostly junk


@dataclass
class SessionRow:
    key: str  # "<kiosk_id>/<session_id>": session ids are random, kiosks are what we trust
    kiosk_id: str
    session_id: str
    first_seq: int
    last_seq: int
    playlist: str | None = None
    title: str | None = None
    subject: str | None = None
    language: str | None = None
    started_wall: float | None = None  # the laptop's clock (epoch seconds): shown, never trusted for order
    ended_wall: float | None = None
    clock_suspect: bool = False  # the wall clock is implausible or runs backwards against the sequence
    minutes: float = 0.0  # from the monotonic clock, summed over resumed runs
    outcome: str = "unfinished"  # "completed" | "ended" (by the teacher) | "unfinished" | "abandoned"
    resumed: int = 0
    attendance: int = 0
    learners: list[str] = field(default_factory=list)  # learner ids present, in order of arrival
    by_hand: int = 0  # of them, marked present by the teacher by hand (no card): a supervisor checks these
    items_played: int = 0
    items_failed: int = 0
    items_skipped: int = 0
    answers: int = 0  # distinct (question, voter): the last answer counts
    correct: int = 0
    checkins: int = 0
    min_battery: float | None = None
    items: list[ItemRow] = field(default_factory=list)
    # The kiosk's own troubles (`journal.trouble`, `device.noise`), for the power-and-devices part.
    disk_full_minutes: float = 0.0  # from the disk filling up to writing again (monotonic clock)
    records_held: int = 0  # records held back while the disk was full (in memory or a spill file), added later
    journals_set_aside: int = 0  # a damaged journal was moved aside and a new one started
    take_home: int = 0  # the lesson's files downloaded by phones (finished downloads, not children)
    disk_low: bool = False  # the kiosk said the disk was nearly full (low, or the reserve in use)
    noise: list[NoiseRow] = field(default_factory=list)  # by device, in order of first junk


@dataclass
class KioskRow:
    kiosk_id: str
    sessions: int = 0
    records: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    missing_seqs: int = 0  # gaps in the sequence: an export not given to the report
    first_wall: float | None = None
    last_wall: float | None = None
    clock_suspect: int = 0  # sessions whose wall clock looks wrong


@dataclass
class LearnerRow:
    """A learner's "passport": sessions attended, lessons and subjects covered, quiz answers."""

    learner_id: str
    kiosks: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)  # session keys in report order
    lessons: list[str] = field(default_factory=list)  # lesson titles, first time seen, in order
    subjects: dict[str, int] = field(default_factory=dict)  # subject -> sessions attended
    answered: int = 0
    correct: int = 0
    quizzes: dict[str, list[int]] = field(default_factory=dict)  # activity id -> [answered, correct]


@dataclass
class QuestionRow:
    activity: str
    question: int  # 0-based
    prompt: str = ""
    correct_key: str | None = None  # None for a poll
    asked: int = 0  # sessions in which it was closed
    answered: int = 0
    right: int = 0
    tally: dict[str, int] = field(default_factory=dict)  # key -> answers


@dataclass
class CheckinRow:
    """A wellbeing check-in: anonymous counts of faces 1 (very sad) .. 5 (very happy). With fewer than
    MIN_ANSWERS_SHOWN answers no counts are kept in the report (`counts` is None, `few_answers` True):
    two sad faces out of three single a child out."""

    session_key: str
    kiosk_id: str
    seq: int
    wall: float | None
    clock_suspect: bool
    counts: list[int] | None = field(default_factory=lambda: [0, 0, 0, 0, 0])
    offer_calm: bool = False
    calm_accepted: bool = False
    few_answers: bool = False  # fewer than MIN_ANSWERS_SHOWN answers: no counts anywhere

    def shown(self) -> list[int] | None:
        """The face counts a report may show: None with fewer than MIN_ANSWERS_SHOWN answers."""
        if self.counts is None:
            return None
        counts = (list(self.counts) + [0] * 5)[:5]
        shown = shown_counts(tuple(counts))
        return list(shown) if shown is not None else None

    def hide_if_few(self) -> None:
        if self.shown() is None:
            self.counts, self.few_answers = None, True


assert MIN_ANSWERS_SHOWN == 5  # the wording "fewer than 5 answers" in every output says so


@dataclass
class TakeHomeRow:
    """A lesson's file downloaded by phones on the kiosk's hub: counted per lesson, never per child."""

    playlist: str
    title: str  # the lesson's title, from its sessions ("" when none was read)
    file: str
    downloads: int = 0


@dataclass
class EventRow:
    """Something that went wrong or changed: power, devices, media failures, refused cards, errors."""

    kiosk_id: str
    session_key: str | None
    seq: int
    wall: float | None
    kind: str
    detail: str = ""
    facts: dict[str, Any] = field(default_factory=dict)  # the record's numbers, for a translated sentence


@dataclass
class Report:
    generated: float  # the supervisor machine's clock
    sources: list[SourceInfo] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=lambda: {k: 0 for k in TOTAL_FIELDS})
    kiosks: list[KioskRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)  # per kiosk, by sequence number
    learners: list[LearnerRow] = field(default_factory=list)  # by learner id
    questions: list[QuestionRow] = field(default_factory=list)  # by activity, question
    checkins: list[CheckinRow] = field(default_factory=list)  # per kiosk, by sequence number
    events: list[EventRow] = field(default_factory=list)  # per kiosk, by sequence number (capped)
    events_total: dict[str, int] = field(default_factory=dict)  # kind -> count (not capped)
    take_home: list[TakeHomeRow] = field(default_factory=list)  # by lesson, then file
    problems: list[str] = field(default_factory=list)  # plain-words warnings for the supervisor
    signed_records: int = 0  # of totals["records"]: read from bundles whose signature was checked

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
