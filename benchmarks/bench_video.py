"""Measure video playback: CPU of our player path against bare VLC, and the gap between items.

Usage: python benchmarks/bench_video.py [--seconds N] [--runs K] [--no-1080p] [--media DIR] [--gaps K]

For the 720p demo video and a generated 1080p 60-second clip, in one run: bare python-vlc drawing into
an X window, the whole kiosk (`cinema run`) with `video: window` (VLC draws, the status bar laid over
the video by VLC's logo filter), and the whole kiosk with `video: frames` (frames copied into pygame).
Each runs in its own process; the CPU (user+sys, all threads) over the same stretch is compared.
Then the gap between consecutive videos. Without a DISPLAY an Xvfb is started.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VLC_ARGS = ["--quiet", "--no-video-title-show", "--no-osd", "--aout=dummy"]
# Bare VLC against the whole kiosk plays the sound as the kiosk does, through VLC's usual audio output:
# on a machine with no sound card VLC tries to open one about 27 times a second, in both alike.
SOUND_ARGS = [arg for arg in VLC_ARGS if arg != "--aout=dummy"]

# A child measures from WARMUP s after playback starts, for SECONDS s, then prints JSON.
_MEASURE = r"""
import json, os, resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
def measure(seconds, warmup=0.5, tick=None):
    end_warm = time.monotonic() + warmup
    while time.monotonic() < end_warm:
        tick and tick()
    c0, t0 = cpu(), time.monotonic()
    while time.monotonic() - t0 < seconds:
        tick and tick()
    print(json.dumps({"cpu": cpu() - c0, "wall": time.monotonic() - t0}))
"""

BARE_WINDOW = _MEASURE + r"""
import pygame, vlc
video, seconds = sys.argv[1], float(sys.argv[2])
pygame.display.init()
window = pygame.display.set_mode((1280, 720))  # the kiosk's window size: VLC scales the video into it alike
inst = vlc.Instance(%(args)r + ["--no-xlib"])
mp = inst.media_player_new()
mp.set_xwindow(pygame.display.get_wm_info()["window"])
mp.set_media(inst.media_new_path(video))
mp.play()
while mp.get_state() != vlc.State.Playing:
    time.sleep(0.01)
def tick():
    pygame.event.pump()
    time.sleep(0.05)
measure(seconds, warmup=float(sys.argv[3]) if len(sys.argv) > 3 else 0.5, tick=tick)
"""

BARE_FRAMES = _MEASURE + r"""
import ctypes, vlc
video, seconds, w, h = sys.argv[1], float(sys.argv[2]), 1280, 720
buf = (ctypes.c_ubyte * (w * h * 4))()
lock = vlc.CallbackDecorators.VideoLockCb(lambda o, planes: (planes.__setitem__(0, ctypes.addressof(buf)), None)[1])
unlock = vlc.CallbackDecorators.VideoUnlockCb(lambda o, p, planes: None)
display = vlc.CallbackDecorators.VideoDisplayCb(lambda o, p: None)
inst = vlc.Instance(%(args)r)
mp = inst.media_player_new()
mp.video_set_callbacks(lock, unlock, display, None)
mp.video_set_format("RGBA", w, h, w * 4)
mp.set_media(inst.media_new_path(video))
mp.play()
while mp.get_state() != vlc.State.Playing:
    time.sleep(0.01)
measure(seconds, tick=lambda: time.sleep(0.05))
"""

def run_child(code: str, args: list[str], env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"child failed: {result.stderr.strip().splitlines()[-3:]}")
    return json.loads(lines[-1])


def measure_gaps(video: Path, mode: str, reps: int) -> list[float]:
    """End of one item -> the next item's first frame (frames) or VLC's "playing" (window).

    In window mode VLC draws by itself, so "playing" is the last moment we can see; the
    first picture follows some 30-40 ms later (seen with a debug hook on the Vout event).
    """
    import threading

    import pygame

    from cinema.media.vlc_player import VlcPlayer

    pygame.display.init()
    screen = pygame.display.set_mode((640, 360))
    kw = {"window_id": pygame.display.get_wm_info()["window"]} if mode == "window" else {"frame_size": (640, 360)}
    ended = threading.Event()
    marks: dict[str, float] = {}
    holder: dict = {}

    def on_finished(token: int) -> None:
        # The kiosk does this through its event queue; we start the next item at once.
        marks["ended"] = time.monotonic()
        marks["serial"] = holder["p"].frame_serial()
        holder["p"].play(token + 1, str(video))
        ended.set()

    player = holder["p"] = VlcPlayer(on_finished, lambda t, r: print("failed:", r), mode, audio=False, **kw)
    player.preload(str(video))
    gaps = []
    player.play(0, str(video))
    for _ in range(reps):
        ended.clear()
        if not ended.wait(10):
            raise RuntimeError("video did not finish")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if mode == "frames" and player.frame_serial() > marks["serial"]:
                break
            started = player.started_at()
            if mode == "window" and started is not None and started > marks["ended"]:
                break
            time.sleep(0.002)
        shown = player.started_at() if mode == "window" else time.monotonic()
        gaps.append((shown or time.monotonic()) - marks["ended"])
        pygame.event.pump()
    player.close()
    pygame.display.quit()
    return gaps


KIOSK_PLAYLIST = """\
version: 1
id: bench
title: Bench
language: en
items:
  - {{type: video, id: v1, media: {video}}}
  - {{type: video, id: v2, media: {video}}}
  - {{type: video, id: v3, media: {video}}}
"""


def run_real_kiosk(video: Path, seconds: float, mode: str, env: dict, warmup: float = 0.5) -> float:
    """CPU seconds the whole kiosk (`cinema run`, one process) uses over `seconds` of video, from `warmup` s
    after the video started; it must really have played it (the journal says so), else this stops with the
    kiosk's reason."""
    import psutil

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "kiosk_config").mkdir()
        config = (ROOT / "kiosk_config" / "default.yaml").read_text()
        config = config.replace("playlist: playlists/demo.yaml", "playlist: playlists/bench.yaml")
        config = re.sub(r"(?m)^  video: \w+$", f"  video: {mode}", config)
        config += f"\nmedia_dirs:\n  - {json.dumps(str(video.parent.resolve()))}\n"  # the clip's own folder
        (tmp / "kiosk_config" / "default.yaml").write_text(config)
        shutil.copytree(ROOT / "activities", tmp / "activities")
        (tmp / "playlists").mkdir()
        playlist = tmp / "playlists" / "bench.yaml"
        playlist.write_text(KIOSK_PLAYLIST.format(video=video))
        journal = tmp / "j.sqlite"
        proc = subprocess.Popen([sys.executable, "-m", "cinema", "run", "--config", str(tmp / "kiosk_config" / "default.yaml"),
                                 "--playlist", str(playlist), "--windowed", "--size", "1280x720", "--journal", str(journal)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p = psutil.Process(proc.pid)
            _wait_for(journal, "item.started", proc)
            time.sleep(warmup)
            t0 = p.cpu_times()
            time.sleep(seconds)
            t1 = p.cpu_times()
        finally:
            proc.kill()
            proc.wait(5)
        kinds = _journal_kinds(journal)
        if "item.failed" in kinds or "item.started" not in kinds:
            raise SystemExit(f"the kiosk did not play {video.name} ({mode}): {kinds}")
        return (t1.user + t1.system) - (t0.user + t0.system)


def _wait_for(journal: Path, kind: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        try:
            if kind in _journal_kinds(journal):
                return
        except Exception:  # not made yet, or being written: look again
            pass
        time.sleep(0.1)


def _journal_kinds(journal: Path) -> list[str]:
    import sqlite3

    db = sqlite3.connect(journal)
    try:
        return [kind for (kind,) in db.execute("SELECT kind FROM records ORDER BY seq")]
    finally:
        db.close()


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("no DISPLAY and no Xvfb: apt install xvfb")
    proc = subprocess.Popen(["Xvfb", ":99", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    os.environ["DISPLAY"] = ":99"
    return proc


def clip_1080p(folder: Path, seconds: int = 60) -> Path:
    """A generated 1920x1080 25 fps clip (ffmpeg's testsrc2: moving, detailed, like a filmed lesson is not
    still), H.264 High profile as `cinema import` makes lessons."""
    out = folder / f"testsrc2-1080p-{seconds}s.mp4"
    if not out.exists():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s=1920x1080:r=25:d={seconds}",
                        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
                        str(out)], check=True, timeout=600)
    return out


def long_clip(video: Path, folder: Path, seconds: float, length: float = 12.0) -> Path:
    """`video` (the demo lesson: `length` s) repeated by stream copy to outlast `seconds` in every player."""
    out = folder / f"{video.stem}-long{video.suffix}"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(int(seconds // length) + 1), "-i", str(video),
                    "-c", "copy", str(out)], check=True, timeout=120)
    return out


WAYS = ("bare VLC, X window", "whole kiosk, window + overlays", "whole kiosk, frames")


# Each way is measured from this long after its video started: the kiosk shows its whole status strip over a
# video for its first 8 s (cinema.app.video_overlay.FULL_STRIP_SECONDS), then only the strip's badge, as it
# does for the rest of a lesson's video.
WARMUP_S = 9.0


def video_table(clips: list[Path], seconds: float, runs: int, env: dict) -> list[tuple[str, str, list[float]]]:
    """(clip, way, CPU seconds of each run) for every clip and way, the ways alternating run by run so a
    busy moment of the machine falls on all of them alike. The kiosk ways are `cinema run` whole (one
    process, its status bar laid over the video by VLC in window mode); bare VLC draws into its own window."""
    rows = []
    for clip in clips:
        cpu: dict[str, list[float]] = {way: [] for way in WAYS}
        for _ in range(runs):
            cpu[WAYS[0]].append(run_child(BARE_WINDOW % {"args": SOUND_ARGS}, [str(clip), str(seconds), str(WARMUP_S)],
                                          env)["cpu"])
            cpu[WAYS[1]].append(run_real_kiosk(clip, seconds, "window", env, WARMUP_S))
            cpu[WAYS[2]].append(run_real_kiosk(clip, seconds, "frames", env, WARMUP_S))
        rows += [(clip.name, way, values) for way, values in cpu.items()]
    return rows


def print_video_table(rows, seconds: float, runs: int, per_minute: bool = False) -> None:
    unit = "CPU s / lesson-min" if per_minute else f"CPU s over {seconds:g} s"
    scale = 60.0 / seconds if per_minute else 1.0
    print(f"\nVideo: {unit}, whole process, from {WARMUP_S:g} s into the video, median of {runs} alternating run(s),"
          f" {os.cpu_count()} cores (target: the kiosk with overlays <= 1.10x bare VLC)")
    print(f"{'clip':<26} {'way':<32} {'runs':<22} {'median':>7} {'vs bare':>8}")
    bare: dict[str, float] = {}
    for clip, way, values in rows:
        median = statistics.median(values) * scale
        if way == WAYS[0]:
            bare[clip] = median
        ratio = median / bare[clip] if bare.get(clip) else float("nan")
        shown = " / ".join(f"{v * scale:.2f}" for v in values)
        print(f"{clip:<26} {way:<32} {shown:<22} {median:>7.2f} {ratio:>7.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--media", type=Path, default=Path(tempfile.gettempdir()) / "cinema-demo-media")
    parser.add_argument("--gaps", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each way (the median is kept)")
    parser.add_argument("--no-1080p", action="store_true", help="only the 720p demo video (no generated 1080p clip)")
    opts = parser.parse_args()

    from cinema.media.demo_media import ensure_demo_media

    video = opts.media / "lesson.mp4"
    ensure_demo_media(opts.media, only=("lesson.mp4", "intro.mp4"))
    xvfb = start_xvfb()
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_FRAMEBUFFER_ACCELERATION="0",
               PYGAME_HIDE_SUPPORT_PROMPT="1", SDL_AUDIODRIVER="dummy")
    os.environ.update({k: env[k] for k in ("SDL_FRAMEBUFFER_ACCELERATION", "PYGAME_HIDE_SUPPORT_PROMPT", "SDL_AUDIODRIVER")})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            clips = [long_clip(video, Path(tmp), WARMUP_S + opts.seconds + 5)] + ([] if opts.no_1080p else [clip_1080p(Path(tmp))])
            rows = video_table(clips, opts.seconds, opts.runs, env)
        print_video_table(rows, opts.seconds, opts.runs)

        print(f"\nGap between consecutive videos ({opts.gaps} times; end of one -> next playing / first frame)")
        print(f"{'mode':<26} {'median ms':>9} {'max ms':>8}  target < 500")
        with tempfile.TemporaryDirectory() as tmp:
            clip = Path(tmp) / "intro-2s.mp4"  # the intro's first 2 s: same format, short wait
            subprocess.run(["ffmpeg", "-v", "error", "-i", str(opts.media / "intro.mp4"), "-t", "2",
                            "-c", "copy", str(clip)], check=True)
            for mode in ("window", "frames"):
                gaps = measure_gaps(clip, mode, opts.gaps)
                print(f"{mode:<26} {statistics.median(gaps) * 1000:>9.0f} {max(gaps) * 1000:>8.0f}")
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
