"""Measure CPU seconds per lesson-minute of the real kiosk (`cinema run --headless`) for each kind
of item: what `cinema doctor --energy` and benchmarks/bench_energy.py run.

Each scenario runs alone at real speed and is measured after a warm-up: user + system CPU of its
whole process tree (VLC's threads included) over the same wall time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from cinema.locale.runtime import gettext as _

SIZE = (1280, 720)
SLIDES = ("slide1.png", "slide2.png", "slide3.png")
ENV = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
       "CINEMA_LOG": "warning"}

SLIDES_PLAYLIST = """\
version: 1
id: energy-slides
title: Energy
language: en
items:
  - type: slides
    id: pictures
    title: Pictures
    slides: [{slides}]
  - type: closing
    id: bye
    title: Bye
"""

VIDEO_PLAYLIST = """\
version: 1
id: energy-video
title: Energy
language: en
items:
{items}
"""

QUIZ_PLAYLIST = """\
version: 1
id: energy-quiz
title: Energy
language: en
items:
  - type: activity
    id: quiz
    activity: {activity}
  - type: closing
    id: bye
    title: Bye
"""

ATTENDANCE_PLAYLIST = """\
version: 1
id: energy-attendance
title: Energy
language: en
items:
  - type: attendance
    id: attendance
    title: Attendance
  - type: closing
    id: bye
    title: Bye
"""


class MeasureError(Exception):
    """A scenario could not be measured (it stopped early, a tool is missing); the text says why."""


@dataclass(frozen=True)
class Scenario:
    name: str  # the energy kind it measures (or a benchmark's row name)
    command: list[str]


@dataclass(frozen=True)
class Measured:
    name: str
    cpu_per_minute: float  # CPU seconds per minute of lesson (wall minute at real speed)


def tree_cpu(proc) -> float:
    """User + system CPU seconds of a psutil process and all its living descendants."""
    import psutil

    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


def measure(scenario: Scenario, env: dict, warmup: float, seconds: float, cwd: Path | None = None) -> Measured:
    """Run `scenario`, wait `warmup`, then measure its CPU over `seconds` of wall time."""
    import psutil

    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(scenario.command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        try:
            tree = psutil.Process(proc.pid)
            time.sleep(warmup)  # start-up is not steady state
            c0, w0 = tree_cpu(tree), time.monotonic()
            time.sleep(seconds)
            c1, w1 = tree_cpu(tree), time.monotonic()
            if proc.poll() is not None:
                err.seek(0)
                raise MeasureError(f"{scenario.name}: stopped early (exit {proc.returncode}): "
                                   f"{err.read().decode(errors='replace')[-600:]}")
        finally:
            proc.kill()
            proc.wait(10)
    return Measured(scenario.name, (c1 - c0) / (w1 - w0) * 60.0)


def scaled_video(source: Path, folder: Path, height: int) -> Path:
    """`source` made `height` pixels high: a 1080p clip to measure. H.264 High profile like the demo's
    720p (`ultrafast` would leave out what makes a usual file costly to decode); about 3 s here."""
    out = folder / f"energy-{height}p.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-vf", f"scale=-2:{height}",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "copy", str(out)],
                   check=True, timeout=120)
    return out


def _video_items(video: Path, copies: int) -> str:
    return "\n".join(f"  - {{type: video, id: v{n}, media: {video}}}" for n in range(copies))


def _quiz_activity(config) -> str | None:
    """An activity of the kiosk's own to wait on (a quiz if there is one)."""
    from cinema.config.activities import read_activities

    found, _problems = read_activities(config.activities_dir)
    quizzes = [a.id for a in found.values() if a.kind == "quiz"]
    return (quizzes or sorted(found) or [None])[0]


def energy_scenarios(config_path: Path, config, folder: Path, media: Path, seconds: float,
                     say: Callable[[str], None] = lambda s: None,
                     only: Collection[str] | None = None) -> list[Scenario]:
    """One kiosk scenario per energy kind that can be run here (`only` these, if given), each to
    last `seconds`; what cannot be run is said through `say`."""
    playlists = folder / "playlists"
    playlists.mkdir(exist_ok=True)

    def wanted(kind: str) -> bool:
        return only is None or kind in only

    def kiosk(kind: str, playlist_text: str | None, *extra: str) -> Scenario:
        command = [sys.executable, "-m", "cinema", "run", "--config", str(config_path),
                   "--journal", str(folder / f"{kind}.sqlite"), "--headless", "--size", f"{SIZE[0]}x{SIZE[1]}",
                   *extra]
        if playlist_text is not None:
            (playlists / f"{kind}.yaml").write_text(playlist_text)
            command += ["--playlist", str(playlists / f"{kind}.yaml")]
        return Scenario(kind, command)

    # The kiosk plays only files inside the lesson's folders: the media go beside the playlists.
    for name in ("lesson.mp4", *SLIDES):
        if (media / name).is_file():
            shutil.copyfile(media / name, playlists / name)
    found: list[Scenario] = []
    copies = int(seconds // 12) + 3  # the demo video lasts 12 s: enough copies to outlast the measurement
    for kind, video in _videos(playlists, [k for k in ("video_720p", "video_1080p") if wanted(k)], say):
        found.append(kiosk(kind, VIDEO_PLAYLIST.format(items=_video_items(video, copies))))
    slides = [playlists / name for name in SLIDES if (playlists / name).is_file()]
    if slides and wanted("slides"):
        found.append(kiosk("slides", SLIDES_PLAYLIST.format(slides=", ".join(map(str, slides)))))
    activity = _quiz_activity(config) if wanted("quiz") else None
    if activity is not None:
        found.append(kiosk("quiz", QUIZ_PLAYLIST.format(activity=activity)))
    elif wanted("quiz"):
        say(_("quiz: the kiosk has no activity to wait on"))
    if wanted("attendance"):
        # With no camera in the settings, the simulated class's pretend camera is read as a real one.
        # It draws its pictures inside the kiosk's process: three children keep that drawing small
        # (ten measured 19 s a minute here against 6.7 for three), so what is measured is mostly the
        # kiosk reading 30 pictures a second, as it does from a real camera.
        found.append(kiosk("attendance", ATTENDANCE_PLAYLIST, "--simulate-class", "3"))
    if wanted("hub_idle"):
        # The home screen (no lesson chosen), which a headless kiosk never shows: a window, drawn off-screen.
        home = kiosk("hub_idle", None, "--hub", f"127.0.0.1:{_free_port()}")
        found.append(Scenario(home.name, ["--windowed" if a == "--headless" else a for a in home.command]))
    return found


def _videos(folder: Path, kinds: list[str], say: Callable[[str], None]) -> list[tuple[str, Path]]:
    """The demo's 720p video, and a 1080p copy made with ffmpeg, for the video kinds asked for."""
    lesson = folder / "lesson.mp4"
    if not kinds:
        return []
    if not lesson.is_file():
        say(_("video: no demo video to play (ffmpeg is needed to make it)"))
        return []
    found = [("video_720p", lesson)] if "video_720p" in kinds else []
    if "video_1080p" not in kinds:
        return found
    if shutil.which("ffmpeg") is None:
        say(_("video_1080p: ffmpeg is not installed, so there is no 1080p video to play"))
        return found
    try:
        return found + [("video_1080p", scaled_video(lesson, folder, 1080))]
    except (OSError, subprocess.SubprocessError) as exc:
        say(_("video_1080p: no 1080p video could be made ({error})").format(error=exc))
        return found


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_env() -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH", "")
    return dict(os.environ, **ENV, PYTHONPATH=root + (os.pathsep + path if path else ""))
