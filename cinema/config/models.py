"""Frozen dataclasses for validated content: kiosk config, playlists, activities."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


# The content models belong to the pure core (the engine plays them); loaders build them here.
from cinema.core.content import ACTIVITY_KINDS, ITEM_TYPES, Activity, Item, Option, Playlist, Question  # noqa: E402,F401


@dataclass(frozen=True)
class DisplayConfig:
    display: int = 0
    width: int = 0  # 0 = the display's own size
    height: int = 0
    fullscreen: bool = True
    video: str = "window"  # window | frames (see kiosk_config/default.yaml)
    digits: str = "latn"  # latn | native: each language's own digits (Arabic ٠١٢٣...), see config/kiosk.py
    caption_size: str = "medium"  # small | medium | large | huge (config/kiosk.py CAPTION_SCALES)
    hardware_decoding: str = "auto"  # auto | off: VLC decodes on the graphics chip where that works
    teacher_screen: str = "auto"  # auto | off: a teacher window beside the projector (core/screen_plan.py)


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
class HubConfig:
    """The offline hub (cinema/hub): phones join over the local Wi-Fi. Off unless enabled here or
    `cinema run --hub [HOST:]PORT`."""

    enabled: bool = False
    host: str = "0.0.0.0"
    port: int = 8080
    wifi_name: str = ""  # the hotspot's or router's network name: the projector shows a Wi-Fi QR code
    wifi_password: str = ""
    wifi_security: str = "WPA"  # WPA | WEP | nopass (the Wi-Fi QR code's T: field)
    teacher_minutes: float = 30.0  # a teacher phone's PIN unlock lasts this long without use
    max_phones: int = 250  # phones connected at once; more are told the room is full
    take_home_kbps: int = 4000  # all take-home downloads together, in kilobytes a second (a live quiz first)


@dataclass(frozen=True)
class KioskConfig:
    kiosk_id: str
    language: str
    teacher_pin: str
    journal: Path
    playlist: Path
    playlists_dir: Path
    activities_dir: Path
    media_dirs: tuple[Path, ...] = ()  # more folders media may come from, besides the project folder
    display: DisplayConfig = field(default_factory=DisplayConfig)
    power: PowerConfig = field(default_factory=PowerConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    cards: CardsConfig = field(default_factory=CardsConfig)
    hub: HubConfig = field(default_factory=HubConfig)
    roster: Path | None = None  # CSV learner_id,name[,group,language]
    failure_notice_seconds: float = 4.0
    source: Path | None = None
