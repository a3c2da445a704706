"""The kiosk config (kiosk_config/*.yaml): its schema and `load_kiosk_config`.

Relative paths in a kiosk config (journal, playlist, playlists_dir, activities_dir) start at
the project root: the folder above `kiosk_config/` when the file lives in a folder of that
name, otherwise the config file's own folder. So `kiosk_config/default.yaml` can say
`playlist: playlists/demo.yaml`, and a config copied next to its playlists works too.
"""

from __future__ import annotations

import ipaddress
import re
from cinema.locale.runtime import gettext as _
from pathlib import Path

from .models import CardsConfig, DevicesConfig, DisplayConfig, HubConfig, KioskConfig, PowerConfig
from .problems import ConfigError, Problem, Reporter, did_you_mean, display_path
from .schema import (
    ID_TEXT, INVALID, VERSION_FIELD, Boolean, Choice, Context, Field, FilePath, ListOf, Number, Nullable, Schema,
    Section, Text,
)
from .yaml_lines import Node, read_yaml_file

POWER_SOURCES = ("auto", "psutil", "nut", "vedirect", "simulated", "none")

# Caption sizes to VLC's --sub-text-scale (percent of its usual size).
CAPTION_SCALES = {"small": 75, "medium": 100, "large": 150, "huge": 200}

DISPLAY_SCHEMA = Schema("display", "Which screen the kiosk uses and how big its window is.", (
    Field("display", Number(minimum=0, maximum=15, integer=True),
          "Which screen: 0 is the first. A projector plugged in next to the laptop screen is usually 1.",
          default=0),
    Field("width", Number(minimum=0, maximum=16384, integer=True),
          "Window width in pixels; 0 uses the screen's own size.", default=0),
    Field("height", Number(minimum=0, maximum=16384, integer=True),
          "Window height in pixels; 0 uses the screen's own size.", default=0),
    Field("fullscreen", Boolean(),
          "true fills the screen (a lesson); false opens a window (preparing, testing).", default=True),
    Field("video", Choice(("frames", "window")),
          "How video reaches the screen: window (VLC draws straight into the window and lays the status "
          "bar, PIN prompt and notices over the video: a third of the CPU, so longer on battery) or frames "
          "(the kiosk copies and draws each frame; what headless runs use).",
          default="window"),
    Field("digits", Choice(("latn", "native")),
          "Which digits numbers are drawn with: latn (0123456789 in every language) or native (each "
          "language's own digits, from Babel's numbering systems: Arabic lessons then show ٠١٢٣٤٥٦٧٨٩; "
          "languages whose own digits are 0-9, such as Ukrainian, are unchanged).",
          default="latn"),
    Field("caption_size", Choice(tuple(CAPTION_SCALES)),
          "How big a video's captions (subtitles) are: small, medium (VLC's usual size), large or huge "
          "(for the back of a big room). The teacher turns them off and on with C (a teacher handset's 5).",
          default="medium"),
    Field("hardware_decoding", Choice(("auto", "off")),
          "Decoding video on the laptop's graphics chip (VA-API or VDPAU, through VLC): auto (used where it "
          "works, which leaves the processor free and the battery longer; a video that shows no picture with "
          "it starts again where it was, decoded by the processor, for the rest of the run, and this is "
          "journaled) or off (always the processor).",
          default="auto"),
    Field("teacher_screen", Choice(("auto", "off")),
          "A teacher window on the laptop's own screen beside the projector: auto (whenever the laptop "
          "has two screens that are not mirrored: the class sees only the lesson on the projector, the "
          "teacher sees the time, the battery, who has not answered and the PIN prompt on the laptop) or "
          "off (one window, on the display chosen above).",
          default="auto"),
))

POWER_SCHEMA = Schema("power", "When to warn about the battery and when to save and stop.", (
    Field("warn_percent", Number(minimum=0, maximum=100),
          "At this battery level the screen dims and the teacher is warned.", default=20.0),
    Field("critical_percent", Number(minimum=0, maximum=100),
          "At this level the kiosk saves the session and asks for power; must be below warn_percent.",
          default=8.0),
    Field("source", Choice(POWER_SOURCES),
          "Where the battery level comes from: auto (try each), psutil (the laptop battery), nut "
          "(a UPS or power station through NUT's upsd), vedirect (a Victron charger or battery monitor "
          "on a serial port), simulated, or none.",
          default="auto"),
    Field("nut_ups", Nullable(Text()),
          "Which UPS NUT reads, as upsc names it, e.g. ups@localhost. Empty: the only one on this laptop.",
          default=None),
    Field("vedirect_port", Nullable(Text()),
          "Serial port of a Victron monitor or charger, e.g. /dev/ttyUSB0. Empty: /dev/cinema/vedirect "
          "(the name the installer's udev rule gives a Victron cable).", default=None),
    Field("read_every", Number(minimum=1, maximum=300), "Seconds between battery readings.", default=10.0),
    Field("simulated_percent", Number(minimum=0, maximum=100),
          "source: simulated only (training): the pretend battery's charge at start.", default=80.0),
    Field("simulated_drain_per_hour", Number(above=0, maximum=100000),
          "source: simulated only (training): how many percent the pretend battery loses an hour "
          "(e.g. 600 to see the warnings within minutes).", default=35.0),
))

DEVICES_SCHEMA = Schema("devices", "Clicker receivers, card scanners and the camera to use.", (
    Field("clickers", ListOf(Text()),
          "Clicker receivers: serial device paths or port URLs (e.g. /dev/ttyUSB0). Empty: find them.",
          default=()),
    Field("scanners", ListOf(Text()),
          "USB card scanners that are serial devices; keyboard-like scanners need no entry.", default=()),
    Field("keypads", ListOf(Text()),
          "USB number keypads children answer with, by device path (see `cinema devices`); each "
          "counts as one handset.", default=()),
    Field("presenters", ListOf(Text()),
          "The teacher's presenter remotes, by device path: next, back and pause.", default=()),
    Field("teacher_clickers", ListOf(Text()),
          "Ids of the teacher's handsets: they drive the lesson (next, back, pause) and never answer.",
          default=()),
    Field("pairing", Nullable(FilePath()),
          "A CSV file pairing handsets to learners (columns clicker,learner_id and optionally team); "
          "null = pair on the pairing screen.", default=None),
    Field("camera", Nullable(Text()),
          "Webcam for scanning QR cards: a number (0 = the first camera), a device path such as "
          "/dev/v4l/by-id/usb-...-video-index0 (stays right when cameras are plugged in another "
          "order), or a video file; null = no camera.", default=None),
    Field("usb_stick", Nullable(Text()),
          "Where a USB stick appears (the installer mounts every stick there): when one is plugged in, "
          "the records since the last export are saved on it for the supervisor. null = never.",
          default="/media/cinema-usb"),
))

CARDS_SCHEMA = Schema("cards", "Children's QR cards: the programme code and the key that signs them.", (
    Field("program", Text(pattern=r"[A-Za-z0-9_-]{1,32}", pattern_hint="use letters, digits, - and _, e.g. LC-NORTH"),
          "Programme code carried by every card; cards of another programme are refused.", default="DEMO"),
    Field("keys", FilePath(),
          "The programme's card key file (made by `cinema cards`); copy the same file to every kiosk of "
          "the programme. Keep it off the internet: whoever has it can make cards.",
          default=Path("var/card-keys.json")),
    Field("names_on_cards", Boolean(), "Print the child's first name on the card.", default=True),
))

WIFI_SECURITY = ("WPA", "WEP", "nopass")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*")


def host_problem(text: str) -> str:
    """Why `text` cannot be an address the hub listens on (an IP address or a host name), or ""."""
    try:
        ipaddress.ip_address(text)
        return ""
    except ValueError:
        pass
    if _HOST_NAME.fullmatch(text) and not text.replace(".", "").isdigit():
        return ""
    return _("{host!r} is not an address").format(host=text)


def parse_hub_address(text: str) -> tuple[str, int]:
    """`cinema run --hub [HOST:]PORT` as (host, port): PORT alone listens on every address
    (0.0.0.0); port 0 takes a free port. An IPv6 address is written in brackets: [::]:8080.
    Raises ValueError with one line saying what to write."""
    text = text.strip()
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host = "0.0.0.0"
    elif host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:  # an IPv6 address without brackets: which colon is the port's cannot be told
        raise ValueError(_("write an IPv6 address in brackets, e.g. [::]:8080"))
    if not port_text.isascii() or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(_("{port!r} is not a port: write a number from 1 to 65535, e.g. 8080 or 0.0.0.0:8080").format(
            port=port_text))
    problem = host_problem(host) if host else _("the address before the colon is empty")
    if problem:
        raise ValueError(problem + " — " + _("write an address such as 0.0.0.0:8080 (every network) or 10.42.0.1:8080"))
    return host, int(port_text)


class HostText:
    """An address to listen on: an IP address (0.0.0.0 = every network of the laptop) or a host name."""

    description = "an IP address or host name"

    def read(self, node, ctx: Context, key: str):
        text = Text().read(node, ctx, key)
        if text is INVALID:
            return INVALID
        problem = host_problem(text)
        if problem:
            ctx.report.add(node.line, key, problem,
                           _("use 0.0.0.0 (every network of this laptop) or the hotspot's address, e.g. 10.42.0.1"))
            return INVALID
        return text


HUB_SCHEMA = Schema("hub", "The offline hub: phones on the local Wi-Fi join the lesson (children answer, the teacher "
                    "drives it, lesson files go home).", (
    Field("enabled", Boolean(),
          "true serves the phone pages whenever the kiosk runs (`cinema run --hub [HOST:]PORT` does it for one run).",
          default=False),
    Field("host", HostText(),
          "The address the hub listens on: 0.0.0.0 (every network of this laptop) or the hotspot's own address "
          "(e.g. 10.42.0.1, so phones reach it only over the Wi-Fi).", default="0.0.0.0"),
    Field("port", Number(minimum=1, maximum=65535, integer=True),
          "The port phones open, e.g. 8080 (the page is http://<laptop>:8080/). Ports below 1024 need root.",
          default=8080),
    Field("wifi_name", Text(allow_empty=True),
          "The Wi-Fi network's name (the laptop's hotspot or the travel router): the projector shows a QR code "
          "that joins it. Empty: no Wi-Fi code, only the page's.", default=""),
    Field("wifi_password", Text(allow_empty=True),
          "The Wi-Fi network's password, in quotes (WPA: 8 to 63 characters). It is shown to the class in the "
          "Wi-Fi QR code: use a network only for the lesson.", default=""),
    Field("wifi_security", Choice(WIFI_SECURITY),
          "The Wi-Fi network's security, for its QR code: WPA (WPA2 and WPA3 too), WEP (old routers) or nopass "
          "(an open network).", default="WPA"),
    Field("teacher_minutes", Number(minimum=1, maximum=24 * 60),
          "A teacher's phone unlocked with the PIN stays unlocked this many minutes without use.", default=30.0),
    Field("max_phones", Number(minimum=1, maximum=2000, integer=True),
          "At most this many phones connected at once; more are told the room is full. A laptop's own hotspot "
          "usually stops at 8 to 10 phones: a travel router takes a whole class.", default=250),
    Field("take_home_kbps", Number(minimum=16, maximum=1_000_000, integer=True),
          "All downloads of lesson files together, in kilobytes a second, so a live quiz is never slowed "
          "(4000 is about a third of a travel router's Wi-Fi).", default=4000),
))

KIOSK_SCHEMA = Schema("kiosk config", "One kiosk's settings: who it is, where its lessons and journal are.", (
    VERSION_FIELD,
    Field("kiosk_id", ID_TEXT,
          "A name for this kiosk, unique in the programme; it marks every journal record.", required=True),
    Field("language", Text(pattern=r"[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?",
                           pattern_hint="use a language code such as en, ar, uk, fr, pt, es"),
          "Language of the kiosk's own words (menus, notices), as a code: en, ar, uk, fr, pt, es.",
          default="en"),
    Field("teacher_pin", Text(pattern=r"[0-9]{4,8}", pattern_hint="use 4 to 8 digits, in quotes, e.g. \"4821\""),
          "The training PIN (4 to 8 digits): what `cinema demo`, `--windowed` and `--headless` runs ask for "
          "while no teacher PIN has been chosen. A fullscreen kiosk never uses it: on its first start it asks the "
          "teacher to choose a PIN (or run `cinema pin`), and keeps only a salted hash of it in teacher-pin.json "
          "beside the journal.", required=True),
    Field("journal", FilePath(), "The journal file where everything that happens is recorded.",
          default=Path("var/journal.sqlite")),
    Field("playlist", FilePath(), "The lesson playlist opened at start.", required=True),
    Field("playlists_dir", FilePath(), "Folder of lesson playlists the teacher can choose from.",
          default=Path("playlists")),
    Field("activities_dir", FilePath(), "Folder of activity files (quizzes, polls) playlists refer to.",
          default=Path("activities")),
    Field("media_dirs", ListOf(FilePath()),
          "Folders outside the project folder that playlists and activities may take videos, sounds "
          "and pictures from (e.g. a USB stick's media folder). Empty: only the project folder.",
          default=()),
    Field("display", Section(DISPLAY_SCHEMA), DISPLAY_SCHEMA.doc, default={}),
    Field("power", Section(POWER_SCHEMA), POWER_SCHEMA.doc, default={}),
    Field("devices", Section(DEVICES_SCHEMA), DEVICES_SCHEMA.doc, default={}),
    Field("cards", Section(CARDS_SCHEMA), CARDS_SCHEMA.doc, default={}),
    Field("hub", Section(HUB_SCHEMA), HUB_SCHEMA.doc, default={}),
    Field("roster", Nullable(FilePath()),
          "The class list, a CSV with columns learner_id,name (kept on this kiosk only); null = none.",
          default=None),
    Field("failure_notice_seconds", Number(minimum=0, maximum=60),
          "How long the notice stays when a media file cannot be played, before moving on.", default=4.0),
))


def project_root(config_path: Path) -> Path:
    """The folder a kiosk config's relative paths start from (see the module docstring)."""
    folder = config_path.absolute().parent
    return folder.parent if folder.name == "kiosk_config" else folder


def load_kiosk_config(path: Path) -> KioskConfig:
    """The kiosk config in `path`; raises ConfigError listing everything wrong with it."""
    config, problems = read_kiosk_config(path)
    if problems or config is None:
        raise ConfigError(problems)
    return config


def _clicker_ids(ids, root: Node, report: Reporter) -> tuple[str, ...]:
    """Teacher handset ids as the receivers report them (8 hex digits); bad ones are problems."""
    from cinema.devices.clickers.protocol import normalize_clicker

    out = []
    for text in ids:
        try:
            out.append(normalize_clicker(str(text)))
        except ValueError:
            line = root.value["devices"].line if isinstance(root.value, dict) and "devices" in root.value else 0
            report.add(line, "devices.teacher_clickers", _("{value!r} is not a handset id").format(value=text),
                       _("use the id `cinema devices --listen` prints (1 to 8 hex digits)"))
    return tuple(out)


def read_kiosk_config(path: Path) -> tuple[KioskConfig | None, list[Problem]]:
    """The config (built from defaults where values are wrong) and its problems; never raises.

    The config is None only when the file cannot be read as YAML at all.
    """
    path = Path(path).absolute()
    report = Reporter(path)
    root = read_yaml_file(path, report)
    if root is None:
        return None, report.problems
    root_dir = project_root(path)
    v = KIOSK_SCHEMA.read(root, Context(report, root_dir))
    display = _section(v, "display", DISPLAY_SCHEMA)
    power = _section(v, "power", POWER_SCHEMA)
    devices = _section(v, "devices", DEVICES_SCHEMA)
    cards = _section(v, "cards", CARDS_SCHEMA)
    hub = _section(v, "hub", HUB_SCHEMA)
    _check_together(display, power, root, report)
    _check_wifi(hub, root, report)
    # Defaults are relative and a missing playlist is None: anchor them all at the root.
    paths = {name: root_dir / (v[name] or "") for name in ("journal", "playlist", "playlists_dir", "activities_dir")}
    _check_paths(paths, v["playlist"] is not None, root_dir, root, report)

    config = KioskConfig(
        kiosk_id=v["kiosk_id"] or "",
        language=v["language"],
        teacher_pin=v["teacher_pin"] or "",
        journal=paths["journal"],
        playlist=paths["playlist"],
        playlists_dir=paths["playlists_dir"],
        activities_dir=paths["activities_dir"],
        media_dirs=tuple(root_dir / p for p in v["media_dirs"]),
        display=DisplayConfig(**display),
        power=PowerConfig(warn_percent=float(power["warn_percent"]),
                          critical_percent=float(power["critical_percent"]), source=power["source"],
                          nut_ups=power["nut_ups"], vedirect_port=power["vedirect_port"],
                          read_every=float(power["read_every"]),
                          simulated_percent=float(power["simulated_percent"]),
                          simulated_drain_per_hour=float(power["simulated_drain_per_hour"])),
        devices=DevicesConfig(clickers=tuple(devices["clickers"]), scanners=tuple(devices["scanners"]),
                              camera=None if devices["camera"] is None else str(devices["camera"]),
                              teacher_clickers=_clicker_ids(devices["teacher_clickers"], root, report),
                              pairing=devices["pairing"],
                              keypads=tuple(devices["keypads"]), presenters=tuple(devices["presenters"]),
                              usb_stick=None if devices["usb_stick"] is None else Path(devices["usb_stick"])),
        cards=CardsConfig(program=cards["program"] or "DEMO", keys=Path(cards["keys"]),
                          names_on_cards=bool(cards["names_on_cards"])),
        hub=HubConfig(enabled=bool(hub["enabled"]), host=hub["host"], port=int(hub["port"]),
                      wifi_name=hub["wifi_name"], wifi_password=hub["wifi_password"],
                      wifi_security=hub["wifi_security"], teacher_minutes=float(hub["teacher_minutes"]),
                      max_phones=int(hub["max_phones"]), take_home_kbps=int(hub["take_home_kbps"])),
        roster=v.get("roster"),
        failure_notice_seconds=float(v["failure_notice_seconds"]),
        source=path,
    )
    return config, report.problems


def _section(values: dict, name: str, schema: Schema) -> dict:
    """A nested block's values, with every default filled in when the block was absent."""
    defaults = {f.name: f.default for f in schema.fields}
    return {**defaults, **(values.get(name) or {})}


def _check_together(display: dict, power: dict, root: Node, report: Reporter) -> None:
    """Values that are fine alone but not together."""
    if power["critical_percent"] >= power["warn_percent"]:
        report.add(root.line_of("power", "critical_percent"), "power.critical_percent",
                   _("({critical}) must be below warn_percent ({warn})").format(
                       critical=power["critical_percent"], warn=power["warn_percent"]),
                   _("lower critical_percent or raise warn_percent"))
    if (display["width"] == 0) != (display["height"] == 0):
        report.add(root.line_of("display", "width"), "display.width",
                   _("width and height must both be 0 (the screen's size) or both be set"),
                   _("set both, or set both to 0"))


def _check_wifi(hub: dict, root: Node, report: Reporter) -> None:
    """The Wi-Fi QR code must join the network: a name phones can show, and a password that fits its security."""
    name, password, security = hub["wifi_name"], hub["wifi_password"], hub["wifi_security"]
    if len(name.encode("utf-8")) > 32:
        report.add(root.line_of("hub", "wifi_name"), "hub.wifi_name",
                   _("is longer than a Wi-Fi name can be (32 bytes)"),
                   _("copy the network's name exactly as phones list it"))
    if not name:
        if password:
            report.add(root.line_of("hub", "wifi_password"), "hub.wifi_password",
                       _("a password without wifi_name: the projector cannot show a Wi-Fi code"),
                       _("add `wifi_name:` (the network's name), or remove the password"))
        return
    where = root.line_of("hub", "wifi_password") if password else root.line_of("hub", "wifi_name")
    if security != "nopass" and not password:
        report.add(where, "hub.wifi_password",
                   _("{security} network with no wifi_password: phones cannot join from the code").format(
                       security=security),
                   _("add `wifi_password:` (in quotes), or set wifi_security: nopass for an open network"))
    elif security == "nopass" and password:
        report.add(where, "hub.wifi_password", _("a password on an open network (wifi_security: nopass)"),
                   _("set wifi_security: WPA, or remove the password"))
    elif security == "WPA" and not 8 <= len(password) <= 63:
        report.add(where, "hub.wifi_password",
                   _("a WPA password has 8 to 63 characters, this one has {n}").format(n=len(password)),
                   _("copy the network's password exactly, in quotes"))
    elif security == "WEP" and not (len(password) in (5, 13) or (
            len(password) in (10, 26) and all(c in "0123456789abcdefABCDEF" for c in password))):
        report.add(where, "hub.wifi_password",
                   _("a WEP password has 5 or 13 characters (or 10 or 26 hex digits), this one has {n}").format(
                       n=len(password)),
                   _("copy the network's password exactly, in quotes"))


def _check_paths(paths: dict[str, Path], playlist_given: bool, root_dir: Path, root: Node, report: Reporter) -> None:
    root_shown = display_path(root_dir)
    for name in ("playlists_dir", "activities_dir"):
        if not paths[name].is_dir():
            report.add(root.line_of(name), name,
                       _("folder not found: {folder}").format(folder=display_path(paths[name])),
                       _("create it or correct the path (relative to {root})").format(root=root_shown))
    if playlist_given and not paths["playlist"].is_file():
        folder = paths["playlists_dir"]
        candidates = [p.name for p in folder.glob("*.y*ml")] if folder.is_dir() else []
        report.add(root.line_of("playlist"), "playlist",
                   _("playlist not found: {file}").format(file=display_path(paths["playlist"])),
                   did_you_mean(paths["playlist"].name, candidates)
                   or _("correct the path (relative to {root})").format(root=root_shown))
    if paths["journal"].is_dir():
        report.add(root.line_of("journal"), "journal", _("is a folder; it must name a file"),
                   _("add a file name, e.g. var/journal.sqlite"))
