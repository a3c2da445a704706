"""Energy proxy: CPU seconds per minute of lesson for a video, slides and a waiting quiz, against baselines.

On a battery, CPU time is the part of the power draw the software controls. Each scenario
runs alone, headless (SDL dummy output, VLC without sound), at real speed, 1280x720, and is
measured after a warm-up over the same wall time: user + system CPU of its whole process tree.
The kiosk's video is compared with bare python-vlc decoding the same file into a frame buffer
(`cvlc` refuses to run as root, see DESIGN.md, so this is the "bare VLC" of bench_video.py);
its slides and quiz screens with a pygame loop redrawing the same screen 60 times a second.

Then, in an X window (Xvfb when there is no DISPLAY), the video table of bench_video.py per lesson-minute:
bare VLC drawing into a window, the whole kiosk with `video: window` (the status bar laid over the video by
VLC) and with `video: frames`, for the 720p demo video and a generated 1080p 60-second clip.

Usage: python benchmarks/bench_energy.py [--seconds 20] [--warmup 3] [--media DIR] [--video-runs 3] [--no-video-table]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

# The sibling benchmarks by their folder, so this runs from any working folder. psutil is
# imported where it is used: `--help` answers even from a Python without it.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_kiosk  # noqa: E402 (its project, quiz playlist, environment and 60 fps loop)
import bench_video  # noqa: E402 (its bare python-vlc player and video playlist)

if TYPE_CHECKING:
    from cinema.energy_measure import Scenario

ROOT = bench_kiosk.ROOT
SIZE = (1280, 720)
SLIDES = ("slide1.png", "slide2.png", "slide3.png")

_LOOP_VIEW = re.compile(r"^view = View\(.*?\)\n(?=clock = )", re.DOTALL | re.MULTILINE)


def measure(scenario, env: dict, warmup: float, seconds: float):
    """cinema.energy_measure's runner (the one `cinema doctor --energy` uses), run from the project."""
    from cinema.energy_measure import MeasureError
    from cinema.energy_measure import measure as measure_tree

    try:
        return measure_tree(scenario, env, warmup, seconds, cwd=ROOT)
    except MeasureError as exc:
        raise SystemExit(str(exc)) from None


def loop_60fps(view: str | None = None) -> str:
    """bench_kiosk's 60 fps loop at SIZE, drawing its quiz screen or the given `view = View(...)`."""
    code = bench_kiosk.LOOP_60FPS.format(root=str(ROOT))
    code = code.replace("open_window(0, None, False, True)", f"open_window(0, {SIZE!r}, False, True)")
    if view is not None:
        code, replaced = _LOOP_VIEW.subn(view + "\n", code)
        if replaced != 1:
            raise SystemExit("bench_kiosk.LOOP_60FPS changed shape: update loop_60fps() here")
    return code


def scenarios(folder: Path, media: Path, video: Path) -> list[tuple[Scenario, Scenario]]:
    """(kiosk, baseline) pairs, each kiosk with its own playlist and journal."""
    from cinema.energy_measure import SLIDES_PLAYLIST, Scenario

    config, _ = bench_kiosk.project(folder)
    playlists = folder / "playlists"
    (playlists / "video.yaml").write_text(bench_video.KIOSK_PLAYLIST.format(video=video))
    slide_paths = [str(media / name) for name in SLIDES]
    (playlists / "slides.yaml").write_text(SLIDES_PLAYLIST.format(slides=", ".join(slide_paths)))

    def kiosk(name: str, playlist: str) -> Scenario:
        return Scenario(name, [sys.executable, "-m", "cinema", "run", "--config", str(config),
                               "--playlist", str(playlists / playlist), "--journal", str(folder / f"{playlist}.sqlite"),
                               "--headless", "--size", f"{SIZE[0]}x{SIZE[1]}"])

    slides_view = ("from cinema.core.view import SlideBody\n"
                   f"view = View(Screen.SLIDES, SlideBody({slide_paths[0]!r}, 0, {len(slide_paths)}, None),"
                   " item_number=1, item_count=2, lesson_title='Bench')")
    bare_vlc = bench_video.BARE_FRAMES % {"args": bench_video.VLC_ARGS}
    return [
        (kiosk("video item: kiosk", "video.yaml"),
         Scenario("video: bare python-vlc", [sys.executable, "-c", bare_vlc, str(video), "100000"])),
        (kiosk("slides item: kiosk", "slides.yaml"),
         Scenario("slides: 60 fps redraw", [sys.executable, "-c", loop_60fps(slides_view)])),
        (kiosk("quiz waiting: kiosk", "bench.yaml"),
         Scenario("quiz: 60 fps redraw", [sys.executable, "-c", loop_60fps()])),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured wall seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds after start before measuring")
    parser.add_argument("--media", type=Path, default=Path(tempfile.gettempdir()) / "cinema-demo-media")
    parser.add_argument("--video-runs", type=int, default=3,
                        help="runs of each way in the video table (bare VLC window, kiosk window + overlays, frames)")
    parser.add_argument("--no-video-table", action="store_true", help="only the headless scenarios")
    opts = parser.parse_args()

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from cinema.media.demo_media import ensure_demo_media

    ensure_demo_media(opts.media, only=("lesson.mp4", *SLIDES))
    env = dict(bench_kiosk.ENV, CINEMA_LOG="warning")
    load_before = os.getloadavg()[0]
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # The demo lesson video repeated to outlast either measurement (the headless one, and the window one
        # from 9 s into the video).
        video = bench_video.long_clip(opts.media / "lesson.mp4", folder,
                                      max(opts.warmup, bench_video.WARMUP_S) + opts.seconds + 10)
        for kiosk, baseline in scenarios(folder, opts.media, video):
            ours = measure(kiosk, env, opts.warmup, opts.seconds)
            base = measure(baseline, env, opts.warmup, opts.seconds)
            rows.append((ours, base))

        video_rows = []
        if not opts.no_video_table:  # VLC drawing into an X window: the cheap way, with the kiosk's overlays
            xvfb = bench_video.start_xvfb()
            try:
                video_env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_FRAMEBUFFER_ACCELERATION="0",
                                 PYGAME_HIDE_SUPPORT_PROMPT="1", SDL_AUDIODRIVER="dummy", CINEMA_LOG="warning")
                clips = [video, bench_video.clip_1080p(folder)]
                video_rows = bench_video.video_table(clips, opts.seconds, opts.video_runs, video_env)
            finally:
                if xvfb is not None:
                    xvfb.terminate()
                    xvfb.wait(5)

    print(f"\nCPU seconds per minute of lesson ({opts.seconds:g} s measured after {opts.warmup:g} s, "
          f"headless {SIZE[0]}x{SIZE[1]}, {os.cpu_count()} cores, load {load_before:.1f} -> {os.getloadavg()[0]:.1f})")
    print(f"{'scenario':<26} {'CPU s / lesson-min':>19} {'ratio vs baseline':>18}")
    for ours, base in rows:
        ratio = ours.cpu_per_minute / base.cpu_per_minute if base.cpu_per_minute else float("nan")
        print(f"{ours.name:<26} {ours.cpu_per_minute:>19.2f} {ratio:>17.3f}x")
        print(f"{'  ' + base.name:<26} {base.cpu_per_minute:>19.2f} {'(baseline)':>18}")
    if video_rows:
        bench_video.print_video_table(video_rows, opts.seconds, opts.video_runs, per_minute=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
