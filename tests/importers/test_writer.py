"""Writing a lesson: it passes `cinema check`, the home screen lists it, importing again updates it,
and a full disk, Ctrl-C or a crash mid-commit leave the old lesson as it was."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cinema.config import check_all, read_activities
from cinema.config.playlists import list_lessons
from cinema.importers.drafts import ImportContext, ImportProblem, LessonDraft, MediaDraft, SlidesDraft
from cinema.importers.folder import read_sources
from cinema.importers.writer import MARKER, Target, target_for, write_lesson
from tests.importers.conftest import make_picture, make_question_csv, make_subtitles, make_video

QUIZ_ROWS = (("Where does rain come from?", "The clouds", "The trees", "A"),
             ("What is ice?", "Frozen water", "Sand", "A"))


def lesson_folder(root: Path, kit) -> Path:
    src = root / "Water"
    kit.put(kit.pdf, src, "1 intro.pdf")
    kit.put(kit.mp4, src, "2 rain.mp4")
    kit.put(kit.srt, src, "2 rain.ar.srt")
    make_question_csv(src / "3 quiz.csv", rows=QUIZ_ROWS, header=("question", "A", "B", "answer"))
    kit.put(kit.mp3, src, "4 song.mp3")
    return src


def small_folder(root: Path, kit) -> Path:
    src = root / "Water"
    kit.put(kit.png, src, "1 map.png")
    kit.put(kit.mp4, src, "2 rain.mp4")
    return src


def do_import(kiosk, sources, *, language="en", output=None, title=None) -> tuple:
    sources = [Path(s) for s in sources]
    name_source = sources[0]
    target = target_for(kiosk.playlists, kiosk.activities, "x", output, tuple(sources)) if output else None
    work = target.work if target else kiosk.playlists / f".import-{name_source.name}"
    ctx = ImportContext(work=work, language=language)
    draft = read_sources(sources, ctx)
    if title:
        draft = replace(draft, title=title)
    target = target or target_for(kiosk.playlists, kiosk.activities, draft.name, None, tuple(sources))
    return write_lesson(draft, target, ctx), target, ctx


def state(kiosk) -> dict[str, bytes]:
    """Every file under the lessons and activities folders, and its bytes."""
    found = {}
    for base in (kiosk.playlists, kiosk.activities):
        for folder, _dirs, files in os.walk(base):
            for name in files:
                path = Path(folder) / name
                found[str(path.relative_to(kiosk.root))] = path.read_bytes()
    return found


def test_the_lesson_passes_cinema_check_and_is_on_the_home_screen(tmp_path, kit, kiosk):
    written, target, ctx = do_import(kiosk, [lesson_folder(tmp_path, kit)])
    assert written.playlist == kiosk.playlists / "water.yaml"
    assert check_all(kiosk.config) == []
    activities, problems = read_activities(kiosk.activities)
    lessons, left = list_lessons(kiosk.playlists, activities)
    listed = {path.name: (playlist, found) for path, playlist, found in lessons}
    playlist, found = listed["water.yaml"]
    assert found == [] and left == 0 and problems == []
    assert [(i.type, i.id) for i in playlist.items] == [
        ("title", "welcome"), ("slides", "1-intro"), ("video", "2-rain"), ("activity", "3-quiz"), ("audio", "4-song"),
        ("closing", "goodbye")]
    video = playlist.items[2]
    assert video.subtitles.name == "2-rain.ar.srt" and video.duration == pytest.approx(1.0, abs=0.1)
    assert playlist.items[4].duration == pytest.approx(1.0, abs=0.1)
    quiz = activities["water--3-quiz"]
    assert quiz.kind == "multiple_choice" and [q.correct for q in quiz.questions] == ["A", "A"]
    assert written.counts == {"slides": 1, "video": 1, "quiz": 1, "audio": 1}
    assert not ctx.work.exists()  # the work folder is gone once the lesson is in
    assert (target.media_dir / "checksums.json").is_file()


def test_the_lesson_file_reads_well_and_keeps_any_title(tmp_path, kit, kiosk):
    src = tmp_path / "src\nitems: []"  # a name with a line break must not end the comment naming it
    kit.put(kit.mp4, src, "clip.mp4")
    title = 'Water: "rain" & snow — المطر # not a comment'
    written, target, _ctx = do_import(kiosk, [src], title=title, language="ar")
    text = written.playlist.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == MARKER
    assert lines[1].startswith("# Made by `cinema import` from ") and str(src).replace("\n", "?") in lines[1]
    assert any("cinema check" in line for line in lines if line.startswith("#"))
    assert "\n  - type: video\n" in text  # items indented as lessons written by hand are
    data = yaml.safe_load(text)
    assert data["title"] == title and data["items"][0]["title"] == title and data["language"] == "ar"
    assert check_all(kiosk.config) == []


def test_importing_again_updates_the_lesson_and_removes_what_is_gone(tmp_path, kit, kiosk):
    src = lesson_folder(tmp_path, kit)
    do_import(kiosk, [src])
    first = state(kiosk)
    written, target, _ctx = do_import(kiosk, [src])
    again = state(kiosk)
    assert written.updated and written.removed == ()
    assert sorted(again) == sorted(first)  # same names: no second lesson, nothing left over
    media = {k: v for k, v in again.items() if "/water/" in k and not k.endswith("checksums.json")}
    assert all(first[k] == v for k, v in media.items())  # prepared files reused, not made again

    (src / "3 quiz.csv").unlink()
    (src / "4 song.mp3").unlink()
    kit.put(kit.mp4, src, "5 sea.mp4")
    written, target, _ctx = do_import(kiosk, [src])
    now = state(kiosk)
    assert "activities/water--3-quiz.yaml" not in now
    assert not any("4-song" in k for k in now)
    assert "playlists/water/5-sea.mp4" in now
    assert {p.name for p in written.removed} == {"water--3-quiz.yaml", "4-song.m4a"}
    assert sorted(p for p in now if p.startswith("playlists/") and p.endswith(".yaml")) == [
        "playlists/hello.yaml", "playlists/water.yaml"]
    assert check_all(kiosk.config) == []
    assert not any(".import-" in k for k in now)


def test_a_hand_written_lesson_of_the_same_name_is_never_replaced(tmp_path, kit, kiosk):
    src = tmp_path / "hello"
    kit.put(kit.mp4, src, "clip.mp4")
    before = state(kiosk)
    with pytest.raises(ImportProblem) as raised:
        do_import(kiosk, [src])
    assert "hello.yaml" in raised.value.problems[0] and "-o" in raised.value.problems[0]
    assert state(kiosk) == before


def test_the_lessons_own_folder_is_not_imported_over_itself(tmp_path, kit, kiosk):
    src = small_folder(tmp_path, kit)
    written, target, _ctx = do_import(kiosk, [src])
    before = state(kiosk)
    with pytest.raises(ImportProblem) as raised:
        do_import(kiosk, [target.media_dir], output=written.playlist)
    assert "water" in raised.value.problems[0]
    assert state(kiosk) == before


def test_a_damaged_video_stops_the_import_and_nothing_is_written(tmp_path, kit, kiosk):
    src = lesson_folder(tmp_path, kit)
    kit.put(kit.mp4, src, "6 sea.mp4")
    data = (src / "6 sea.mp4").read_bytes()
    (src / "6 sea.mp4").write_bytes(data[: len(data) // 2] + b"\0" * 4000 + data[len(data) // 2 + 4000:])
    before = state(kiosk)
    with pytest.raises(ImportProblem) as raised:
        do_import(kiosk, [src])
    assert any("6 sea.mp4" in line for line in raised.value.problems)
    after = state(kiosk)
    assert {k: v for k, v in after.items() if ".import-" not in k} == before
    assert any(".import-Water/stage/2-rain.mp4" in k for k in after)  # the good video stays ready for the rerun


def test_subtitles_vtt_kept_and_other_encodings_made_utf8(tmp_path, kit, kiosk):
    src = tmp_path / "src"
    kit.put(kit.mp4, src, "a.mp4")
    kit.put(kit.mp4, src, "b.mp4")
    make_subtitles(src / "a.vtt", ("أين نجد الماء؟",))
    make_subtitles(src / "b.ar.srt", ("أين نجد الماء؟",), encoding="cp1256")  # Windows Arabic
    make_subtitles(src / "b.en.srt", ("Where is water?",))
    written, target, _ctx = do_import(kiosk, [src], language="ar")
    data = yaml.safe_load(written.playlist.read_text(encoding="utf-8"))
    a, b = data["items"][1], data["items"][2]
    assert a["subtitles"] == "src/a.ar.vtt"
    assert b["subtitles"] == {"ar": "src/b.ar.srt", "en": "src/b.en.srt"}
    assert "أين نجد الماء؟" in (target.media_dir / "b.ar.srt").read_text(encoding="utf-8")
    assert (target.media_dir / "a.ar.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert check_all(kiosk.config) == []


def test_a_text_file_named_srt_is_named(tmp_path, kit, kiosk):
    src = tmp_path / "src"
    kit.put(kit.mp4, src, "a.mp4")
    (src / "a.srt").write_text("these are my notes, not subtitles")
    with pytest.raises(ImportProblem) as raised:
        do_import(kiosk, [src])
    assert "a.srt" in raised.value.problems[0] and ".srt" in raised.value.problems[0]


def test_pictures_made_right_for_the_projector(tmp_path, kiosk):
    from PIL import Image

    src = tmp_path / "src"
    make_picture(src / "1 small.png")
    make_picture(src / "2 photo.jpg", size=(4000, 3000))
    turned = Image.new("RGB", (300, 200), "red")
    exif = turned.getexif()
    exif[0x0112] = 6  # taken upright: turn 90 degrees to show it
    turned.save(src / "3 upright.jpg", exif=exif)
    make_picture(src / "4 drawing.gif")
    Image.new("RGB", (8000, 6000), "green").save(src / "4b phone.jpg", quality=60)  # 48 megapixels
    Image.new("RGB", (7000, 6000), "green").save(src / "4c scan.png")  # 42 megapixels, not a JPEG
    (src / "5 broken.png").write_bytes((src / "1 small.png").read_bytes()[:60])
    with pytest.raises(ImportProblem) as raised:
        do_import(kiosk, [src])
    assert len(raised.value.problems) == 2
    assert "4c scan.png" in raised.value.problems[0] and "too big" in raised.value.problems[0]
    assert "5 broken.png" in raised.value.problems[1] and "damaged" in raised.value.problems[1]
    (src / "5 broken.png").unlink()
    (src / "4c scan.png").unlink()
    written, target, _ctx = do_import(kiosk, [src])
    sizes = {p.name: Image.open(p).size for p in sorted(target.media_dir.iterdir())
             if p.suffix != ".json" and not p.name.startswith(".")}
    assert sizes == {"1-small-01.png": (160, 120), "1-small-02.jpg": (1440, 1080), "1-small-03.jpg": (200, 300),
                     "1-small-04.png": (160, 120), "1-small-05.jpg": (1440, 1080)}
    assert (target.media_dir / "1-small-01.png").read_bytes() == (src / "1 small.png").read_bytes()


def test_ctrl_c_keeps_the_work_and_the_same_command_continues(tmp_path, kit, kiosk, monkeypatch):
    src = small_folder(tmp_path, kit)
    do_import(kiosk, [src])
    kit.put(kit.webm, src, "5 sea.webm")
    before = state(kiosk)
    from cinema.importers import media

    real_prepare = media.prepare
    made = []

    def interrupted(src_, stage, key, kind, ctx, reuse=()):
        if key == "5-sea":
            raise KeyboardInterrupt
        made.append(key)
        return real_prepare(src_, stage, key, kind, ctx, reuse=reuse)

    monkeypatch.setattr(media, "prepare", interrupted)
    with pytest.raises(KeyboardInterrupt):
        do_import(kiosk, [src])
    after = state(kiosk)
    assert {k: v for k, v in after.items() if ".import-" not in k} == before
    assert any(k.endswith(".import-Water/stage/2-rain.mp4") for k in after)

    monkeypatch.setattr(media, "prepare", real_prepare)
    written, target, ctx = do_import(kiosk, [src])
    assert (target.media_dir / "5-sea.mp4").is_file() and not ctx.work.exists()
    assert check_all(kiosk.config) == []


def test_a_crash_in_the_middle_of_the_swap_is_put_back(tmp_path, kit, kiosk, monkeypatch):
    src = small_folder(tmp_path, kit)
    do_import(kiosk, [src])
    before = state(kiosk)
    kit.put(kit.mp4, src, "5 sea.mp4")
    from cinema.importers import writer

    real_replace = os.replace

    def power_cut(a, b):
        if Path(a).name == "stage":
            raise OSError(5, "Input/output error")
        return real_replace(a, b)

    monkeypatch.setattr(writer.os, "replace", power_cut)
    with pytest.raises(ImportProblem):
        do_import(kiosk, [src])
    assert {k: v for k, v in state(kiosk).items() if ".import-" not in k} == before
    assert check_all(kiosk.config) == []


def test_the_old_media_folder_left_aside_by_a_power_cut_comes_back(tmp_path, kit, kiosk):
    src = small_folder(tmp_path, kit)
    written, target, _ctx = do_import(kiosk, [src])
    work = kiosk.playlists / ".import-Water"
    work.mkdir()
    os.replace(target.media_dir, work / "previous")  # the power went between the two renames
    assert check_all(kiosk.config) != []
    do_import(kiosk, [src])
    assert check_all(kiosk.config) == []


def test_a_full_disk_leaves_the_old_lesson_as_it_was(tmp_path, kit):
    from tests.importers.conftest import make_kiosk_project
    from tests.journal.small_disk import fill, small_disk

    src = lesson_folder(tmp_path, kit)
    with small_disk(tmp_path / "disk", "40m") as disk:
        kiosk = make_kiosk_project(disk)
        do_import(kiosk, [src])
        before = state(kiosk)
        make_video(src / "5 sea.mp4", seconds=2)
        make_picture(src / "6 map.png", size=(1600, 1000))
        fill(disk)
        with pytest.raises(ImportProblem) as raised:  # full while reading (the PDF's pages)
            do_import(kiosk, [src])
        assert any("full" in line for line in raised.value.problems), raised.value.problems
        assert {k: v for k, v in state(kiosk).items() if ".import-" not in k and "videos.bin" not in k} == before

        (disk / "videos.bin").unlink()
        target = target_for(kiosk.playlists, kiosk.activities, "water", None, (src,))
        ctx = ImportContext(work=target.work, language="en")
        draft = read_sources([src], ctx)
        fill(disk)
        with pytest.raises(ImportProblem) as raised:  # full while preparing and writing
            write_lesson(draft, target, ctx)
        assert any("full" in line for line in raised.value.problems), raised.value.problems
        assert {k: v for k, v in state(kiosk).items() if ".import-" not in k and "videos.bin" not in k} == before
        assert check_all(kiosk.config) == []
        (disk / "videos.bin").unlink()
        written, _target, _ctx = do_import(kiosk, [src])
        assert written.counts["video"] == 2 and check_all(kiosk.config) == []


def test_an_unsafe_output_name_is_refused_with_a_safe_one_offered(tmp_path):
    with pytest.raises(ImportProblem) as raised:
        target_for(tmp_path, tmp_path, "x", tmp_path / "My lesson: rain.yaml")
    assert "my-lesson-rain.yaml" in raised.value.problems[0]
    with pytest.raises(ImportProblem):
        target_for(tmp_path, tmp_path, "x", tmp_path / "lesson.txt")
    assert target_for(tmp_path, tmp_path, "x", tmp_path / "rain_2.yaml").name == "rain_2"


def test_nothing_to_show_is_a_problem(tmp_path, kiosk):
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.txt").write_text("hi")
    with pytest.raises(ImportProblem) as raised:
        do_import(kiosk, [src])
    assert "nothing" in raised.value.problems[0]
    assert raised.value.problems[1].startswith("notes.txt: a text document")  # and why it was not used
    assert not (kiosk.playlists / "src.yaml").exists()


def test_keys_made_unique_by_the_writer(tmp_path, kit, kiosk):
    """Readers (a Kolibri topic) may hand two items the same key: each still gets its own id and files."""
    a = MediaDraft(kind="video", source=kit.mp4, title="One", key="clip")
    b = MediaDraft(kind="video", source=kit.webm, title="Two", key="clip")
    pages = SlidesDraft(source=kit.png, title="Pic", key="clip", pages=(kit.png,))
    draft = LessonDraft(title="Same keys", language="en", items=(a, b, pages), name="same")
    target = Target(kiosk.playlists / "same.yaml", kiosk.activities)
    ctx = ImportContext(work=target.work, language="en")
    write_lesson(draft, target, ctx)
    data = yaml.safe_load(target.playlist.read_text(encoding="utf-8"))
    assert [i["id"] for i in data["items"]] == ["welcome", "clip", "clip-2", "clip-3", "goodbye"]
    assert check_all(kiosk.config) == []


def test_low_power_copies_are_named_in_the_lesson(tmp_path, kiosk):
    src = tmp_path / "src"
    make_video(src / "big.mp4", size="1280x720", seconds=1)
    target = target_for(kiosk.playlists, kiosk.activities, "src", None, (src,))
    ctx = ImportContext(work=target.work, language="en", low_power=True)
    write_lesson(read_sources([src], ctx), target, ctx)
    item = yaml.safe_load(target.playlist.read_text(encoding="utf-8"))["items"][1]
    assert item["media"] == "src/big.mp4" and item["low_power"] == "src/big.low.mp4"
    assert (target.media_dir / "big.low.mp4").is_file() and check_all(kiosk.config) == []


def test_a_lesson_whose_playlist_never_came_is_finished_by_the_next_run(tmp_path, kit, kiosk):
    """The power went after the media folder was renamed in, before the lesson file was."""
    src = small_folder(tmp_path, kit)
    written, target, _ctx = do_import(kiosk, [src])
    written.playlist.unlink()
    written, target, _ctx = do_import(kiosk, [src])
    assert written.playlist.is_file() and check_all(kiosk.config) == []
    (target.media_dir / ".made-by-cinema-import").unlink()
    written.playlist.unlink()
    with pytest.raises(ImportProblem) as raised:  # a folder of the teacher's own, not ours: never replaced
        do_import(kiosk, [src])
    assert "not an imported lesson" in raised.value.problems[0]


@settings(max_examples=100, deadline=None)
@given(title=st.text(max_size=60))
def test_any_title_round_trips_through_the_kiosks_own_reader(tmp_path_factory, title):
    from cinema.config.playlists import read_playlist
    from cinema.importers.writer import playlist_text
    from tests.budget import budget

    folder = tmp_path_factory.mktemp("titles")
    target = Target(folder / "x.yaml", folder / "activities")
    with budget(seconds=2, megabytes=64):
        text = playlist_text(LessonDraft(title=title, language="en", items=()), target,
                             [{"type": "closing", "id": "c"}], "en")
        target.playlist.write_text(text, encoding="utf-8")
        playlist, problems = read_playlist(target.playlist, {})
    assert problems == [] and playlist.title == (" ".join(title.split()) or "x")
