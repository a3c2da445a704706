"""What VLC's own overlays cost (issue 16, first measurement): a status bar, a prompt and captions drawn by VLC.

Usage: python benchmarks/bench_overlays.py [--seconds N] [--runs K] [--media DIR]

Issue 16 asks for the status bar, captions and the PIN prompt over a playing video at the cost of
bare VLC drawing into an X window. One way is VLC's own sub-picture filters: `logo` (a picture: the
status bar drawn once by pygame and handed over as a PNG, replaced when it changes), `marq` (text:
a prompt) and VLC's subtitle renderer (captions). This prints, for the same demo video in the same
run, the CPU (user + system, the whole process) of bare VLC in an X window and of the same with
those overlays on, the bar's picture replaced every second (the worst case: a clock with seconds).
The overlays are switched on through libvlc's API (video_set_logo_*, video_set_marquee_*): the
`--sub-source` command-line options drew nothing when given to a libvlc instance (seen on
screenshots, VLC 3.0). The kiosk now does this (cinema/app/video_overlay.py); bench_video.py measures the
whole kiosk that way. Without a DISPLAY an Xvfb is started.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_video  # noqa: E402 (its child measurer, bare VLC window and Xvfb)

OVERLAYS = bench_video._MEASURE + r"""
import pygame, vlc
video, seconds, bar = sys.argv[1], float(sys.argv[2]), sys.argv[3]
pygame.display.init()
window = pygame.display.set_mode((1280, 720))  # as bench_video's bare VLC window
inst = vlc.Instance(%(args)r + ["--no-xlib"])
mp = inst.media_player_new()
mp.set_xwindow(pygame.display.get_wm_info()["window"])
mp.set_media(inst.media_new_path(video))
mp.play()
while mp.get_state() != vlc.State.Playing:
    time.sleep(0.01)
mp.video_set_logo_string(vlc.VideoLogoOption.logo_file, bar)
mp.video_set_logo_int(vlc.VideoLogoOption.logo_position, 4)  # top
mp.video_set_logo_int(vlc.VideoLogoOption.logo_enable, 1)
mp.video_set_marquee_string(vlc.VideoMarqueeOption.Text, "PIN: ****")
mp.video_set_marquee_int(vlc.VideoMarqueeOption.Size, 40)
mp.video_set_marquee_int(vlc.VideoMarqueeOption.Enable, 1)
n = [0]
def tick():
    pygame.event.pump()
    time.sleep(0.05)
    n[0] += 1
    if n[0] %% 20 == 0:  # a new status bar picture every second
        mp.video_set_logo_string(vlc.VideoLogoOption.logo_file, bar)
measure(seconds, tick=tick)
"""


def status_bar_png(path: Path) -> None:
    """A 1280x48 status bar picture as the kiosk would hand it to VLC."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    pygame.font.init()
    bar = pygame.Surface((1280, 48), pygame.SRCALPHA)
    bar.fill((20, 24, 32, 230))
    font = pygame.font.Font(None, 36)
    bar.blit(font.render("2 / 6     78 %  2 h 10 min     03:07", True, (240, 240, 240)), (16, 10))
    pygame.image.save(bar, str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each way (the median is kept)")
    parser.add_argument("--media", type=Path, default=Path(tempfile.gettempdir()) / "cinema-demo-media")
    opts = parser.parse_args()

    from cinema.media.demo_media import ensure_demo_media

    ensure_demo_media(opts.media, only=("lesson.mp4", "lesson.srt"))
    video, captions = opts.media / "lesson.mp4", opts.media / "lesson.srt"
    bar = Path(tempfile.mkdtemp()) / "bar.png"
    status_bar_png(bar)
    xvfb = bench_video.start_xvfb()
    env = dict(os.environ, PYTHONPATH=str(bench_video.ROOT), SDL_VIDEODRIVER="x11", SDL_FRAMEBUFFER_ACCELERATION="0")
    args = bench_video.VLC_ARGS
    ways = {
        "bare VLC, X window": (bench_video.BARE_WINDOW, args, []),
        "bare VLC + its subtitles": (bench_video.BARE_WINDOW, args + [f"--sub-file={captions}"], []),
        "+ status bar (logo, new each s) + prompt (marq)": (OVERLAYS, args + [f"--sub-file={captions}"], [str(bar)]),
    }
    cpu: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for _ in range(opts.runs):
            for name, (code, vlc_args, extra) in ways.items():
                cpu[name].append(bench_video.run_child(code % {"args": vlc_args}, [str(video), str(opts.seconds), *extra],
                                                       env)["cpu"])
    finally:
        if xvfb is not None:
            xvfb.terminate()
    bare = statistics.median(cpu["bare VLC, X window"])
    print(f"\nCPU seconds over {opts.seconds:g} s of {video.name} (1280x720), {opts.runs} alternating runs, "
          f"{os.cpu_count()} cores")
    print(f"{'way':<50} {'runs':<22} {'median':>7} {'vs bare':>8}  target <= 1.10")
    for name, values in cpu.items():
        median = statistics.median(values)
        print(f"{name:<50} {' / '.join(f'{v:.2f}' for v in values):<22} {median:>7.2f} {median / bare:>7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
