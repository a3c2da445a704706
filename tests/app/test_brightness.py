"""Dimming: a temp sysfs backlight folder, a scripted xrandr, a real xrandr on Xvfb; nothing raises."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.app.xvfb import xvfb_display

from cinema.app.brightness import (
    FakeDimmer, ScreenDimmer, SysfsBacklight, XrandrBrightness, make_dimmer, parse_verbose,
)


def backlight(root: Path, name: str, brightness: int, top: int, kind: str | None = "raw") -> Path:
    device = root / name
    device.mkdir(parents=True)
    (device / "brightness").write_text(f"{brightness}\n")
    (device / "max_brightness").write_text(f"{top}\n")
    if kind is not None:
        (device / "type").write_text(f"{kind}\n")
    return device


def value(device: Path) -> int:
    return int((device / "brightness").read_text())


# ---- sysfs backlight -------------------------------------------------------------------------


def test_dims_the_firmware_backlight_and_restores_the_original(tmp_path):
    raw = backlight(tmp_path, "intel_backlight", 800, 1000, "raw")
    acpi = backlight(tmp_path, "acpi_video0", 70, 100, "firmware")
    dimmer = SysfsBacklight(tmp_path)
    result = dimmer.dim(0.6)
    assert result.ok and result.method == "backlight"
    assert value(acpi) == 42 and value(raw) == 800  # the kernel's advice: firmware first
    assert dimmer.dim(0.3).ok and value(acpi) == 21  # levels are shares of the original, not of 42
    assert dimmer.restore().ok and value(acpi) == 70
    assert dimmer.restore().ok and value(acpi) == 70  # a second restore changes nothing


def test_dimming_never_blacks_out_or_brightens_the_panel(tmp_path):
    device = backlight(tmp_path, "intel_backlight", 300, 1000)
    dimmer = SysfsBacklight(tmp_path)
    assert dimmer.dim(0.0).ok and value(device) == 50  # 5 % of the maximum
    dimmer.restore()
    (device / "brightness").write_text("20\n")  # the teacher had it very low already
    assert dimmer.dim(0.6).ok and value(device) == 20


@pytest.mark.parametrize("setup, why", [
    (lambda root: None, "no backlight"),  # the folder does not exist (a desktop, a container)
    (lambda root: root.mkdir(), "no backlight"),
    (lambda root: backlight(root, "bl", "junk", 100), "cannot read"),
    (lambda root: backlight(root, "bl", 5, "junk"), "cannot read"),
])
def test_a_backlight_that_cannot_be_used_says_why_and_does_not_raise(tmp_path, setup, why):
    root = tmp_path / "backlight"
    setup(root)
    result = SysfsBacklight(root).dim(0.6)
    assert not result.ok and why in result.detail


def test_no_permission_to_write_is_reported_with_the_fix(tmp_path, monkeypatch):
    device = backlight(tmp_path, "intel_backlight", 500, 1000)
    real_write = Path.write_text

    def refuse(self, *args, **kwargs):
        if self.name == "brightness":
            raise PermissionError(13, "Permission denied")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", refuse)
    dimmer = SysfsBacklight(tmp_path)
    result = dimmer.dim(0.6)
    assert not result.ok and "no permission" in result.detail and "udev" in result.detail
    assert value(device) == 500
    assert dimmer.restore().detail == "nothing to restore"  # nothing was changed, so nothing is put back


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only file")
def test_a_read_only_brightness_file_is_refused(tmp_path):
    device = backlight(tmp_path, "intel_backlight", 500, 1000)
    (device / "brightness").chmod(0o444)
    result = SysfsBacklight(tmp_path).dim(0.6)
    assert not result.ok and "no permission" in result.detail


def test_the_dim_record_says_what_happened(tmp_path):
    backlight(tmp_path, "acpi_video0", 70, 100, "firmware")
    record = SysfsBacklight(tmp_path).dim(0.6).record()
    assert record.kind == "power.action"
    assert record.payload == {"action": "dim", "level": 0.6, "ok": True, "method": "backlight",
                              "detail": "acpi_video0 = 42"}


# ---- xrandr, scripted ------------------------------------------------------------------------------

VERBOSE = """Screen 0: minimum 8 x 8, current 3840 x 1080, maximum 32767 x 32767
eDP-1 connected primary 1920x1080+0+0 (0x48) normal (normal left inverted right x axis y axis) 309mm x 173mm
\tIdentifier: 0x42
\tGamma:      1.0:1.0:1.0
\tBrightness: 0.80
  1920x1080 (0x48) 138.700MHz +HSync -VSync *current +preferred
HDMI-1 connected 1920x1080+1920+0 (0x49) normal (normal left inverted right x axis y axis) 0mm x 0mm
\tBrightness: 1.00
DP-1 disconnected (normal left inverted right x axis y axis)
\tBrightness: 0.0
LVDS-2 connected (normal left inverted right x axis y axis)
\tBrightness: 1.00
"""


class ScriptedXrandr:
    """Stands in for subprocess.run: answers --verbose, records every call, can fail on demand."""

    def __init__(self, verbose: str = VERBOSE, fail: str = "", raises: Exception | None = None) -> None:
        self.verbose = verbose
        self.fail = fail
        self.raises = raises
        self.calls: list[list[str]] = []

    def __call__(self, argv, **kwargs):
        self.calls.append(argv)
        if self.raises is not None:
            raise self.raises
        if self.fail and self.fail in argv:
            return subprocess.CompletedProcess(argv, 1, "", "X Error of failed request: BadValue\n")
        return subprocess.CompletedProcess(argv, 0, self.verbose if "--verbose" in argv else "", "")


def xrandr(run, **kwargs) -> XrandrBrightness:
    return XrandrBrightness({"DISPLAY": ":0"}, run, which=lambda name: f"/usr/bin/{name}", **kwargs)


@pytest.mark.parametrize("text, expected", [
    (VERBOSE, {"eDP-1": 0.8, "HDMI-1": 1.0}),  # DP-1 is unplugged, LVDS-2 is plugged but off
    ("screen connected 1024x768+0+0 (0x3a) normal (normal) 0mm x 0mm\n\tBrightness: 0.0\n", {"screen": 1.0}),
    ("eDP-1 connected 1920x1080+0+0\n\tBrightness: 9000\n", {"eDP-1": 1.0}),
    ("eDP-1 connected 1920x1080+0+0\n", {"eDP-1": 1.0}),
    ("", {}),
])
def test_parse_verbose(text, expected):
    assert parse_verbose(text) == expected


def test_xrandr_dims_the_laptop_panel_and_leaves_the_projector_alone():
    run = ScriptedXrandr()
    dimmer = xrandr(run)
    result = dimmer.dim(0.5)
    assert result.ok and result.method == "xrandr"
    assert run.calls[1:] == [["xrandr", "--output", "eDP-1", "--brightness", "0.40"]]
    assert dimmer.restore().ok
    assert run.calls[-1] == ["xrandr", "--output", "eDP-1", "--brightness", "0.80"]


def test_xrandr_can_dim_every_lit_output_when_asked():
    run = ScriptedXrandr()
    assert xrandr(run, panels_only=False).dim(0.6).ok
    assert [c[2] for c in run.calls[1:]] == ["eDP-1", "HDMI-1"]


@pytest.mark.parametrize("make, why", [
    (lambda: XrandrBrightness({}, ScriptedXrandr(), which=lambda n: "/usr/bin/xrandr"), "no DISPLAY"),
    (lambda: XrandrBrightness({"DISPLAY": ":0"}, ScriptedXrandr(), which=lambda n: None), "not installed"),
    (lambda: xrandr(ScriptedXrandr(verbose="HDMI-1 connected 800x600+0+0\n")), "no laptop panel"),
    (lambda: xrandr(ScriptedXrandr(fail="--brightness")), "BadValue"),
    (lambda: xrandr(ScriptedXrandr(fail="--verbose")), "BadValue"),
    (lambda: xrandr(ScriptedXrandr(raises=subprocess.TimeoutExpired("xrandr", 5))), "timed out"),
    (lambda: xrandr(ScriptedXrandr(raises=FileNotFoundError(2, "No such file or directory"))), "No such file"),
])
def test_xrandr_that_cannot_dim_says_why(make, why):
    result = make().dim(0.6)
    assert not result.ok and why in result.detail


# ---- choosing a way ---------------------------------------------------------------------------------


class Exploding:
    method = "exploding"

    def dim(self, level):
        raise RuntimeError("driver bug")

    def restore(self):
        raise RuntimeError("driver bug")


def test_the_first_way_that_works_is_used_and_kept(tmp_path):
    fallback = FakeDimmer()
    dimmer = ScreenDimmer([SysfsBacklight(tmp_path / "none"), Exploding(), fallback])
    assert dimmer.dim(0.6).method == "fake"
    assert dimmer.dim(0.3).ok
    assert dimmer.restore().ok
    assert fallback.levels == [0.6, 0.3, 1.0]
    assert dimmer.restore().detail == "nothing to restore"


def test_when_nothing_can_dim_every_reason_is_given_and_nothing_raises(tmp_path):
    dimmer = ScreenDimmer([SysfsBacklight(tmp_path / "none"), Exploding(), FakeDimmer(works=False)])
    result = dimmer.dim(0.6)
    assert not result.ok and result.method == "none"
    assert "no backlight" in result.detail and "driver bug" in result.detail and "switched off" in result.detail
    assert dimmer.restore().ok


def test_make_dimmer_prefers_the_backlight(tmp_path):
    device = backlight(tmp_path, "intel_backlight", 500, 1000)
    run = ScriptedXrandr()
    dimmer = make_dimmer(tmp_path, {"DISPLAY": ":0"}, run)
    assert dimmer.dim(0.6).method == "backlight" and value(device) == 300
    assert run.calls == []


# ---- a real xrandr on a virtual X server ------------------------------------------------------------


@pytest.fixture
def xvfb():
    if shutil.which("xrandr") is None:
        pytest.skip("needs xrandr (Debian package x11-xserver-utils)")
    with xvfb_display("640x480x24") as env:
        yield env


def test_a_real_xrandr_takes_the_commands_and_never_restores_to_black(xvfb):
    # Xvfb has no real gamma ramp, so what xrandr reads back is meaningless; what is checked is
    # that a real xrandr accepts every command, on the output parsed from its own --verbose.
    calls = []

    def run(argv, **kwargs):
        calls.append(argv)
        return subprocess.run(argv, check=False, **kwargs)

    dimmer = XrandrBrightness(xvfb, run, panels_only=False)  # Xvfb's one output is called "screen"
    result = dimmer.dim(0.6)
    assert result.ok, result.detail
    assert dimmer.restore().ok
    assert calls[1:] == [["xrandr", "--output", "screen", "--brightness", "0.60"],
                         ["xrandr", "--output", "screen", "--brightness", "1.00"]]  # Xvfb reads 0.0
