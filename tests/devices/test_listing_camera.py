"""`cinema devices --camera`: the camera's live picture with the cards it reads, and the camera chosen saved in
the kiosk config (its comments kept)."""

import os
import subprocess
import sys
import textwrap
from argparse import Namespace
from pathlib import Path

import pygame
import pytest

from cinema.devices import listing
from cinema.devices.cards.camera_choice import CannotSave, lasting_name, save_camera
from cinema.devices.listing import camera_choices
from cinema.devices.cards.camera_mode import parse_formats
from tests.app.xvfb import xvfb_display
from tests.devices.cards.test_camera_mode import C920_FORMATS, LAPTOP_YUYV_FORMATS

ROOT = Path(__file__).resolve().parents[2]

# Run in a real X window: two fake cameras showing a generated room of answer cards (the second
# too dark), the keys a person presses posted into the window's own event queue as the loop runs.
DRIVER = textwrap.dedent("""
    import sys, time
    from argparse import Namespace
    import numpy as np, pygame
    from cinema.devices.cards.room import make_room
    from cinema.devices.cards.sources import FakeCamera, register_fake_camera
    from cinema.devices.listing import main_camera

    config, shots, keys = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    room = make_room("5X5_100", (1280, 720), 12, seed=4, distances=(2.0, 4.0))  # 720p reads 98 mm codes to 4.8 m
    frames = [room.frame(0)]  # the room held still: what the window reads does not depend on the frame shown
    register_fake_camera("fake://room", FakeCamera(frames, fps=15).open)
    register_fake_camera("fake://dark", FakeCamera([(f * 0.2).astype(np.uint8) for f in frames], fps=15).open)
    state = {"shot": 0, "since": time.monotonic()}

    def on_step(preview):
        g = preview.shown.grabber
        settled = preview.shown.look is not None and g is not None and g.fps and time.monotonic() - state["since"] > 1
        if time.monotonic() - state["since"] > 20:
            raise SystemExit("no picture came")
        if not settled or state["shot"] >= len(keys):
            return
        pygame.image.save(preview.surface, f"{shots}/shot-{state['shot']}.png")
        print("shown", preview.current.spec, len(preview.shown.markers), flush=True)
        key = {"esc": pygame.K_ESCAPE, "enter": pygame.K_RETURN}.get(keys[state["shot"]]) or getattr(pygame, "K_" + keys[state["shot"]])
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
        state["shot"] += 1
        state["since"] = time.monotonic()

    sys.exit(main_camera(Namespace(camera="fake://room", config=config), on_step=on_step))
""")


def run_preview(tmp_path: Path, env: dict, keys: str, language: str = "en") -> tuple[subprocess.CompletedProcess, Path]:
    config = tmp_path / "kiosk.yaml"
    if not config.exists():
        config.write_text((ROOT / "kiosk_config" / "default.yaml").read_text())
    shots = tmp_path / f"shots-{language}"
    shots.mkdir()
    done = subprocess.run([sys.executable, "-c", DRIVER, str(config), str(shots), keys], capture_output=True,
                          text=True, timeout=90, cwd=ROOT, env={**env, "CINEMA_LANGUAGE": language})
    return done, shots


def pixels_of(image: pygame.Surface, color, top: int = 0, bottom: int | None = None) -> int:
    """How many pixels between rows `top` and `bottom` are drawn in `color`."""
    arr = pygame.surfarray.pixels3d(image)[:, top:bottom]
    r, g, b = (arr[..., i].astype(int) for i in range(3))
    return int(((abs(r - color[0]) < 20) & (abs(g - color[1]) < 20) & (abs(b - color[2]) < 20)).sum())


GREEN, YELLOW = (0, 158, 115), (240, 228, 66)  # the theme's good and warn (Okabe-Ito)


def not_mirrored(shot: pygame.Surface) -> bool:
    """The picture in the window is the camera's frame as it is, not flipped like a video call's self-view."""
    import cv2
    import numpy as np

    from cinema.devices.cards.room import make_room

    frame = make_room("5X5_100", (1280, 720), 12, seed=4, distances=(2.0, 4.0)).frame(0)
    rgb = pygame.surfarray.array3d(shot).transpose(1, 0, 2).astype(np.int16)
    picture = rgb.sum(axis=2) > 0  # the letterbox around it is black, the panel below it dark grey
    rows, cols = np.nonzero(picture[:500])
    top, bottom, left, right = rows.min(), 500, cols.min(), cols.max() + 1
    seen = rgb[top:bottom, left:right]
    shown = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), (right - left, round(720 * (right - left) / 1280)))
    shown = shown[:bottom - top].astype(np.int16)
    return np.abs(seen - shown).mean() < 0.5 * np.abs(seen - shown[:, ::-1]).mean()


def test_the_live_picture_boxes_the_cards_switches_cameras_and_saves_the_one_chosen(tmp_path):
    with xvfb_display("1280x720x24") as env:
        done, shots = run_preview(tmp_path, env, "2,1,enter")
    assert done.returncode == 0, done.stderr
    shown = [line.split() for line in done.stdout.splitlines() if line.startswith("shown")]
    assert [s[1] for s in shown] == ["fake://room", "fake://dark", "fake://room"]
    assert int(shown[0][2]) == 11  # of the 12 cards held up, as MarkerReader reads this frame
    assert "the kiosk reads cards with the camera fake://room" in done.stdout
    config = (tmp_path / "kiosk.yaml").read_text()
    assert "  camera: fake://room\n" in config
    assert "  # /dev/v4l/by-id/usb-...-video-index0 (stays right however cameras are plugged in);" in config
    room, dark = (pygame.image.load(str(shots / f"shot-{i}.png")) for i in (0, 1))
    assert pixels_of(room, GREEN, 0, 540) > 2000  # a box round each card in the picture
    assert not_mirrored(room)
    assert pixels_of(dark, YELLOW, 560) > 200  # the words under it warn: too dark


def test_in_arabic_the_words_are_on_the_right_and_esc_saves_nothing(tmp_path):
    with xvfb_display("1280x720x24") as env:
        done, shots = run_preview(tmp_path, env, "esc", language="ar")
    assert done.returncode == 0, done.stderr
    assert "camera: null" in (tmp_path / "kiosk.yaml").read_text()
    image = pygame.image.load(str(shots / "shot-0.png"))
    w, h = image.get_size()
    panel = pygame.surfarray.array3d(image)[:, h - 120:, :].max(axis=2) > 150  # light ink on the dark panel
    columns = panel.any(axis=1).nonzero()[0]
    assert columns.max() > w - 40 and columns.min() > 40  # lines end at the right margin, start further in


def test_with_no_screen_it_says_so_in_one_sentence(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    code = listing.main_camera(Namespace(camera="/dev/video9", config=None))
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "no screen here" in err


def two_webcams(tmp_path):
    """A pretend /dev and sysfs: a laptop's camera (two nodes) and a C920."""
    dev, v4l = tmp_path / "dev", tmp_path / "sys" / "class" / "video4linux"
    for n, index, name in ((0, "0", "Integrated Camera"), (1, "1", "Integrated Camera"), (2, "0", "HD Pro Webcam C920")):
        (dev / f"video{n}").parent.mkdir(parents=True, exist_ok=True)
        (dev / f"video{n}").write_text("")
        (v4l / f"video{n}").mkdir(parents=True)
        (v4l / f"video{n}" / "index").write_text(index + "\n")
        (v4l / f"video{n}" / "name").write_text(name + "\n")
    return dev, v4l


def test_the_listing_says_the_mode_each_camera_reads_cards_in(tmp_path):
    dev, v4l = two_webcams(tmp_path)
    modes = {str(dev / "video0"): parse_formats(LAPTOP_YUYV_FORMATS), str(dev / "video2"): parse_formats(C920_FORMATS)}
    found = listing.list_devices(list_ports=lambda: [], dev=dev, sys_root=tmp_path / "sys", battery=lambda: None,
                                 nut=lambda: [], camera_modes=lambda path: modes.get(path, []))
    found = {d["path"]: d for d in found}
    assert found[str(dev / "video2")]["best_mode"] == "MJPG 1920x1080 30 fps"
    assert found[str(dev / "video0")]["best_mode"] == "YUYV 1280x720 10 fps"
    assert "best_mode" not in found[str(dev / "video1")]  # the metadata node gives no pictures
    assert listing.describe(found[str(dev / "video2")]).endswith("HD Pro Webcam C920 - reads cards in MJPG 1920x1080 30 fps")


def test_the_cameras_offered_are_the_named_one_first_then_each_that_gives_pictures(tmp_path):
    dev, v4l = two_webcams(tmp_path)
    fakes = lambda: ["fake://room"]  # noqa: E731
    assert camera_choices("auto", dev, v4l, fakes) == [
        (str(dev / "video0"), "Integrated Camera"), (str(dev / "video2"), "HD Pro Webcam C920"), ("fake://room", "fake://room")]
    assert camera_choices("2", dev, v4l, fakes)[:2] == [(str(dev / "video2"), "HD Pro Webcam C920"),
                                                       (str(dev / "video0"), "Integrated Camera")]
    assert camera_choices("films/room.mp4", dev, v4l, lambda: [])[0] == ("films/room.mp4", "films/room.mp4")


CONFIG = """\
version: 1
devices:
  clickers: []   # receivers
  # Webcam for scanning QR cards
  camera: null   # null = no camera
language: en
"""


@pytest.mark.parametrize("text, camera, expected", [
    (CONFIG, "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_1A2B-video-index0",
     "  camera: /dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_1A2B-video-index0   # null = no camera\n"),
    (CONFIG, "0", "  camera: 0   # null = no camera\n"),
    (CONFIG, "films/class room.mp4", '  camera: "films/class room.mp4"   # null = no camera\n'),
    (CONFIG.replace("  # Webcam for scanning QR cards\n  camera: null   # null = no camera\n", ""), "/dev/video2",
     "  camera: /dev/video2\n  clickers: []   # receivers\n"),
    ("version: 1\nlanguage: en", "/dev/video2", "language: en\ndevices:\n  camera: /dev/video2\n"),
])
def test_the_camera_is_saved_on_its_own_line_keeping_the_files_comments(tmp_path, text, camera, expected):
    (tmp_path / "kiosk_config").mkdir()
    config = tmp_path / "kiosk_config" / "default.yaml"
    config.write_text(text)
    save_camera(config, camera)
    saved = config.read_text()
    assert expected in saved
    if "#" in text:
        assert "# Webcam for scanning QR cards" in saved or "camera: null" not in text
        assert "clickers: []   # receivers" in saved
    assert list(tmp_path.glob("kiosk_config/.default.yaml.*")) == []  # no temporary file left behind


def test_a_config_it_cannot_change_safely_is_left_as_it_was(tmp_path):
    config = tmp_path / "kiosk.yaml"
    config.write_text("version: 1\ndevices: {camera: null}\n")
    with pytest.raises(CannotSave, match="by hand"):
        save_camera(config, "/dev/video0")
    assert config.read_text() == "version: 1\ndevices: {camera: null}\n"
    config.write_text("version: 1\ndevices: [\n")
    with pytest.raises(CannotSave, match="cinema check"):
        save_camera(config, "/dev/video0")


def test_a_webcam_is_saved_by_its_lasting_name(tmp_path):
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    node = tmp_path / "video2"
    node.write_text("")
    (by_id / "usb-046d_HD_Pro_Webcam_C920_1A2B-video-index1").symlink_to(tmp_path / "video3")
    (by_id / "usb-046d_HD_Pro_Webcam_C920_1A2B-video-index0").symlink_to(node)
    assert lasting_name(str(node), by_id) == str(by_id / "usb-046d_HD_Pro_Webcam_C920_1A2B-video-index0")
    assert lasting_name(str(tmp_path / "video0"), by_id) == str(tmp_path / "video0")
    assert lasting_name("/dev/video0", tmp_path / "no-such-folder") == "/dev/video0"
