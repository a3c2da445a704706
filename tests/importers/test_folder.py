"""A teacher's folder read as a lesson draft: order, titles, subtitles, pictures, what is left out, bounds."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinema.importers.drafts import ImportContext, ImportProblem, MediaDraft, QuizDraft, SlidesDraft
from cinema.importers.folder import MAX_FILES, name_key, natural_key, read_folder, read_sources, subtitle_language
from tests.importers.conftest import make_pdf, make_picture, make_question_csv, make_video


@pytest.fixture
def ctx(tmp_path) -> ImportContext:
    return ImportContext(work=tmp_path / "work", language="en")


def kinds(draft) -> list[tuple[str, str]]:
    out = []
    for item in draft.items:
        kind = item.kind if isinstance(item, MediaDraft) else "slides" if isinstance(item, SlidesDraft) else "quiz"
        out.append((kind, item.key))
    return out


def skipped(draft) -> dict[str, str]:
    return {Path(str(s.source)).name: s.reason for s in draft.skipped}


def test_files_come_in_natural_name_order_with_the_quiz_at_its_place(tmp_path, kit, ctx):
    src = tmp_path / "Water cycle"
    kit.put(kit.mp3, src, "10 sun.mp3")
    kit.put(kit.mp4, src, "2 rain.mp4")
    kit.put(kit.pdf, src, "1 intro.pdf")
    kit.put(kit.csv, src, "3 quiz.csv")
    draft = read_folder(src, ctx)
    assert kinds(draft) == [("slides", "1-intro"), ("video", "2-rain"), ("quiz", "3-quiz"), ("audio", "10-sun")]
    assert draft.title == "Water cycle" and draft.name == "water-cycle"
    quiz = draft.items[2]
    assert isinstance(quiz, QuizDraft) and quiz.questions[0].prompt == "Where does rain come from?"
    assert len(draft.items[0].pages) == 2 and all(p.is_file() for p in draft.items[0].pages)


@pytest.mark.parametrize("names, expected", [
    (["10.mp4", "9.mp4", "1.mp4"], ["1.mp4", "9.mp4", "10.mp4"]),
    (["b.mp4", "A.mp4", "c.mp4"], ["A.mp4", "b.mp4", "c.mp4"]),
    (["part 10b.mp4", "part 10a.mp4", "part 2.mp4"], ["part 2.mp4", "part 10a.mp4", "part 10b.mp4"]),
    (["درس ١٠.mp4", "درس ٢.mp4"], ["درس ٢.mp4", "درس ١٠.mp4"]),  # Arabic-Indic digits are numbers too
    (["2².png", "10.png", "2²", "2.png"], ["2.png", "2²", "2².png", "10.png"]),  # `²` is text, not a number
])
def test_natural_order(names, expected):
    assert sorted(names, key=natural_key) == expected


def test_titles_come_from_the_files_own_metadata_else_the_name(tmp_path, ctx):
    src = tmp_path / "lesson"
    make_video(src / "01 clip.mp4", title="Rain: where it comes from")
    make_video(src / "02_the-water_cycle.mp4")
    make_pdf(src / "03 pages.pdf", pages=1, title="Where we find water")
    make_pdf(src / "04 more_pages.pdf", pages=1)
    titles = [item.title for item in read_folder(src, ctx).items]
    assert titles == ["Rain: where it comes from", "The water cycle", "Where we find water", "More pages"]


def test_a_video_file_holding_only_sound_becomes_a_sound_item(tmp_path, ctx):
    src = tmp_path / "lesson"
    make_video(src / "song.mp4", audio=False)  # a picture only: a video
    from tests.importers.conftest import make_sound
    make_sound(src / "voice.m4a")
    make_sound(src / "story.webm")  # sound only, named as a video
    assert kinds(read_folder(src, ctx)) == [("video", "song"), ("audio", "story"), ("audio", "voice")]


@pytest.mark.parametrize("subtitle, video, language", [
    ("lesson.srt", "lesson.mp4", ""),
    ("lesson.ar.srt", "lesson.mp4", "ar"),
    ("lesson.ar.vtt", "lesson.mp4", "ar"),
    ("lesson.pt-BR.srt", "lesson.mp4", "pt-BR"),
    ("lesson_uk.srt", "lesson.mp4", "uk"),
    ("lesson-fr.vtt", "lesson.mp4", "fr"),
    ("Lesson.AR.SRT", "Lesson.mp4", "ar"),
    ("lesson_two.srt", "lesson.mp4", None),  # not a language: another video's name
    ("lessons.srt", "lesson.mp4", None),
    ("other.ar.srt", "lesson.mp4", None),
    ("lesson.arabic.srt", "lesson.mp4", None),
    ("lesson.\u017fk.srt", "lesson.mp4", None),  # a long s matches [a-z] ignoring case unless ASCII only
])
def test_subtitle_language_from_the_name(subtitle, video, language):
    assert subtitle_language(Path(subtitle), Path(video)) == language


def test_subtitles_are_found_beside_their_video_by_name(tmp_path, kit, ctx):
    src = tmp_path / "lesson"
    kit.put(kit.mp4, src, "rain.mp4")
    kit.put(kit.mp4, src, "rain_ar.mp4")  # its own video: `rain_ar.srt` is this one's, not rain's in Arabic
    kit.put(kit.srt, src, "rain.srt")
    kit.put(kit.srt, src, "rain.ar.srt")
    kit.put(kit.vtt, src, "rain.uk.vtt")
    kit.put(kit.srt, src, "rain_ar.srt")
    kit.put(kit.srt, src, "sea.ar.srt")  # no sea video
    draft = read_folder(src, ctx)
    subs = {item.key: [(code, path.name) for code, path in item.subtitles] for item in draft.items}
    assert subs == {"rain": [("", "rain.srt"), ("ar", "rain.ar.srt"), ("uk", "rain.uk.vtt")],
                    "rain_ar": [("", "rain_ar.srt")]}
    assert "sea.ar.srt" in skipped(draft) and "no video" in skipped(draft)["sea.ar.srt"]


def test_a_video_given_alone_brings_the_subtitles_beside_it(tmp_path, kit, ctx):
    kit.put(kit.mp4, tmp_path, "film.mp4")
    kit.put(kit.srt, tmp_path, "film.ar.srt")
    kit.put(kit.mp4, tmp_path, "other.mp4")  # beside it but not named: not in the lesson
    draft = read_sources([tmp_path / "film.mp4"], ctx)
    assert kinds(draft) == [("video", "film")]
    assert [code for code, _p in draft.items[0].subtitles] == ["ar"]


def test_files_given_one_by_one_keep_the_order_given(tmp_path, kit, ctx):
    kit.put(kit.mp4, tmp_path, "b.mp4")
    kit.put(kit.pdf, tmp_path, "a.pdf")
    draft = read_sources([tmp_path / "b.mp4", tmp_path / "a.pdf"], ctx)
    assert kinds(draft) == [("video", "b"), ("slides", "a")]
    assert draft.name == "b"


def test_consecutive_pictures_make_one_slides_item(tmp_path, kit, ctx):
    src = tmp_path / "lesson"
    make_picture(src / "1 river 1.png")
    make_picture(src / "1 river 2.jpg")
    kit.put(kit.mp4, src, "2 film.mp4")
    make_picture(src / "3 map.png")
    (src / "2b notes.txt").write_text("a skipped file does not split pictures")
    draft = read_folder(src, ctx)
    assert kinds(draft) == [("slides", "1-river-1"), ("video", "2-film"), ("slides", "3-map")]
    assert [p.name for p in draft.items[0].pages] == ["1 river 1.png", "1 river 2.jpg"]
    assert draft.items[0].title == "River"


def test_a_picture_a_question_names_is_not_a_slide(tmp_path, ctx):
    src = tmp_path / "lesson"
    make_picture(src / "cloud.png")
    make_picture(src / "pictures" / "sun.png")
    make_question_csv(src / "quiz.csv", rows=(("Is this a cloud?", "Yes", "No", "A", "cloud.png"),
                                              ("Is this the sun?", "Yes", "No", "A", "pictures/sun.png")),
                      header=("question", "A", "B", "answer", "picture"))
    draft = read_folder(src, ctx)
    assert kinds(draft) == [("quiz", "quiz")]
    assert [q.picture.name for q in draft.items[0].questions] == ["cloud.png", "sun.png"]
    assert "pictures" not in skipped(draft)  # a folder of the quiz's pictures is not "left out"


def test_what_is_not_lesson_material_is_left_out_with_the_reason(tmp_path, kit, ctx):
    src = tmp_path / "lesson"
    kit.put(kit.mp4, src, "film.mp4")
    (src / "notes.txt").write_text("remember the chalk")
    (src / "plan.docx").write_bytes(b"PK\3\4")
    (src / "app.html").write_text("<html></html>")
    (src / ".DS_Store").write_bytes(b"\0\0")
    (src / "archive").mkdir()
    (src / "archive" / "old.mp4").write_bytes(b"x")
    outside = tmp_path / "secret.mp4"
    outside.write_bytes(b"not for the lesson")
    os.symlink(outside, src / "link-out.mp4")
    os.symlink(src / "film.mp4", src / "link-in.mp4")
    draft = read_folder(src, ctx)
    assert kinds(draft) == [("video", "film"), ("video", "link-in")]
    reasons = skipped(draft)
    assert set(reasons) == {"notes.txt", "plan.docx", "app.html", ".DS_Store", "archive", "link-out.mp4"}
    assert "PDF" in reasons["notes.txt"] and "PDF" in reasons["plan.docx"]
    assert "hidden" in reasons[".DS_Store"]
    assert "folder" in reasons["archive"]
    assert "outside" in reasons["link-out.mp4"]


def test_a_damaged_video_and_a_bad_pdf_are_both_named(tmp_path, kit, ctx):
    src = tmp_path / "lesson"
    (src).mkdir()
    (src / "a.mp4").write_bytes(kit.mp4.read_bytes()[:300])
    (src / "b.pdf").write_text("this is not a PDF")
    kit.put(kit.mp4, src, "c.mp4")
    with pytest.raises(ImportProblem) as raised:
        read_folder(src, ctx)
    lines = raised.value.problems
    assert len(lines) == 2 and "a.mp4" in lines[0] and "b.pdf" in lines[1]


def test_a_folder_of_thousands_of_files_is_refused(tmp_path, ctx):
    src = tmp_path / "photos"
    src.mkdir()
    for n in range(MAX_FILES + 1):
        (src / f"{n}.txt").touch()
    with pytest.raises(ImportProblem) as raised:
        read_folder(src, ctx)
    assert f"{MAX_FILES}" in raised.value.problems[0] and "split" in raised.value.problems[0]


def test_names_in_any_script_and_hostile_names_give_safe_keys(tmp_path, kit, ctx):
    src = tmp_path / "دروس"  # PDFs: read in a moment, each an item with its own key
    kit.put(kit.pdf, src, "المطر.pdf")
    kit.put(kit.pdf, src, "Дощ.pdf")
    kit.put(kit.pdf, src, "..pdf")
    kit.put(kit.pdf, src, "-rf --all.pdf")
    kit.put(kit.pdf, src, "x" * 240 + ".pdf")
    kit.put(kit.pdf, src, "a\nb: [c].pdf")
    draft = read_folder(src, ctx)
    keys = [item.key for item in draft.items]
    assert len(set(keys)) == len(keys) == 5  # `..pdf` is hidden (left out)
    assert all(k and len(k) <= 28 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in k) for k in keys)
    assert {item.title for item in draft.items} >= {"المطر", "Дощ"}
    assert draft.name.startswith("item-")  # the folder's name is Arabic: a safe file name; its title stays
    assert draft.title == "دروس"
    assert read_folder(tmp_path / "دروس", ctx).name == draft.name  # the same name every time
    other = tmp_path / "уроки"
    kit.put(kit.pdf, other, "Дощ.pdf")
    again = read_folder(other, ctx)
    assert again.name != draft.name  # another folder in another script is another lesson
    assert again.items[0].key == next(i.key for i in draft.items if i.title == "Дощ")  # a file keeps its key


def test_a_missing_source_is_named(tmp_path, ctx):
    with pytest.raises(ImportProblem) as raised:
        read_sources([tmp_path / "nothing-here", tmp_path / "nor-here.pdf"], ctx)
    assert len(raised.value.problems) == 2 and "nothing-here" in raised.value.problems[0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_any_names_sort_and_give_safe_keys(names):
    from tests.budget import budget

    with budget(seconds=2, megabytes=64):
        ordered = sorted(names, key=natural_key)
        assert sorted(ordered, key=natural_key) == ordered
        for name in names:
            key = name_key(name)
            assert 1 <= len(key) <= 28 and all(c.isascii() and (c.isalnum() or c in "._-") for c in key)
            assert key[0].isalnum() and name_key(name) == key  # the same name, the same key
            if "/" not in name and "\0" not in name:
                code = subtitle_language(Path(f"lesson{name}.srt"), Path("lesson.mp4"))
                # None, "" (no language), or a code a playlist's `subtitles:` accepts
                assert code in (None, "") or re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", code), code


def test_two_documents_with_the_same_name_keep_their_own_pages(tmp_path, ctx):
    # `Deck.pdf` and `deck.pdf` (or deck.odp beside deck.pptx) fold to one name: each keeps its own pictures.
    folder = tmp_path / "lesson"
    make_pdf(folder / "Deck.pdf", pages=1, words="Rivers")
    make_pdf(folder / "deck.pdf", pages=3, words="Clouds")
    first, second = read_folder(folder, ctx).items
    assert first.key != second.key
    assert (len(first.pages), len(second.pages)) == (1, 3)
    assert all(page.is_file() for page in (*first.pages, *second.pages))
    assert not set(first.pages) & set(second.pages)
