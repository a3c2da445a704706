"""Lesson packs: `cinema pack` writes lessons for a USB stick, `cinema import PACK` checks and installs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import wave
from argparse import Namespace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.cards.keys import new_key_file
from cinema.cli import main
from cinema.config import check_all
from cinema.config.activities import read_activities
from cinema.config.playlists import list_lessons
from cinema.importers import pack as packs
from cinema.importers import pack_format
from cinema.importers.checksums import write_manifest
from tests.importers.conftest import make_video, needs_ffmpeg
from tests.journal.small_disk import fill, small_disk

PROJECT = Path(__file__).resolve().parents[2]

CONFIG = """\
version: 1
kiosk_id: {kiosk}
teacher_pin: "4821"
journal: var/journal.sqlite
playlist: playlists/{start}.yaml
cards:
  keys: {keys}
"""


def make_kiosk(root: Path, keys: Path, start: str = "water") -> Path:
    """An empty kiosk folder: its config, empty lessons and activities folders, var/."""
    for sub in ("playlists", "activities", "var"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    config = root / "kiosk_config" / "default.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG.format(kiosk=root.name, start=start, keys=keys))
    return config


def write_wav(path: Path, seconds: float = 0.2, rate: int = 8000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\1" * int(seconds * rate))
    return path


def make_lesson(root: Path, name: str, video: Path, *, title: str = "", picture: bool = True,
                sound_seconds: float = 0.2) -> Path:
    """A lesson as `cinema import` leaves it: playlists/NAME.yaml, playlists/NAME/ with its media and
    checksums.json, and its quiz activities/NAME--quiz.yaml with a question picture in the media folder."""
    media = root / "playlists" / name
    media.mkdir(parents=True, exist_ok=True)
    shutil.copy(video, media / "lesson.mp4")
    (media / "lesson.ar.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nمرحبا\n", encoding="utf-8")
    write_wav(media / "song.wav", sound_seconds)
    quiz = ""
    if picture:
        from PIL import Image

        Image.new("RGB", (32, 24), (10, 120, 200)).save(media / "q1.png")
        quiz = "    image: ../playlists/{name}/q1.png\n".format(name=name)
    (root / "activities" / f"{name}--quiz.yaml").write_text(
        f"version: 1\nid: {name}--quiz\nkind: multiple_choice\ntitle: Quiz\nquestions:\n"
        f"  - prompt: Where is water?\n{quiz}    options:\n      A: Sea\n      B: Stone\n    correct: A\n",
        encoding="utf-8")
    playlist = root / "playlists" / f"{name}.yaml"
    playlist.write_text(
        f"# made for the test\nversion: 1\nid: {name}\ntitle: \"{title or name.title()}\"\nlanguage: en\nitems:\n"
        f"  - type: video\n    id: lesson\n    media: {name}/lesson.mp4\n    duration: 1\n"
        f"  - type: audio\n    id: song\n    media: {name}/song.wav\n"
        f"  - type: activity\n    id: quiz\n    activity: {name}--quiz\n", encoding="utf-8")
    write_manifest(media)
    return playlist


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg makes the test video")
    return make_video(tmp_path_factory.mktemp("media") / "lesson.mp4", seconds=1)


@pytest.fixture(scope="module")
def programme(tmp_path_factory, video) -> dict:
    """The programme's office: a key file, a kiosk folder with two lessons, and a signed pack of them."""
    base = tmp_path_factory.mktemp("programme")
    keys = base / "card-keys.json"
    new_key_file(keys)
    office = base / "office"
    config = make_kiosk(office, keys)
    make_lesson(office, "water", video, title="Water: where it comes from")
    make_lesson(office, "health", video, title="صحة")
    pack = base / "stick" / "pack"
    assert main(["pack", "water", "health", "-o", str(pack), "--config", str(config)]) == 0
    return {"keys": keys, "config": config, "pack": pack, "office": office, "base": base}


def pack_copy(programme: dict, tmp_path: Path) -> Path:
    copy = tmp_path / "stick-copy"
    shutil.copytree(programme["pack"], copy)
    return copy


def new_kiosk(programme: dict, tmp_path: Path, name: str = "kiosk") -> Path:
    return make_kiosk(tmp_path / name, programme["keys"])


def import_(pack: Path, config: Path, *extra: str) -> int:
    return main(["import", str(pack), "--config", str(config), *extra])


def lessons_of(config: Path) -> list[str]:
    root = config.parent.parent
    activities, _problems = read_activities(root / "activities")
    listed, _left = list_lessons(root / "playlists", activities)
    assert all(not problems for _path, _pl, problems in listed), listed
    return [path.stem for path, _pl, _problems in listed]


# ---- packing ------------------------------------------------------------------


def test_a_pack_is_a_folder_listing_every_file_with_its_size_and_checksum_and_signed(programme):
    pack = programme["pack"]
    listing = json.loads((pack / "pack.json").read_text())
    assert listing["format"] == "learning-cinema-pack" and listing["version"] == 1 and listing["made_at"]
    assert [(lesson["name"], lesson["title"], lesson["language"]) for lesson in listing["lessons"]] == [
        ("water", "Water: where it comes from", "en"), ("health", "صحة", "en")]
    paths = {f["path"] for f in listing["files"]}
    for name in ("water", "health"):
        assert {f"lessons/{name}.yaml", f"lessons/{name}/lesson.mp4", f"lessons/{name}/lesson.ar.srt",
                f"lessons/{name}/song.wav", f"lessons/{name}/q1.png", f"lessons/{name}/checksums.json",
                f"activities/{name}--quiz.yaml"} <= paths
    on_disk = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()}
    assert on_disk == paths | {"pack.json", "signature.json"}
    for f in listing["files"]:
        assert (pack / f["path"]).stat().st_size == f["bytes"]
    signature = json.loads((pack / "signature.json").read_text())
    assert signature["alg"] == "HMAC-SHA256" and len(signature["mac"]) == 64
    assert not list(pack.parent.glob(".*"))  # nothing partial left beside it
    # The playlist travels as written (comments too): its files are already in its own folder.
    assert (pack / "lessons/water.yaml").read_bytes() == (programme["office"] / "playlists/water.yaml").read_bytes()


def test_a_lesson_with_problems_is_refused_by_name_and_nothing_is_written(programme, tmp_path, capsys):
    office = tmp_path / "office"
    shutil.copytree(programme["office"], office)
    config = make_kiosk(office, programme["keys"])
    (office / "playlists" / "health" / "song.wav").unlink()
    out = tmp_path / "pack"
    assert main(["pack", "water", "health", "-o", str(out), "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "health: this lesson has problems" in err and "song.wav" in err
    assert "water:" not in err
    assert not out.exists() and not list(tmp_path.glob(".pack*"))


def test_a_lesson_whose_copy_was_cut_short_is_not_sent_to_every_kiosk(programme, tmp_path, capsys):
    office = tmp_path / "office"
    shutil.copytree(programme["office"], office)
    config = make_kiosk(office, programme["keys"])
    video = office / "playlists" / "water" / "lesson.mp4"
    os.truncate(video, video.stat().st_size - 1)  # still a video to the checker: only its checksum tells
    assert main(["pack", "water", "-o", str(tmp_path / "pack"), "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "water: this lesson has problems" in err and "water/lesson.mp4 is" in err and "cut short" in err
    assert not (tmp_path / "pack").exists()


def test_an_unknown_lesson_is_named_with_the_ones_there_are(programme, capsys):
    assert main(["pack", "fire", "-o", str(programme["base"] / "x"), "--config", str(programme["config"])]) == 1
    err = capsys.readouterr().err
    assert "fire: no lesson of that name" in err and "health, water" in err


def test_without_a_key_file_the_pack_is_written_unsigned_with_a_warning(programme, tmp_path, capsys):
    office = tmp_path / "office"
    shutil.copytree(programme["office"], office)
    config = make_kiosk(office, tmp_path / "no-such-keys.json")
    out = tmp_path / "pack"
    assert main(["pack", str(office / "playlists" / "water.yaml"), "-o", str(out), "--config", str(config)]) == 0
    assert "Not signed" in capsys.readouterr().err
    assert (out / "pack.json").is_file() and not (out / "signature.json").exists()


def test_packing_again_into_the_same_folder_replaces_the_pack_but_a_folder_of_other_files_is_left_alone(
        programme, tmp_path, capsys):
    out = tmp_path / "pack"
    config = str(programme["config"])
    assert main(["pack", "water", "-o", str(out), "--config", config]) == 0
    assert main(["pack", "health", "-o", str(out), "--config", config]) == 0
    assert [lesson["name"] for lesson in json.loads((out / "pack.json").read_text())["lessons"]] == ["health"]
    assert not (out / "lessons" / "water").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["pack"]
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"jpeg")
    capsys.readouterr()
    assert main(["pack", "water", "-o", str(photos), "--config", config]) == 1
    assert "this is not an empty folder nor a lesson pack — give a new folder name" in capsys.readouterr().err
    assert [p.name for p in photos.iterdir()] == ["holiday.jpg"]


def test_files_named_outside_the_lesson_folder_are_carried_in_it_and_the_paths_rewritten(programme, tmp_path, video):
    office = tmp_path / "office"
    config = make_kiosk(office, programme["keys"], start="hand")
    shutil.copy(video, (office / "demo_media").mkdir() or office / "demo_media" / "intro.mp4")
    (office / "demo_media" / "intro.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    from PIL import Image

    Image.new("RGB", (20, 20)).save(office / "demo_media" / "q.png")
    (office / "activities" / "hand_quiz.yaml").write_text(
        "version: 1\nid: hand_quiz\nkind: poll\ntitle: Poll\nquestions:\n  - prompt: Which?\n"
        "    image: ../demo_media/q.png\n    options:\n      A: One\n      B: Two\n")
    (office / "playlists" / "hand.yaml").write_text(
        "version: 1\ntitle: By hand\nitems:\n  - type: video\n    media: ../demo_media/intro.mp4\n"
        "  - type: activity\n    activity: hand_quiz\n")
    out = tmp_path / "pack"
    assert main(["pack", "hand", "-o", str(out), "--config", str(config)]) == 0
    assert "hand/shared/intro.mp4" in (out / "lessons" / "hand.yaml").read_text()
    assert (out / "lessons/hand/shared/intro.en.srt").is_file()  # the subtitles found by name go with it
    assert "image: ../lessons/hand/shared/q.png" in (out / "activities" / "hand_quiz.yaml").read_text()
    kiosk = new_kiosk(programme, tmp_path, "kiosk")
    kiosk.write_text(kiosk.read_text().replace("playlists/water.yaml", "playlists/hand.yaml"))
    assert import_(out, kiosk) == 0
    assert check_all(kiosk) == []
    installed = (tmp_path / "kiosk" / "activities" / "hand_quiz.yaml").read_text()
    assert "image: ../playlists/hand/shared/q.png" in installed


# ---- installing -----------------------------------------------------------------


def test_a_pack_installs_into_an_empty_kiosk_and_its_lessons_pass_the_check_and_are_listed(programme, tmp_path, capsys):
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(programme["pack"], kiosk) == 0
    out = capsys.readouterr().out
    assert "Installed lesson water (Water: where it comes from)" in out and "Installed lesson health" in out
    assert check_all(kiosk) == []
    assert lessons_of(kiosk) == ["health", "water"]
    root = kiosk.parent.parent
    assert (root / "playlists/water/checksums.json").is_file()
    assert "../playlists/water/q1.png" in (root / "activities/water--quiz.yaml").read_text()
    assert not [p for p in (root / "playlists").iterdir() if p.name.startswith(".")]
    assert not [p for p in (root / "activities").iterdir() if p.name.startswith(".")]


def test_files_hashed_while_installing_are_not_read_again_by_the_next_check(programme, tmp_path, monkeypatch):
    from cinema.importers import checksums

    kiosk = new_kiosk(programme, tmp_path)
    hashed: list[str] = []
    real = checksums.sha256_file
    monkeypatch.setattr(checksums, "sha256_file", lambda path, update=None: hashed.append(Path(path).name) or
                        real(path, update))
    assert import_(programme["pack"], kiosk) == 0
    assert check_all(kiosk) == []
    assert hashed == []
    video = tmp_path / "kiosk" / "playlists" / "water" / "lesson.mp4"
    data = bytearray(video.read_bytes())
    data[100] ^= 1
    video.write_bytes(bytes(data))  # the same size: only its hash tells
    assert [p.message for p in check_all(kiosk)] == ["water/lesson.mp4 was changed or damaged (its checksum does "
                                                     "not match)"]


def test_importing_the_same_pack_again_updates_the_lesson_without_a_duplicate(programme, tmp_path, capsys):
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(programme["pack"], kiosk) == 0
    root = kiosk.parent.parent
    (root / "activities" / "water--old-poll.yaml").write_text("left from the lesson's last version")
    capsys.readouterr()
    assert import_(programme["pack"], kiosk) == 0
    assert "Updated lesson water" in capsys.readouterr().out
    assert lessons_of(kiosk) == ["health", "water"]
    assert sorted(p.name for p in (root / "activities").iterdir()) == ["health--quiz.yaml", "water--quiz.yaml"]
    assert check_all(kiosk) == []


@pytest.mark.parametrize("damage, expected", [
    ("altered", "lessons/water/lesson.mp4 was changed or damaged (checksum) — copy the pack again"),
    ("truncated", "lessons/water/lesson.mp4 is "),
    ("missing", "lessons/water/lesson.mp4 is missing from the pack"),
])
def test_a_damaged_file_is_refused_by_name_and_nothing_is_installed(programme, tmp_path, capsys, damage, expected):
    pack = pack_copy(programme, tmp_path)
    victim = pack / "lessons" / "water" / "lesson.mp4"
    if damage == "altered":
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 0x01
        victim.write_bytes(bytes(data))
    elif damage == "truncated":
        os.truncate(victim, victim.stat().st_size - 100)
    else:
        victim.unlink()
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(pack, kiosk) == 1
    err = capsys.readouterr().err
    assert expected in err
    if damage == "truncated":
        assert "the copy was cut short" in err
    assert "nothing was installed" in err
    root = kiosk.parent.parent
    assert list((root / "playlists").iterdir()) == [] and list((root / "activities").iterdir()) == []


def test_a_pack_signed_with_another_programmes_key_is_refused(programme, tmp_path, capsys):
    other = tmp_path / "other-keys.json"
    new_key_file(other)
    kiosk = make_kiosk(tmp_path / "kiosk", other)
    assert import_(programme["pack"], kiosk) == 1
    assert "signature does not match" in capsys.readouterr().err
    assert not list((tmp_path / "kiosk" / "playlists").iterdir())
    # ...and --allow-unsigned does not let a signature that does not match through
    assert import_(programme["pack"], kiosk, "--allow-unsigned") == 1


def test_an_export_bundle_signature_does_not_pass_as_a_packs(programme, tmp_path, capsys):
    import hashlib
    import hmac

    from cinema.cards.keys import current_key
    from cinema.journal.bundle import signing_key as bundle_key

    pack = pack_copy(programme, tmp_path)
    key = bundle_key(current_key(programme["keys"]))
    mac = hmac.new(key, (pack / "pack.json").read_bytes(), hashlib.sha256).hexdigest()
    (pack / "signature.json").write_text(json.dumps({"alg": "HMAC-SHA256", "mac": mac}))
    assert import_(pack, new_kiosk(programme, tmp_path)) == 1
    assert "signature does not match" in capsys.readouterr().err


def test_an_unsigned_pack_is_refused_then_installed_with_allow_unsigned(programme, tmp_path, capsys):
    pack = pack_copy(programme, tmp_path)
    (pack / "signature.json").unlink()
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(pack, kiosk) == 1
    assert "not signed" in capsys.readouterr().err
    assert not list((tmp_path / "kiosk" / "playlists").iterdir())
    assert import_(pack, kiosk, "--allow-unsigned") == 0
    assert "installed because of --allow-unsigned" in capsys.readouterr().err
    assert lessons_of(kiosk) == ["health", "water"]


def test_a_checksum_changed_to_match_an_altered_file_without_signing_again_is_refused(programme, tmp_path, capsys):
    import hashlib

    pack = pack_copy(programme, tmp_path)
    victim = pack / "lessons" / "water" / "lesson.mp4"
    data = bytearray(victim.read_bytes())
    data[-10] ^= 0xFF
    victim.write_bytes(bytes(data))
    listing = json.loads((pack / "pack.json").read_text())
    for f in listing["files"]:
        if f["path"] == "lessons/water/lesson.mp4":
            f["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    (pack / "pack.json").write_text(json.dumps(listing, indent=1, ensure_ascii=False) + "\n")
    assert import_(pack, new_kiosk(programme, tmp_path)) == 1
    assert "signature does not match" in capsys.readouterr().err


def test_files_in_the_pack_folder_but_not_in_its_list_are_left_out_with_a_note(programme, tmp_path, capsys):
    pack = pack_copy(programme, tmp_path)
    (pack / "lessons" / "water" / "virus.exe").write_bytes(b"MZ")
    (pack / "System Volume Information").mkdir()
    (pack / "System Volume Information" / "IndexerVolumeGuid").write_text("x")
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(pack, kiosk) == 0
    err = capsys.readouterr().err
    assert "2 files in the pack folder are not in its list" in err and "virus.exe" in err
    assert not (tmp_path / "kiosk" / "playlists" / "water" / "virus.exe").exists()


@pytest.mark.parametrize("bad_path", [
    "../../escape.yaml", "/etc/passwd", "lessons/water/../../../x", "lessons\\water\\x.mp4", "lessons/water/a:b.mp4",
    "lessons/water/CON.mp4", "elsewhere/x.yaml", "lessons/water/trailing. ",
])
def test_a_pack_listing_unsafe_paths_is_refused_before_anything_is_copied(programme, tmp_path, capsys, bad_path):
    pack = pack_copy(programme, tmp_path)
    listing = json.loads((pack / "pack.json").read_text())
    listing["files"].append({"path": bad_path, "bytes": 2, "sha256": "0" * 64})
    (pack / "pack.json").write_text(json.dumps(listing))
    (pack / "signature.json").unlink()
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(pack, kiosk, "--allow-unsigned") == 1
    err = capsys.readouterr().err
    assert "nothing was installed" in err and "Traceback" not in err
    assert not list((tmp_path / "kiosk" / "playlists").iterdir())
    assert not (tmp_path / "escape.yaml").exists()


def test_a_link_or_a_device_in_the_pack_is_refused_by_name(programme, tmp_path, capsys):
    pack = pack_copy(programme, tmp_path)
    victim = pack / "lessons" / "water" / "song.wav"
    secret = tmp_path / "secret.wav"
    victim.rename(secret)
    victim.symlink_to(secret)
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(pack, kiosk) == 1
    assert "lessons/water/song.wav is a link, a folder or a device" in capsys.readouterr().err
    victim.unlink()
    os.mkfifo(victim)  # a pipe would make a reader wait for good
    assert import_(pack, kiosk) == 1
    assert "lessons/water/song.wav is a link, a folder or a device" in capsys.readouterr().err


@pytest.mark.parametrize("listing", [
    b"{" * 100_000,  # nested far past any pack
    b"[]",
    b'{"format": "learning-cinema-pack", "version": 99, "lessons": [], "files": []}',
    b"\xff\xfe not json",
])
def test_a_hostile_pack_list_is_one_clear_line(programme, tmp_path, capsys, listing):
    from tests.budget import budget

    pack = pack_copy(programme, tmp_path)
    (pack / "pack.json").write_bytes(listing)
    (pack / "signature.json").unlink()
    with budget(seconds=2, megabytes=64):
        assert import_(pack, new_kiosk(programme, tmp_path), "--allow-unsigned") == 1
    err = capsys.readouterr().err
    assert "pack.json" in err and "Traceback" not in err


def test_a_pack_needing_more_room_than_the_disk_has_is_refused_before_copying(programme, tmp_path, capsys):
    with small_disk(tmp_path / "disk", "1m") as disk:
        kiosk = make_kiosk(disk, programme["keys"])
        fill(disk)
        assert import_(programme["pack"], kiosk) == 1
        err = capsys.readouterr().err
        assert re.search(r"playlists: the lessons need \d+(\.\d)? KB, the disk has \d+ bytes free — delete old", err)
        assert not list((disk / "playlists").iterdir())


def test_a_disk_filling_during_install_leaves_the_old_lesson_whole(programme, tmp_path, capsys, monkeypatch, video):
    with small_disk(tmp_path / "disk", "1m") as disk:
        kiosk = make_kiosk(disk, programme["keys"])
        assert import_(programme["pack"], kiosk) == 0
        before = {p.relative_to(disk).as_posix(): p.read_bytes()
                  for p in (disk / "playlists").rglob("*") if p.is_file()}
        # The programme sends a new version of the lesson, with a song too long for this disk.
        office = tmp_path / "office"
        make_kiosk(office, programme["keys"])
        make_lesson(office, "water", video, sound_seconds=60)  # about 1 MB of sound
        big = tmp_path / "big-pack"
        assert main(["pack", "water", "-o", str(big), "--config", str(office / "kiosk_config/default.yaml")]) == 0
        monkeypatch.setattr(pack_format, "free_bytes", lambda folder: 1 << 40)  # the disk said it had room
        capsys.readouterr()
        assert import_(big, kiosk) == 1
        err = capsys.readouterr().err
        assert "the disk became full" in err and "nothing was changed" in err and "Traceback" not in err
        after = {p.relative_to(disk).as_posix(): p.read_bytes()
                 for p in (disk / "playlists").rglob("*") if p.is_file()}
        assert after == before
        assert not [p for p in (disk / "playlists").iterdir() if p.name.startswith(".")]
        assert check_all(kiosk) == []


# ---- cinema check after install ------------------------------------------------


def test_an_installed_lesson_whose_video_is_later_cut_short_fails_the_check_by_name(programme, tmp_path, capsys):
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(programme["pack"], kiosk) == 0
    video = tmp_path / "kiosk" / "playlists" / "water" / "lesson.mp4"
    size = video.stat().st_size
    assert main(["check", "--config", str(kiosk)]) == 0  # hashed once, remembered
    os.truncate(video, size // 2)
    capsys.readouterr()
    assert main(["check", "--config", str(kiosk)]) == 1
    out = capsys.readouterr().out
    assert "water/lesson.mp4 is" in out and "the copy was cut short" in out
    done = subprocess.run([sys.executable, "-m", "cinema", "check", "--config", str(kiosk)], capture_output=True,
                          text=True, timeout=60, cwd=PROJECT, env={**os.environ, "LANGUAGE": "en", "LANG": "C.UTF-8"})
    assert done.returncode == 1 and "water/lesson.mp4 is" in done.stdout and "Traceback" not in done.stderr


def test_the_import_command_hands_a_pack_to_the_installer(programme, tmp_path):
    kiosk = new_kiosk(programme, tmp_path)
    args = Namespace(sources=[str(programme["pack"])], config=str(kiosk), keys=None, allow_unsigned=False)
    assert packs.is_pack(programme["pack"]) and not packs.is_pack(tmp_path)
    assert packs.import_packs(args) == 0
    assert lessons_of(kiosk) == ["health", "water"]


def test_question_pictures_point_into_this_kiosks_own_folders(programme, tmp_path):
    root = tmp_path / "kiosk"
    kiosk = make_kiosk(root, programme["keys"])
    (root / "mylessons").mkdir()
    (root / "myquizzes").mkdir()
    kiosk.write_text(kiosk.read_text().replace("playlists/water.yaml", "mylessons/water.yaml")
                     + "playlists_dir: mylessons\nactivities_dir: myquizzes\n")
    assert import_(programme["pack"], kiosk) == 0
    assert "image: ../mylessons/water/q1.png" in (root / "myquizzes" / "water--quiz.yaml").read_text()
    assert check_all(kiosk) == []


def test_ctrl_c_while_copying_leaves_the_old_lesson_and_no_staging_folder(programme, tmp_path, monkeypatch):
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(programme["pack"], kiosk) == 0
    root = tmp_path / "kiosk"
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if "var" not in p.parts)
    real, calls = pack_format.copy_hashed, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(pack_format, "copy_hashed", interrupted)
    assert import_(programme["pack"], kiosk) == 130
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if "var" not in p.parts) == before
    assert check_all(kiosk) == []


DEAD = 4_194_303  # above any process id this machine has handed out


def test_folders_left_by_an_install_cut_off_by_a_power_cut_are_cleared_by_the_next(programme, tmp_path):
    kiosk = new_kiosk(programme, tmp_path)
    playlists = tmp_path / "kiosk" / "playlists"
    (playlists / "water").mkdir()  # the cut came after the new media folder was moved in
    for name in (f".pack-install-{DEAD}", f".pack-old-water-{DEAD}"):
        (playlists / name).mkdir()
        (playlists / name / "lesson.mp4").write_bytes(b"half a video")
    assert import_(programme["pack"], kiosk) == 0
    assert sorted(p.name for p in playlists.iterdir()) == ["health", "health.yaml", "water", "water.yaml"]


def test_a_power_cut_before_the_new_media_was_moved_in_gives_the_old_lesson_back(programme, tmp_path):
    kiosk = new_kiosk(programme, tmp_path)
    assert import_(programme["pack"], kiosk) == 0
    playlists = tmp_path / "kiosk" / "playlists"
    (playlists / "water").rename(playlists / f".pack-old-water-{DEAD}")  # where the cut left it
    other = tmp_path / "other-pack"
    shutil.copytree(programme["pack"], other)
    listing = json.loads((other / "pack.json").read_text())  # a pack of health alone, unsigned
    listing["lessons"] = [lesson for lesson in listing["lessons"] if lesson["name"] == "health"]
    listing["files"] = [f for f in listing["files"] if "water" not in f["path"]]
    (other / "pack.json").write_text(json.dumps(listing))
    (other / "signature.json").unlink()
    assert import_(other, kiosk, "--allow-unsigned") == 0
    assert check_all(kiosk) == []  # water plays again, its own files checked
    assert not [p for p in playlists.iterdir() if p.name.startswith(".")]


_SCALAR = (st.none() | st.booleans() | st.integers(-5, 1 << 33) | st.text(max_size=12)
           | st.sampled_from(["water", "lessons/water.yaml", "activities/a.yaml", "lessons/water/x.mp4", "../x",
                              "lessons/water/CON", "0" * 64]))
_ANY = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=3), max_leaves=8)
_FILE = st.fixed_dictionaries({}, optional={"path": _ANY, "bytes": _ANY, "sha256": _ANY}) | _ANY
_LESSON = st.fixed_dictionaries({}, optional={"name": _ANY, "title": _ANY, "activities": _ANY, "id": _ANY}) | _ANY
_PACK_LIST = st.fixed_dictionaries({"format": st.just("learning-cinema-pack"), "version": st.just(1)},
                                   optional={"lessons": st.lists(_LESSON, max_size=3) | _ANY,
                                             "files": st.lists(_FILE, max_size=4) | _ANY}) | _ANY


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_PACK_LIST)
def test_any_pack_list_is_read_or_refused_in_words_never_with_a_crash(tmp_path, body):
    from cinema.importers.drafts import ImportProblem
    from cinema.importers.pack_install import read_pack

    (tmp_path / "pack.json").write_text(json.dumps(body))
    try:
        contents = read_pack(tmp_path, (), allow_unsigned=True)
    except ImportProblem as refused:
        assert refused.problems and all(isinstance(line, str) and line for line in refused.problems)
    else:
        assert contents.lessons and all(pack_format.fat_name_problem(part) is None
                                        for f in contents.files for part in f.path.split("/"))
