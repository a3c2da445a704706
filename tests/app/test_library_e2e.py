"""The home screen from the real main loop (SDL's dummy driver, keys posted as pygame key presses):
choose a lesson with the arrow keys and Enter, it plays, it ends, the kiosk is home again; a broken
lesson is listed but refused; an unfinished session is offered; the menus' language changes; the
day ends behind the PIN; and the journal says each of these."""

from __future__ import annotations

import json
import sqlite3

import pygame
import pytest

from cinema.app.brightness import FakeDimmer
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.clock import FakeClock
from cinema.core.events import Command, TeacherCommand
from cinema.core.view import Screen
from cinema.locale import translator
from cinema.media.fake_player import FakePlayer
from tests.app.kiosk_project import project  # noqa: F401  (a fixture)

SHORT = """\
version: 1
id: {id}
title: {title}
subject: {subject}
language: {language}
items:
  - type: title
    id: hello
    title: {title}
    seconds: 2
  - type: closing
    id: bye
    title: Goodbye
    seconds: 2
"""
LONG = """\
version: 1
id: beta
title: Beta lesson
items:
  - type: title
    id: hello
    title: Waits for the teacher
  - type: closing
    id: bye
"""
BROKEN = """\
version: 1
id: broken
title: Broken lesson
items:
  - type: activity
    activity: no-such-quiz
"""


@pytest.fixture
def home(project):  # noqa: F811
    """A lessons folder of four files, one broken; the config's playlist is alpha (the cursor starts there)."""
    folder = project / "playlists"
    (folder / "e2e.yaml").unlink()
    (folder / "alpha.yaml").write_text(SHORT.format(id="alpha", title="Alpha lesson", subject="health", language="en"))
    (folder / "beta.yaml").write_text(SHORT.format(id="beta", title="Beta lesson", subject="science", language="en"))
    (folder / "broken.yaml").write_text(BROKEN)
    (folder / "gamma.yaml").write_text(LONG.replace("beta", "gamma").replace("Beta", "Gamma"))
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("playlist: playlists/e2e.yaml", "playlist: playlists/alpha.yaml")
                      .replace("  source: auto", "  source: none").replace("usb_stick: /media/cinema-usb",
                                                                          "usb_stick: null"))
    return project


class Driver:
    """Turns of the real loop on a fake clock; keys go in as the window's key presses."""

    def __init__(self, loop, clock: FakeClock) -> None:
        self.loop, self.clock, self.t = loop, clock, 0.0

    def turn(self, seconds: float = 0.1) -> None:
        self.t = round(self.t + seconds, 3)
        self.clock.advance(seconds)
        self.loop.step(self.t)

    def press(self, key: int, unicode: str = "") -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=unicode, mod=0, scancode=0))
        for _ in range(3):  # a typed key is held ~60 ms (a card scanner's burst looks like typing)
            self.turn()

    def remote(self, command: Command) -> None:
        """The presenter remote (its device thread puts the command on the loop's queue)."""
        self.loop.events.put(TeacherCommand(command))
        self.turn()

    def type(self, text: str) -> None:
        for ch in text:
            self.press(ord(ch), ch)

    def until(self, ready, seconds: float = 30.0) -> None:
        waited = 0.0
        while not ready(self.loop.view) and waited < seconds:
            self.turn(0.25)
            waited += 0.25
        assert ready(self.loop.view), f"still on {self.loop.view.screen}"

    @property
    def body(self):
        return self.loop.view.body


def kiosk(project, clock: FakeClock) -> Kiosk:  # noqa: F811
    opts = RunOptions(config=project / "kiosk_config" / "default.yaml", journal=project / "j.sqlite", headless=True,
                      library=True)
    k = Kiosk(opts, dimmer=FakeDimmer(), clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock)
    return k


def journal(project) -> list[tuple[str, str, dict]]:  # noqa: F811
    db = sqlite3.connect(project / "j.sqlite")
    rows = [(s, k, json.loads(p)) for s, k, p in db.execute("SELECT session_id, kind, payload FROM records ORDER BY seq")]
    db.close()
    return rows


def titles(body) -> list[str]:
    return [r.title for r in body.rows if r.kind == "lesson"]


def test_choose_the_second_lesson_with_the_arrows_it_plays_ends_and_the_kiosk_is_home_again(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        assert loop.view.screen is Screen.LIBRARY
        assert titles(drive.body) == ["Alpha lesson", "Beta lesson", "Broken lesson", "Gamma lesson"]
        assert drive.body.rows[drive.body.selected].title == "Alpha lesson"  # the config's lesson first
        drive.press(pygame.K_DOWN)
        drive.press(pygame.K_RETURN)
        drive.until(lambda v: v.screen is Screen.TITLE)
        assert loop.view.lesson_title == "Beta lesson"
        drive.until(lambda v: v.screen is Screen.CLOSING)  # after 2 s of title
        drive.remote(Command.NEXT)  # the teacher ends it from the remote
        assert loop.view.screen is Screen.LIBRARY
        assert loop.exit_code is None  # home again, not gone
        assert drive.body.rows[drive.body.selected].title == "Beta lesson"
        assert drive.body.rows[0].kind == "lesson"  # it finished: nothing to resume
    records = journal(home)
    kinds = [k for _s, k, _p in records]
    chosen = next(p for _s, k, p in records if k == "lesson.chosen")
    assert chosen == {"playlist": "beta", "file": "beta.yaml", "resume": False}
    started = [(s, p["playlist"]) for s, k, p in records if k == "session.started"]
    assert [p for _s, p in started] == ["beta"]
    session = started[0][0]
    assert [k for s, k, _p in records if s == session][:2] == ["lesson.chosen", "session.started"]
    assert ("completed" in [p.get("reason") for _s, k, p in records if k == "session.ended"])
    assert kinds.index("session.ended") > kinds.index("session.started")


def test_a_broken_lesson_is_listed_marked_and_refused_with_its_problems(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        broken = next(r for r in drive.body.rows if r.title == "Broken lesson")
        assert broken.broken and broken.problems >= 1 and broken.minutes is None
        drive.press(pygame.K_DOWN)
        drive.press(pygame.K_DOWN)
        drive.press(pygame.K_RETURN)
        assert drive.body.mode == "problems"
        assert any("no-such-quiz" in p and "broken.yaml" in p for p in drive.body.problems)
        drive.press(pygame.K_RETURN)  # back to the list
        assert drive.body.mode == "browse" and loop.view.screen is Screen.LIBRARY
        assert loop.exit_code is None
    assert not [k for _s, k, _p in journal(home) if k in ("session.started", "lesson.chosen")]


def test_an_unfinished_session_is_offered_resumed_or_thrown_away_only_when_confirmed(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:  # gamma waits for the teacher: the kiosk stops inside it
        drive = Driver(loop, clock)
        drive.turn()
        for _ in range(3):
            drive.press(pygame.K_DOWN)
        drive.press(pygame.K_RETURN)
        drive.until(lambda v: v.screen is Screen.TITLE)
        drive.remote(Command.NEXT)  # on to the closing item; then the power goes
        drive.until(lambda v: v.screen is Screen.CLOSING)
    first = next(s for s, k, _p in journal(home) if k == "session.started")

    clock = FakeClock(2000.0)
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        resume = drive.body.rows[0]
        assert (resume.kind, resume.title, resume.item_number, resume.item_count) == ("resume", "Gamma lesson", 2, 2)
        assert drive.body.selected == 0  # offered first
        drive.press(pygame.K_DOWN)  # Alpha instead: the kiosk asks before throwing gamma away
        drive.press(pygame.K_RETURN)
        assert drive.body.mode == "confirm" and drive.body.discard_title == "Gamma lesson"
        drive.press(pygame.K_n)  # no: back to the list, nothing thrown away
        assert drive.body.mode == "browse" and drive.body.rows[0].kind == "resume"
        assert not [k for _s, k, _p in journal(home) if k == "session.abandoned"]
        drive.press(pygame.K_UP)
        drive.press(pygame.K_RETURN)  # resume it
        drive.until(lambda v: v.screen is Screen.CLOSING and v.lesson_title == "Gamma lesson")
    records = journal(home)
    resumed = [(s, p) for s, k, p in records if k == "session.resumed"]
    assert resumed and resumed[0][0] == first and resumed[0][1]["index"] == 1
    assert ("lesson.chosen", {"playlist": "gamma", "file": "gamma.yaml", "resume": True}) in [
        (k, p) for s, k, p in records if s == first]

    clock = FakeClock(3000.0)
    with kiosk(home, clock).opened() as loop:  # still unfinished: this time the teacher starts alpha afresh
        drive = Driver(loop, clock)
        drive.turn()
        assert drive.body.rows[0].kind == "resume"
        drive.press(pygame.K_DOWN)
        drive.press(pygame.K_RETURN)
        drive.press(pygame.K_RETURN)  # yes, start alpha
        drive.until(lambda v: v.screen is Screen.TITLE and v.lesson_title == "Alpha lesson")
    records = journal(home)
    abandoned = [(s, p) for s, k, p in records if k == "session.abandoned"]
    assert len(abandoned) == 1 and abandoned[0][1]["session"] == first
    alpha = next(s for s, k, p in records if k == "session.started" and p["playlist"] == "alpha")
    assert abandoned[0][0] == alpha  # written in the new session, as the resume offer always did


def test_the_language_chooser_changes_the_screens_language_and_is_journaled(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        assert loop.view.language == "en"
        drive.press(pygame.K_UP)  # from the first lesson up: wraps to the bottom (end the day) ...
        drive.press(pygame.K_UP)  # ... and the language row above it
        assert drive.body.rows[drive.body.selected].kind == "language"
        drive.press(pygame.K_RETURN)
        language = loop.view.language
        assert language != "en"
        drawn = loop.renderer.draw(pygame.Surface(loop.renderer.size), loop.view)
        assert drawn.get("library.heading").text == translator(language).gettext("Choose a lesson")
        assert drawn.rtl == (language == "ar")
        broken = drawn  # the broken lesson's problems are read again in the new language
        assert broken is not None
    records = journal(home)
    assert ("kiosk.language", {"language": language, "previous": "en"}) in [(k, p) for _s, k, p in records]


def test_the_menus_language_chosen_is_the_one_the_next_start_opens_in(home):
    """A teacher who switched the menus to Arabic finds them in Arabic the next morning (before, every
    start opened in the config's language)."""
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        drive.press(pygame.K_UP)
        drive.press(pygame.K_UP)  # the language row
        drive.press(pygame.K_RETURN)
        chosen = loop.view.language
        assert chosen != "en"
    with kiosk(home, FakeClock()).opened() as loop:
        Driver(loop, FakeClock()).turn()
        assert loop.view.language == chosen and loop.view.screen is Screen.LIBRARY


def test_ending_the_day_asks_for_the_pin_and_is_journaled(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        drive.press(pygame.K_ESCAPE)
        assert loop.view.pin is not None
        drive.type("9999")
        drive.press(pygame.K_RETURN)
        assert loop.exit_code is None
        drive.type("1234")
        drive.press(pygame.K_RETURN)
        assert loop.exit_code == 0
    kinds = [k for _s, k, _p in journal(home)]
    assert "pin.refused" in kinds and kinds[-1] == "day.ended"


def test_little_free_space_is_said_on_the_home_screen_and_again_when_a_lesson_starts(home, monkeypatch):
    from cinema.journal.store import Journal

    monkeypatch.setattr(Journal, "free_bytes", lambda self: 12 * 1024 * 1024)  # under the 20 MB the check wants
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        assert drive.body.disk == "low" and drive.body.free_mb == 12
        drawn = loop.renderer.draw(pygame.Surface(loop.renderer.size), loop.view)
        assert drawn.get("library.note.0").text.startswith("Little disk space left")
        drive.press(pygame.K_RETURN)  # alpha
        drive.until(lambda v: v.screen is Screen.TITLE)
        assert loop.view.toast  # the lesson's own warning, as at every lesson start
    troubles = [(s, p["state"]) for s, k, p in journal(home) if k == "journal.trouble"]
    assert ("", "low") in troubles  # the home screen's, in no session
    assert any(s and state == "low" for s, state in troubles)  # and the lesson's


def test_the_pin_in_a_lesson_ends_that_lesson_and_the_kiosk_goes_home(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        for _ in range(3):
            drive.press(pygame.K_DOWN)
        drive.press(pygame.K_RETURN)  # gamma: waits for the teacher
        drive.until(lambda v: v.screen is Screen.TITLE)
        drive.remote(Command.QUIT)  # a teacher handset's stop key asks for the PIN, as Escape does
        assert loop.view.pin is not None
        drive.type("1234")
        drive.press(pygame.K_RETURN)
        assert loop.view.screen is Screen.LIBRARY and loop.exit_code is None
    ended = [p for _s, k, p in journal(home) if k == "session.ended"]
    assert [p["reason"] for p in ended] == ["teacher"]
    assert "day.ended" not in [k for _s, k, _p in journal(home)]


def test_resume_flag_takes_up_the_unfinished_session_without_the_home_screen(home):
    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        for _ in range(3):
            drive.press(pygame.K_DOWN)
        drive.press(pygame.K_RETURN)
        drive.until(lambda v: v.screen is Screen.TITLE)
    clock = FakeClock(2000.0)
    k = kiosk(home, clock)
    k.opts.resume = True
    with k.opened() as loop:
        Driver(loop, clock).turn()
        assert loop.view.screen is Screen.TITLE and loop.view.lesson_title == "Gamma lesson"
    assert [k_ for _s, k_, _p in journal(home)].count("session.resumed") == 1


def test_a_device_that_connected_at_home_is_journaled_in_the_lesson_and_a_usb_export_at_home(home):
    from cinema.core.events import DeviceChanged, UsbExport

    clock = FakeClock()
    with kiosk(home, clock).opened() as loop:
        drive = Driver(loop, clock)
        drive.turn()
        loop.events.put(DeviceChanged("clickers /dev/ttyUSB0", True, "lcp"))
        loop.events.put(UsbExport("done", records=3, first_seq=1, last_seq=3, file="k.lcb"))
        drive.turn()
        assert [d.name for d in loop.view.status.devices] == ["clickers /dev/ttyUSB0"]
        assert loop.view.toast.startswith("Saved")
        drive.press(pygame.K_RETURN)
        drive.until(lambda v: v.screen is Screen.TITLE)
        assert [d.name for d in loop.view.status.devices] == ["clickers /dev/ttyUSB0"]
    records = journal(home)
    session = next(s for s, k, _p in records if k == "session.started")
    assert ("device.connected", session) in [(k, s) for s, k, _p in records]
    assert ("export.made", "") in [(k, s) for s, k, _p in records]  # the home screen's: in no session
