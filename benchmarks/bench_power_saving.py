"""Below the battery's warning level: the CPU each power-saving step saves (issue 16, part 4).

1. The camera outside card reading: a generated 1920x1080 MJPEG recording of cards held up, played
   like a webcam (30 frames/s, each picture a JPEG to decode) through the real CameraScanner, at its
   full rate (attendance, answer-card questions) and at the low battery's rests; this process's
   CPU (both camera threads) over the same wall time.
2. The lighter copy: bare python-vlc decoding a generated 1080p30 H.264 file and its low-power copy
   (made with the importer's settings: 854x480, 25 frames/s, fastdecode) into 1280x720 frames.
3. The class window's full redraws a minute on a playing video (the position, drawn nowhere, used
   to redraw it every second) and on a playing sound (the waves stand still; the time played still
   counts every second), times the cost of one draw at 1280x720.

Usage: python benchmarks/bench_power_saving.py [--seconds 10] [--skip-video] [--skip-camera]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The checkout's own package and the sibling benchmarks, whatever the working folder. OpenCV, numpy,
# pygame and VLC are imported where they are used: `--help` answers even from a Python without them.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PROGRAM, KEY = "BENCH", b"bench key"
RESTS = (0.0, 0.5, 1.0)  # full rate; the LOW level's rest; the STOPPED level's (power.WORK)


# ---- 1. the camera ---------------------------------------------------------------------------


def make_recording(path: Path, seconds: float = 4.0) -> None:
    """Children walking past with their cards (half the time nobody), 1920x1080 at 30 frames/s, each
    picture a JPEG (MJPG), as a USB webcam sends them."""
    import cv2

    from cinema.devices.cards.photos import class_parade

    ids = [f"k{i}" for i in range(8)]
    frames = class_parade(PROGRAM, KEY, ids, seed=5, hold_frames=15, gap_frames=15)  # half the time: nobody
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (1920, 1080))
    for n, frame in zip(range(int(30 * seconds)), frames):
        big = cv2.resize(frame, (1920, 1080), interpolation=cv2.INTER_LINEAR)
        writer.write(big if big.ndim == 3 else cv2.cvtColor(big, cv2.COLOR_GRAY2BGR))
    writer.release()


def camera_cpu(recording: Path, rest: float, seconds: float, warmup: float = 1.0, preview_every: float = 0.0) -> dict:
    from cinema.devices.cards.camera import CameraScanner
    from cinema.devices.cards.sources import OpenCVCamera

    scans: list = []
    scanner = CameraScanner(lambda: OpenCVCamera(str(recording)), scans.append, repeat_after=60)
    scanner.rest_between = rest
    scanner.preview_every = preview_every
    scanner.start()
    try:
        time.sleep(warmup)
        c0, f0, d0 = time.process_time(), scanner.stats.frames, scanner.stats.decoded
        t0 = time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - t0
        cpu = time.process_time() - c0
        return {"rest": rest, "preview_every": preview_every, "cpu": cpu, "wall": wall,
                "frames": (scanner.stats.frames - f0) / wall,
                "decoded": (scanner.stats.decoded - d0) / wall, "events": len(scans)}
    finally:
        scanner.stop()


# ---- 2. the lighter copy -----------------------------------------------------------------------


def make_videos(folder: Path, seconds: float) -> tuple[Path, Path]:
    full, low = folder / "full.mp4", folder / "full.low.mp4"
    source = f"testsrc2=size=1920x1080:rate=30:duration={seconds}"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source,
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-profile:v", "high",
                    str(full)], check=True)
    # cinema/importers/media.py _make_low's settings
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(full), "-vf", "scale=854:480,fps=25", "-c:v", "libx264",
                    "-preset", "veryfast", "-tune", "fastdecode", "-profile:v", "main", "-crf", "26", "-maxrate", "900k",
                    "-bufsize", "1800k", "-pix_fmt", "yuv420p", str(low)], check=True)
    return full, low


def vlc_cpu(video: Path, seconds: float) -> float:
    import bench_video

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return bench_video.run_child(bench_video.BARE_FRAMES % {"args": bench_video.VLC_ARGS},
                                 [str(video), str(seconds)], env)["cpu"]


# ---- 3. the redraws ------------------------------------------------------------------------------


def draw_ms(view, reps: int = 60) -> float:
    import pygame

    from cinema.display.renderer import Renderer

    renderer = Renderer((1280, 720))
    surface = pygame.Surface((1280, 720))
    times = []
    for n in range(reps):
        shown = dataclasses.replace(view, body=dataclasses.replace(view.body, position=float(n)))
        t0 = time.process_time()
        renderer.draw(surface, shown, now=1_000_000.0)
        times.append(time.process_time() - t0)
    return statistics.median(times[5:]) * 1000


def presenter_draws(percent: float, nexts: int) -> int:
    """Full draws of the real class window presenter over one simulated minute (the real main loop)."""
    import shutil

    from cinema.app.brightness import FakeDimmer
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.core.clock import FakeClock
    from cinema.core.events import Command, PowerReading, TeacherCommand
    from cinema.media.fake_player import FakePlayer

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "kiosk_config").mkdir()
        config = (ROOT / "kiosk_config" / "default.yaml").read_text().replace("source: auto", "source: none").replace(
            "playlist: playlists/demo.yaml", "playlist: playlists/b.yaml")
        (project / "kiosk_config" / "default.yaml").write_text(config)
        shutil.copytree(ROOT / "activities", project / "activities")
        (project / "playlists").mkdir()
        (project / "playlists" / "b.yaml").write_text(
            "version: 1\nid: b\ntitle: B\nlanguage: en\nitems:\n  - type: title\n    id: t\n    title: Hello\n"
            "  - type: video\n    id: v\n    media: clip.mp4\n  - type: audio\n    id: a\n    media: song.ogg\n"
            "  - type: closing\n    id: bye\n")
        for name in ("clip.mp4", "song.ogg"):
            (project / "playlists" / name).write_bytes(b"\0" * 64)
        opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "b.yaml",
                          journal=project / "j.sqlite", headless=True)
        clock = FakeClock()
        kiosk = Kiosk(opts, dimmer=FakeDimmer(), clock=clock, wall=lambda: 1_000_020.0 + clock.monotonic())
        kiosk.player = FakePlayer(kiosk.events.put, lambda t, r: None, clock=clock)
        with kiosk.opened() as loop:
            t = 0.0
            loop.step(t)
            for _ in range(2):
                loop.events.put(PowerReading(percent, 60.0, False))
            for _ in range(nexts):
                loop.events.put(TeacherCommand(Command.NEXT))
            for _ in range(1320):
                if t >= 6.0 and not hasattr(loop, "_bench_from"):
                    loop._bench_from = loop.presenter.full_draws
                t = round(t + 0.05, 2)
                clock.advance(0.05)
                loop.step(t)
            return loop.presenter.full_draws - loop._bench_from


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="wall seconds measured per case")
    parser.add_argument("--skip-camera", action="store_true")
    parser.add_argument("--skip-video", action="store_true")
    opts = parser.parse_args()
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not opts.skip_camera:
            recording = folder / "room.avi"
            make_recording(recording)
            print(f"\n1. Camera, 1920x1080 MJPEG at 30 frames/s, {opts.seconds:g} s each ({cores} cores)")
            print(f"{'rest between pictures':<32} {'CPU s':>6} {'% of a core':>11} {'read/s':>7} {'decoded/s':>9}")
            rows = [camera_cpu(recording, rest, opts.seconds) for rest in RESTS]
            rows.insert(1, camera_cpu(recording, 0.0, opts.seconds, preview_every=0.5))
            for r in rows:
                label = "none (full rate)" if r["rest"] == 0 else f"{r['rest']:g} s"
                label += ", preview 2/s" if r["preview_every"] else ""
                print(f"{label:<32} {r['cpu']:>6.2f} {100 * r['cpu'] / r['wall']:>10.1f}% {r['frames']:>7.1f} "
                      f"{r['decoded']:>9.1f}")
        if not opts.skip_video:
            full, low = make_videos(folder, max(opts.seconds + 3, 8.0))
            print(f"\n2. Bare VLC decoding into 1280x720 frames, {opts.seconds:g} s each")
            print(f"{'file':<34} {'CPU s':>6} {'% of a core':>11}")
            for label, video in (("1920x1080 30 fps (the file)", full), ("854x480 25 fps (lighter copy)", low)):
                cpu = vlc_cpu(video, opts.seconds)
                print(f"{label:<34} {cpu:>6.2f} {100 * cpu / opts.seconds:>10.1f}%")
    from cinema.core.view import MediaBody, Screen, View

    print("\n3. Class window full redraws in one minute (real presenter, simulated minute), 1280x720")
    print(f"{'screen':<10} {'battery':>8} {'draws':>6} {'ms a draw':>10} {'CPU ms a minute':>16}")
    for screen, nexts in ((Screen.VIDEO, 1), (Screen.AUDIO, 2)):
        ms = draw_ms(View(screen, MediaBody("clip.mp4", "A clip", 0.0, 600.0)))
        for percent in (90.0, 15.0):
            draws = presenter_draws(percent, nexts)
            print(f"{screen.value:<10} {percent:>7.0f}% {draws:>6} {ms:>10.2f} {draws * ms:>16.0f}")
    print("(video: before this change 61 draws a minute at either level, the position redrawn every second)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
