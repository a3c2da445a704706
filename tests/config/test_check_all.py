"""`check_all` goes through every file a kiosk uses, reports all problems and never raises."""

from __future__ import annotations

from cinema.config import check_all, format_problems
from cinema.config import check as check_module

GOOD = "version: 1\ntitle: Water\nitems:\n  - type: video\n    media: ../media/intro.mp4\n"


def test_a_good_project_has_no_problems(project):
    project.write("playlists/lesson.yaml", GOOD)
    assert check_all(project.root / "kiosk_config" / "default.yaml") == []


def test_problems_from_every_file_are_listed(project):
    project.write("playlists/lesson.yaml", GOOD)
    project.write("playlists/other.yaml", GOOD.replace("intro.mp4", "outro.mp4"))
    project.write("activities/poll.yaml", "version: 1\nid: poll\nkind: pol\ntitle: P\nquestions:\n  - prompt: Hi\n")
    config = project.write("kiosk_config/default.yaml", (project.root / "kiosk_config" / "default.yaml")
                           .read_text() + "failure_notice_seconds: -1\n")

    problems = check_all(config)

    assert sorted((p.file.name, p.line, p.key) for p in problems) == [
        ("default.yaml", 5, "failure_notice_seconds"),
        ("other.yaml", 5, "items[0].media"),
        ("poll.yaml", 3, "kind"),
    ]
    text = format_problems(problems)
    assert text.index("activities/poll.yaml") < text.index("kiosk_config/default.yaml") < text.index("other.yaml")


def test_only_the_chosen_playlist_is_checked(project):
    project.write("playlists/lesson.yaml", GOOD)
    chosen = project.write("elsewhere/new.yaml", GOOD.replace("../media", "../nowhere"))
    problems = check_all(project.root / "kiosk_config" / "default.yaml", chosen)
    assert [(p.file, p.key) for p in problems] == [(chosen, "items[0].media")]


def test_a_broken_config_still_lets_the_lessons_be_checked(project):
    project.write("playlists/lesson.yaml", GOOD.replace("intro.mp4", "missing.mp4"))
    config = project.write("kiosk_config/default.yaml", "version: 1\nkiosk_id: [\n")
    problems = check_all(config)
    assert [p.file.name for p in problems] == ["default.yaml", "lesson.yaml"]


def test_a_bug_in_the_checker_becomes_a_problem_not_a_traceback(project, monkeypatch):
    project.write("playlists/lesson.yaml", GOOD)
    project.write("playlists/a.yaml", GOOD)
    project.write("playlists/b.yaml", GOOD.replace("intro", "gone"))

    def broken(path, *args, **kwargs):
        if path.name == "a.yaml":
            raise KeyError("surprise")
        return original(path, *args, **kwargs)

    original = check_module.read_playlist
    monkeypatch.setattr(check_module, "read_playlist", broken)

    problems = check_all(project.root / "kiosk_config" / "default.yaml")

    assert [(p.file.name, p.line) for p in problems] == [("a.yaml", 0), ("b.yaml", 5)]
    assert "the checker failed on this file (KeyError: 'surprise')" in str(problems[0])
