"""Window mode ("video: window", VLC drawing into the kiosk's window): after hardware decoding is dropped the
video is seen again in the same window, with the overlay (status bar, prompts) laid over it as before."""

from __future__ import annotations

import subprocess
import sys

import pygame
import pytest

from tests.app.kiosk_project import ROOT
from tests.app.xvfb import grab, xvfb_display

pytestmark = pytest.mark.usefixtures("need_vlc")

SIZE = (320, 240)
GREEN, RED = (40, 160, 60), (230, 30, 30)

# The kiosk's side: a pygame window, the player drawing into it with "hardware" decoding that shows no
# picture, an overlay laid on before the fallback; it says "shown" once the video plays in software.
CHILD = r"""
import sys, time, pygame
from cinema.media.vlc_player import VlcPlayer
video, overlay = sys.argv[1], sys.argv[2]
pygame.display.init()
pygame.display.set_mode((%(w)d, %(h)d))
changes = []
player = VlcPlayer(lambda t: None, lambda t, r: print("failed", r, flush=True), "window", audio=False,
                   window_id=pygame.display.get_wm_info()["window"], hardware_args=("--avcodec-skip-frame=4",),
                   picture_timeout=0.5, on_decoding=lambda *change: changes.append(change))
player.set_overlay(overlay, 0, 0)
player.play(1, video)
deadline = time.monotonic() + 10
while not (changes and player.position() > 1.0) and time.monotonic() < deadline:
    pygame.event.pump()
    time.sleep(0.05)
player.pause(True)
print("shown" if changes else "no fallback", len(changes), flush=True)
time.sleep(20)
""" % {"w": SIZE[0], "h": SIZE[1]}


def test_after_the_fallback_the_window_shows_the_video_and_the_overlay(tmp_path):
    import shutil

    if shutil.which("ffmpeg") is None:
        pytest.skip("needs ffmpeg")
    video, overlay = tmp_path / "green.mp4", tmp_path / "bar.png"
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
                    "color=c=0x%02x%02x%02x:s=320x240:r=25:d=10" % GREEN, "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", str(video)], check=True, timeout=60)
    bar = pygame.Surface((320, 40), pygame.SRCALPHA)
    bar.fill((*RED, 255))
    pygame.image.save(bar, str(overlay))
    with xvfb_display(f"{SIZE[0]}x{SIZE[1]}x24") as env:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(video), str(overlay)], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert child.stdout.readline().split() == ["shown", "1"]
            screen = pygame.image.load(str(grab(env, SIZE, tmp_path / "grab")[0]))
        finally:
            child.kill()
            child.wait(5)
    top, middle = screen.get_at((160, 20))[:3], screen.get_at((160, 160))[:3]
    assert all(abs(a - b) < 40 for a, b in zip(top, RED)), top  # the overlay, on the new MediaPlayer
    assert all(abs(a - b) < 40 for a, b in zip(middle, GREEN)), middle  # the video, decoded in software
