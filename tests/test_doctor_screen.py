"""`cinema doctor` says which way the kiosk draws the lesson screen now (cage or X11) and why, from what
deploy/session/kiosk-start keeps in /run/learning-cinema/screen; nothing when the kiosk has not run."""

import io
from argparse import Namespace
from pathlib import Path

import pytest

from cinema.doctor import Machine, main_doctor, run_checks
from cinema.doctor_screen import STATE_FILE

BOTH = ("cage", "xinit", "Xorg", "systemctl")


def state(session="cage", order="cage x11", cage=0, x11=0, cage_error="", x11_error=""):
    return (f"session={session}\nsessions={order}\ncage_failures={cage}\nx11_failures={x11}\n"
            f"cage_error={cage_error}\nx11_error={x11_error}\n")


def laptop(screen: str | None, tools=BOTH) -> Machine:
    return Machine(environ={}, which=lambda name: f"/usr/bin/{name}" if name in tools else None,
                   exists=lambda path: False, find=lambda pattern: [], load_vlc=lambda: None,
                   has_module=lambda name: True, font_dirs=(), run=lambda argv: (0, "enabled\n"),
                   read_text=lambda path: screen if path == STATE_FILE else None)


def lesson_screen(tmp_path, screen, tools=BOTH):
    found = [c for c in run_checks(tmp_path / "kiosk.yaml", laptop(screen, tools)) if c.id == "lesson_screen"]
    return found[0] if found else None


@pytest.mark.parametrize("screen, status, words", [
    (state(), "ok", "drawn with cage (Wayland)"),
    (state("x11", order="x11 cage"), "ok", "drawn with X11"),  # installed with --session x11
    (state("x11", cage=3, cage_error="Unable to create the wlroots backend"), "warn",
     "runs on X11 because cage failed 3 times at start (Unable to create the wlroots backend)"),
    (state("cage", order="x11 cage", x11=3, x11_error="no screens found"), "warn",
     "runs on cage because X11 failed 3 times at start (no screens found)"),
    (state("cage", cage=2, cage_error="Found 0 GPUs"), "warn",
     "drawn with cage, which failed 2 time(s) at start since the laptop was switched on (Found 0 GPUs)"),
    (state("none", cage=3, x11=3, cage_error="Found 0 GPUs", x11_error="no screens found"), "fail",
     "could not start: cage and X11 both failed (cage: Found 0 GPUs; X11: no screens found)"),
    (state("retry"), "ok", "starting again"),
])
def test_the_way_the_kiosk_draws_and_why(tmp_path, screen, status, words):
    check = lesson_screen(tmp_path, screen)
    assert check.status.value == status and words in check.message, check.message


def test_without_x11_installed_the_fix_is_to_install_it(tmp_path):
    check = lesson_screen(tmp_path, state("none", cage=3, cage_error="Found 0 GPUs"), tools=("cage", "systemctl"))
    assert check.status.value == "fail"
    assert check.message == "could not start: cage failed 3 times at start (cage: Found 0 GPUs) and X11 is not installed"
    assert "--session both" in check.fix


@pytest.mark.parametrize("screen", [None, "", "session=\n", "garbage without equals\n", "session=wayland\n"])
def test_nothing_is_said_when_the_kiosk_has_not_run_or_the_file_is_not_understood(tmp_path, screen):
    assert lesson_screen(tmp_path, screen) is None


def test_the_doctor_prints_it_as_a_warning_line_with_what_to_do(tmp_path):
    out = io.StringIO()
    code = main_doctor(Namespace(config=str(tmp_path / "kiosk.yaml"), json=False),
                       laptop(state("x11", cage=3, cage_error="Unable to create the wlroots backend")), out)
    line = next(line for line in out.getvalue().splitlines() if "Lesson screen" in line)
    assert line == ("! Lesson screen: runs on X11 because cage failed 3 times at start (Unable to create the wlroots "
                    "backend) — lessons work as they are; to try cage again, restart the laptop")
    assert code == 1  # (the missing settings file fails; the fallback itself is only a warning)


def test_the_message_for_the_text_console_is_in_english_when_the_console_cannot_draw_the_language(tmp_path, capsys):
    from cinema.doctor_screen import main

    settings = tmp_path / "kiosk.yaml"
    settings.write_text((Path(__file__).parents[1] / "kiosk_config" / "default.yaml").read_text().replace(
        "\nlanguage: en\n", "\nlanguage: ar\n"))
    screen = tmp_path / "screen"
    screen.write_text(state("none", cage=3, cage_error="Found 0 GPUs"))

    assert main([str(screen), str(settings), "x11"]) == 0

    said = capsys.readouterr().out
    assert "Learning Cinema could not start the lesson screen on this laptop." in said  # no Arabic on the console
    assert "  cage: Found 0 GPUs\n  X11: not installed\n" in said and "cinema doctor" in said
