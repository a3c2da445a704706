"""A lesson's checksums.json: `cinema check` names a cut-short or altered copy before class, quickly on a second run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cinema.importers import checksums
from cinema.importers.checksums import ChecksumCache, human_size, verify_lesson, write_manifest
from tests.budget import budget


def lesson(root: Path, files: dict[str, bytes]) -> Path:
    """playlists/water.yaml with its media folder holding `files`, and its checksums.json."""
    media = root / "playlists" / "water"
    for name, data in files.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    playlist = root / "playlists" / "water.yaml"
    playlist.write_text("version: 1\ntitle: Water\nitems:\n  - type: title\n    title: Water\n")
    write_manifest(media)
    return playlist


FILES = {"lesson.mp4": os.urandom(3_000_000), "lesson.ar.srt": "مرحبا".encode(), "slides/p1.png": b"\x89PNG" * 10}


def texts(problems) -> list[str]:
    return [str(p) for p in problems]


def test_the_manifest_lists_every_file_of_the_folder_with_its_size_and_sha256(tmp_path):
    import hashlib

    playlist = lesson(tmp_path, {**FILES, ".lesson.x1.partial.mp4": b"half"})
    manifest = json.loads((tmp_path / "playlists/water/checksums.json").read_text())
    assert manifest["format"] == "learning-cinema-checksums" and manifest["version"] == 1
    assert manifest["files"] == [{"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                                 for name, data in sorted(FILES.items())]
    assert [p.name for p in (tmp_path / "playlists/water").iterdir() if p.name.startswith(".checksums")] == []
    assert verify_lesson(playlist) == []


def test_a_lesson_written_by_hand_without_checksums_is_not_an_error(tmp_path):
    playlist = tmp_path / "playlists" / "hand.yaml"
    playlist.parent.mkdir(parents=True)
    playlist.write_text("version: 1\ntitle: Hand\nitems: []\n")
    assert verify_lesson(playlist) == []


def test_a_copy_cut_short_is_named_with_both_sizes(tmp_path):
    playlist = lesson(tmp_path, FILES)
    os.truncate(tmp_path / "playlists/water/lesson.mp4", 1_200_000)
    assert texts(verify_lesson(playlist)) == [
        f"{playlist}: water/lesson.mp4 is 1.2 MB but should be 3 MB: the copy was cut short — copy the lesson "
        "again from the programme's stick (or import it again)"]


def test_sizes_too_close_to_tell_apart_are_given_in_bytes(tmp_path):
    playlist = lesson(tmp_path, FILES)
    os.truncate(tmp_path / "playlists/water/lesson.mp4", 2_999_000)
    assert "is 2999000 bytes but should be 3000000 bytes: the copy was cut short" in texts(verify_lesson(playlist))[0]


def test_an_altered_byte_and_a_missing_file_are_named(tmp_path):
    playlist = lesson(tmp_path, FILES)
    video = tmp_path / "playlists/water/lesson.mp4"
    data = bytearray(video.read_bytes())
    data[1000] ^= 1
    video.write_bytes(bytes(data))
    (tmp_path / "playlists/water/slides/p1.png").unlink()
    found = "\n".join(texts(verify_lesson(playlist)))
    assert "water/lesson.mp4 was changed or damaged (its checksum does not match)" in found
    assert "water/slides/p1.png is missing: the copy is not complete" in found


def test_a_second_check_hashes_only_files_changed_since_and_still_sees_a_change(tmp_path, monkeypatch):
    playlist = lesson(tmp_path, FILES)
    cache_file = tmp_path / "var" / "checksums-cache.json"
    cache_file.parent.mkdir()
    hashed: list[str] = []
    real = checksums.sha256_file
    monkeypatch.setattr(checksums, "sha256_file", lambda path, update=None: hashed.append(Path(path).name) or
                        real(path, update))
    assert verify_lesson(playlist, ChecksumCache(cache_file)) == []
    assert sorted(hashed) == ["lesson.ar.srt", "lesson.mp4", "p1.png"]
    hashed.clear()
    assert verify_lesson(playlist, ChecksumCache(cache_file)) == []  # a new run, the cache read from disk
    assert hashed == []
    # Altered in place with its old modification time put back: the inode's change time still moves.
    video = tmp_path / "playlists/water/lesson.mp4"
    info = video.stat()
    with open(video, "r+b") as f:
        f.seek(10)
        f.write(b"X")
    os.utime(video, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert "water/lesson.mp4 was changed or damaged" in texts(verify_lesson(playlist, ChecksumCache(cache_file)))[0]
    assert hashed == ["lesson.mp4"]


def test_a_damaged_cache_file_only_costs_time(tmp_path):
    playlist = lesson(tmp_path, FILES)
    cache_file = tmp_path / "checksums-cache.json"
    for junk in (b"{" * 10_000, b"not json", json.dumps({"version": 1, "files": {"x": 1}}).encode()):
        cache_file.write_bytes(junk)
        assert verify_lesson(playlist, ChecksumCache(cache_file)) == []
    os.truncate(tmp_path / "playlists/water/lesson.mp4", 10)
    assert verify_lesson(playlist, ChecksumCache(cache_file)) != []


def hostile(root: Path, manifest: bytes | None = None, entry: dict | None = None) -> Path:
    playlist = lesson(root, {"a.mp4": b"video"})
    path = root / "playlists/water/checksums.json"
    if entry is not None:
        manifest = json.dumps({"format": checksums.FORMAT, "version": 1, "files": [entry]}).encode()
    path.write_bytes(manifest)
    return playlist


SHA = "0" * 64


@pytest.mark.parametrize("case, manifest, entry, expected", [
    ("huge", b" " * (checksums.MAX_MANIFEST_BYTES + 1), None, "it is too big"),
    ("deep", b"[" * 3_000_000 + b"]" * 3_000_000, None, "nested too deep"),
    ("unbalanced", b"[" * 3_000_000, None, "damaged (not JSON)"),
    ("not json", b"\x00\xff garbage", None, "damaged (not JSON)"),
    ("foreign", b'{"files": []}', None, "not a list of checksums made by cinema import"),
    ("newer", json.dumps({"format": checksums.FORMAT, "version": 9, "files": []}).encode(), None, "newer version"),
    ("parent", None, {"path": "../../../etc/passwd", "bytes": 1, "sha256": SHA}, "outside the lesson's folder"),
    ("absolute", None, {"path": "/etc/passwd", "bytes": 1, "sha256": SHA}, "outside the lesson's folder"),
    ("backslash", None, {"path": "..\\..\\x", "bytes": 1, "sha256": SHA}, "outside the lesson's folder"),
    ("bad sha", None, {"path": "a.mp4", "bytes": 5, "sha256": "xyz"}, "entry 1 is damaged"),
    ("negative", None, {"path": "a.mp4", "bytes": -5, "sha256": SHA}, "entry 1 is damaged"),
    ("too many", json.dumps({"format": checksums.FORMAT, "version": 1,
                             "files": [{}] * (checksums.MAX_FILES + 1)}).encode(), None, "at most"),
])
def test_a_hostile_checksums_file_is_one_problem_line(tmp_path, case, manifest, entry, expected):
    playlist = hostile(tmp_path, manifest, entry)
    with budget(seconds=2, megabytes=64):
        found = texts(verify_lesson(playlist))
    assert len(found) == 1 and "water/checksums.json cannot be used" in found[0] and expected in found[0], found


def test_a_link_out_of_the_folder_and_a_pipe_are_named_not_followed_nor_waited_for(tmp_path):
    playlist = lesson(tmp_path, {"a.mp4": b"video", "b.mp4": b"other"})
    secret = tmp_path / "secret"
    secret.write_bytes(b"video")
    (tmp_path / "playlists/water/a.mp4").unlink()
    (tmp_path / "playlists/water/a.mp4").symlink_to(secret)
    (tmp_path / "playlists/water/b.mp4").unlink()
    os.mkfifo(tmp_path / "playlists/water/b.mp4")
    with budget(seconds=2, megabytes=64):
        found = "\n".join(texts(verify_lesson(playlist)))
    assert "water/a.mp4 leads outside the lesson's folder" in found
    assert "water/b.mp4 is not an ordinary file" in found


@pytest.mark.parametrize("n, text", [(0, "0 bytes"), (999, "999 bytes"), (40_000, "40 KB"), (12_500_000, "12.5 MB"),
                                     (48_000_000, "48 MB"), (3_200_000_000, "3.2 GB"), (250_000_000_000, "250 GB")])
def test_sizes_read_as_a_teacher_would_say_them(n, text):
    assert human_size(n) == text


def test_cinema_check_keeps_its_cache_beside_the_journal(tmp_path):
    from cinema.config import check_all

    (tmp_path / "var").mkdir()
    (tmp_path / "activities").mkdir()
    lesson(tmp_path, FILES)
    config = tmp_path / "kiosk.yaml"
    config.write_text('version: 1\nkiosk_id: k\nteacher_pin: "4821"\njournal: var/journal.sqlite\n'
                      "playlist: playlists/water.yaml\n")
    assert check_all(config) == []
    cached = json.loads((tmp_path / "var" / "checksums-cache.json").read_text())
    assert len(cached["files"]) == 3
    os.truncate(tmp_path / "playlists/water/lesson.mp4", 5)
    assert [p.message for p in check_all(config)] == [
        "water/lesson.mp4 is 5 bytes but should be 3 MB: the copy was cut short"]
