"""A webcam's best mode and controls: v4l2-ctl's output parsed (old and new layouts) and the choice made from it."""

import cv2
import pytest

from cinema.devices.cards import camera_mode
from cinema.devices.cards.camera_mode import (Mode, apply_controls, best_mode, card_settings, fourcc_text,
                                              parse_controls, parse_formats)
from cinema.devices.cards.sources import set_mode

# A Logitech C920 (HD Pro Webcam C920, 046d:082d) as v4l-utils 1.22 prints it.
C920_FORMATS = """\
ioctl: VIDIOC_ENUM_FMT
\tType: Video Capture

\t[0]: 'YUYV' (YUYV 4:2:2)
\t\tSize: Discrete 640x480
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\t\tInterval: Discrete 0.042s (24.000 fps)
\t\t\tInterval: Discrete 0.067s (15.000 fps)
\t\tSize: Discrete 1280x720
\t\t\tInterval: Discrete 0.100s (10.000 fps)
\t\t\tInterval: Discrete 0.133s (7.500 fps)
\t\t\tInterval: Discrete 0.200s (5.000 fps)
\t\tSize: Discrete 1920x1080
\t\t\tInterval: Discrete 0.200s (5.000 fps)
\t\tSize: Discrete 2304x1536
\t\t\tInterval: Discrete 0.500s (2.000 fps)
\t[1]: 'H264' (H.264, compressed)
\t\tSize: Discrete 1920x1080
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t[2]: 'MJPG' (Motion-JPEG, compressed)
\t\tSize: Discrete 640x480
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\tSize: Discrete 1280x720
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\t\tInterval: Discrete 0.042s (24.000 fps)
\t\tSize: Discrete 1920x1080
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\t\tInterval: Discrete 0.042s (24.000 fps)
\t\t\tInterval: Discrete 0.067s (15.000 fps)
"""

# A Logitech C270 (720p at most) in the older layout v4l-utils 1.16-1.20 print.
C270_FORMATS = """\
ioctl: VIDIOC_ENUM_FMT
\tIndex       : 0
\tType        : Video Capture
\tPixel Format: 'YUYV'
\tName        : YUYV 4:2:2
\t\tSize: Discrete 640x480
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\tSize: Discrete 1280x960
\t\t\tInterval: Discrete 0.133s (7.500 fps)
\t\t\tInterval: Discrete 0.200s (5.000 fps)

\tIndex       : 1
\tType        : Video Capture
\tPixel Format: 'MJPG' (compressed)
\tName        : Motion-JPEG
\t\tSize: Discrete 640x480
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\tSize: Discrete 1280x720
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\t\tInterval: Discrete 0.050s (20.000 fps)
"""

# A laptop's built-in camera that gives only raw frames (Chicony, 04f2:b5ce).
LAPTOP_YUYV_FORMATS = """\
ioctl: VIDIOC_ENUM_FMT
\tType: Video Capture

\t[0]: 'YUYV' (YUYV 4:2:2)
\t\tSize: Discrete 640x480
\t\t\tInterval: Discrete 0.033s (30.000 fps)
\t\tSize: Discrete 1280x720
\t\t\tInterval: Discrete 0.100s (10.000 fps)
\t\tSize: Discrete 320x240
\t\t\tInterval: Discrete 0.033s (30.000 fps)
"""

# v4l2loopback and some capture cards announce a range, not a list.
STEPWISE_FORMATS = """\
ioctl: VIDIOC_ENUM_FMT
\tType: Video Capture

\t[0]: 'YUYV' (YUYV 4:2:2)
\t\tSize: Stepwise 32x32 - 1920x1080 with step 2/2
\t\t\tInterval: Continuous 0.033s-1.000s (30.000-1.000 fps)
"""

C920_CONTROLS = """\

User Controls

                     brightness 0x00980900 (int)    : min=0 max=255 step=1 default=128 value=128
                       contrast 0x00980901 (int)    : min=0 max=255 step=1 default=128 value=128
        white_balance_automatic 0x0098090c (bool)   : default=1 value=1
           power_line_frequency 0x00980918 (menu)   : min=0 max=2 default=2 value=2 (60 Hz)
\t\t\t\t0: Disabled
\t\t\t\t1: 50 Hz
\t\t\t\t2: 60 Hz
                      sharpness 0x0098091b (int)    : min=0 max=255 step=1 default=128 value=128

Camera Controls

                  auto_exposure 0x009a0901 (menu)   : min=0 max=3 default=3 value=1 (Manual Mode)
\t\t\t\t1: Manual Mode
\t\t\t\t3: Aperture Priority Mode
         exposure_time_absolute 0x009a0902 (int)    : min=3 max=2047 step=1 default=250 value=250
     exposure_dynamic_framerate 0x009a0903 (bool)   : default=0 value=1
                 focus_absolute 0x009a090a (int)    : min=0 max=250 step=5 default=0 value=40 flags=inactive
     focus_automatic_continuous 0x009a090c (bool)   : default=1 value=0
"""

# A laptop camera in the older layout: old control names, no focus, anti-flicker off.
LAPTOP_CONTROLS = """\
                     brightness (int)    : min=-64 max=64 step=1 default=0 value=0
           power_line_frequency (menu)   : min=0 max=2 default=1 value=0
\t\t\t\t0: Disabled
\t\t\t\t1: 50 Hz
\t\t\t\t2: 60 Hz
                  exposure_auto (menu)   : min=0 max=3 default=3 value=3
\t\t\t\t1: Manual Mode
\t\t\t\t3: Aperture Priority Mode
         exposure_auto_priority (bool)   : default=0 value=1
"""


def test_the_c920_layout_is_read_format_by_format_with_its_rates():
    modes = parse_formats(C920_FORMATS)
    assert Mode("MJPG", 1920, 1080, (30.0, 24.0, 15.0)) in modes
    assert Mode("YUYV", 1920, 1080, (5.0,)) in modes
    assert len(modes) == 8
    assert parse_formats(C270_FORMATS)[-1] == Mode("MJPG", 1280, 720, (30.0, 20.0))


@pytest.mark.parametrize("text, chosen", [
    (C920_FORMATS, Mode("MJPG", 1920, 1080, (30.0, 24.0, 15.0))),  # not H264, not 2304x1536 at 2 fps
    (C270_FORMATS, Mode("MJPG", 1280, 720, (30.0, 20.0))),  # 1280x960 YUYV is too slow at 7.5 fps
    (LAPTOP_YUYV_FORMATS, Mode("YUYV", 1280, 720, (10.0,))),  # 720p at 10 fps reads farther than 480p at 30
    (STEPWISE_FORMATS, Mode("YUYV", 1920, 1080, (30.0,))),
])
def test_the_best_mode_is_the_largest_fast_enough_up_to_1080p_mjpeg_first(text, chosen):
    assert best_mode(parse_formats(text)) == chosen


@pytest.mark.parametrize("junk", ["", "Failed to open /dev/video0: No such file or directory\n",
                                  "\t\tSize: Discrete 99999x\n\t[0]: 'MJPG\n\t\t\tInterval: Discrete (abc fps)\n"])
def test_output_that_is_not_a_format_list_gives_no_modes(junk):
    assert parse_formats(junk) == [] and best_mode([]) is None


def test_controls_are_read_with_their_values_and_menus_in_both_layouts():
    new = parse_controls(C920_CONTROLS)
    assert new["auto_exposure"].menu == {1: "Manual Mode", 3: "Aperture Priority Mode"}
    assert new["auto_exposure"].value == 1 and new["focus_absolute"].inactive
    assert new["brightness"].maximum == 255
    old = parse_controls(LAPTOP_CONTROLS)
    assert set(old) == {"brightness", "power_line_frequency", "exposure_auto", "exposure_auto_priority"}
    assert old["brightness"].minimum == -64


def test_card_settings_turn_on_auto_exposure_at_a_steady_rate_and_autofocus():
    settings = {s.name: s.value for s in card_settings(parse_controls(C920_CONTROLS))}
    # power_line_frequency is 60 Hz already: the camera's own choice is kept
    assert settings == {"auto_exposure": 3, "exposure_dynamic_framerate": 0, "focus_automatic_continuous": 1}
    laptop = {s.name: s.value for s in card_settings(parse_controls(LAPTOP_CONTROLS))}
    assert laptop == {"exposure_auto_priority": 0, "power_line_frequency": 1}  # exposure_auto is already 3
    assert card_settings({}) == []


def test_controls_are_set_one_by_one_and_a_refused_one_does_not_stop_the_others():
    calls = []

    def run(argv):
        calls.append(argv)
        if "--list-ctrls-menus" in argv:
            return 0, C920_CONTROLS
        return (1, "") if "auto_exposure" in argv[-1] else (0, "")

    done = apply_controls("/dev/video0", run)
    assert [s.name for s in done] == ["exposure_dynamic_framerate", "focus_automatic_continuous"]
    assert ["-d", "/dev/video0", "--set-ctrl=auto_exposure=3"] in calls
    assert apply_controls("/dev/video0", lambda argv: (127, "")) == []  # no v4l2-ctl: nothing, no error


def test_without_v4l2_ctl_nothing_is_read():
    assert camera_mode.read_modes("/dev/video0", lambda argv: (127, "")) == []


class FakeCapture:
    """What a V4L2 driver does with OpenCV's requests: a size it has, or the nearest it has."""

    def __init__(self, sizes, fourccs=("MJPG", "YUYV")):
        self.sizes, self.fourccs = sizes, fourccs
        self.props = {cv2.CAP_PROP_FOURCC: cv2.VideoWriter_fourcc(*fourccs[-1]), cv2.CAP_PROP_FPS: 30.0,
                      cv2.CAP_PROP_FRAME_WIDTH: 640, cv2.CAP_PROP_FRAME_HEIGHT: 480}

    def set(self, prop, value):
        if prop == cv2.CAP_PROP_FOURCC:
            if fourcc_text(value) in self.fourccs:
                self.props[prop] = value
        elif prop == cv2.CAP_PROP_FRAME_HEIGHT:
            w = self.props.get("want_w", 640)
            fit = [s for s in self.sizes if s[0] <= w and s[1] <= value] or [min(self.sizes)]
            self.props[cv2.CAP_PROP_FRAME_WIDTH], self.props[cv2.CAP_PROP_FRAME_HEIGHT] = max(fit)
        elif prop == cv2.CAP_PROP_FRAME_WIDTH:
            self.props["want_w"] = value
        else:
            self.props[prop] = value
        return True

    def get(self, prop):
        return float(self.props.get(prop, 0))


def test_without_a_mode_list_opencv_is_asked_for_1080p_then_720p_and_the_real_mode_is_kept():
    assert set_mode(FakeCapture([(640, 480), (1280, 720)]), None) == Mode("MJPG", 1280, 720, (30.0,))
    assert set_mode(FakeCapture([(640, 480), (1920, 1080)]), None).size == (1920, 1080)
    # a camera without MJPEG: the driver keeps YUYV, and that is what is reported
    assert set_mode(FakeCapture([(640, 480)], ("YUYV",)), None) == Mode("YUYV", 640, 480, (30.0,))
