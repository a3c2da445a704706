"""What asking VLC for hardware decoding costs: the kiosk's player with it (VLC counting shown pictures,
so that a decoder giving none is noticed) against it off (no counting), same video, same run.

Usage: python benchmarks/bench_decoding.py [--seconds N] [--media DIR] [--repeat K]

Each player runs in its own process and reports the CPU (user+sys, all threads) it used over the same
stretch of the demo video; the two are run in turn K times. Without a DISPLAY an Xvfb is started.
On a laptop without a graphics chip VLC decodes in software either way: the difference is the counting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_video import _MEASURE, run_child, start_xvfb  # noqa: E402  (stdlib only at import)

PLAYER = _MEASURE + r"""
import pygame
from cinema.media.vlc_player import VlcPlayer
video, seconds, mode, hardware = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4] == "auto"
pygame.display.init()
screen = pygame.display.set_mode((1280, 720))
kw = {"window_id": pygame.display.get_wm_info()["window"]} if mode == "window" else {"frame_size": (1280, 720)}
player = VlcPlayer(lambda t: None, lambda t, r: None, mode, audio=False, hardware_decoding=hardware, **kw)
player.play(1, video)
while player.position() <= 0:
    time.sleep(0.01)
shown = [0]
def tick():
    if mode == "frames" and player.frame_serial() != shown[0]:
        shown[0] = player.frame_serial()
        frame = player.frame()
        if frame is not None:
            screen.blit(frame, (0, 0))
            pygame.display.flip()
    time.sleep(0.01)
measure(seconds, tick=tick)
assert player.hardware_decoding == hardware, "the player fell back to software: not a fair comparison"
player.close()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--media", type=Path, default=Path(tempfile.gettempdir()) / "cinema-demo-media")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()

    from cinema.media.demo_media import ensure_demo_media

    video = opts.media / "lesson.mp4"
    ensure_demo_media(opts.media, only=("lesson.mp4",))
    xvfb = start_xvfb()
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_FRAMEBUFFER_ACCELERATION="0",
               PYGAME_HIDE_SUPPORT_PROMPT="1", SDL_AUDIODRIVER="dummy")
    try:
        print(f"CPU seconds over {opts.seconds:g} s of {video.name} (1280x720, 25 fps), {os.cpu_count()} cores, "
              f"median of {opts.repeat}; GPU: {'yes' if os.path.exists('/dev/dri/renderD128') else 'none'}")
        print(f"{'output':<8} {'off':>7} {'auto':>7} {'auto/off':>9}   (each run)")
        for mode in ("window", "frames"):
            runs: dict[str, list[float]] = {"off": [], "auto": []}
            for _ in range(opts.repeat):
                for hardware in ("off", "auto"):
                    child = run_child(PLAYER, [str(video), str(opts.seconds), mode, hardware], env)
                    runs[hardware].append(child["cpu"])
            off, auto = statistics.median(runs["off"]), statistics.median(runs["auto"])
            each = " ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(runs["off"], runs["auto"]))
            print(f"{mode:<8} {off:>7.2f} {auto:>7.2f} {auto / off:>8.2f}x   {each}")
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
