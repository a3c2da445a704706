"""What VLC's own overlays cost (issue 16): the kiosk's status strip, its badge, a prompt and captions drawn by VLC.

Usage: python benchmarks/bench_overlays.py [--seconds N] [--runs K] [--media DIR]

Issue 16 asks for the status bar, captions and the PIN prompt over a playing video at the cost of
bare VLC drawing into an X window. The kiosk uses VLC's own sub-picture filters: `logo` (a picture: what
pygame draws over the video, handed over as a PNG, replaced when it changes; cinema/app/video_overlay.py)
and VLC's subtitle renderer (captions); `marq` (text) is measured for a prompt. This prints, for the same
demo video in the same run, the CPU (user + system, the whole process) of bare VLC in an X window and of
the same with the kiosk's real pictures laid over it: the whole status strip (1280 px wide) and the badge
it folds to once nothing changed for 8 s. VLC blends the picture into every frame, at a cost that grows
with its size. Each run ends with a grab of the screen: "seen" says the picture was really drawn (the
first version of this benchmark set the overlays before VLC had its video output, and they never were).
Without a DISPLAY an Xvfb is started.
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
video, seconds, picture, marquee = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4] == "marquee"
pygame.display.init()
window = pygame.display.set_mode((1280, 720))  # as bench_video's bare VLC window
inst = vlc.Instance(%(args)r + ["--no-xlib"])
mp = inst.media_player_new()
mp.set_xwindow(pygame.display.get_wm_info()["window"])
mp.set_media(inst.media_new_path(video))
mp.play()
# The overlays are set once VLC has made its video output, as the kiosk does (it waits for the video's
# size): set before that, at "Playing", they were never drawn (seen on screenshots).
while mp.get_state() != vlc.State.Playing or not mp.has_vout():
    time.sleep(0.01)
mp.video_set_logo_string(vlc.VideoLogoOption.logo_file, picture)
mp.video_set_logo_int(vlc.VideoLogoOption.logo_position, -1)
mp.video_set_logo_int(vlc.VideoLogoOption.logo_x, 0)
mp.video_set_logo_int(vlc.VideoLogoOption.logo_y, 0)
mp.video_set_logo_int(vlc.VideoLogoOption.logo_opacity, 255)
mp.video_set_logo_int(vlc.VideoLogoOption.logo_enable, 1)
if marquee:
    mp.video_set_marquee_string(vlc.VideoMarqueeOption.Text, "PIN: ****")
    mp.video_set_marquee_int(vlc.VideoMarqueeOption.Size, 40)
    mp.video_set_marquee_int(vlc.VideoMarqueeOption.Position, 8)  # bottom
    mp.video_set_marquee_int(vlc.VideoMarqueeOption.Enable, 1)
def tick():
    pygame.event.pump()
    time.sleep(0.05)
measure(seconds, warmup=1.0, tick=tick)
import subprocess
shot = picture + ".screen.png"
subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "x11grab", "-video_size", "1280x720", "-i", os.environ["DISPLAY"],
                "-frames:v", "1", shot], check=False, timeout=30)
"""


def kiosk_pictures(folder: Path) -> dict[str, Path]:
    """The kiosk's own pictures over a 1280x720 video (its renderer, as cinema/app/video_overlay.py hands them
    to VLC): the whole status strip with the progress line, and the badge it folds to after 8 s."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from cinema.core.view import MediaBody, Screen, StatusBar, View
    from cinema.display.renderer import Renderer

    pygame.init()
    renderer = Renderer((1280, 720))
    view = View(Screen.VIDEO, MediaBody("lesson.mp4", "Water", position=12.0, duration=60.0), item_number=2,
                item_count=6, status=StatusBar(battery_percent=78.0, battery_minutes=130.0, attendance=23))
    out = {}
    for name, compact in (("strip", False), ("badge", True)):
        layer = pygame.Surface((1280, 720), pygame.SRCALPHA)
        renderer.draw_layer(layer, view, compact_status=compact)
        out[name] = folder / f"{name}.png"
        pygame.image.save(layer.subsurface(layer.get_bounding_rect()), str(out[name]))
    return out


def drawn(picture: Path) -> bool:
    """The screen grabbed at the end of the run shows the picture's top-left corner (the strip's colour)."""
    import pygame

    shot = Path(str(picture) + ".screen.png")
    if not shot.exists():
        return False
    want, got = pygame.image.load(str(picture)).get_at((2, 2)), pygame.image.load(str(shot)).get_at((2, 2))
    return max(abs(a - b) for a, b in zip(want[:3], got[:3])) < 40


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each way (the median is kept)")
    parser.add_argument("--media", type=Path, default=Path(tempfile.gettempdir()) / "cinema-demo-media")
    opts = parser.parse_args()

    from cinema.media.demo_media import ensure_demo_media

    ensure_demo_media(opts.media, only=("lesson.mp4", "lesson.srt"))
    video, captions = opts.media / "lesson.mp4", opts.media / "lesson.srt"
    pictures = kiosk_pictures(Path(tempfile.mkdtemp()))
    xvfb = bench_video.start_xvfb()
    env = dict(os.environ, PYTHONPATH=str(bench_video.ROOT), SDL_VIDEODRIVER="x11", SDL_FRAMEBUFFER_ACCELERATION="0")
    args = bench_video.VLC_ARGS
    subs = args + [f"--sub-file={captions}"]
    ways = {
        "bare VLC, X window": (bench_video.BARE_WINDOW, args, []),
        "bare VLC + its subtitles": (bench_video.BARE_WINDOW, subs, []),
        "+ the kiosk's whole status strip (logo)": (OVERLAYS, subs, [str(pictures["strip"]), "-"]),
        "+ the strip + a prompt (marquee)": (OVERLAYS, subs, [str(pictures["strip"]), "marquee"]),
        "+ the strip's badge (logo), as after 8 s": (OVERLAYS, subs, [str(pictures["badge"]), "-"]),
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
    print(f"{'way':<44} {'runs':<34} {'median':>7} {'vs bare':>8}  {'seen':<5} target <= 1.10")
    for name, values in cpu.items():
        median = statistics.median(values)
        extra = ways[name][2]
        seen = ("yes" if drawn(Path(extra[0])) else "NO") if extra else ""
        print(f"{name:<44} {' / '.join(f'{v:.2f}' for v in values):<34} {median:>7.2f} {median / bare:>7.2f}x  {seen:<5}")
    sizes = {name: __import__("pygame").image.load(str(path)).get_size() for name, path in pictures.items()}
    print("pictures: " + ", ".join(f"{name} {w}x{h}" for name, (w, h) in sizes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
