"""A webcam's best mode and settings for reading cards: which format and size to ask for, and its V4L2 controls.

Answer cards are read across a room at full resolution (1080p where the camera gives it: a card's
code is ~25 px wide at 6 m, markers need ~17). Most USB webcams give 1080p or 720p at 30 fps only
as MJPEG (raw YUYV is 5-10 fps at those sizes over USB 2), so MJPEG is asked for first.

What a camera offers is read from `v4l2-ctl --list-formats-ext` when v4l2-ctl (package v4l-utils)
is installed, else by asking OpenCV for sizes and reading back what the driver gave. The parsing
and the choice are pure functions (tested on recorded output); only `read_modes`, `read_controls`
and `apply_controls` run the program, and none of them raises: a camera without a control, or a
laptop without v4l2-ctl, is logged and passed over.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger("cinema.camera")

BEST_SIZE = (1920, 1080)  # enough for cards at 6 m; a 4K webcam's frames would only cost decode time
# Below this a card held up for a second is seen in too few frames. Size comes first above it: a
# laptop camera's 1280x720 YUYV at 10 fps reads cards at 6 m, its 640x480 at 30 fps not past 3 m.
MIN_FPS = 10.0
WANTED_FPS = 30
RUN_SECONDS = 3.0  # the longest v4l2-ctl may take (a USB camera answers in milliseconds)
FORMAT_ORDER = ("MJPG", "YUYV")  # at the same size and rate: MJPEG leaves the USB bus room for 30 fps

Runner = Callable[[list[str]], "tuple[int, str]"]


@dataclass(frozen=True)
class Mode:
    """One picture format a camera offers: a FourCC, a size and its frame rates."""

    fourcc: str
    width: int
    height: int
    fps: tuple[float, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def best_fps(self) -> float:
        return max(self.fps, default=0.0)


@dataclass(frozen=True)
class Control:
    """One V4L2 control as `v4l2-ctl --list-ctrls-menus` shows it."""

    name: str
    kind: str  # int, bool, menu, intmenu, button, ...
    value: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None
    inactive: bool = False
    menu: dict[int, str] = field(default_factory=dict)


# ---- parsing v4l2-ctl's output (pure) --------------------------------------------------------

_FORMAT_LINE = re.compile(r"^\s*(?:\[\d+\]:|Pixel Format\s*:)\s*'([^']{1,4})'")
_SIZE_DISCRETE = re.compile(r"^\s*Size:\s*Discrete\s+(\d+)x(\d+)")
_SIZE_RANGE = re.compile(r"^\s*Size:\s*(?:Stepwise|Continuous)\s+(\d+)x(\d+)\s*-\s*(\d+)x(\d+)")
_INTERVAL = re.compile(r"^\s*Interval:.*?\(([\d.]+)(?:-[\d.]+)?\s*fps")


def parse_formats(text: str) -> list[Mode]:
    """The modes in `v4l2-ctl --list-formats-ext` output (old and new layouts). A stepwise range
    gives its largest size. Lines it does not know are skipped."""
    modes: list[Mode] = []
    fourcc: str | None = None
    size: tuple[int, int] | None = None
    rates: list[float] = []

    def close_size() -> None:
        nonlocal size, rates
        if fourcc and size:
            modes.append(Mode(fourcc, size[0], size[1], tuple(sorted(set(rates), reverse=True))))
        size, rates = None, []

    for line in text.splitlines():
        if m := _FORMAT_LINE.match(line):
            close_size()
            fourcc = m.group(1).strip()
        elif m := _SIZE_DISCRETE.match(line):
            close_size()
            size = int(m.group(1)), int(m.group(2))
        elif m := _SIZE_RANGE.match(line):
            close_size()
            size = int(m.group(3)), int(m.group(4))
        elif (m := _INTERVAL.match(line)) and size is not None:
            try:
                rates.append(round(float(m.group(1)), 3))
            except ValueError:
                pass
    close_size()
    return modes


_CONTROL_LINE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s+(?:0x[0-9a-f]+\s+)?\((\w+)\)\s*:(.*)$")
_MENU_LINE = re.compile(r"^\s*(-?\d+):\s*(.+?)\s*$")
_PAIR = re.compile(r"(\w+)=(-?\w+)")


def parse_controls(text: str) -> dict[str, Control]:
    """The controls in `v4l2-ctl --list-ctrls-menus` output, by name, each with its menu items."""
    controls: dict[str, Control] = {}
    current: Control | None = None
    for line in text.splitlines():
        if m := _CONTROL_LINE.match(line):
            name, kind, rest = m.group(1), m.group(2), m.group(3)
            pairs = dict(_PAIR.findall(rest))

            def number(key: str) -> int | None:
                try:
                    return int(pairs[key])
                except (KeyError, ValueError):
                    return None

            current = Control(name, kind, number("value"), number("min"), number("max"), number("default"),
                              "inactive" in pairs.get("flags", ""), {})
            controls[name] = current
        elif current is not None and current.kind in ("menu", "intmenu") and (m := _MENU_LINE.match(line)):
            current.menu[int(m.group(1))] = m.group(2)
        elif line.strip() and not line.startswith((" ", "\t")):
            current = None  # a heading such as "User Controls"
    return controls


# ---- choosing (pure) ---------------------------------------------------------------------------


def best_mode(modes: Sequence[Mode], cap: tuple[int, int] = BEST_SIZE, min_fps: float = MIN_FPS) -> Mode | None:
    """The mode to read cards with: the largest size up to `cap` (1080p) that gives at least
    `min_fps`, MJPEG before YUYV at the same size; when no size is that fast, the largest up to
    `cap`. None when the list is empty."""
    fitting = [m for m in modes if m.width <= cap[0] and m.height <= cap[1]] or list(modes)
    if not fitting:
        return None

    def order(m: Mode) -> tuple:
        fmt = FORMAT_ORDER.index(m.fourcc) if m.fourcc in FORMAT_ORDER else len(FORMAT_ORDER)
        return (m.best_fps >= min_fps or not m.fps, m.width * m.height, -fmt, m.best_fps)

    return max(fitting, key=order)


@dataclass(frozen=True)
class Setting:
    """One control to set, and why (for the log)."""

    name: str
    value: int
    why: str


def card_settings(controls: dict[str, Control]) -> list[Setting]:
    """The controls to set for reading cards, from those this camera has (old and new names):

    - exposure automatic, aperture priority (the camera picks the exposure time; manual needs a
      person to set it for every room);
    - exposure's priority on frame rate off: in a dim room a camera otherwise halves its frame
      rate to 15 fps to brighten the picture, and a card held up briefly is seen half as often;
    - continuous autofocus on (children sit at 2-6 m: one fixed focus would not do for all);
    - power-line frequency: "auto" where the camera has it; otherwise the camera's own setting
      is kept unless it is off, then 50 Hz (the mains of most of the programme's countries):
      fluorescent tubes flicker as bands across the picture otherwise.
    """
    out: list[Setting] = []

    def first(*names: str) -> Control | None:
        return next((controls[n] for n in names if n in controls), None)

    exposure = first("auto_exposure", "exposure_auto")
    if exposure is not None:
        # V4L2_EXPOSURE_APERTURE_PRIORITY is 3; a camera whose menu has no such item is left alone
        aperture = _menu_value(exposure, "aperture priority") if exposure.menu else 3
        if aperture is not None:
            out.append(Setting(exposure.name, aperture, "exposure chosen by the camera"))
    priority = first("exposure_dynamic_framerate", "exposure_auto_priority")
    if priority is not None:
        out.append(Setting(priority.name, 0, "keep the frame rate in a dim room"))
    focus = first("focus_automatic_continuous", "focus_auto")
    if focus is not None:
        out.append(Setting(focus.name, 1, "continuous autofocus"))
    power = controls.get("power_line_frequency")
    if power is not None:
        auto = _menu_value(power, "auto")
        fifty = _menu_value(power, "50")
        if auto is not None:
            out.append(Setting(power.name, auto, "anti-flicker for the mains, found by the camera"))
        elif power.value == 0 and fifty is not None:
            out.append(Setting(power.name, fifty, "anti-flicker for 50 Hz lights"))
    return [s for s in out if controls[s.name].value != s.value]


def _menu_value(control: Control, words: str) -> int | None:
    return next((v for v, label in control.menu.items() if words in label.lower()), None)


# ---- running v4l2-ctl (tolerant) ----------------------------------------------------------------


def run_v4l2_ctl(argv: list[str]) -> tuple[int, str]:
    """Run v4l2-ctl; (127, "") when it is not installed, (124, "") when it does not answer in time."""
    exe = shutil.which("v4l2-ctl")
    if exe is None:
        return 127, ""
    try:
        done = subprocess.run([exe, *argv], capture_output=True, text=True, timeout=RUN_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return 124, ""
    except OSError as exc:
        log.info("v4l2-ctl did not start: %s", exc)
        return 126, ""
    return done.returncode, done.stdout


def read_modes(device: str, run: Runner = run_v4l2_ctl) -> list[Mode]:
    """The modes `device` offers according to v4l2-ctl; [] when v4l2-ctl is missing or fails."""
    code, out = run(["-d", device, "--list-formats-ext"])
    return parse_formats(out) if code == 0 else []


def read_controls(device: str, run: Runner = run_v4l2_ctl) -> dict[str, Control]:
    code, out = run(["-d", device, "--list-ctrls-menus"])
    return parse_controls(out) if code == 0 else {}


def apply_controls(device: str, run: Runner = run_v4l2_ctl) -> list[Setting]:
    """Set the card-reading controls `device` has (see `card_settings`), one at a time so that
    one the driver refuses does not keep the others from being set. Returns those set; logs, never
    raises."""
    controls = read_controls(device, run)
    done = []
    for setting in card_settings(controls):
        code, _out = run(["-d", device, f"--set-ctrl={setting.name}={setting.value}"])
        if code == 0:
            done.append(setting)
            log.info("%s: %s=%d (%s)", device, setting.name, setting.value, setting.why)
        else:
            log.info("%s: could not set %s=%d (%s)", device, setting.name, setting.value, setting.why)
    return done


def fourcc_text(code: float) -> str:
    """OpenCV's CAP_PROP_FOURCC number as its four letters ("MJPG"); "" when there is none."""
    n = int(code)
    text = "".join(chr((n >> (8 * i)) & 0xFF) for i in range(4))
    return text if n and text.isprintable() else ""
