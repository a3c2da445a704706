"""`cinema import` as a teacher types it: exit codes, the summary, one line per problem, Ctrl-C."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cinema.cli import main
from tests.importers.conftest import make_question_csv

ROOT = Path(__file__).resolve().parents[2]


def folder(root: Path, kit) -> Path:
    src = root / "Rain and rivers"
    kit.put(kit.pdf, src, "1 intro.pdf")
    kit.put(kit.mp4, src, "2 rain.mp4")
    kit.put(kit.srt, src, "2 rain.ar.srt")
    make_question_csv(src / "3 quiz.csv")
    (src / "notes.txt").write_text("bring chalk")
    return src


def lesson_files(kiosk) -> list[str]:
    return sorted(str(p.relative_to(kiosk.root)) for p in [*kiosk.playlists.rglob("*"), *kiosk.activities.rglob("*")]
                  if p.is_file() and ".import-" not in str(p))


def test_one_command_makes_the_lesson_and_says_what_is_in_it(tmp_path, kit, kiosk, capsys):
    src = folder(tmp_path, kit)
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 0
    out = capsys.readouterr().out
    assert f"Lesson written: {kiosk.playlists / 'rain-and-rivers.yaml'}" in out
    assert "Rain and rivers: videos 1, sounds 0, slides 1, quizzes 1" in out
    assert "notes.txt: a text document" in out
    assert f"cinema check --config {kiosk.config}" in out
    assert "lesson list on the kiosk's home screen" in out
    assert main(["check", "--config", str(kiosk.config)]) == 0

    assert main(["import", str(src), "--config", str(kiosk.config), "--title", "Rain"]) == 0
    assert "Lesson updated:" in capsys.readouterr().out
    assert "title: Rain\n" in (kiosk.playlists / "rain-and-rivers.yaml").read_text(encoding="utf-8")


def test_every_problem_is_one_line_and_nothing_is_written(tmp_path, kit, kiosk, capsys):
    src = folder(tmp_path, kit)
    (src / "4 broken.mp4").write_bytes(kit.mp4.read_bytes()[:400])
    make_question_csv(src / "5 bad quiz.csv", rows=(("Where is water?", "Sea", "Sky", "Q"),),
                      header=("question", "A", "B", "answer"))
    before = lesson_files(kiosk)
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert any(line.startswith("4 broken.mp4") for line in lines)
    assert any("5 bad quiz.csv" in line and "row 2" in line for line in lines)
    assert lines[-1].startswith("Nothing was written")
    assert all(" — " in line for line in lines[:-1])  # where: what — how to fix
    assert "Traceback" not in err
    assert lesson_files(kiosk) == before


@pytest.mark.parametrize("args, expected", [
    (["/no/such/folder"], "/no/such/folder: not found"),
    (["SRC", "--language", "Arabic"], "--language Arabic: not a language code"),
    (["SRC", "-o", "playlists/My lesson.yaml"], "e.g. -o playlists/my-lesson.yaml"),
    (["SRC", "--topic", "Water"], "--topic Water: only a Kolibri channel has topics"),
])
def test_mistakes_on_the_command_line_are_said_plainly(tmp_path, kit, kiosk, capsys, args, expected):
    src = tmp_path / "src"
    kit.put(kit.mp4, src, "a.mp4")
    args = [str(src) if a == "SRC" else a for a in args]
    assert main(["import", *args, "--config", str(kiosk.config)]) == 1
    assert expected in capsys.readouterr().err


def test_a_missing_config_is_named(tmp_path, kit, capsys):
    src = tmp_path / "src"
    kit.put(kit.mp4, src, "a.mp4")
    assert main(["import", str(src), "--config", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: kiosk config not found" in capsys.readouterr().err


def test_ctrl_c_exits_130_and_keeps_the_work_for_the_same_command(tmp_path, kit, kiosk, capsys, monkeypatch):
    src = folder(tmp_path, kit)
    from cinema.importers import checksums

    def interrupted(*args, **kwargs):  # the teacher presses Ctrl-C once every file is prepared
        raise KeyboardInterrupt

    monkeypatch.setattr(checksums, "write_manifest", interrupted)
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 130
    err = capsys.readouterr().err
    work = kiosk.playlists / ".import-rain-and-rivers"
    assert "run the same command again to continue" in err and str(work) in err
    assert (work / "stage" / "2-rain.mp4").is_file()
    assert not (kiosk.playlists / "rain-and-rivers.yaml").exists()
    monkeypatch.undo()
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 0
    assert not work.exists()


def test_a_lesson_written_elsewhere_says_how_to_play_it(tmp_path, kit, kiosk, capsys):
    src = tmp_path / "src"
    kit.put(kit.mp4, src, "a.mp4")
    out_file = kiosk.root / "drafts" / "try.yaml"
    assert main(["import", str(src), "-o", str(out_file), "--config", str(kiosk.config)]) == 0
    out = capsys.readouterr().out
    assert f"cinema run --playlist {out_file}" in out and (kiosk.root / "drafts" / "try" / "a.mp4").is_file()


def test_the_installed_command_as_a_teacher_runs_it(tmp_path, kit, kiosk):
    src = folder(tmp_path, kit)
    cinema = Path(sys.executable).with_name("cinema")
    command = [str(cinema) if cinema.exists() else sys.executable] + ([] if cinema.exists() else ["-m", "cinema"])
    done = subprocess.run([*command, "import", str(src), "--config", str(kiosk.config), "--language", "ar"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Lesson written" in done.stdout
    assert "language: ar" in (kiosk.playlists / "rain-and-rivers.yaml").read_text(encoding="utf-8")
    (src / "2 rain.mp4").write_bytes(b"not a video at all")
    done = subprocess.run([*command, "import", str(src), "--config", str(kiosk.config)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1 and "2 rain.mp4" in done.stderr and "Traceback" not in done.stderr


def test_a_kolibri_topic_becomes_a_lesson_that_passes_the_check(tmp_path, kit, kiosk, capsys):
    from tests.importers.kolibri_channel import ChannelBuilder, radio

    channel = ChannelBuilder(tmp_path / "usb" / "KOLIBRI_DATA", "Science", lang="en")
    water = channel.topic("Water")
    channel.video(water, "The water cycle", kit.mp4, subtitles={"en": kit.vtt, "ar": kit.vtt})
    channel.document(water, "Worksheet", kit.pdf)
    channel.exercise(water, "Water quiz", [radio("Where does rain come from?", ["The clouds", "The trees"], 0)])
    channel.html5(water, "Water game")
    channel.topic("Plants")
    channel.video(channel.topic("Sky"), "Clouds", kit.mp4)
    data = channel.build()

    assert main(["import", str(data), "--config", str(kiosk.config)]) == 1  # two topics: which one?
    err = capsys.readouterr().err
    assert "--topic" in err and "Water" in err and "Sky" in err
    assert main(["import", str(data), "--topic", "Water", "--config", str(kiosk.config)]) == 0
    out = capsys.readouterr().out
    assert "Water: videos 1, sounds 0, slides 1, quizzes 1" in out and "Water game" in out
    assert "The water cycle: loudness brought" in out  # named by its title, not its Kolibri storage name
    from cinema.config import check_all
    assert check_all(kiosk.config) == []
    [lesson] = kiosk.playlists.glob("water*.yaml")
    text = lesson.read_text(encoding="utf-8")
    assert f"subtitles:\n      ar: {lesson.stem}/" in text and f"\n      en: {lesson.stem}/" in text


class Marking:
    """A stand-in catalog that marks every message it translates: a line without a mark was never
    given to the translation layer, so a teacher reading Arabic or Ukrainian would get English."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


def test_every_line_the_teacher_reads_goes_through_the_translations(tmp_path, kit, kiosk, capsys, monkeypatch):
    import cinema.locale.runtime as runtime

    monkeypatch.setattr(runtime, "translator", lambda code: Marking())
    monkeypatch.setenv("CINEMA_LANGUAGE", "ar")
    src = folder(tmp_path, kit)
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out and all("«" in line for line in out), [line for line in out if "«" not in line]
    (src / "4 broken.mp4").write_bytes(b"\0" * 100)
    for sources in ([str(src)], ["/no/such.pdf"]):
        assert main(["import", *sources, "--config", str(kiosk.config)]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) >= 2 and all("«" in line for line in err), [line for line in err if "«" not in line]


def test_the_same_import_twice_at_once_is_refused_by_the_second(tmp_path, kit, kiosk, capsys):
    src = tmp_path / "src"
    kit.put(kit.mp4, src, "a.mp4")
    work = kiosk.playlists / ".import-src"
    work.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'w'); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
                               str(work / ".lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["import", str(src), "--config", str(kiosk.config)]) == 1
        assert "another cinema import of this lesson is running" in capsys.readouterr().err
        assert (work / ".lock").exists()  # the running import's lock is left alone
    finally:
        holder.kill()
        holder.wait()
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 0
    assert not work.exists()


def test_a_source_not_found_leaves_no_work_folder(tmp_path, kiosk):
    assert main(["import", str(tmp_path / "nothing"), "--config", str(kiosk.config)]) == 1
    assert [p.name for p in kiosk.playlists.iterdir()] == ["hello.yaml"]


def test_an_imported_lesson_packed_installs_on_another_kiosk(tmp_path, kit, kiosk, capsys):
    from tests.importers.conftest import make_kiosk_project

    src = folder(tmp_path, kit)
    assert main(["import", str(src), "--config", str(kiosk.config)]) == 0
    pack = tmp_path / "stick" / "rain-pack"
    assert main(["pack", str(kiosk.playlists / "rain-and-rivers.yaml"), "-o", str(pack),
                 "--config", str(kiosk.config)]) == 0
    other = make_kiosk_project(tmp_path / "other")
    assert main(["import", str(pack), "--allow-unsigned", "--config", str(other.config)]) == 0
    capsys.readouterr()
    assert main(["check", "--config", str(other.config)]) == 0
    assert (other.playlists / "rain-and-rivers" / "2-rain.mp4").is_file()
    assert (other.activities / "rain-and-rivers--3-quiz.yaml").is_file()
