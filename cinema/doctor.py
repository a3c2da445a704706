"""`cinema doctor`: check, in plain words, that this laptop has everything a lesson needs."""

from __future__ import annotations

import glob
import importlib.util
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from cinema.config.locate import locate_config
from cinema.locale.runtime import gettext as _

SERVICE = "learning-cinema.service"
KIOSK_USER = "cinema"  # the user deploy/install.sh makes; the kiosk service runs as it
LOW_DISK_BYTES = 500 * 1024 * 1024  # about 20 hours of journal and a few lesson videos
FULL_DISK_BYTES = 50 * 1024 * 1024  # below this the journal may fail to save answers
CAMERA_SECONDS = 3  # the longest the camera check waits for pictures
RUN_SECONDS = 10.0  # the longest a system command may take to answer (nmcli, iw, systemctl)
RENDER_NODE = "/dev/dri/renderD128"  # the graphics chip VA-API decodes video on
MEDIA_KEY = re.compile(r"(^|\.)(media|slides|subtitles|image|low_power)(\[\d+\])?$")


class Status(Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


MARKS = {Status.OK: "✓", Status.WARN: "!", Status.FAIL: "✗"}


@dataclass(frozen=True)
class Check:
    """One thing looked at: `id` is stable for scripts, `name` and the texts are for people."""

    id: str
    name: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{MARKS[self.status]} {self.name}: {self.message}"
        return f"{text} — {self.fix}" if self.fix and self.status is not Status.OK else text


@dataclass(frozen=True)
class Machine:
    """What the checks look at on this laptop; tests pass a pretend one."""

    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    which: Callable[[str], str | None] = shutil.which
    exists: Callable[[str], bool] = os.path.exists
    find: Callable[[str], list[str]] = glob.glob
    disk_free: Callable[[str], int] = lambda path: shutil.disk_usage(path).free
    load_vlc: Callable[[], str | None] = lambda: _load_vlc()
    has_module: Callable[[str], bool] = lambda name: importlib.util.find_spec(name) is not None
    font_dirs: tuple[str, ...] | None = None  # None: the display's own search folders
    receivers: Callable[[], list[str]] = lambda: _plugged_receivers()
    battery: Callable[[Any], Any] = lambda power: _read_power(power)
    user: str | None = None  # who runs the kiosk; None: the `cinema` user if it exists, else me
    groups_of: Callable[[str], set[str] | None] = lambda user: _groups_of(user)
    run: Callable[[list[str]], tuple[int, str]] = lambda argv: _run(argv)
    may: Callable[[Path, str | None, str], bool] = lambda path, user, how: _may(path, user, how)
    noise: Callable[[Path], list[Mapping[str, Any]]] = lambda journal: _recent_noise(journal)
    read_text: Callable[[str], str | None] = lambda path: _read_text(path)  # None: no such file
    hub_url: Callable[[Path], str | None] = lambda journal: _last_hub_url(journal)
    # A camera's picture, judged from the frames it gives within a few seconds (None: no frames)
    camera_look: Callable[[str], Any] = lambda path: _camera_look(path)


def run_checks(config_path: Path, machine: Machine | None = None) -> list[Check]:
    """Every check, in the order a person fixes things: settings, content, programs, devices, start."""
    m = machine or Machine()
    config_path = Path(config_path)
    checks: list[Check] = []
    config = None
    if not config_path.is_file():
        checks.append(Check("config", _("Settings"), Status.FAIL,
                            _("no settings file at {file}").format(file=config_path),
                            _("install the kiosk with deploy/install.sh, or name the file: --config FILE")))
    else:
        config, more = _config_checks(config_path)
        checks += more
    checks.append(_vlc_check(m))
    checks.append(_decoding_check(config.display.hardware_decoding if config else "auto", m))
    checks.append(_fonts_check(m))
    if config is not None:
        user = _kiosk_user(m)
        checks += _journal_checks(config.journal, user, m)
        checks.append(_card_key_check(config.cards.keys, user, m))
        checks += _device_checks(config.devices, m)
        checks.append(_noise_check(config.journal, m))
        checks.append(_battery_check(config.power, m))
        checks.append(_energy_check(config.journal, m))
        checks += _phone_checks(config.hub, m, config.journal)
    checks.append(_access_check(config.devices if config else None, m))
    checks.append(_import_check(m))
    checks.append(_screen_check(m))
    checks += _lesson_screen_checks(m)
    checks.append(_service_check(m))
    return checks


# ---- settings and content ------------------------------------------------------------------


def _config_checks(path: Path) -> tuple[Any, list[Check]]:
    from cinema.config import check_all, read_kiosk_config

    config, _problems = read_kiosk_config(path)
    problems = check_all(path)
    media = [p for p in problems if MEDIA_KEY.search(p.key)]
    other = [p for p in problems if p not in media]
    checks = []
    if other:
        checks.append(Check("config", _("Settings and lessons"), Status.FAIL,
                            _("{count} problem(s), the first: {problem}").format(count=len(other), problem=other[0]),
                            _("run `cinema check` to see them all")))
    else:
        checks.append(Check("config", _("Settings and lessons"), Status.OK, _("no mistakes found")))
    if media:
        checks.append(Check("media", _("Media files"), Status.FAIL,
                            _("{count} missing or broken, the first: {problem}").format(count=len(media),
                                                                                         problem=media[0]),
                            _("copy the lesson files again, then run `cinema check`")))
    else:
        checks.append(Check("media", _("Media files"), Status.OK, _("every file the lessons name is there")))
    return config, checks


# ---- programs -----------------------------------------------------------------------------


def _load_vlc() -> str | None:
    """None when VLC can play here; otherwise why not."""
    try:
        import vlc

        instance = vlc.Instance("--quiet", "--no-video-title-show")
    except Exception as exc:  # noqa: BLE001 - python-vlc raises OSError, NameError, AttributeError without libvlc
        return f"{type(exc).__name__}: {exc}"
    if instance is None:
        return "libvlc_new failed"
    instance.release()
    return None


def _vlc_check(m: Machine) -> Check:
    name = _("Video player (VLC)")
    error = m.load_vlc()
    if error is None:
        return Check("vlc", name, Status.OK, _("ready"))
    return Check("vlc", name, Status.FAIL, _("VLC cannot start ({error})").format(error=error),
                 _("install it: sudo apt install libvlc5 vlc-plugin-base vlc-plugin-video-output"))


def _decoding_check(setting: str, m: Machine) -> Check:
    """Whether VLC can decode video on the graphics chip here (VA-API); the kiosk falls back by itself,
    but decoding on the processor costs battery."""
    name = _("Video decoding")
    if setting == "off":
        return Check("decoding", name, Status.OK, _("on the processor (hardware_decoding: off in the settings)"))
    if not m.exists(RENDER_NODE):
        return Check("decoding", name, Status.OK, _("on the processor: no graphics chip for video here ({node})")
                     .format(node=RENDER_NODE))
    if not m.which("vainfo"):
        return Check("decoding", name, Status.OK, _("a graphics chip is there ({node}); whether it decodes video is "
                                                    "not known").format(node=RENDER_NODE),
                     _("to find out: sudo apt install vainfo, then cinema doctor again"))
    code, out = m.run(["vainfo"])
    if code == 0 and "VAProfileH264" in out and "VAEntrypointVLD" in out:
        return Check("decoding", name, Status.OK, _("on the graphics chip (VA-API decodes H.264 videos)"))
    return Check("decoding", name, Status.WARN, _("on the processor: VA-API does not decode H.264 videos here "
                                                  "(more battery)"),
                 _("install the graphics chip's video driver: sudo apt install intel-media-va-driver "
                   "(Intel) or mesa-va-drivers (AMD)"))


def _import_check(m: Machine) -> Check:
    """`cinema import` needs ffmpeg (probe, check and convert media); presentations need LibreOffice."""
    name = _("Making lessons")
    if not (m.which("ffmpeg") and m.which("ffprobe")):
        return Check("import", name, Status.WARN, _("ffmpeg is not installed: new videos cannot be checked or "
                                                    "converted here"), _("install it: sudo apt install ffmpeg"))
    if not (m.which("soffice") or m.which("libreoffice")):
        return Check("import", name, Status.OK, _("ready for folders, PDFs, spreadsheets and Kolibri; presentations "
                                                  "need LibreOffice (or save them as PDF)"))
    return Check("import", name, Status.OK, _("ready for folders, PDFs, presentations, spreadsheets and Kolibri"))


def _fonts_check(m: Machine) -> Check:
    from cinema.display.fonts import DEFAULT_SEARCH_DIRS, REGULAR_CHAIN, find_fonts

    name = _("Fonts")
    found = {os.path.basename(p) for p in find_fonts(REGULAR_CHAIN, m.font_dirs or DEFAULT_SEARCH_DIRS)}
    has_latin = "NotoSans-Regular.ttf" in found or "DejaVuSans.ttf" in found
    has_arabic = "NotoSansArabic-Regular.ttf" in found or "DejaVuSans.ttf" in found
    fix = _("install them: sudo apt install fonts-noto-core fonts-dejavu-core")
    if not (has_latin and has_arabic):
        return Check("fonts", name, Status.FAIL, _("no font for Arabic or Cyrillic letters"), fix)
    missing = [f for f in ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf") if f not in found]
    if missing:
        return Check("fonts", name, Status.WARN,
                     _("Noto fonts missing ({files}); a plainer font is used").format(files=", ".join(missing)), fix)
    return Check("fonts", name, Status.OK, _("Latin, Arabic and Cyrillic letters can be shown"))


# ---- journal and card key ---------------------------------------------------------------


def _existing_parent(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _journal_checks(journal: Path, user: str | None, m: Machine) -> list[Check]:
    name = _("Journal")
    folder = _existing_parent(journal.parent)
    checks = []
    # The file too: one made by `sudo cinema run` is root's, in a folder the kiosk may write.
    if not m.may(folder, user, "w") or (journal.exists() and not m.may(journal, user, "w")):
        checks.append(Check("journal", name, Status.FAIL,
                            _("cannot write in {folder}: answers and attendance would be lost").format(folder=folder),
                            _("run deploy/install.sh again, or point `journal:` at a folder you can write to")))
    else:
        checks.append(Check("journal", name, Status.OK, _("can be saved in {folder}").format(folder=journal.parent)))
    checks += _kept_aside(journal, m)
    try:
        free = m.disk_free(str(folder))
    except OSError:
        return checks
    shown = _("{mb} MB free").format(mb=free // (1024 * 1024))
    disk = _("Free space")
    if free < FULL_DISK_BYTES:
        checks.append(Check("disk", disk, Status.FAIL, shown, _("delete old videos or copies; export old journals")))
    elif free < LOW_DISK_BYTES:
        checks.append(Check("disk", disk, Status.WARN, shown, _("make room: at least 500 MB is safer")))
    else:
        checks.append(Check("disk", disk, Status.OK, shown))
    return checks


def _kept_aside(journal: Path, m: Machine) -> list[Check]:
    """Records a full disk kept out of the journal, and damaged journals the kiosk set aside."""
    from cinema.journal.spill import spill_patterns

    checks = []
    spills = sorted({f for pattern in spill_patterns(journal) for f in m.find(pattern)})
    if spills:
        checks.append(Check("journal_spill", _("Records outside the journal"), Status.WARN,
                            _("{count} file(s) of records the full disk could not take, the first: {file}").format(
                                count=len(spills), file=spills[0]),
                            _("make room, then start the kiosk: they are added to the journal")))
    damaged = sorted(f for f in m.find(str(journal.parent / f"{journal.name}.damaged-*"))
                     if not f.endswith(("-wal", "-shm")))
    if damaged:
        checks.append(Check("journal_damaged", _("Damaged journal"), Status.WARN,
                            _("{count} damaged journal(s) kept aside, the first: {file}").format(
                                count=len(damaged), file=damaged[0]),
                            _("give it to your supervisor: `cinema report` reads what is left in it")))
    return checks


def _card_key_check(keys: Path, user: str | None, m: Machine) -> Check:
    name = _("Card key")
    fix = _("copy the programme's key file here (or make one with `cinema cards`)")
    if not keys.is_file():
        return Check("card_key", name, Status.WARN,
                     _("no key file at {file}: children's cards cannot be read").format(file=keys), fix)
    if not m.may(keys, user, "r"):
        return Check("card_key", name, Status.FAIL, _("{file} cannot be read").format(file=keys),
                     _("run deploy/install.sh again to fix its permissions"))
    return Check("card_key", name, Status.OK, _("present"))


# ---- devices --------------------------------------------------------------------------------


def _device_checks(devices: Any, m: Machine) -> list[Check]:
    checks = [_clickers_check(devices.clickers, m)]
    if devices.scanners:
        checks.append(_paths_check("scanners", _("Card scanners"), devices.scanners, m))
    checks.append(_camera_check(devices.camera, m))
    hid = tuple(devices.keypads) + tuple(devices.presenters)
    if hid:
        checks.append(_paths_check("keypads", _("Keypads and remotes"), hid, m))
        if m.has_module("evdev"):
            checks.append(Check("evdev", _("Keypad support"), Status.OK, _("installed")))
        else:
            checks.append(Check("evdev", _("Keypad support"), Status.FAIL,
                                _("keypads are set but the evdev package is missing: they will not work"),
                                _("run deploy/install.sh again (it installs evdev)")))
    return checks


def _noise_check(journal: Path, m: Machine) -> Check:
    """A device that sent mostly junk in the last lesson (the journal's `device.noise` summaries)."""
    name = _("Noisy devices")
    noisy: dict[str, int] = {}
    for summary in m.noise(journal):
        if summary.get("noisy") is True and isinstance(summary.get("device"), str):
            junk = summary.get("junk", 0) + summary.get("refused", 0)
            noisy[summary["device"]] = noisy.get(summary["device"], 0) + (junk if type(junk) is int else 0)
    if not noisy:
        return Check("noise", name, Status.OK, _("no device sent junk in the last lesson"))
    device, junk = max(noisy.items(), key=lambda kv: kv[1])
    return Check("noise", name, Status.WARN,
                 _("{device} sent mostly junk in the last lesson ({count} lines thrown away)").format(
                     device=device, count=junk),
                 _("check its cable and its settings (a scanner must end each code with Enter); "
                   "unplug it if it is not used"))


def _recent_noise(journal: Path, limit: int = 1000) -> list[Mapping[str, Any]]:
    """The `device.noise` payloads of the journal's last session (read-only; [] when there is none)."""
    import sqlite3

    if not journal.is_file():
        return []
    try:
        db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=2.0)
        try:
            last = db.execute("SELECT session_id FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            if last is None:
                return []
            rows = db.execute("SELECT payload FROM records WHERE session_id = ? AND kind = 'device.noise' "
                              "ORDER BY seq DESC LIMIT ?", (last[0], limit)).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return []  # a damaged or locked journal: the journal check speaks for it
    out = []
    for (payload,) in rows:
        try:
            data = json.loads(payload)
        except (TypeError, ValueError):
            continue
        if isinstance(data, dict):
            out.append(data)
    return out


def _clickers_check(ports: Iterable[str], m: Machine) -> Check:
    name = _("Clicker receivers")
    ports = tuple(ports)
    if ports:
        return _paths_check("clickers", name, ports, m)
    found = m.receivers()
    if found:
        return Check("clickers", name, Status.OK, _("found: {ports}").format(ports=", ".join(found)))
    return Check("clickers", name, Status.WARN, _("none plugged in; clickers will not work until one is"),
                 _("plug in the receiver, then run `cinema devices`"))


def _paths_check(check_id: str, name: str, paths: Iterable[str], m: Machine) -> Check:
    # Port URLs (socket://, sim://) are not files; only device paths can be looked for.
    absent = [p for p in paths if p.startswith("/") and not m.exists(p)]
    if absent:
        return Check(check_id, name, Status.WARN, _("not plugged in: {paths}").format(paths=", ".join(absent)),
                     _("plug it in, or run `cinema devices` to see the right name"))
    return Check(check_id, name, Status.OK, _("plugged in"))


def _camera_check(camera: str | None, m: Machine) -> Check:
    """The camera named in the settings: there, giving pictures, and good enough for answer cards
    at the back of the class (bright enough, in focus, wide enough: camera_check)."""
    name = _("Camera")
    if camera is None:
        return Check("camera", name, Status.OK, _("none set (cards are read by a scanner or not at all)"))
    path = f"/dev/video{camera}" if camera.isdigit() else camera
    if not m.exists(path):
        return Check("camera", name, Status.WARN, _("not found: {path}").format(path=path),
                     _("plug in the webcam, or run `cinema devices` to see its name"))
    look = m.camera_look(path)
    if look is None:
        return Check("camera", name, Status.WARN,
                     _("{path} gave no picture in {seconds} s").format(path=path, seconds=CAMERA_SECONDS),
                     _("close any program using it (a video call, or the kiosk itself), then look at it with "
                       "`cinema devices --camera`"))
    from cinema.devices.cards.camera_check import verdict

    good, said, fix = verdict(look)
    if good:
        return Check("camera", name, Status.OK, f"{path}: {said}")
    return Check("camera", name, Status.WARN, f"{path}: {said}",
                 _("{fix}; `cinema devices --camera` shows its picture").format(fix=fix))


def _camera_look(path: str) -> Any:
    """A few frames from the camera at `path`, judged (camera_check); None when none came in time."""
    from cinema.devices.cards.camera_check import grab_frames, look_at_frames
    from cinema.devices.cards.sources import open_camera

    return look_at_frames(grab_frames(lambda: open_camera(path), seconds=CAMERA_SECONDS))


def _kiosk_user(m: Machine) -> str | None:
    if m.user:
        return m.user
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name if hasattr(os, "getuid") else None
    if me == "root":
        try:
            pwd.getpwnam(KIOSK_USER)
            return KIOSK_USER
        except KeyError:
            pass
    return me


def _access_check(devices: Any, m: Machine) -> Check:
    name = _("Device access")
    user = _kiosk_user(m)
    if user is None or user == "root":
        return Check("groups", name, Status.OK, _("root can open every device"))
    groups = m.groups_of(user)
    if groups is None:
        return Check("groups", name, Status.FAIL, _("there is no user {user}").format(user=user),
                     _("run deploy/install.sh again"))
    needed = {"dialout": _("clicker receivers"), "video": _("the camera")}
    if devices is None or devices.keypads or devices.presenters:
        needed["input"] = _("keypads")
    missing = [g for g in needed if g not in groups]
    if not missing:
        return Check("groups", name, Status.OK, _("{user} may use receivers, camera and keypads").format(user=user))
    return Check("groups", name, Status.FAIL,
                 _("{user} cannot use {what}").format(user=user, what=", ".join(needed[g] for g in missing)),
                 _("sudo usermod -aG {groups} {user}, then restart").format(groups=",".join(missing), user=user))


def _energy_check(journal: Path, m: Machine) -> Check:
    """Whether the battery estimate uses figures measured on this laptop (`cinema doctor --energy`)."""
    from cinema.energy_file import NOT_MEASURED, parse_rates, rates_path

    name = _("Energy figures")
    path = rates_path(journal)
    rates, problem = parse_rates(m.read_text(str(path)))
    if problem == NOT_MEASURED:
        return Check("energy", name, Status.OK, _("not measured here: the battery estimate uses typical figures "
                                                  "(`cinema doctor --energy` measures this laptop)"))
    if problem:
        return Check("energy", name, Status.WARN,
                     _("{file} cannot be used ({problem}): the battery estimate uses typical figures").format(
                         file=path, problem=problem), _("run `cinema doctor --energy` again"))
    return Check("energy", name, Status.OK, _("measured on this laptop ({when})").format(when=rates.note or "?"))


def _battery_check(power: Any, m: Machine) -> Check:
    """Reads the battery the way the kiosk will (the configured source), once."""
    name = _("Battery")
    source = power.source
    if source in ("none", "simulated"):
        what = _("not watched (power.source is none)") if source == "none" else \
            _("a pretend battery (for training only)")
        return Check("battery", name, Status.WARN, what, _("set power.source to auto"))
    try:
        reading = m.battery(power)
    except Exception:  # noqa: BLE001 - a battery that reads nonsense is "not found", not a crash
        reading = None
    if reading is not None and getattr(reading, "percent", None) is not None:
        where = getattr(reading, "source", "") or ""
        return Check("battery", name, Status.OK, f"{float(reading.percent):.0f}% {where}".strip())
    if source == "nut":
        return Check("battery", name, Status.FAIL, _("no UPS answers: is the UPS plugged in and NUT set up?"),
                     _("check the UPS cable, then: sudo systemctl restart nut-server"))
    if source == "vedirect":
        return Check("battery", name, Status.WARN, _("no Victron VE.Direct cable found"),
                     _("plug in the cable; run deploy/install.sh if it still is not found"))
    return Check("battery", name, Status.WARN, _("no battery found: no warning before the power runs out"),
                 _("fine on mains; on battery, check the laptop's battery is in"))


# ---- phones: the Wi-Fi they join and the hub (cinema/hub, deploy/wifi) ---------------------------

HOTSPOT_PHONES = 8  # laptop hotspots often stop at 8 to 10 phones
LEASES = "/var/lib/NetworkManager/dnsmasq-{device}.leases"  # NetworkManager's shared-mode dnsmasq


@dataclass(frozen=True)
class WifiWay:
    """How phones reach this laptop: "hotspot" (its own access point), "router" (on a Wi-Fi network as a
    client: the travel router's), "cable" (a wired network only), "none", or "unknown" (`why`)."""

    kind: str
    name: str = ""  # the network's name (SSID), or the wired connection's
    device: str = ""
    why: str = ""


def _nm_rows(m: Machine, argv: list[str]) -> list[list[str]] | None:
    """The rows of a terse `nmcli -t ...` answer, each split at the colons it does not escape; None when
    nmcli failed (NetworkManager not running, or no answer within _run's time limit)."""
    code, out = m.run(["nmcli", "-t", *argv])
    if code != 0:
        return None
    rows = []
    for line in out.splitlines():
        fields, field, escaped = [], "", False
        for ch in line:
            if escaped:
                field, escaped = field + ch, False
            elif ch == "\\":
                escaped = True
            elif ch == ":":
                fields.append(field)
                field = ""
            else:
                field += ch
        rows.append([*fields, field])
    return rows


def wifi_way(m: Machine) -> WifiWay:
    """Which way phones join, from NetworkManager's active connections (a hotspot first)."""
    if not m.which("nmcli"):
        return WifiWay("unknown", why="nmcli")
    active = _nm_rows(m, ["-f", "NAME,TYPE,DEVICE", "connection", "show", "--active"])
    if active is None:
        return WifiWay("unknown", why="nm")
    client, cable = None, None
    for row in active:
        if len(row) < 3:
            continue
        name, kind, device = row[:3]
        if kind in ("802-11-wireless", "wifi"):
            props = _nm_rows(m, ["-f", "802-11-wireless.mode,802-11-wireless.ssid", "connection", "show",
                                 "id", name]) or []
            values = {r[0]: r[1] for r in props if len(r) >= 2}
            ssid = values.get("802-11-wireless.ssid", "") or name
            if values.get("802-11-wireless.mode") == "ap":
                return WifiWay("hotspot", ssid, device)
            client = client or WifiWay("router", ssid, device)
        elif kind in ("802-3-ethernet", "ethernet") and cable is None:
            cable = WifiWay("cable", name, device)
    return client or cable or WifiWay("none")


def hotspot_phones(device: str, m: Machine) -> int | None:
    """Phones on the laptop's hotspot now: its Wi-Fi stations (`iw`), else the addresses its DHCP gave
    out (which also counts phones gone since); None when neither can say."""
    if m.which("iw"):
        code, out = m.run(["iw", "dev", device, "station", "dump"])
        if code == 0:
            return sum(1 for line in out.splitlines() if line.startswith("Station "))
    leases = m.read_text(LEASES.format(device=device))
    if leases is not None:
        return sum(1 for line in leases.splitlines() if line.strip())
    return None


def _kernel_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as /proc/net/tcp{,6} writes it: hex, each 32-bit word in the machine's byte order."""
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        return None
    words = b"".join(raw[i:i + 4][::-1] if sys.byteorder == "little" else raw[i:i + 4] for i in range(0, len(raw), 4))
    if len(words) == 4:
        return ipaddress.IPv4Address(words)
    if len(words) == 16:
        six = ipaddress.IPv6Address(words)
        return six.ipv4_mapped or six
    return None


def hub_sockets(port: int, m: Machine) -> tuple[bool, int]:
    """(something listens on `port`, how many other addresses are connected to it): the phones with the
    hub's page open, read from the kernel's socket tables (whichever user runs the kiosk)."""
    listening, peers, mine = False, set(), set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in (m.read_text(table) or "").splitlines()[1:]:
            parts = line.split()
            if len(parts) < 4 or ":" not in parts[1] or ":" not in parts[2]:
                continue
            (local, local_port), state = parts[1].rsplit(":", 1), parts[3]
            mine.add(_kernel_address(local))  # every address a socket here has is this laptop's
            if local_port.upper() != f"{port:04X}":
                continue
            if state == "0A":  # listening
                listening = True
            elif state == "01":  # a connection
                peers.add(_kernel_address(parts[2].rsplit(":", 1)[0]))
    # a phone's, unless from this laptop itself (a browser on the kiosk, a test)
    phones = {p for p in peers if p is not None and not p.is_loopback and p not in mine}
    return listening, len(phones)


def _last_hub_url(journal: Path, limit: int = 200) -> str | None:
    """The address the hub last said it serves at (its `hub.note` "started"), unless it said "stopped"
    since; None when the journal has neither (read-only)."""
    import sqlite3

    if not journal.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=2.0)
        try:
            rows = db.execute("SELECT payload FROM records WHERE kind = 'hub.note' ORDER BY seq DESC LIMIT ?",
                              (limit,)).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None  # a damaged or locked journal: the journal check speaks for it
    for (payload,) in rows:
        try:
            data = json.loads(payload)
        except (TypeError, ValueError):
            continue
        if isinstance(data, dict) and data.get("what") == "stopped":
            return None
        if isinstance(data, dict) and data.get("what") == "started" and isinstance(data.get("detail"), str):
            return data["detail"]
    return None


def _hub_port(url: str | None) -> int | None:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).port if url else None
    except ValueError:
        return None


def _phone_checks(hub: Any, m: Machine, journal: Path | None = None) -> list[Check]:
    """Which Wi-Fi phones join (the laptop's hotspot, a travel router, none) and how many are on it; then
    whether the hub serves (on the config's port, or where a running kiosk's hub said it started, as
    `cinema run --hub PORT` does) and how many phones have its page open. Warnings only with the hub on."""
    way = wifi_way(m)
    name = _("Wi-Fi for phones")
    problem = Status.WARN if hub.enabled else Status.OK
    if way.kind == "unknown":
        message = (_("cannot tell: NetworkManager's nmcli is not installed") if way.why == "nmcli"
                   else _("cannot tell: NetworkManager did not answer"))
        wifi = Check("wifi", name, problem, message, _('see "Wi-Fi for phones" in deploy/README.md'))
    elif way.kind == "hotspot":
        phones = hotspot_phones(way.device, m)
        if phones is None:
            message = _('laptop hotspot "{name}" on {device}').format(name=way.name, device=way.device)
        else:
            message = _('laptop hotspot "{name}" on {device}: {n} phone(s) connected').format(
                name=way.name, device=way.device, n=phones)
        full = phones is not None and phones >= HOTSPOT_PHONES
        wifi = Check("wifi", name, Status.WARN if full else Status.OK, message,
                     _("laptop hotspots often stop at 8 to 10 phones: for a whole class, use a travel router"))
    elif way.kind == "router":
        wifi = Check("wifi", name, Status.OK,
                     _('travel router / Wi-Fi "{name}" (the router knows how many phones are on it)').format(
                         name=way.name))
    elif way.kind == "cable":
        wifi = Check("wifi", name, Status.OK,
                     _("a cable network ({name}): phones join the Wi-Fi of the router at its other end").format(
                         name=way.name))
    else:
        wifi = Check("wifi", name, problem, _("none: no hotspot on this laptop and no Wi-Fi network joined"),
                     _("sudo bash deploy/wifi/hotspot.sh start, or join the travel router's Wi-Fi"))
    hub_name = _("Phones' hub")
    started = _hub_port(m.hub_url(journal)) if journal is not None else None
    port, (listening, phones) = hub.port, hub_sockets(hub.port, m)
    if not listening and started not in (None, hub.port):
        port, (listening, phones) = started, hub_sockets(started, m)
    if listening:
        served = _("serving on port {port}: {n} phone(s) with the page open").format(port=port, n=phones)
    elif hub.enabled:
        served = _("on, not serving now: it starts with the kiosk, on port {port}").format(port=hub.port)
    else:
        served = _("off: phones do not join (cinema run --hub {port}, or enabled: true in the hub: section)").format(
            port=hub.port)
    return [wifi, Check("hub", hub_name, Status.OK, served)]


# ---- screen and start at boot ------------------------------------------------------------


def _screen_check(m: Machine) -> Check:
    name = _("Screen")
    if m.environ.get("WAYLAND_DISPLAY") or m.environ.get("DISPLAY"):
        return Check("screen", name, Status.OK, _("a screen is available"))
    if m.which("cage") or (m.which("xinit") and m.which("Xorg")):  # the kiosk service draws with either
        return Check("screen", name, Status.OK, _("no screen in this terminal; the kiosk service opens its own"))
    return Check("screen", name, Status.WARN, _("no screen found, and cage is not installed"),
                 _("run deploy/install.sh, or start `cinema run` from the desktop"))


def _lesson_screen_checks(m: Machine) -> list[Check]:
    """How the kiosk service draws now, and why (cinema.doctor_screen); nothing when it has not run this boot."""
    from cinema.doctor_screen import STATE_FILE, judge, parse_state

    state = parse_state(m.read_text(STATE_FILE))
    if state is None:
        return []
    tools = {"cage": ("cage",), "x11": ("xinit", "Xorg")}
    found = judge(state, lambda session: all(m.which(tool) for tool in tools[session]))
    return [Check("lesson_screen", _("Lesson screen"), Status(found.status), found.message, found.fix)]


def _service_check(m: Machine) -> Check:
    name = _("Start at boot")
    # `systemctl is-enabled` reads the unit files: it answers in a chroot and before boot too.
    if not m.which("systemctl"):
        return Check("service", name, Status.WARN, _("this computer does not use systemd: start the kiosk by hand"),
                     _("run `cinema run`"))
    code, out = m.run(["systemctl", "is-enabled", SERVICE])
    state = out.strip().splitlines()[0] if out.strip() else ""
    if code == 0 and state in ("enabled", "static", "alias", "indirect"):
        return Check("service", name, Status.OK, _("the kiosk starts when the laptop is switched on"))
    if state in ("disabled", "masked"):
        return Check("service", name, Status.WARN, _("installed but switched off"),
                     f"sudo systemctl enable {SERVICE}")
    return Check("service", name, Status.WARN, _("not installed: the kiosk will not start by itself"),
                 _("run sudo bash deploy/install.sh"))


# ---- the system, for the real Machine ---------------------------------------------------------


def _plugged_receivers() -> list[str]:
    from cinema.devices.clickers.manager import system_ports
    from cinema.devices.listing import _serial_ports

    return [d["path"] for d in _serial_ports(system_ports) if d["kind"] == "receiver"]


def _read_power(power: Any, wait: float = 2.5) -> Any:
    """One reading from the source the config names (a Victron sends a block each second)."""
    import time

    from cinema.app.clocks import SystemClock
    from cinema.devices.power import open_power_source

    source = open_power_source(power, SystemClock())
    try:
        deadline = time.monotonic() + wait
        while True:
            reading = source.read()
            if reading is not None or time.monotonic() > deadline:
                return reading
            time.sleep(0.2)
    finally:
        source.close()


def _groups_of(user: str) -> set[str] | None:
    import grp
    import pwd

    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    names = {g.gr_name for g in grp.getgrall() if user in g.gr_mem}
    try:
        names.add(grp.getgrgid(entry.pw_gid).gr_name)
    except KeyError:
        pass
    return names


def _may(path: Path, user: str | None, how: str) -> bool:
    """Whether `user` (None: me) may read ("r") or write ("w") `path`, judged from its mode bits
    when the kiosk runs as someone else (root would pass every os.access test)."""
    import pwd

    try:
        me = pwd.getpwuid(os.getuid()).pw_name
        if user is None or user == me:
            return os.access(path, os.W_OK if how == "w" else os.R_OK)
        uid = pwd.getpwnam(user).pw_uid
        st = os.stat(path)
    except (KeyError, OSError):
        return False
    if uid == 0:
        return True
    import grp

    gids = {grp.getgrnam(g).gr_gid for g in (_groups_of(user) or set()) if _has_group(g)}
    bits = {"r": (0o400, 0o040, 0o004), "w": (0o200, 0o020, 0o002)}[how]
    if st.st_uid == uid:
        return bool(st.st_mode & bits[0])
    if st.st_gid in gids:
        return bool(st.st_mode & bits[1])
    return bool(st.st_mode & bits[2])


def _has_group(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _read_text(path: str, limit: int = 1 << 20) -> str | None:
    """A small system file's text (at most `limit` bytes); None when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(limit)
    except OSError:
        return None


def _run(argv: list[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return done.returncode, done.stdout


# ---- the command ------------------------------------------------------------------------------


def main_doctor(args: Any, machine: Machine | None = None, out=None) -> int:
    """`cinema doctor [--config FILE] [--json]`: one line per check; exit 1 if any failed. With
    `--energy`: measure what each kind of lesson item costs the battery here (cinema.doctor_energy)."""
    out = out or sys.stdout
    if getattr(args, "energy", False):
        from cinema.doctor_energy import main_energy

        return main_energy(args, out)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # the font check imports pygame
    config = locate_config(getattr(args, "config", None))
    checks = run_checks(config, machine)
    if getattr(args, "json", False):
        rows = [{**asdict(c), "status": c.status.value} for c in checks]
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    else:
        for c in checks:
            out.write(c.line() + "\n")
        failed = sum(c.status is Status.FAIL for c in checks)
        warned = sum(c.status is Status.WARN for c in checks)
        if failed:
            out.write(_("{failed} problem(s) to fix before a lesson, {warned} warning(s).").format(
                failed=failed, warned=warned) + "\n")
        else:
            out.write(_("Ready for a lesson ({warned} warning(s)).").format(warned=warned) + "\n")
    return 1 if any(c.status is Status.FAIL for c in checks) else 0
