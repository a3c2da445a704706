"""Private X servers for real-window screenshots, tests and benchmarks on a machine with no display:
Xvfb (one screen), and Xorg's dummy driver with two monitors (the laptop's screen and a projector that
can be unplugged, plugged back and switched to another resolution) for presenter mode."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from typing import Iterator


class XvfbError(RuntimeError):
    pass


@contextmanager
def virtual_display(size: str = "1920x1080x24", timeout: float = 15.0) -> Iterator[str]:
    """Start Xvfb on a free display and yield its name (":N"); stopped on the way out.

    Xvfb picks the free display itself and writes its number on a pipe once it takes clients:
    no guessed numbers racing other X servers, no stale socket mistaken for a ready server.
    """
    if shutil.which("Xvfb") is None:
        raise XvfbError("Xvfb is not installed (Debian package xvfb)")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    try:
        number = _read_display(read_end, timeout)
        if number is None:
            raise XvfbError("Xvfb did not start")
        yield f":{number}"
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """Stop a server we started: asked, then told after 5 s."""
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _readable(fd: int, timeout: float) -> bool:
    """poll, not select: select() refuses a descriptor numbered 1024 or more."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def _read_display(fd: int, timeout: float) -> str | None:
    """The display number Xvfb writes on `fd` when ready; None if it exited or took too long."""
    text = b""
    deadline = time.monotonic() + timeout
    try:
        while not text.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not _readable(fd, left):
                return None
            chunk = os.read(fd, 16)
            if not chunk:
                return None
            text += chunk
    finally:
        os.close(fd)
    return text.strip().decode()


# ---- a real two-monitor X server (Xorg's dummy driver), for presenter mode ---------------------------

# The dummy driver's outputs: DUMMY0 stands for the laptop's own screen, DUMMY1 for the projector.
LAPTOP_OUTPUT = "DUMMY0"
PROJECTOR_OUTPUT = "DUMMY1"

_DUMMY_CONFIG = """\
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 256000
EndSection
Section "Monitor"
  Identifier "m"
  HorizSync 5.0-1000.0
  VertRefresh 5.0-200.0
EndSection
Section "Screen"
  Identifier "s"
  Device "dummy"
  Monitor "m"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual {width} {height}
  EndSubSection
EndSection
"""

DUMMY_DRIVER_PATHS = ("/usr/lib/xorg/modules/drivers/dummy_drv.so",
                      "/usr/lib64/xorg/modules/drivers/dummy_drv.so")


def missing_for_monitors() -> str:
    """Why `virtual_monitors` cannot run here ("" when it can)."""
    if shutil.which("Xorg") is None:
        return "Xorg is not installed (Debian package xserver-xorg-core)"
    if not any(os.path.exists(p) for p in DUMMY_DRIVER_PATHS):
        return "Xorg's dummy driver is not installed (Debian package xserver-xorg-video-dummy)"
    if shutil.which("xrandr") is None:
        return "xrandr is not installed (Debian package x11-xserver-utils)"
    return ""


class VirtualMonitors:
    """A running dummy Xorg with a laptop screen and a projector, and what a teacher does to the
    projector's cable: unplug, plug back, another resolution (each by xrandr, as a real output)."""

    def __init__(self, display: str, laptop: str, projector: str | None) -> None:
        self.display = display
        self.laptop = laptop
        self.projector = projector  # None: unplugged

    @property
    def env(self) -> dict:
        """For a process that should draw on this server (software rendering: no GPU here)."""
        return {**os.environ, "DISPLAY": self.display, "SDL_VIDEODRIVER": "x11",
                "SDL_FRAMEBUFFER_ACCELERATION": "0", "SDL_AUDIODRIVER": "dummy"}

    def xrandr(self, *args: str) -> None:
        result = subprocess.run(["xrandr", "--display", self.display, *args], capture_output=True, text=True,
                                timeout=10)
        if result.returncode != 0:
            raise XvfbError(f"xrandr {' '.join(args)}: {result.stderr.strip()}")

    def _mode(self, output: str, size: str) -> None:
        # The dummy driver lists its modes on DUMMY0 only; another output is given each one it needs
        # (adding one it has already is refused with BadMatch, which is fine). A size the driver does
        # not know at all (1366x768) is made first, with plain timings at 60 Hz.
        def add():
            return subprocess.run(["xrandr", "--display", self.display, "--addmode", output, size],
                                  capture_output=True, text=True, timeout=10)

        if "cannot find mode" in add().stderr:
            width, height = (int(v) for v in size.lower().split("x"))
            h = (width, width + 48, width + 80, width + 160)
            v = (height, height + 3, height + 6, height + 30)
            clock = h[3] * v[3] * 60 / 1e6
            self.xrandr("--newmode", size, f"{clock:.2f}", *map(str, h), *map(str, v), "-hsync", "+vsync")
            add()

    def plug(self, size: str | None = None) -> None:
        """The projector plugged in (again), right of the laptop screen."""
        size = size or self.projector or "1024x768"
        self._mode(PROJECTOR_OUTPUT, size)
        self.xrandr("--output", PROJECTOR_OUTPUT, "--mode", size, "--right-of", LAPTOP_OUTPUT)
        self.projector = size

    def unplug(self) -> None:
        self.xrandr("--output", PROJECTOR_OUTPUT, "--off")
        self.projector = None

    def resize(self, size: str) -> None:
        """The projector switched to another resolution."""
        self.plug(size)

    def mirror(self) -> None:
        """The projector showing the laptop's picture (a clone, as Fn+F8 does on many laptops)."""
        self.xrandr("--output", PROJECTOR_OUTPUT, "--same-as", LAPTOP_OUTPUT)


@contextmanager
def virtual_monitors(laptop: str = "1280x800", projector: str | None = "1024x768",
                     timeout: float = 15.0) -> Iterator[VirtualMonitors]:
    """A private Xorg (dummy driver, no root needed) with the laptop's screen (DUMMY0) and a projector
    (DUMMY1, right of it; None: not plugged in). Raises XvfbError when it cannot start: see
    `missing_for_monitors()` for what to install."""
    missing = missing_for_monitors()
    if missing:
        raise XvfbError(missing)
    folder = tempfile.mkdtemp(prefix="cinema-xorg-")
    config = os.path.join(folder, "xorg.conf")
    with open(config, "w") as f:
        f.write(_DUMMY_CONFIG.format(width=4096, height=2304))
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(["Xorg", "-displayfd", str(write_end), "-config", config, "-noreset", "-nolisten", "tcp",
                             "-logfile", os.path.join(folder, "xorg.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    try:
        number = _read_display(read_end, timeout)
        if number is None:
            raise XvfbError(f"Xorg (dummy driver) did not start; see {folder}/xorg.log")
        screens = VirtualMonitors(f":{number}", laptop, None)
        screens._mode(LAPTOP_OUTPUT, laptop)
        screens.xrandr("--output", LAPTOP_OUTPUT, "--mode", laptop, "--pos", "0x0", "--primary")
        if projector is not None:
            screens.plug(projector)
        yield screens
    finally:
        _stop(proc)
        shutil.rmtree(folder, ignore_errors=True)
