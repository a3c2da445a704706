"""`cinema doctor`: each missing thing is named in plain words with a fix, and only real failures exit 1."""

import io
import json
import os
from argparse import Namespace
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from cinema.devices.cards.camera_check import PictureLook
from cinema.doctor import Machine, Status, _may, main_doctor, run_checks

FONTS = ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "DejaVuSans.ttf")


def font_dir(tmp_path: Path, names=FONTS) -> str:
    folder = tmp_path / "fonts"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return str(folder)


@pytest.fixture
def laptop(tmp_path):
    """A laptop where everything is in order: the doctor should find nothing to fix."""
    return Machine(
        environ={"DISPLAY": ":0"}, which=lambda name: f"/usr/bin/{name}" if name in ("cage", "systemctl", "ffmpeg", "ffprobe", "soffice") else None,
        exists=lambda path: True, find=lambda pattern: [], disk_free=lambda path: 20 * 1024**3,
        load_vlc=lambda: None, has_module=lambda name: True, font_dirs=(font_dir(tmp_path),),
        receivers=lambda: ["/dev/ttyUSB0"], battery=lambda power: SimpleNamespace(percent=87.0),
        user="cinema", groups_of=lambda user: {"cinema", "dialout", "video", "input", "audio", "render"},
        run=lambda argv: (0, "enabled\n"), may=lambda path, user, how: True)


def config_file(project, **replacements) -> Path:
    path = project / "kiosk_config" / "default.yaml"
    text = path.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)
    (project / "var").mkdir(exist_ok=True)
    (project / "var" / "card-keys.json").write_text("{}")
    return path


def by_id(checks):
    return {c.id: c for c in checks}


def doctor(config, machine, as_json=False):
    out = io.StringIO()
    code = main_doctor(Namespace(config=config and str(config), json=as_json), machine, out)
    return code, out.getvalue()


def test_a_laptop_in_order_passes_every_check(project, laptop):
    code, text = doctor(config_file(project), laptop)
    assert code == 0
    lines = text.splitlines()
    assert all(line.startswith("✓ ") for line in lines[:-1]), text
    assert lines[-1] == "Ready for a lesson (0 warning(s))."
    for words in ("Settings and lessons", "Video player (VLC)", "Fonts", "Journal", "Free space", "Card key",
                  "Clicker receivers", "Camera", "Battery", "Device access", "Screen", "Start at boot"):
        assert any(line.startswith(f"✓ {words}: ") for line in lines), words


def test_no_settings_file_fails_and_says_how_to_install(tmp_path, laptop):
    code, text = doctor(tmp_path / "nowhere.yaml", laptop)
    assert code == 1
    assert "✗ Settings: no settings file at" in text and "deploy/install.sh" in text


def test_a_mistake_in_the_settings_fails_and_points_at_cinema_check(project, laptop):
    code, text = doctor(config_file(project, **{'teacher_pin: "1234"': 'teacher_pin: "12"'}), laptop)
    assert code == 1
    line = next(line for line in text.splitlines() if line.startswith("✗ Settings and lessons"))
    assert "teacher_pin" in line and "`cinema check`" in line


def test_a_missing_video_is_a_media_failure_not_a_settings_one(project, laptop):
    playlist = project / "playlists" / "e2e.yaml"
    playlist.write_text(playlist.read_text() + "  - type: video\n    id: film\n    media: films/river.mp4\n")
    checks = by_id(run_checks(config_file(project), laptop))
    assert checks["config"].status is Status.OK
    assert checks["media"].status is Status.FAIL and "river.mp4" in checks["media"].message


@pytest.mark.parametrize("change, check_id, status, words", [
    (dict(load_vlc=lambda: "OSError: libvlc.so.5: cannot open"), "vlc", Status.FAIL, "apt install libvlc5"),
    (dict(disk_free=lambda path: 200 * 1024**2), "disk", Status.WARN, "200 MB free"),
    (dict(disk_free=lambda path: 10 * 1024**2), "disk", Status.FAIL, "10 MB free"),
    (dict(may=lambda path, user, how: how != "w"), "journal", Status.FAIL, "answers and attendance would be lost"),
    (dict(may=lambda path, user, how: how != "r"), "card_key", Status.FAIL, "cannot be read"),
    (dict(receivers=lambda: []), "clickers", Status.WARN, "none plugged in"),
    (dict(battery=lambda power: None), "battery", Status.WARN, "no battery found"),
    (dict(battery=lambda power: SimpleNamespace(percent=64.0, source="UPS ups@localhost")), "battery", Status.OK,
     "64% UPS ups@localhost"),
    (dict(groups_of=lambda user: {"cinema", "video"}), "groups", Status.FAIL, "usermod -aG dialout cinema"),
    (dict(groups_of=lambda user: None), "groups", Status.FAIL, "there is no user cinema"),
    (dict(environ={}, which=lambda name: None), "screen", Status.WARN, "cage is not installed"),
    (dict(environ={}), "screen", Status.OK, "the kiosk service opens its own"),
    (dict(environ={}, which=lambda name: f"/usr/bin/{name}" if name in ("xinit", "Xorg") else None), "screen",
     Status.OK, "the kiosk service opens its own"),  # an X11-only laptop (install.sh --session x11)
    (dict(which=lambda name: "/usr/bin/cage" if name in ("cage", "systemctl") else None), "import", Status.WARN,
     "sudo apt install ffmpeg"),
    (dict(run=lambda argv: (1, "disabled\n")), "service", Status.WARN, "systemctl enable learning-cinema"),
    (dict(run=lambda argv: (1, "Failed to get unit file state: No such file\n")), "service", Status.WARN,
     "deploy/install.sh"),
    (dict(which=lambda name: "/usr/bin/cage" if name == "cage" else None), "service", Status.WARN,
     "start the kiosk by hand"),
])
def test_each_problem_is_named_with_a_fix(project, laptop, change, check_id, status, words):
    check = by_id(run_checks(config_file(project), replace(laptop, **change)))[check_id]
    assert check.status is status
    assert words in f"{check.message} — {check.fix}"


@pytest.mark.parametrize("fonts, status", [
    (FONTS, Status.OK),
    (("DejaVuSans.ttf",), Status.WARN),  # DejaVu draws Arabic too, less well
    (("NotoSans-Regular.ttf",), Status.FAIL),  # no Arabic letters at all
    ((), Status.FAIL),
])
def test_fonts_for_arabic_and_cyrillic(project, laptop, tmp_path, fonts, status):
    folder = tmp_path / "some-fonts"
    folder.mkdir()
    for name in fonts:
        (folder / name).write_bytes(b"")
    check = by_id(run_checks(config_file(project), replace(laptop, font_dirs=(str(folder),))))["fonts"]
    assert check.status is status
    if status is not Status.OK:
        assert "fonts-noto-core" in check.fix


def test_keypads_set_without_evdev_fail_and_unplugged_devices_warn(project, laptop):
    config = config_file(project, **{"keypads: []": "keypads: [/dev/input/by-id/usb-keypad-event-kbd]",
                                     "clickers: []": "clickers: [/dev/cinema/clicker]",
                                     "camera: null": "camera: 0"})
    unplugged = replace(laptop, exists=lambda path: False, has_module=lambda name: name != "evdev")
    checks = by_id(run_checks(config, unplugged))
    assert checks["evdev"].status is Status.FAIL and "evdev" in checks["evdev"].message
    assert checks["keypads"].status is Status.WARN and "usb-keypad-event-kbd" in checks["keypads"].message
    assert checks["clickers"].status is Status.WARN and "/dev/cinema/clicker" in checks["clickers"].message
    assert checks["camera"].status is Status.WARN and "/dev/video0" in checks["camera"].message
    code, _ = doctor(config, unplugged)
    assert code == 1  # keypads that cannot work at all are a failure; unplugged ones only a warning


def test_keypads_need_the_input_group(project, laptop):
    config = config_file(project, **{"presenters: []": "presenters: [/dev/input/event7]"})
    check = by_id(run_checks(config, replace(laptop, groups_of=lambda user: {"dialout", "video"})))["groups"]
    assert check.status is Status.FAIL and "keypads" in check.message and "-aG input" in check.fix


def test_a_missing_card_key_is_a_warning(project, laptop):
    config = config_file(project)
    (project / "var" / "card-keys.json").unlink()
    check = by_id(run_checks(config, laptop))["card_key"]
    assert check.status is Status.WARN and "cards cannot be read" in check.message


def test_nut_set_but_no_ups_answers_fails(project, laptop):
    config = config_file(project, **{"source: auto": "source: nut"})
    asked = []
    check = by_id(run_checks(config, replace(laptop, battery=lambda power: asked.append(power.source))))["battery"]
    assert asked == ["nut"]  # read through the source the kiosk will use
    assert check.status is Status.FAIL and "nut-server" in check.fix


def test_json_output_has_an_id_status_and_words_for_each_check(project, laptop):
    code, text = doctor(config_file(project), replace(laptop, receivers=lambda: []), as_json=True)
    rows = json.loads(text)
    assert code == 0
    assert {row["id"] for row in rows} >= {"config", "media", "vlc", "fonts", "journal", "disk", "card_key",
                                           "clickers", "camera", "battery", "groups", "screen", "service"}
    clickers = next(row for row in rows if row["id"] == "clickers")
    assert clickers["status"] == "warn" and clickers["fix"]


def test_write_access_is_judged_for_the_kiosk_user_not_for_root(tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir()
    os.chmod(folder, 0o755)
    assert not _may(folder, "nobody", "w")  # root could write here; the kiosk user could not
    assert _may(folder, "nobody", "r")
    os.chmod(folder, 0o757)
    assert _may(folder, "nobody", "w")
    assert not _may(folder, "no-such-user-here", "r")


def test_the_installed_laptops_settings_are_found_without_naming_them(project, laptop, monkeypatch):
    config = config_file(project, **{'teacher_pin: "1234"': 'teacher_pin: "12"'})
    monkeypatch.setenv("CINEMA_CONFIG", str(config))  # what /usr/local/bin/cinema sets on a kiosk laptop
    code, text = doctor(None, laptop, as_json=True)
    first = json.loads(text)[0]
    assert code == 1
    assert (first["id"], first["status"]) == ("config", "fail") and "teacher_pin" in first["message"]


def test_a_journal_the_kiosk_user_cannot_write_fails_even_in_a_writable_folder(project, laptop):
    config = config_file(project)
    (project / "var" / "journal.sqlite").write_bytes(b"")  # made by `sudo cinema run`: root's
    root_owned = replace(laptop, may=lambda path, user, how: Path(path).name != "journal.sqlite")
    check = by_id(run_checks(config, root_owned))["journal"]
    assert check.status is Status.FAIL and "install.sh" in check.fix


def test_records_a_full_disk_kept_out_and_a_damaged_journal_set_aside_are_pointed_out(project, laptop):
    import glob

    from cinema.core.events import Record
    from cinema.journal.spill import Pending, write_spill
    from cinema.journal.store import set_aside

    config = config_file(project)
    journal = project / "var" / "journal.sqlite"
    journal.write_bytes(b"not a database")
    aside = set_aside(journal)  # what the kiosk does with a damaged journal
    spill = write_spill(journal, [Pending("s1", 1.0, 1.0, Record("answer.recorded", {"key": "A"}))], "20261206-1")
    real_files = replace(laptop, find=glob.glob)
    checks = by_id(run_checks(config, real_files))
    assert checks["journal_spill"].status is Status.WARN and str(spill) in checks["journal_spill"].message
    assert "start the kiosk" in checks["journal_spill"].fix
    assert checks["journal_damaged"].status is Status.WARN and str(aside) in checks["journal_damaged"].message
    spill.unlink()
    assert "journal_spill" not in by_id(run_checks(config, real_files))


def test_presentations_without_libreoffice_are_a_note_not_a_warning(project, laptop):
    no_office = replace(laptop, which=lambda name: f"/usr/bin/{name}" if name in ("cage", "systemctl", "ffmpeg",
                                                                             "ffprobe") else None)
    check = {c.id: c for c in run_checks(config_file(project), no_office)}["import"]
    assert check.status is Status.OK and "LibreOffice" in check.message and "PDF" in check.message


@pytest.mark.parametrize("look, status, words", [
    (PictureLook(1920, 1080, 90.0, 3.0), Status.OK, "1920x1080, bright and sharp: answer cards readable up to 7.2 m"),
    (PictureLook(1920, 1080, 20.0, 3.6), Status.WARN, "too dark for cards — switch on the lights"),
    (PictureLook(1920, 1080, 90.0, 7.0), Status.WARN, "out of focus for cards at 6 m (answer cards readable up to 3.5 m)"),
    (PictureLook(640, 480, 90.0, 2.0), Status.WARN, "readable up to 2.4 m, the back row is at 6 m"),
    (None, Status.WARN, "gave no picture in 3 s — close any program using it"),
])
def test_the_camera_is_judged_for_answer_cards_at_the_back_of_the_class(project, laptop, look, status, words):
    config = config_file(project, **{"camera: null": "camera: 0"})
    asked = []
    check = by_id(run_checks(config, replace(laptop, camera_look=lambda path: asked.append(path) or look)))["camera"]
    assert asked == ["/dev/video0"]
    assert check.status is status
    assert words in check.line() and check.line().startswith(("✓ Camera: /dev/video0", "! Camera: /dev/video0"))


def test_the_camera_check_reads_real_frames_and_does_not_wait_for_an_unplugged_camera(project, laptop):
    from cinema.devices.cards.room import make_room
    from cinema.devices.cards.sources import FakeCamera, register_fake_camera, unregister_fake_camera

    frame = make_room("5X5_100", (1920, 1080), 6, seed=5).frame(0)
    register_fake_camera("fake://doctor", FakeCamera([frame], fps=None).open)
    try:
        check = by_id(run_checks(config_file(project, **{"camera: null": "camera: fake://doctor"}), laptop))["camera"]
    finally:
        unregister_fake_camera("fake://doctor")
    assert check.status is Status.OK and "1920x1080" in check.message and "7.2 m" in check.message
    looked = []
    unplugged = replace(laptop, exists=lambda path: False, camera_look=looked.append)
    check = by_id(run_checks(config_file(project, **{"camera: fake://doctor": "camera: 2"}), unplugged))["camera"]
    assert check.status is Status.WARN and "/dev/video2" in check.message and looked == []
