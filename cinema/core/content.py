"""The lesson content the engine plays: playlists, items, activities (validated by cinema.config)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


ITEM_TYPES = ("title", "video", "slides", "audio", "activity", "checkin", "attendance", "pairing", "break", "closing")
ACTIVITY_KINDS = ("multiple_choice", "true_false", "poll", "numeric", "discussion", "energizer")


@dataclass(frozen=True)
class Option:
    """One answer choice: the clicker key (A-F, 0-9, T/F) and its text."""

    key: str
    text: str


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple[Option, ...]
    correct: str | None = None  # the key of the right answer; None for polls
    image: Path | None = None


@dataclass(frozen=True)
class Activity:
    """An activity definition from activities/*.yaml."""

    id: str
    kind: str
    title: str
    questions: tuple[Question, ...]
    seconds: float | None = None  # timer per question (energizer/discussion); None = teacher closes
    source: Path | None = None


@dataclass(frozen=True)
class Item:
    """One playlist entry. Fields not used by a type stay at their defaults."""

    type: str
    id: str
    title: str = ""
    subtitle: str = ""
    media: Path | None = None  # video / audio file
    subtitles: Path | None = None  # .srt for a video
    slides: tuple[Path, ...] = ()
    seconds: float | None = None  # slide duration, break length, title hold; None = teacher advances
    activity: Activity | None = None
    prompt: str = ""  # check-in question
    calm_item: str | None = None  # check-in: id of the item offered when the room needs calm
    calm_threshold: float = 0.4  # check-in: share of the two lowest faces that triggers the offer
    answer_by_card: bool = False  # activity: children may also answer by turning their QR card
    teams: int | None = None  # activity: team mode with this many teams (handsets grouped by pairing)
    team_names: tuple[str, ...] = ()  # activity: a name per team (content); missing ones are "Team n"
    read_aloud: bool | None = None  # activity: speak its questions; None: as the playlist says
    line: int = 0  # line in the playlist file, for messages
    unplayable: str = ""  # why its files must not be opened (found by the loader); the item fails at start
    take_home: bool = False  # its media (video, audio) or slides may be downloaded by phones on the hub
    duration: float | None = None  # video/audio: its length in seconds as measured on import (power plan)
    low_power: Path | None = None  # video: a lighter copy played instead below the battery's warning level


@dataclass(frozen=True)
class Playlist:
    id: str
    title: str
    language: str
    items: tuple[Item, ...]
    source: Path | None = None
    subject: str | None = None  # e.g. "science": the supervisor's report groups lessons by it
    read_aloud: bool = False  # questions and options are spoken (an activity item's read_aloud wins)
    take_home: tuple[Path, ...] = ()  # more files phones may download (a worksheet PDF), besides items'

    def index_of(self, item_id: str) -> int | None:
        for i, item in enumerate(self.items):
            if item.id == item_id:
                return i
        return None
