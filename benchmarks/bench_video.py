"""Measure video playback: CPU of our player path against bare VLC, and the gap between items.

Usage: python benchmarks/bench_video.py [--seconds N] [--media DIR] [--gaps K]

Each player runs in its own process and reports the CPU (user+sys, all threads) it used
over the same stretch of the same demo video. Without a DISPLAY an Xvfb is started.
"""

from __future__ import annotations

import argparse
import json
import os
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
import vlc
video, seconds = sys.argv[1], float(sys.argv[2])
inst = vlc.Instance(%(args)r + ["--no-xlib"])
mp = inst.media_player_new()          # VLC opens its own X window
mp.set_media(inst.media_new_path(video))
mp.play()
while mp.get_state() != vlc.State.Playing:
    time.sleep(0.01)
measure(seconds, tick=lambda: time.sleep(0.05))
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

# The kiosk's path: a pygame window, VlcPlayer in window or frames mode, and a main loop
# that waits for events and redraws only when something changed.
KIOSK = _MEASURE + r"""
import pygame
from cinema.media.vlc_player import VlcPlayer
video, seconds, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
pygame.display.init()
screen = pygame.display.set_mode((1280, 720))
kw = {"window_id": pygame.display.get_wm_info()["window"]} if mode == "window" else {"frame_size": (1280, 720)}
player = VlcPlayer(lambda t: None, lambda t, r: None, mode, audio=False, **kw)
player.play(1, video)
while player.position() <= 0:
    time.sleep(0.01)
clock = pygame.time.Clock()
shown = [0]
def tick():
    for _ in pygame.event.get():
        pass
    if mode == "frames" and player.frame_serial() != shown[0]:
        shown[0] = player.frame_serial()
        frame = player.frame()
        if frame is not None:
            screen.blit(frame, frame.get_rect(center=screen.get_rect().center))
            pygame.display.flip()
    clock.tick(60)
measure(seconds, tick=tick)
player.close()
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


def run_real_kiosk(video: Path, seconds: float, mode: str, env: dict) -> float:
    """CPU seconds the whole kiosk (`cinema run`, one process) uses over `seconds` of video."""
    import psutil

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "kiosk_config").mkdir()
        config = (ROOT / "kiosk_config" / "default.yaml").read_text()
        config = config.replace("playlist: playlists/demo.yaml", "playlist: playlists/bench.yaml")
        config = config.replace("  video: frames", f"  video: {mode}")
        (tmp / "kiosk_config" / "default.yaml").write_text(config)
        shutil.copytree(ROOT / "activities", tmp / "activities")
        (tmp / "playlists").mkdir()
        (tmp / "playlists" / "bench.yaml").write_text(KIOSK_PLAYLIST.format(video=video))
        proc = subprocess.Popen([sys.executable, "-m", "cinema", "run", "--config", str(tmp / "kiosk_config" / "default.yaml"),
                                 "--windowed", "--size", "1280x720", "--journal", str(tmp / "j.sqlite")],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p = psutil.Process(proc.pid)
            time.sleep(2.0)  # start-up and the first second of video
            t0 = p.cpu_times()
            time.sleep(seconds)
            t1 = p.cpu_times()
            return (t1.user + t1.system) - (t0.user + t0.system)
        finally:
            proc.kill()
            proc.wait(5)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--media", type=Path, default=Path(tempfile.gettempdir()) / "cinema-demo-media")
    parser.add_argument("--gaps", type=int, default=5)
    opts = parser.parse_args()

    from cinema.media.demo_media import ensure_demo_media

    video = opts.media / "lesson.mp4"
    ensure_demo_media(opts.media, only=("lesson.mp4", "intro.mp4"))
    xvfb = start_xvfb()
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_FRAMEBUFFER_ACCELERATION="0",
               PYGAME_HIDE_SUPPORT_PROMPT="1", SDL_AUDIODRIVER="dummy")
    os.environ.update({k: env[k] for k in ("SDL_FRAMEBUFFER_ACCELERATION", "PYGAME_HIDE_SUPPORT_PROMPT", "SDL_AUDIODRIVER")})
    try:
        n = str(opts.seconds)
        rows = []
        for label, bare_code, mode in (
            ("X window (set_xwindow)", BARE_WINDOW, "window"),
            ("frames (video callbacks)", BARE_FRAMES, "frames"),
        ):
            bare = run_child(bare_code % {"args": VLC_ARGS}, [str(video), n], env)
            ours = run_child(KIOSK, [str(video), n, mode], env)
            rows.append((label, bare["cpu"], ours["cpu"], ours["cpu"] / bare["cpu"] if bare["cpu"] else float("nan")))
            whole = run_real_kiosk(video, opts.seconds, mode, env)
            rows.append((f"  whole kiosk, {mode}", bare["cpu"], whole, whole / bare["cpu"] if bare["cpu"] else float("nan")))
        print(f"\nCPU seconds over {opts.seconds:g} s of {video.name} (1280x720, 25 fps), {os.cpu_count()} cores")
        print(f"{'output':<26} {'bare VLC':>9} {'kiosk path':>11} {'ratio':>7}  target <= 1.10")
        for label, bare_cpu, ours_cpu, ratio in rows:
            print(f"{label:<26} {bare_cpu:>9.2f} {ours_cpu:>11.2f} {ratio:>6.2f}x")

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
