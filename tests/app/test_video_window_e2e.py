"""End to end, the low-cost way to show video (`video: window`, VLC drawing into the kiosk's window itself):
`cinema run` in Xvfb, a real key held and typed through the X server, and what the X server shows read
back with ffmpeg. The status bar, the caption and the teacher's PIN prompt must all be seen over the
playing video (issue 16), and the video itself must be seen around them."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pygame
import pytest

from cinema.display.theme import Theme
from tests.app.kiosk_project import ROOT, cinema_cmd
from tests.app.test_keyboard_x11_e2e import Keyboard
from tests.app.test_window_e2e import quiet, stop
from tests.app.xvfb import grab, xvfb_display

SIZE = (960, 540)
GREEN = (40, 160, 60)  # the video: one colour, so what is over it is easy to tell apart
CAPTIONS = "1\n00:00:00,000 --> 00:00:30,000\nWATER FALLS AS RAIN\n"


def make_video(folder) -> None:
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
                    "color=c=0x%02x%02x%02x:s=640x360:r=25:d=30" % GREEN, "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", str(folder / "green.mp4")], check=True, timeout=60)
    (folder / "green.srt").write_text(CAPTIONS)


def near(color, target, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color[:3], target))


def share(picture: pygame.Surface, rect: pygame.Rect, test) -> float:
    points = [picture.get_at((x, y)) for x in range(rect.left, rect.right, 4) for y in range(rect.top, rect.bottom, 4)]
    return sum(bool(test(p)) for p in points) / len(points)


@pytest.fixture
def kiosk_window(project, tmp_path):
    from cinema.media.factory import vlc_available

    if shutil.which("ffmpeg") is None or vlc_available() is not None:
        pytest.skip("needs ffmpeg and libvlc")
    media = project / "media"
    media.mkdir()
    make_video(media)
    quiet(project)
    config = project / "kiosk_config" / "default.yaml"
    assert "\n  video: window\n" in config.read_text()  # the shipped config: the low-cost way
    (project / "playlists" / "e2e.yaml").write_text(
        "version: 1\nid: e2e\ntitle: Rain\nlanguage: en\nitems:\n"
        "  - {type: video, id: rain, title: Rain, media: ../media/green.mp4, subtitles: ../media/green.srt}\n"
        "  - {type: closing, id: bye}\n")
    cmd = cinema_cmd(project, "--windowed", "--size", f"{SIZE[0]}x{SIZE[1]}", "--trace")
    cmd.remove("--headless")
    with xvfb_display(f"{SIZE[0]}x{SIZE[1]}x24") as env:
        kiosk = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        try:
            yield kiosk, env
        finally:
            stop(kiosk)


def test_the_status_bar_caption_and_pin_prompt_show_over_a_video_vlc_draws(kiosk_window, tmp_path):
    kiosk, env = kiosk_window
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the video item has begun
        line = kiosk.stdout.readline()
        if not line:
            pytest.fail(kiosk.stderr.read())
        record = json.loads(line)
        if record["kind"] == "item.started":  # the video, the lesson's first item
            break
    time.sleep(2.0)  # VLC's first pictures
    playing = pygame.image.load(str(grab(env, SIZE, tmp_path / "playing")[0]))
    keyboard = Keyboard(env["DISPLAY"])
    try:
        keyboard.press("Escape", hold=2.4)  # the teacher holds Escape: the PIN prompt opens over the video
        keyboard.type("12")
    finally:
        keyboard.close()
    time.sleep(1.0)
    prompt = pygame.image.load(str(grab(env, SIZE, tmp_path / "prompt")[0]))

    theme = Theme()
    width, height = SIZE
    # The top of the status strip (27 px high at this size) where the clock is: the strip's start, also once
    # it has folded to its badge (8 s after the video's last change).
    status = pygame.Rect(0, 2, width // 6, 20)
    middle = pygame.Rect(width // 4, height // 3, width // 2, height // 6)
    caption = pygame.Rect(width // 4, height - 90, width // 2, 70)
    assert share(playing, middle, lambda p: near(p, GREEN)) > 0.9, "the video is not seen"
    # VLC scales the picture with the video (640x360 shown at 960x540) and its dark greys come out darker.
    assert share(playing, status, lambda p: max(p[:3]) <= theme.status_bg[2]) > 0.6, "no status bar over the video"
    assert share(playing, caption, lambda p: min(p[:3]) > 200) > 0.02, "no caption over the video"

    assert share(prompt, middle, lambda p: max(p[:3]) <= theme.panel[2]) > 0.6, "no PIN prompt over the video"
    assert share(prompt, status, lambda p: max(p[:3]) <= theme.status_bg[2]) > 0.6, "the status bar went"
    beside = pygame.Rect(4, height // 2, 30, 60)  # between the screen's edge and the prompt: the video, darkened
    assert share(prompt, beside, lambda p: near(p, tuple(c * 80 // 255 for c in GREEN), 25)) > 0.8
    assert kiosk.poll() is None, "the kiosk stopped"
