"""Frozen dataclasses for validated content: kiosk config, playlists, activities."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    line: int = 0  # line in the playlist file, for messages


@dataclass(frozen=True)
class Playlist:
    id: str
    title: str
    language: str
    items: tuple[Item, ...]
    source: Path | None = None
    subject: str | None = None  # e.g. "science": the supervisor's report groups lessons by it

    def index_of(self, item_id: str) -> int | None:
        for i, item in enumerate(self.items):
            if item.id == item_id:
                return i
        return None


@dataclass(frozen=True)
class DisplayConfig:
    display: int = 0
    width: int = 0  # 0 = the display's own size
    height: int = 0
    fullscreen: bool = True
    video: str = "frames"  # frames | window (see kiosk_config/default.yaml)


@dataclass(frozen=True)
class PowerConfig:
    warn_percent: float = 20.0
    critical_percent: float = 8.0
    source: str = "auto"  # auto | psutil | nut | vedirect | simulated | none
    nut_ups: str | None = None  # e.g. "ups@localhost"; None: the only UPS on this laptop
    vedirect_port: str | None = None  # None: /dev/cinema/vedirect (named by the udev rule)
    read_every: float = 10.0  # seconds between readings
    simulated_percent: float = 80.0  # source: simulated (training): charge at start
    simulated_drain_per_hour: float = 35.0  # ...and how fast it drains


@dataclass(frozen=True)
class DevicesConfig:
    clickers: tuple[str, ...] = ()  # port URLs or device paths
    scanners: tuple[str, ...] = ()
    camera: str | None = None  # "0", a device path, or a video file
    teacher_clickers: tuple[str, ...] = ()
    pairing: Path | None = None  # CSV: clicker,learner_id[,team]
    keypads: tuple[str, ...] = ()  # USB keypads (evdev device paths), one handset each
    presenters: tuple[str, ...] = ()  # presenter remotes (evdev device paths)
    usb_stick: Path | None = Path("/media/cinema-usb")  # where a stick is mounted: save records on it


@dataclass(frozen=True)
class CardsConfig:
    program: str = "DEMO"
    keys: Path = Path("var/card-keys.json")
    names_on_cards: bool = True


@dataclass(frozen=True)
class KioskConfig:
    kiosk_id: str
    language: str
    teacher_pin: str
    journal: Path
    playlist: Path
    playlists_dir: Path
    activities_dir: Path
    display: DisplayConfig = field(default_factory=DisplayConfig)
    power: PowerConfig = field(default_factory=PowerConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    cards: CardsConfig = field(default_factory=CardsConfig)
    roster: Path | None = None  # CSV learner_id,name[,group,language]
    failure_notice_seconds: float = 4.0
    source: Path | None = None
