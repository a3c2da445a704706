"""Files are written whole or not at all: a full USB stick leaves the old file and no half-written one."""

import errno
import os
import stat
import subprocess
import sys

import pytest

from cinema.atomic import open_replacing, replacing, write_bytes, write_text
from tests.app.kiosk_project import ROOT
from tests.reports.journals import two_lessons

BIG = os.urandom(512 * 1024)  # more than the small disk holds


@pytest.fixture
def small_disk(tmp_path):
    """A real 256 KiB file system (tmpfs): a USB stick with almost no room left. Needs root."""
    mount = tmp_path / "stick"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0777", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder, leave: int) -> None:
    """Fill the disk of `folder` until only about `leave` bytes are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "other-files").write_bytes(b"x" * max(free - leave, 0))


def stream(path, data):
    with open_replacing(path, "wb") as f:
        for i in range(0, len(data), 4096):
            f.write(data[i:i + 4096])


def by_name(path, data):
    with replacing(path) as tmp:
        with open(tmp, "wb") as f:  # as SQLite or ffmpeg would: its own handle on the name
            f.write(data)


WRITERS = {"bytes": write_bytes, "stream": stream, "by name": by_name}


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(small_disk, write):
    target = small_disk / "report.html"
    target.write_bytes(b"last week's report")
    with pytest.raises(OSError) as err:
        write(target, BIG)
    assert err.value.errno == errno.ENOSPC
    assert err.value.filename == str(target)  # the user's file is named, not a vanished temporary one
    assert target.read_bytes() == b"last week's report"
    assert sorted(p.name for p in small_disk.iterdir()) == ["report.html"]


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_a_file_is_replaced_whole_and_nothing_is_left_beside_it(tmp_path, write):
    target = tmp_path / "new folder" / "cards.pdf"
    write(target, b"first")
    write(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["cards.pdf"]


def test_a_writer_that_fails_half_way_leaves_the_old_file(tmp_path):
    target = tmp_path / "statements.jsonl"
    write_text(target, "old\n")
    with pytest.raises(ValueError):
        with open_replacing(target) as f:
            f.write("new line\n")
            raise ValueError("a record could not be turned into a statement")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["statements.jsonl"]


def test_keys_are_owner_only_and_documents_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_bytes(tmp_path / "card-keys.json", b"{}", private=True)
        write_bytes(tmp_path / "report.html", b"<html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "card-keys.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o640


def test_the_temporary_name_is_hidden_beside_the_target_and_keeps_its_kind(tmp_path):
    # ffmpeg and image libraries choose the format from the name's ending.
    with replacing(tmp_path / "lesson.mp4") as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".lesson.") and tmp.suffix == ".mp4"
        tmp.write_bytes(b"video")
    assert (tmp_path / "lesson.mp4").read_bytes() == b"video"


# ---- what a teacher or supervisor sees --------------------------------------------------------


def cinema(*args):
    return subprocess.run([sys.executable, "-m", "cinema", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_export_to_a_full_stick_says_so_in_one_line_and_can_be_done_again(small_disk, tmp_path):
    journal = two_lessons(tmp_path / "journal.sqlite")
    fill(small_disk, leave=4096)
    out = cinema("export", "--journal", journal, "-o", f"{small_disk}/", "--config",
                 ROOT / "kiosk_config" / "default.yaml")
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert "could not be written" in out.stderr and "No space left" in out.stderr, out.stderr
    assert [p.name for p in small_disk.iterdir()] == ["other-files"]  # no half bundle on the stick
    (small_disk / "other-files").unlink()  # the teacher makes room and tries again: nothing was skipped
    again = cinema("export", "--journal", journal, "-o", f"{small_disk}/", "--config",
                   ROOT / "kiosk_config" / "default.yaml")
    assert again.returncode == 0, again.stderr
    assert "numbers 1 to" in again.stdout


def test_a_report_to_a_full_stick_names_the_file_and_the_reason_in_one_line(small_disk, tmp_path):
    journal = two_lessons(tmp_path / "journal.sqlite")
    fill(small_disk, leave=4096)
    html = small_disk / "report.html"
    out = cinema("report", journal, "-o", html)
    assert out.returncode == 1
    assert out.stderr.strip() == f"cinema report: {html}: No space left on device", out.stderr
    assert [p.name for p in small_disk.iterdir()] == ["other-files"]
