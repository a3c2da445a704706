"""Dimming the screen when the battery is low: sysfs backlight, else xrandr; never raises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cinema.core.events import Record
from cinema.core.records import ScreenDimmed

BACKLIGHT_ROOT = Path("/sys/class/backlight")
# The kernel's advice when a laptop has several: firmware before platform before raw.
TYPE_ORDER = {"firmware": 0, "platform": 1, "raw": 2}
LOWEST_SHARE = 0.05  # never below 5 % of the panel's maximum: a black panel looks broken
XRANDR_TIMEOUT = 5.0
# Laptop panels; a projector on HDMI/VGA is left alone: gamma dimming saves it no power and the
# children could no longer see the picture.
PANEL_NAME = re.compile(r"^(eDP|LVDS|DSI)", re.IGNORECASE)


@dataclass(frozen=True)
class DimResult:
    """What a dimmer did: `ok`, how (`method`), and in `detail` what it changed or why it could not."""

    ok: bool
    method: str  # "backlight" | "xrandr" | "none"
    level: float  # share of the original brightness asked for (1.0 = restored)
    detail: str = ""

    def record(self) -> Record:
        """The `power.action` record the kiosk journals after dimming or undimming."""
        return ScreenDimmed(level=round(self.level, 2), ok=self.ok, method=self.method, detail=self.detail).record()


class Dimmer(Protocol):
    def dim(self, level: float) -> DimResult:
        """Set the screen to `level` (0..1) of the brightness it had before the first dim."""

    def restore(self) -> DimResult:
        """Put back the brightness remembered at the first dim."""


def _failed(method: str, level: float, detail: str) -> DimResult:
    return DimResult(False, method, level, detail)


# ---- /sys/class/backlight ---------------------------------------------------------------


class SysfsBacklight:
    """The laptop panel's backlight through sysfs: the one way of dimming that saves power.
    Writing needs permission (root, or a udev rule giving the `video` group write access)."""

    method = "backlight"

    def __init__(self, root: Path = BACKLIGHT_ROOT) -> None:
        self.root = Path(root)
        self._original: tuple[Path, int] | None = None  # (device folder, raw brightness) before dimming

    def _device(self) -> Path | None:
        try:
            found = [d for d in self.root.iterdir() if (d / "brightness").exists() and (d / "max_brightness").exists()]
        except OSError:
            return None

        def order(d: Path) -> tuple[int, str]:
            try:
                kind = (d / "type").read_text().strip()
            except OSError:
                kind = ""
            return TYPE_ORDER.get(kind, len(TYPE_ORDER)), d.name

        return min(found, key=order) if found else None

    def dim(self, level: float) -> DimResult:
        level = min(max(level, 0.0), 1.0)
        if self._original is not None:
            device, original = self._original
        else:
            device = self._device()
            if device is None:
                return _failed(self.method, level, f"no backlight in {self.root}")
            try:
                original = int((device / "brightness").read_text().strip())
            except (OSError, ValueError) as exc:
                return _failed(self.method, level, f"cannot read {device / 'brightness'}: {_why(exc)}")
        try:
            top = int((device / "max_brightness").read_text().strip())
        except (OSError, ValueError) as exc:
            return _failed(self.method, level, f"cannot read {device / 'max_brightness'}: {_why(exc)}")
        floor = max(1, round(top * LOWEST_SHARE))
        target = min(original, max(floor, round(original * level)))  # dimming never brightens
        result = self._write(device, target, level)
        if result.ok and self._original is None:
            self._original = (device, original)
        return result

    def restore(self) -> DimResult:
        if self._original is None:
            return DimResult(True, self.method, 1.0, "nothing to restore")
        device, original = self._original
        result = self._write(device, original, 1.0)
        if result.ok:
            self._original = None
        return result

    def _write(self, device: Path, value: int, level: float) -> DimResult:
        path = device / "brightness"
        try:
            path.write_text(f"{value}\n")
        except PermissionError:
            return _failed(self.method, level, f"no permission to write {path} (the kiosk user needs a udev rule)")
        except OSError as exc:
            return _failed(self.method, level, f"cannot write {path}: {_why(exc)}")
        return DimResult(True, self.method, level, f"{device.name} = {value}")


# ---- xrandr (X11 gamma) ----------------------------------------------------------------------


Runner = Callable[..., subprocess.CompletedProcess]


class XrandrBrightness:
    """`xrandr --output X --brightness B` under X. This only scales colours: it saves power on OLED
    panels alone, so it is the fallback when the backlight cannot be written."""

    method = "xrandr"

    def __init__(self, environ: Mapping[str, str] | None = None, run: Runner = subprocess.run,
                 which: Callable[[str], str | None] = shutil.which, panels_only: bool = True) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.run = run
        self.which = which
        self.panels_only = panels_only
        self._original: dict[str, float] = {}  # output -> brightness before the first dim

    def _xrandr(self, *args: str) -> tuple[bool, str]:
        try:
            done = self.run(["xrandr", *args], capture_output=True, text=True, timeout=XRANDR_TIMEOUT,
                            env=self.environ)
        except (OSError, subprocess.SubprocessError) as exc:
            return False, f"xrandr failed: {_why(exc)}"
        if done.returncode != 0:
            first = (done.stderr or "").strip().splitlines()
            return False, f"xrandr {' '.join(args)}: {first[0] if first else f'exit {done.returncode}'}"
        return True, done.stdout or ""

    def _outputs(self) -> tuple[dict[str, float] | None, str]:
        ok, out = self._xrandr("--verbose")
        if not ok:
            return None, out
        outputs = parse_verbose(out)
        if self.panels_only:
            outputs = {name: b for name, b in outputs.items() if PANEL_NAME.match(name)}
        return outputs, "no laptop panel is lit" if not outputs else ""

    def dim(self, level: float) -> DimResult:
        level = min(max(level, 0.0), 1.0)
        if not self.environ.get("DISPLAY"):
            return _failed(self.method, level, "not under X (no DISPLAY)")
        if self.which("xrandr") is None:
            return _failed(self.method, level, "xrandr is not installed")
        if not self._original:
            outputs, why = self._outputs()
            if not outputs:
                return _failed(self.method, level, why)
            self._original = outputs
        return self._set({name: max(LOWEST_SHARE, b * level) for name, b in self._original.items()}, level)

    def restore(self) -> DimResult:
        if not self._original:
            return DimResult(True, self.method, 1.0, "nothing to restore")
        result = self._set(dict(self._original), 1.0)
        if result.ok:
            self._original = {}
        return result

    def _set(self, values: dict[str, float], level: float) -> DimResult:
        done = []
        for name, value in values.items():
            ok, why = self._xrandr("--output", name, "--brightness", f"{value:.2f}")
            if not ok:
                return _failed(self.method, level, why)
            done.append(f"{name} = {value:.2f}")
        return DimResult(True, self.method, level, ", ".join(done))


def parse_verbose(text: str) -> dict[str, float]:
    """Lit outputs in `xrandr --verbose` and their brightness. A reading of 0 or nonsense counts as
    1.0 (Xvfb and some drivers report 0.0): restoring to it would black the screen."""
    outputs: dict[str, float] = {}
    current: str | None = None
    for line in text.splitlines():
        head = re.match(r"^(\S+) connected\b(.*)", line)
        if head:
            lit = re.search(r"\d+x\d+\+\d+\+\d+", head.group(2)) is not None
            current = head.group(1) if lit else None
            if current:
                outputs[current] = 1.0
            continue
        if not line[:1].isspace():
            current = None  # a disconnected output or the Screen line
            continue
        found = re.match(r"^\s+Brightness:\s*([0-9.]+)", line)
        if found and current:
            try:
                value = float(found.group(1))
            except ValueError:
                continue
            outputs[current] = value if 0.05 <= value <= 2.0 else 1.0
    return outputs


# ---- the kiosk's dimmer ---------------------------------------------------------------------------


@dataclass
class ScreenDimmer:
    """Tries each way in turn and sticks with the first that works; restore undoes only what was done."""

    ways: list[Dimmer]
    _used: Dimmer | None = field(default=None, init=False)

    def dim(self, level: float) -> DimResult:
        if self._used is not None:
            return _safe(self._used, lambda way: way.dim(level), level)
        reasons = []
        for way in self.ways:
            result = _safe(way, lambda w: w.dim(level), level)
            if result.ok:
                self._used = way
                return result
            reasons.append(f"{result.method}: {result.detail}")
        return _failed("none", level, "; ".join(reasons) or "no way to dim")

    def restore(self) -> DimResult:
        if self._used is None:
            return DimResult(True, "none", 1.0, "nothing to restore")
        result = _safe(self._used, lambda way: way.restore(), 1.0)
        if result.ok:
            self._used = None
        return result


def _safe(way: Dimmer, call: Callable[[Dimmer], DimResult], level: float) -> DimResult:
    # A dimmer is a nicety: whatever goes wrong inside one, the lesson goes on.
    try:
        return call(way)
    except Exception as exc:  # noqa: BLE001
        return _failed(getattr(way, "method", type(way).__name__), level, f"failed: {_why(exc)}")


def make_dimmer(backlight_root: Path = BACKLIGHT_ROOT, environ: Mapping[str, str] | None = None,
                run: Runner = subprocess.run) -> ScreenDimmer:
    """The kiosk's dimmer: the backlight first (saves power), xrandr on a laptop panel second."""
    return ScreenDimmer([SysfsBacklight(backlight_root), XrandrBrightness(environ, run)])


class FakeDimmer:
    """For tests of the kiosk: remembers what it was asked; `works=False` makes every call fail."""

    method = "fake"

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.levels: list[float] = []

    def dim(self, level: float) -> DimResult:
        if not self.works:
            return _failed(self.method, level, "switched off")
        self.levels.append(level)
        return DimResult(True, self.method, level)

    def restore(self) -> DimResult:
        return self.dim(1.0)


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
