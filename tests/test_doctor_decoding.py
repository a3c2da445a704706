"""`cinema doctor` says where videos are decoded: on the graphics chip (VA-API) or on the processor."""

from dataclasses import replace

import pytest

from cinema.doctor import Status, run_checks
from tests.test_doctor import by_id, config_file, laptop  # noqa: F401  (laptop: a fixture)

VAINFO = "vainfo: Driver version: Intel iHD driver\n      VAProfileH264Main               :\tVAEntrypointVLD\n"


def vainfo(code, out):
    return lambda argv: (code, out) if argv[0] == "vainfo" else (0, "enabled\n")


@pytest.mark.parametrize("change, status, words", [
    (dict(exists=lambda path: path != "/dev/dri/renderD128"), Status.OK, "no graphics chip"),
    (dict(), Status.OK, "sudo apt install vainfo"),  # a chip, and no vainfo to ask it
    (dict(which=lambda name: f"/usr/bin/{name}", run=vainfo(0, VAINFO)), Status.OK, "on the graphics chip"),
    (dict(which=lambda name: f"/usr/bin/{name}", run=vainfo(1, "vaInitialize failed")), Status.WARN,
     "mesa-va-drivers"),
])
def test_where_videos_are_decoded(project, laptop, change, status, words):  # noqa: F811
    check = by_id(run_checks(config_file(project), replace(laptop, **change)))["decoding"]
    assert check.status is status and words in f"{check.message} — {check.fix}"


def test_hardware_decoding_turned_off_in_the_settings(project, laptop):  # noqa: F811
    path = config_file(project, **{"display:\n": "display:\n  hardware_decoding: off\n"})
    check = by_id(run_checks(path, replace(laptop, which=lambda name: f"/usr/bin/{name}", run=vainfo(0, VAINFO))))
    assert check["decoding"].message.startswith("on the processor (hardware_decoding: off")
