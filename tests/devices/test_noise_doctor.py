"""`cinema doctor` names a device that sent mostly junk in the last lesson, from the journal's device.noise records."""

from cinema.core.records import DeviceNoise, SessionStarted
from cinema.doctor import Machine, Status, _noise_check
from cinema.journal import Journal


def journal_with(path, sessions):
    j = Journal(path, "kiosk-1")
    for n, summaries in enumerate(sessions):
        records = [SessionStarted(playlist="demo", title="Demo").record()] + [s.record() for s in summaries]
        j.append(f"session-{n}", records, 1.8e9 + n, float(n))
    j.close()
    return path


NOISY = DeviceNoise(device="scanner /dev/ttyUSB1", junk=480_000, refused=30, accepted=2, seconds=60.0, noisy=True)
QUIET = DeviceNoise(device="camera", junk=0, refused=3, accepted=20, seconds=60.0, noisy=False)


def test_a_scanner_that_sent_mostly_junk_in_the_last_lesson_is_a_warning_with_a_fix(tmp_path):
    path = journal_with(tmp_path / "j.sqlite", [[QUIET], [NOISY, NOISY, QUIET]])
    check = _noise_check(path, Machine())
    assert check.status is Status.WARN
    assert "scanner /dev/ttyUSB1" in check.message and "960060" in check.message
    assert "cable" in check.fix


def test_junk_in_an_earlier_lesson_only_or_no_journal_is_fine(tmp_path):
    path = journal_with(tmp_path / "j.sqlite", [[NOISY], [QUIET]])
    assert _noise_check(path, Machine()).status is Status.OK
    assert _noise_check(tmp_path / "none.sqlite", Machine()).status is Status.OK
    (tmp_path / "junk.sqlite").write_bytes(b"not a database" * 100)
    assert _noise_check(tmp_path / "junk.sqlite", Machine()).status is Status.OK  # never a traceback
