"""A Kolibri channel exported to a USB drive becomes a lesson: the topics are listed, one is chosen,
its videos (with subtitles), documents and multiple-choice exercises become items in Kolibri's order,
and the rest is listed as skipped with the reason. Missing files and damaged or hostile databases are
named, never a traceback. The channels are built with Kolibri's own content schema (kolibri_channel.py)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.importers import kolibri
from cinema.importers.drafts import ImportContext, ImportProblem, QuizDraft
from tests.budget import budget
from tests.importers.conftest import (
    cut_short, make_pdf, make_picture, make_sound, make_subtitles, make_video, needs_ffmpeg,
)
from tests.importers.kolibri_channel import ChannelBuilder, cached_empty_database, insert, numeric, radio

pytestmark = needs_ffmpeg

CLOUD = "![a cloud](${\u2623 LOCALPATH}/images/cloud.png)"


@dataclass
class Drives:
    usb: Path  # the drive's root: KOLIBRI_DATA with two channels (Science, Maths)
    maths_only: Path  # another drive with only the Maths channel (one topic)
    science: ChannelBuilder
    ids: dict[str, str]
    cache: Path


def build_maths(data: Path, cache: Path, channel_id: str) -> ChannelBuilder:
    maths = ChannelBuilder(data, "Maths", lang="uk", channel_id=channel_id)
    numbers = maths.topic("Numbers")
    maths.exercise(numbers, "Count", [radio("Скільки? 2 + 2", ["3", "4"], 1)])
    maths.build(cache)
    return maths


@pytest.fixture(scope="module")
def drives(tmp_path_factory) -> Drives:
    root = tmp_path_factory.mktemp("kolibri")
    media = root / "media"
    high = make_video(media / "high.mp4", size="160x120")
    low = make_video(media / "low.mp4", size="80x60")
    webm = make_video(media / "grow.webm")
    song = make_sound(media / "song.mp3")
    sheet = make_pdf(media / "sheet.pdf", pages=2)
    en = make_subtitles(media / "en.vtt", ("Hello", "Water falls as rain"))
    ar = make_subtitles(media / "ar.vtt", ("مرحبا", "المطر يسقط"))
    cloud = make_picture(media / "cloud.png").read_bytes()
    book = media / "plants.epub"
    book.write_bytes(b"PK\x03\x04 an epub")

    # a space in the path, as drive names have
    science = ChannelBuilder(root / "USB DRIVE" / "KOLIBRI_DATA", "Science for all", lang="en")
    ids = {}
    water = ids["water"] = science.topic("Water")
    ids["video"] = science.video(water, "The water cycle", high, low=low, subtitles={"en": en, "ar": ar})
    rain = ids["rain"] = science.topic("Rain", water)
    ids["song"] = science.audio(rain, "Rain song", song)
    ids["sheet"] = science.document(water, "Water worksheet", sheet)
    ids["quiz"] = science.exercise(water, "Water quiz", [
        radio("Where does rain come from?", ["The clouds", "The trees", "The ground"], 0),
        radio("What is $2 \\times 3$?", ["5", "6"], 1),
        radio("Which are wet?", ["Rain", "Sand", "Sea"], [0, 2]),
        radio(f"What is this?\n\n{CLOUD}", ["A cloud", "A tree"], 0),
        radio("Which is a cloud?", [CLOUD, "A tree"], 0),
        radio("What is $\\sqrt{9}$?", ["3", "9"], 0),
        numeric("How many suns do we have?", 1),
    ], images={"cloud.png": cloud})
    ids["drops"] = science.exercise(water, "Counting drops", [numeric("How many drops?", 12)])
    ids["game"] = science.html5(water, "Water game")
    ids["old"] = science.video(water, "Old video", high, available=False)
    plants = ids["plants"] = science.topic("Plants", lang="pt-BR")
    ids["grow"] = science.video(plants, "How plants grow", webm)
    ids["leaves"] = science.exercise(plants, "Leaves", [numeric("Quantas folhas?", "3", widget="text-input")])
    ids["book"] = science.document(plants, "Plant book", book, preset="epub")
    science.build(root)
    maths_id = "ab" * 16
    build_maths(root / "USB DRIVE" / "KOLIBRI_DATA", root, maths_id)
    build_maths(root / "other" / "KOLIBRI_DATA", root, maths_id)
    return Drives(usb=root / "USB DRIVE", maths_only=root / "other", science=science, ids=ids, cache=root)


def ctx_for(tmp_path: Path, language: str = "fr") -> ImportContext:
    return ImportContext(work=tmp_path / "work", language=language)


def copy_of(drives: Drives, tmp_path: Path) -> Path:
    """A drive of its own to break (the module's channel stays whole)."""
    return Path(shutil.copytree(drives.usb, tmp_path / "USB DRIVE"))


def stored(drives: Drives, usb: Path, name: str) -> Path:
    return usb / drives.science.stored[drives.ids[name]].relative_to(drives.usb)


# ---- finding the export and its topics -------------------------------------------------------------

def test_the_drive_its_kolibri_data_content_and_database_folders_are_all_recognised(drives, tmp_path):
    data = drives.usb / "KOLIBRI_DATA"
    for path in (drives.usb, data, data / "content", data / "content" / "databases", drives.science.database):
        assert kolibri.is_kolibri(path), path
        assert kolibri.content_folder(path) == data / "content"
    (tmp_path / "lesson").mkdir()
    (tmp_path / "notes.txt").write_text("hello")
    for path in (tmp_path / "lesson", tmp_path / "notes.txt", tmp_path / "nowhere", data / "content" / "storage"):
        assert not kolibri.is_kolibri(path), path


def test_the_topics_of_every_channel_are_listed_with_what_they_hold(drives):
    found = kolibri.topics(drives.usb)
    by_path = {t.path: t for t in found}
    assert set(by_path) == {"Science for all / Water", "Science for all / Water / Rain", "Science for all / Plants",
                            "Maths / Numbers"}
    water = by_path["Science for all / Water"]
    # the unavailable video is not counted; the sound in the Rain subtopic is
    assert (water.videos, water.audio, water.documents, water.exercises, water.other) == (1, 1, 1, 2, 1)
    assert water.summary() == ("Science for all / Water — 1 video, 1 sound, 1 document, 2 exercises, "
                               "1 other resource")
    assert (water.language, by_path["Science for all / Plants"].language, by_path["Maths / Numbers"].language) == (
        "en", "pt-BR", "uk")
    assert [t.path for t in found] == ["Maths / Numbers", "Science for all / Water", "Science for all / Water / Rain",
                                       "Science for all / Plants"]  # channels by name, each in Kolibri's order


@pytest.mark.parametrize("wanted", ["Water", "water", "  WATER ", "Science for all / Water", "science for all/water"])
def test_a_topic_is_chosen_by_title_or_path_in_any_case(drives, wanted):
    assert kolibri.choose_topic(kolibri.topics(drives.usb), wanted).id == drives.ids["water"]


def test_a_topic_is_chosen_by_its_id_and_a_subtopic_by_its_path(drives):
    found = kolibri.topics(drives.usb)
    assert kolibri.choose_topic(found, drives.ids["plants"].upper()).title == "Plants"
    assert kolibri.choose_topic(found, "Water / Rain").id == drives.ids["rain"]


def test_an_unknown_topic_lists_the_topics_and_how_to_choose(drives, tmp_path):
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(drives.usb, "Volcanoes", ctx_for(tmp_path))
    lines = caught.value.problems
    assert lines[0].startswith("--topic Volcanoes: ") and "--topic NAME" in lines[0]
    assert "  Science for all / Plants — 1 video, 1 document, 1 exercise" in lines
    assert not (tmp_path / "work").exists()


def test_several_topics_and_no_topic_given_asks_for_one_or_says_to_give_it(drives, tmp_path):
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(drives.usb, None, ctx_for(tmp_path))
    assert "--topic NAME" in caught.value.problems[0]
    assert any("Maths / Numbers" in line for line in caught.value.problems)

    asked = []

    def teacher(answers):
        def ask(question: str) -> str:
            asked.append(question)
            return answers.pop(0)
        return ask

    draft = kolibri.read_kolibri(drives.usb, None, ctx_for(tmp_path), ask=teacher(["7", "4"]))
    assert draft.title == "Plants"
    assert asked[0].splitlines()[1:5] == [
        "  1. Maths / Numbers — 1 exercise",
        "  2. Science for all / Water — 1 video, 1 sound, 1 document, 2 exercises, 1 other resource",
        "  3. Science for all / Water / Rain — 1 sound",
        "  4. Science for all / Plants — 1 video, 1 document, 1 exercise"]
    assert "7" in asked[1]  # a number off the list is asked again
    assert kolibri.read_kolibri(drives.usb, None, ctx_for(tmp_path), ask=teacher(["numbers"])).title == "Numbers"
    with pytest.raises(ImportProblem):
        kolibri.read_kolibri(drives.usb, None, ctx_for(tmp_path), ask=teacher([""]))  # nothing typed: stop


def test_one_channel_with_one_topic_needs_no_choice(drives, tmp_path):
    draft = kolibri.read_kolibri(drives.maths_only, None, ctx_for(tmp_path))
    assert (draft.title, draft.language) == ("Numbers", "uk")
    [quiz] = draft.items
    assert quiz.questions[0].prompt == "Скільки? 2 + 2" and quiz.questions[0].correct == "B"


# ---- the lesson a topic makes ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def water(drives, tmp_path_factory):
    return kolibri.read_kolibri(drives.usb / "KOLIBRI_DATA", "Water", ctx_for(tmp_path_factory.mktemp("water")))


def test_the_lesson_follows_the_topic_in_kolibri_order(water, drives):
    assert (water.title, water.language, water.name) == ("Water", "en", f"water-{drives.ids['water'][:8]}")
    assert [(type(i).__name__, i.title) for i in water.items] == [
        ("MediaDraft", "The water cycle"), ("MediaDraft", "Rain song"), ("SlidesDraft", "Water worksheet"),
        ("QuizDraft", "Water quiz"), ("QuizDraft", "Water quiz")]
    video, song, sheet, _quiz, _digits = water.items
    assert (video.kind, song.kind) == ("video", "audio")
    assert video.source == drives.science.stored[drives.ids["video"]]  # the high-resolution copy
    assert song.source.read_bytes() == (drives.cache / "media" / "song.mp3").read_bytes()
    assert len(sheet.pages) == 2 and all(p.is_file() and p.suffix == ".png" for p in sheet.pages)


def test_a_video_brings_its_subtitles_by_language(water):
    video = water.items[0]
    assert [lang for lang, _path in video.subtitles] == ["ar", "en"]
    subtitles = dict(video.subtitles)
    assert "المطر يسقط" in subtitles["ar"].read_text(encoding="utf-8")
    assert subtitles["en"].read_text().startswith("WEBVTT")


def test_multiple_choice_questions_keep_their_right_answers_and_pictures(water):
    quiz, digits = water.items[3], water.items[4]
    assert isinstance(quiz, QuizDraft) and quiz.kind == "multiple_choice"
    assert [(q.prompt, q.options, q.correct) for q in quiz.questions] == [
        ("Where does rain come from?", (("A", "The clouds"), ("B", "The trees"), ("C", "The ground")), "A"),
        ("What is 2 × 3?", (("A", "5"), ("B", "6")), "B"),
        ("What is this?", (("A", "A cloud"), ("B", "A tree")), "A"),
    ]
    picture = quiz.questions[2].picture
    assert picture is not None and picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert digits.kind == "numeric" and [(q.prompt, q.correct) for q in digits.questions] == [
        ("How many suns do we have?", "1")]
    assert quiz.key != digits.key
    assert quiz.questions[1].where == "Science for all / Water / Water quiz, question 2"
    assert digits.questions[0].where == "Science for all / Water / Water quiz, question 7"


def test_what_the_projector_cannot_show_is_skipped_with_the_reason(water):
    # named as found under the topic (the summary prints them under "Left out:")
    assert {s.source: s.reason for s in water.skipped} == {
        "Water quiz, question 3": "has more than one right answer: clickers choose one",
        "Water quiz, question 5": "its answers are pictures: clickers choose between words",
        "Water quiz, question 6": "has math the projector cannot draw",
        "Counting drops, question 1": "a number to type (12): clickers answer with one key, 0 to 9",
        "Counting drops": "an exercise none of whose questions works with clickers",
        "Water game": "an HTML5 app: needs a web browser, not the projector",
        "Old video": "not in this export (Kolibri marks it unavailable)",
    }


def test_the_topic_language_a_webm_video_a_typed_digit_and_an_epub(drives, tmp_path):
    plants = kolibri.read_kolibri(drives.usb, "plants", ctx_for(tmp_path))
    assert plants.language == "pt-BR"
    video, leaves = plants.items
    assert video.source.suffix == ".webm" and video.subtitles == ()
    assert leaves.kind == "numeric" and leaves.questions[0].correct == "3"
    assert [(str(s.source), s.reason.split(":")[0]) for s in plants.skipped] == [
        ("Plant book", "an ePub book")]
    assert kolibri.read_kolibri(drives.usb, "plants", ctx_for(tmp_path), language="ar").language == "ar"


def test_keys_are_stable_so_importing_again_updates_the_lesson(water, drives, tmp_path):
    again = kolibri.read_kolibri(drives.usb, "water", ctx_for(tmp_path))
    assert [i.key for i in again.items] == [i.key for i in water.items]
    assert water.items[0].key == f"the-water-cycle-{drives.ids['video'][:8]}"
    assert len({i.key for i in water.items}) == len(water.items)


# ---- files missing or damaged ------------------------------------------------------------------------

def test_files_missing_from_the_drive_are_all_named(drives, tmp_path):
    usb = copy_of(drives, tmp_path)
    stored(drives, usb, "video").unlink()  # its smaller copy is still there, and used
    stored(drives, usb, "sheet").unlink()
    ctx = ctx_for(tmp_path)
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(usb, "Water", ctx)
    [line] = caught.value.problems
    assert line.startswith("Science for all / Water / Water worksheet: its file KOLIBRI_DATA/content/storage/")
    assert "is not on the drive — export this topic from Kolibri again" in line
    stored(drives, usb, "song").unlink()
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(usb, "Water", ctx)
    assert [line.split(":")[0] for line in caught.value.problems] == [
        "Science for all / Water / Rain / Rain song", "Science for all / Water / Water worksheet"]


def test_the_smaller_video_is_used_when_the_bigger_is_not_on_the_drive(drives, tmp_path):
    usb = copy_of(drives, tmp_path)
    stored(drives, usb, "video").unlink()
    ctx = ctx_for(tmp_path)
    video = kolibri.read_kolibri(usb, "Water", ctx).items[0]
    assert video.source.is_file() and video.source != stored(drives, usb, "video")
    assert any("The water cycle" in note for note in ctx.log)


def test_a_cut_short_file_is_named(drives, tmp_path):
    usb = copy_of(drives, tmp_path)
    song = stored(drives, usb, "song")
    cut_short(song, song, keep=0.5)
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(usb, "Water", ctx_for(tmp_path))
    [line] = caught.value.problems
    assert line.startswith("Science for all / Water / Rain / Rain song: its file KOLIBRI_DATA/content/storage/")
    assert "is cut short or altered" in line


def test_a_file_linked_to_the_laptop_s_own_files_is_refused(drives, tmp_path):
    usb = copy_of(drives, tmp_path)
    song = stored(drives, usb, "song")
    private = tmp_path / "home" / "private.mp3"
    private.parent.mkdir()
    private.write_bytes(song.read_bytes())
    song.unlink()
    song.symlink_to(private)
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(usb, "Water", ctx_for(tmp_path))
    [line] = caught.value.problems
    assert line.startswith("Science for all / Water / Rain / Rain song: its file KOLIBRI_DATA/content/storage/")
    assert "is a link to a file outside the drive's Kolibri folder" in line


def test_a_damaged_exercise_file_is_named(drives, tmp_path):
    usb = copy_of(drives, tmp_path)
    quiz = stored(drives, usb, "quiz")
    quiz.write_bytes(b"\0" * quiz.stat().st_size)  # same size, other bytes: its checksum says so
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(usb, "Water", ctx_for(tmp_path))
    assert [line.split(": its file")[0] for line in caught.value.problems] == ["Science for all / Water / Water quiz"]
    assert "damaged" in caught.value.problems[0]


@pytest.mark.parametrize("damage", ["garbage", "cut"])
def test_a_damaged_database_is_named(drives, tmp_path, damage):
    usb = copy_of(drives, tmp_path)
    database = usb / drives.science.database.relative_to(drives.usb)
    if damage == "garbage":
        database.write_bytes(b"this is not a database" * 100)
    else:
        cut_short(database, database, keep=0.3)
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(usb, "Water", ctx_for(tmp_path))
    first = caught.value.problems[0]
    assert first.startswith(f"KOLIBRI_DATA/content/databases/{database.name}: ")
    assert "export the channel to the drive again from Kolibri" in first
    # the other channel on the drive still imports, and the damaged one is listed as left out
    maths = kolibri.read_kolibri(usb, "Numbers", ctx_for(tmp_path))
    assert [s.source for s in maths.skipped] == [f"KOLIBRI_DATA/content/databases/{database.name}"]


def test_a_partial_export_offers_only_what_its_manifest_says_is_on_the_drive(drives, tmp_path):
    usb = copy_of(drives, tmp_path)
    science = ChannelBuilder(usb / "KOLIBRI_DATA", drives.science.name, channel_id=drives.science.channel_id)
    science.write_manifest([drives.ids["water"]])  # Kolibri exported the Water topic only
    for name in ("grow", "leaves", "book"):
        stored(drives, usb, name).unlink()
    assert [t.path for t in kolibri.topics(usb)] == [
        "Maths / Numbers", "Science for all / Water", "Science for all / Water / Rain"]
    assert [i.title for i in kolibri.read_kolibri(usb, "Water", ctx_for(tmp_path)).items][:3] == [
        "The water cycle", "Rain song", "Water worksheet"]
    with pytest.raises(ImportProblem):
        kolibri.read_kolibri(usb, "Plants", ctx_for(tmp_path))
    science.write_manifest([drives.ids["rain"]])  # only the Rain subtopic: the rest of Water is not there
    draft = kolibri.read_kolibri(usb, "Water", ctx_for(tmp_path))
    assert [i.title for i in draft.items] == ["Rain song"]
    assert ("The water cycle", "not on this drive (Kolibri did not export it)") in [
        (s.source, s.reason) for s in draft.skipped]
    (usb / "KOLIBRI_DATA" / "content" / "manifest.json").write_text("{not json")  # unreadable: all is offered
    assert len(kolibri.topics(usb)) == 4


def test_not_a_kolibri_export_says_how_to_make_one(tmp_path):
    with pytest.raises(ImportProblem) as caught:
        kolibri.topics(tmp_path)
    assert "is not a Kolibri channel export" in caught.value.problems[0]


def test_a_channel_in_kolibri_s_export_schema_version_5_is_read(drives, tmp_path):
    old = ChannelBuilder(tmp_path / "KOLIBRI_DATA", "Old channel", lang="fr", schema="5")
    topic = old.topic("Eau")
    old.video(topic, "Le cycle de l'eau", drives.cache / "media" / "high.mp4")
    old.build(drives.cache)
    draft = kolibri.read_kolibri(tmp_path, None, ctx_for(tmp_path))
    assert (draft.title, draft.language, [i.title for i in draft.items]) == ("Eau", "fr", ["Le cycle de l'eau"])


# ---- hostile databases --------------------------------------------------------------------------------

def hostile_channel(tmp_path: Path, cache: Path, *, title_bytes: int = 0, depth: int = 0, loops: bool = False) -> Path:
    """A channel database written by hand: a huge title, a very deep tree, parent ids that loop."""
    database = cached_empty_database(tmp_path / "KOLIBRI_DATA" / "content" / "databases" / ("cd" * 16 + ".sqlite3"),
                                     "current", cache)
    db = sqlite3.connect(database)

    def node(node_id, parent, kind="topic", title="T", lft=1):
        insert(db, "content_contentnode", id=node_id, title=title, content_id=node_id, channel_id="cd" * 16,
               license_owner="", author="", kind=kind, available=True, lft=lft, rght=lft + 1, tree_id=1, level=1,
               coach_content=False, parent_id=parent)

    node("root", None, title="Hostile")
    node("top", "root", title="x" * title_bytes if title_bytes else "Top")
    node("v", "top", kind="html5", title="An app")
    parent = "top"
    for n in range(depth):
        node(f"d{n}", parent, lft=n + 2)
        parent = f"d{n}"
    node("leaf", parent, kind="html5")
    if loops:
        node("a", "b")
        node("b", "a")
        node("self", "self")
        db.execute("UPDATE content_contentnode SET parent_id = 'top' WHERE id = 'root'")  # root's parent below it
        node("loopy", "top", kind="topic")
        node("loopy-kid", "loopy", kind="html5")
        node("inside-an-app", "v", kind="html5")  # a resource with a child
        db.execute("UPDATE content_contentnode SET parent_id = 'loopy-kid' WHERE id = 'loopy'")
    insert(db, "content_channelmetadata", id="cd" * 16, name="Hostile " + "n" * title_bytes, description="",
           author="", version=1, thumbnail="", min_schema_version="1", root_id="root")
    db.commit()
    db.close()
    return tmp_path


@pytest.mark.parametrize("shape", [dict(title_bytes=20_000_000), dict(depth=500), dict(loops=True)])
def test_a_hostile_database_is_read_within_bounds(drives, tmp_path, shape):
    drive = hostile_channel(tmp_path, drives.cache, **shape)
    with budget(seconds=3, megabytes=64):
        found = kolibri.topics(drive)
        draft = kolibri.read_kolibri(drive, found[0].id, ctx_for(tmp_path))
    assert all(len(t.title) <= kolibri.MAX_TITLE and len(t.path) <= 3 * kolibri.MAX_TITLE + 10 for t in found)
    assert draft.items == () and all("HTML5" in s.reason for s in draft.skipped)
    if shape.get("depth"):
        assert max(t.depth for t in found) <= kolibri.MAX_DEPTH


def test_too_many_nodes_is_refused_with_a_message(drives, tmp_path, monkeypatch):
    monkeypatch.setattr(kolibri, "MAX_NODES", 5)  # Science has 15 nodes, Maths 3
    assert [t.path for t in kolibri.topics(drives.usb)] == ["Maths / Numbers"]
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(drives.usb, "Water", ctx_for(tmp_path))
    assert caught.value.problems[0] == (f"KOLIBRI_DATA/content/databases/{drives.science.database.name}: holds more "
                                        "than 5 resources and topics — export only the topics you need from Kolibri")


def test_a_topic_with_too_many_resources_asks_for_a_smaller_one(drives, tmp_path, monkeypatch):
    monkeypatch.setattr(kolibri, "MAX_RESOURCES", 3)
    with pytest.raises(ImportProblem) as caught:
        kolibri.read_kolibri(drives.usb, "Water", ctx_for(tmp_path))
    assert caught.value.problems[0].startswith("Science for all / Water: has 6 resources; a lesson takes at most 3")


# ---- through the lesson writer, as `cinema import` does -------------------------------------------------

def test_the_imported_topic_passes_cinema_check_and_importing_again_updates_it(drives, tmp_path):
    from cinema.config import check_all, read_activities
    from cinema.importers.writer import target_for, write_lesson
    from tests.importers.conftest import make_kiosk_project

    kiosk = make_kiosk_project(tmp_path / "kiosk")

    def run():
        ctx = ImportContext(work=kiosk.playlists / ".import-kolibri", language="en")
        draft = kolibri.read_kolibri(drives.usb, "Water", ctx)
        return draft, write_lesson(draft, target_for(kiosk.playlists, kiosk.activities, draft.name, None,
                                                     (drives.usb,)), ctx)

    draft, written = run()
    assert check_all(kiosk.config) == []
    assert written.counts == {"video": 1, "audio": 1, "slides": 1, "quiz": 2}
    activities, problems = read_activities(kiosk.activities)
    quizzes = [activities[f"{draft.name}--{item.key}"] for item in draft.items if isinstance(item, QuizDraft)]
    assert problems == [] and [(a.kind, [q.correct for q in a.questions]) for a in quizzes] == [
        ("multiple_choice", ["A", "B", "A"]), ("numeric", ["1"])]
    assert quizzes[0].questions[2].image is not None and quizzes[0].questions[2].image.is_file()
    files = sorted(p.name for p in written.media_dir.iterdir())
    assert f"{draft.items[0].key}.ar.vtt" in files or f"{draft.items[0].key}.ar.srt" in files

    _again, rewritten = run()
    assert rewritten.updated and rewritten.playlist == written.playlist
    assert sorted(p.name for p in rewritten.media_dir.iterdir()) == files
    assert sorted(p.name for p in kiosk.activities.iterdir()) == sorted(f"{a.id}.yaml" for a in quizzes)
    assert check_all(kiosk.config) == []


# ---- `cinema import` as a teacher types it ------------------------------------------------------------

def test_cinema_import_of_a_kolibri_topic(drives, tmp_path, kiosk, capsys):
    from cinema.cli import main

    config = str(kiosk.config)
    assert main(["import", str(drives.usb / "KOLIBRI_DATA"), "--topic", "plants", "--config", config]) == 0
    out = capsys.readouterr().out
    lesson = kiosk.playlists / f"plants-{drives.ids['plants'][:8]}.yaml"
    assert f"Lesson written: {lesson}" in out
    assert "Plant book: an ePub book: the kiosk shows PDF documents only" in out
    text = lesson.read_text(encoding="utf-8")
    assert "language: pt-BR\n" in text and "title: How plants grow\n" in text
    assert main(["check", "--config", config]) == 0


def test_the_installed_command_lists_the_topics_when_none_is_given(drives, tmp_path, kiosk):
    cinema = Path(sys.executable).with_name("cinema")
    command = [str(cinema)] if cinema.exists() else [sys.executable, "-m", "cinema"]
    done = subprocess.run([*command, "import", str(drives.usb), "--config", str(kiosk.config)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert "--topic NAME" in lines[0]
    assert "  Science for all / Plants — 1 video, 1 document, 1 exercise" in lines
    assert not list(kiosk.playlists.glob("plants*")) and not list(kiosk.activities.iterdir())


# ---- hostile exercise files ----------------------------------------------------------------------------

PICTURE_A = CLOUD.replace("cloud", "a")
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.just(10 ** 400) | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
_choice = st.fixed_dictionaries({"content": _json_values, "correct": st.booleans()})
_answer = st.fixed_dictionaries({"value": _json_values, "status": st.sampled_from(["correct", "wrong"])})
_widget = st.fixed_dictionaries({
    "type": st.sampled_from(["radio", "numeric-input", "text-input", "image", "x"]),
    "options": st.fixed_dictionaries({}, optional={
        "choices": st.lists(_choice, max_size=7), "answers": st.lists(_answer, max_size=3),
        "multipleSelect": _json_values, "hasNoneOfTheAbove": _json_values})})
_item = st.one_of(_json_values, st.fixed_dictionaries({"question": st.fixed_dictionaries({
    "content": st.text(max_size=60).map(lambda t: f"{t} [[\u2603 radio 1]] $\\frac{{1}}{{2}}$ {PICTURE_A}"),
    "widgets": st.dictionaries(st.just("radio 1"), _widget, max_size=1)})}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(_item, min_size=1, max_size=4))
def test_any_perseus_item_is_a_question_or_a_reason_never_a_crash(tmp_path, items):
    import json
    import zipfile

    from cinema.importers.perseus import PerseusDamaged, read_perseus

    path = tmp_path / "fuzz.perseus"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("exercise.json", json.dumps({"all_assessment_items": [f"q{n}" for n in range(len(items))]}))
        for n, item in enumerate(items):
            archive.writestr(f"q{n}.json", json.dumps(item))
        archive.writestr("images/a.png", b"\x89PNG not really")
    with budget(seconds=2, megabytes=64):
        try:
            read = read_perseus(path, None, tmp_path / "pictures")
        except PerseusDamaged:
            return
    assert len(read.questions) + len(read.dropped) == len(items)
    assert all(isinstance(reason, str) and reason for _n, reason in read.dropped)
    for kind, question in read.questions:
        assert kind in ("multiple_choice", "numeric") and question.correct in dict(question.options)


def two_widgets() -> dict:
    item = radio("Pick", ["a", "b"], 0)
    item["question"]["content"] += " [[\u2603 radio 2]]"
    item["question"]["widgets"]["radio 2"] = item["question"]["widgets"]["radio 1"]
    return item


def with_choice_flag() -> dict:
    item = radio("Pick", ["a", "b", "none"], 0)
    item["question"]["widgets"]["radio 1"]["options"]["choices"][2]["isNoneOfTheAbove"] = True
    return item


def hints_only() -> dict:
    item = radio("Read this", ["a", "b"], 0)
    item["question"]["content"] = "Read this"
    return item


@pytest.mark.parametrize("item, expected", [
    (numeric("How many?", 7.0), ("numeric", "7")),
    (numeric("How many?", "7", widget="text-input"), ("numeric", "7")),
    (numeric("How many?", 10 ** 400), "a number to type (1000"),
    (numeric("How many?", 0.5), "a number to type (0.5)"),
    (radio("Pick", ["a", "b"], []), "has no right answer marked"),
    (radio("Pick", list("abcdefg"), 0), "has 7 answers: clickers choose between 2 and 6 (A-F)"),
    (radio("Pick", ["a", "b"], 0, none_of_the_above=True), "has a 'None of the above' answer"),
    (with_choice_flag(), "has a 'None of the above' answer"),
    (two_widgets(), "asks for several answers at once"),
    (hints_only(), "has nothing to answer (text or hints only)"),
    (radio("![](web+graphie://ka.example/abc) Which?", ["a", "b"], 0), "(graphie)"),
    (radio(f"Which? {CLOUD.replace('.png', '.svg')}", ["a", "b"], 0), "its picture is a svg file"),
    (radio(f"Which? {CLOUD} {CLOUD}", ["a", "b"], 0), "has several pictures in the question"),
    (radio("Why? " + "very " * 100, ["a", "b"], 0), "its question is too long for the projector"),
    (radio("**Bold** and $x \\le 3$?", ["$\\frac{1}{2}$", "b"], 0), ("multiple_choice", "A")),
])
def test_each_kind_of_perseus_question_is_asked_or_left_out_with_the_reason(tmp_path, item, expected):
    from cinema.importers.perseus import read_perseus
    from tests.importers.kolibri_channel import perseus_zip

    path = tmp_path / "one.perseus"
    path.write_bytes(perseus_zip([("q1", item)], {"cloud.png": b"\x89PNG", "cloud.svg": b"<svg/>"}))
    read = read_perseus(path, None, tmp_path / "pictures")
    if isinstance(expected, tuple):
        [(kind, question)] = read.questions
        assert (kind, question.correct) == expected
    else:
        [(number, reason)] = read.dropped
        assert number == 1 and expected in reason


def test_simple_math_and_markdown_become_plain_words(tmp_path):
    from cinema.importers.perseus import read_perseus
    from tests.importers.kolibri_channel import perseus_zip

    path = tmp_path / "one.perseus"
    path.write_bytes(perseus_zip([("q1", radio("**Bold** and $x \\le 3$?", ["$\\frac{1}{2}$", "b"], 0))]))
    [(_kind, question)] = read_perseus(path, None, tmp_path / "pictures").questions
    assert question.prompt == "Bold and x ≤ 3?" and question.options[0] == ("A", "1/2")


def test_an_imported_topic_plays_end_to_end_and_the_journal_matches_kolibri(drives, tmp_path, kiosk):
    import json

    def cinema(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cinema", *args], capture_output=True, text=True, timeout=180,
                              cwd=tmp_path, stdin=subprocess.DEVNULL)

    done = cinema("import", str(drives.usb), "--topic", "Water", "--config", str(kiosk.config))
    assert done.returncode == 0, done.stderr
    lesson = kiosk.playlists / f"water-{drives.ids['water'][:8]}.yaml"
    journal = tmp_path / "journal.sqlite"
    run = cinema("run", "--config", str(kiosk.config), "--playlist", str(lesson), "--journal", str(journal),
                 "--headless", "--simulate-class", "12", "--exit-at-end", "--speed", "30")
    assert run.returncode == 0, run.stderr
    rows = [(kind, json.loads(payload)) for kind, payload in
            sqlite3.connect(journal).execute("SELECT kind, payload FROM records ORDER BY seq")]
    started = [(p["type"], p["title"]) for kind, p in rows if kind == "item.started"]
    assert started == [("title", "Water"), ("video", "The water cycle"), ("audio", "Rain song"),
                       ("slides", "Water worksheet"), ("activity", "Water quiz"), ("activity", "Water quiz"),
                       ("closing", "")]
    assert not [p for kind, p in rows if kind == "item.failed"]
    assert [p["prompt"] for kind, p in rows if kind == "question.closed"] == [
        "Where does rain come from?", "What is 2 × 3?", "What is this?", "How many suns do we have?"]
    assert rows[-1][0] == "session.ended" and rows[-1][1]["reason"] == "completed"
