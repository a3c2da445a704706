"""Which window goes on which screen, and what changed: a projector plugged in, unplugged, mirrored or
at another resolution."""

import pytest

from cinema.core.screen_plan import (
    PRESENTER, SINGLE, Monitor, change_reason, display_record, plan_screens,
)

PANEL = Monitor("eDP-1", 0, 0, 1366, 768, primary=True)
PROJECTOR = Monitor("HDMI-1", 1366, 0, 1920, 1080)
PROJECTOR_CLONED = Monitor("HDMI-1", 0, 0, 1024, 768)  # xrandr --same-as eDP-1 at the projector's own mode
DUMMY_LAPTOP = Monitor("DUMMY0", 0, 0, 1280, 800, primary=True)
DUMMY_PROJECTOR = Monitor("DUMMY1", 1280, 0, 1024, 768)


@pytest.mark.parametrize("monitors, kwargs, mode, class_name, teacher_name", [
    ((PANEL,), {}, SINGLE, "eDP-1", None),
    ((PANEL, PROJECTOR), {}, PRESENTER, "HDMI-1", "eDP-1"),
    # The panel is the teacher's whichever order the outputs come in and whatever display is configured.
    ((PROJECTOR, PANEL), {"display_index": 1}, PRESENTER, "HDMI-1", "eDP-1"),
    ((Monitor("LVDS1", 0, 0, 1024, 600), PROJECTOR), {}, PRESENTER, "HDMI-1", "LVDS1"),
    ((Monitor("DSI-1", 0, 0, 800, 1280), PROJECTOR), {}, PRESENTER, "HDMI-1", "DSI-1"),
    # No panel by name: the X server's one primary monitor is the laptop's, whatever display is configured
    # (the shipped config says display 0, which is usually the laptop's own screen).
    ((DUMMY_LAPTOP, DUMMY_PROJECTOR), {"display_index": 1}, PRESENTER, "DUMMY1", "DUMMY0"),
    ((DUMMY_LAPTOP, DUMMY_PROJECTOR), {"display_index": 0}, PRESENTER, "DUMMY1", "DUMMY0"),
    ((DUMMY_PROJECTOR, DUMMY_LAPTOP), {}, PRESENTER, "DUMMY1", "DUMMY0"),
    # No panel name and no primary: the class's on the configured display, the teacher's on the other.
    ((Monitor("A", 0, 0, 1280, 800), Monitor("B", 1280, 0, 1024, 768)), {"display_index": 0}, PRESENTER, "A", "B"),
    ((Monitor("A", 0, 0, 1280, 800), Monitor("B", 1280, 0, 1024, 768)), {"display_index": 1}, PRESENTER, "B", "A"),
    # Mirrored: one picture, one window (laid out for the bigger rectangle).
    ((PANEL, PROJECTOR_CLONED), {}, SINGLE, "eDP-1", None),
    # The teacher turned the teacher screen off: the class window on the configured display, as before.
    ((PANEL, PROJECTOR), {"teacher_screen": "off", "display_index": 1}, SINGLE, "HDMI-1", None),
    # The configured display is gone (the projector unplugged): the one that is left.
    ((DUMMY_LAPTOP,), {"display_index": 1}, SINGLE, "DUMMY0", None),
])
def test_the_plan_puts_the_class_on_the_projector_and_the_teacher_on_the_laptop(
        monitors, kwargs, mode, class_name, teacher_name):
    plan = plan_screens(monitors, **kwargs)
    assert plan.mode == mode
    assert plan.class_screen.name == class_name
    assert (plan.teacher_screen.name if plan.teacher_screen else None) == teacher_name


def test_no_monitors_known_is_one_window_opened_as_always():
    plan = plan_screens(None)
    assert plan.mode == SINGLE and plan.class_screen is None and plan.teacher_screen is None


def test_a_mirrored_pair_counts_as_one_screen_and_says_so():
    plan = plan_screens((PANEL, PROJECTOR_CLONED))
    assert plan.screens == 1 and plan.mirrored


@pytest.mark.parametrize("before, after, reason", [
    ((PANEL,), (PANEL, PROJECTOR), "plugged"),
    ((PANEL, PROJECTOR), (PANEL,), "unplugged"),
    ((PANEL, PROJECTOR), (PANEL, PROJECTOR_CLONED), "mirrored"),
    ((PANEL, PROJECTOR_CLONED), (PANEL, PROJECTOR), "plugged"),
    ((PANEL, PROJECTOR), (PANEL, Monitor("HDMI-1", 1366, 0, 800, 600)), "resized"),
    ((PANEL,), (Monitor("eDP-1", 0, 0, 1024, 768, primary=True),), "resized"),
    ((PANEL, PROJECTOR), (PANEL, PROJECTOR), None),
    # The order the outputs are listed in changes nothing.
    ((PANEL, PROJECTOR), (PROJECTOR, PANEL), None),
])
def test_what_changed_between_two_looks(before, after, reason):
    assert change_reason(plan_screens(before), plan_screens(after)) == reason


def test_the_first_plan_is_the_start():
    assert change_reason(None, plan_screens((PANEL,))) == "start"


def test_the_record_says_the_mode_and_both_sizes():
    record = display_record(plan_screens((PANEL, PROJECTOR)), "plugged")
    assert (record.mode, record.reason, record.screens, record.class_size, record.teacher_size) == (
        "presenter", "plugged", 2, "1920x1080", "1366x768")
    single = display_record(plan_screens((PANEL,)), "unplugged")
    assert (single.mode, single.screens, single.class_size, single.teacher_size) == ("single", 1, "1366x768", "")


def test_an_output_with_no_size_is_not_a_screen():
    plan = plan_screens((PANEL, Monitor("HDMI-1", 0, 0, 0, 0)))
    assert plan.mode == SINGLE and plan.screens == 1
