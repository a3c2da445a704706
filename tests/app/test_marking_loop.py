"""Marking children by hand in the real main loop (SDL dummy driver, real keys posted to pygame's queue, the
real journal): M on the opened keyboard, two letters of a name, Enter marks the child present (attendance
via teacher), Enter again takes it back (attendance.undone); on the locked keyboard M and letters change
nothing but the hint. And random keys into an open list, through the laptop keyboard's own conversion
(cinema.app.keys, the scanner-burst detector included), never raise and journal at most one record a press."""

from __future__ import annotations

import pygame
import pytest
from datetime import date

from hypothesis import given, settings, strategies as st

from cinema.app.keys import KeyboardInput
from cinema.cards.keys import current_key, new_key_file
from cinema.app.kiosk import Kiosk, RunOptions
from cinema.core.clock import FakeClock
from cinema.core.content import Item, Playlist
from cinema.core.events import Command, Record, TeacherCommand
from cinema.core.roster import Learner, Roster, make_token
from cinema.core.session import Options, SessionEngine
from cinema.media.fake_player import FakePlayer
from tests.app.test_keyboard_lock_loop import Driver, char_key, records
from tests.budget import budget


@pytest.fixture
def kiosk(project):
    (project / "roster.csv").write_text("learner_id,name\nL1,Amina Said\nL2,Olena\nL3,Omar\n", encoding="utf-8")
    new_key_file(project / "keys.json", date.today())
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text().replace("roster: null", f"roster: {project}/roster.csv")
    config.write_text(text.replace("keys: var/card-keys.json", f"keys: {project}/keys.json"))
    clock = FakeClock()
    opts = RunOptions(config=config, playlist=project / "playlists" / "e2e.yaml", journal=project / "j.sqlite",
                      headless=True)
    k = Kiosk(opts, clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock)
    return k, clock


def typed(d: Driver, text: str) -> None:
    for ch in text:
        d.key(pygame.K_RETURN if ch == "\r" else char_key(ch), ch)


def test_m_two_letters_and_enter_mark_a_child_and_enter_again_takes_it_back(kiosk, project):
    k, clock = kiosk
    journal = project / "j.sqlite"
    with k.opened() as loop:
        d = Driver(loop, clock)
        loop.events.put(TeacherCommand(Command.NEXT))  # the remote: the register
        d.step()
        assert d.item == "register"
        before = len(records(journal))
        typed(d, "mol\r")  # a child at the locked keyboard: M, letters, Enter
        assert loop.view.picker is None and loop.view.keyboard_locked
        assert {kind for kind, _ in records(journal)[before:]} == {"keyboard.locked"}
        d.key(pygame.K_ESCAPE, "\x1b", hold=2.25)  # the teacher opens the keyboard
        typed(d, "1234\r")
        assert loop.view.pin is None
        d.key(pygame.K_m, "m")
        assert loop.view.picker is not None and len(loop.view.picker.rows) == 3
        typed(d, "Ol")
        assert [r.label for r in loop.view.picker.rows] == ["Olena"]
        d.key(pygame.K_RETURN, "\r")
        assert loop.view.picker.message == "Marked present" and loop.view.status.attendance == 1
        d.key(pygame.K_RETURN, "\r")
        assert loop.view.picker.message == "Mark taken back" and loop.view.status.attendance == 0
        # A keyboard-wedge scanner types Omar's card in a burst while the list is open: a card, not letters.
        token = make_token("DEMO", "L3", current_key(project / "keys.json"))
        for ch in token + "\r":
            d.key(pygame.K_RETURN if ch == "\r" else char_key(ch), ch, gap=0.005)
        d.step(0.2)
        assert loop.view.picker.query == "Ol" and loop.view.status.attendance == 1
        d.key(pygame.K_ESCAPE, "\x1b")
        assert loop.view.picker is None and loop.view.pin is None and d.item == "register"
    marks = [(kind, p) for kind, p in records(journal) if kind.startswith("attendance.")]
    assert marks == [("attendance.scanned", {"learner_id": "L2", "source": "teacher", "index": 1, "via": "teacher"}),
                     ("attendance.undone", {"learner_id": "L2", "via": "teacher"}),
                     ("attendance.scanned", {"learner_id": "L3", "source": "scanner", "index": 1})]


# ---- random keys into an open list ----------------------------------------------------------------

CLASS = Roster("P1", (b"k",), tuple(Learner(f"L{n}", name) for n, name in enumerate(
    ("Amina Said", "Olena", "Омар", "أحمد", "Émile", "Zoë", "Anne-Marie", "Li"))))
KEYS = st.one_of(
    st.tuples(st.sampled_from([pygame.K_RETURN, pygame.K_KP_ENTER]), st.just("\r")),
    st.tuples(st.sampled_from([pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_BACKSPACE,
                               pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_ESCAPE, pygame.K_TAB]), st.just("")),
    st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")).map(lambda ch: (char_key(ch), ch)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(KEYS, st.floats(0.005, 0.4)), max_size=60))
def test_random_keys_into_an_open_list_never_raise_and_journal_at_most_one_record_a_press(presses):
    clock = FakeClock()
    playlist = Playlist("p", "P", "en", (Item("attendance", "att"), Item("closing", "end")))
    engine = SessionEngine(playlist, clock, Options(teacher_pin="4321"), CLASS)
    keyboard = KeyboardInput()
    engine.start()
    engine.keyboard.unlock(clock.monotonic())
    engine.handle(TeacherCommand(Command.MARK))
    with budget(seconds=2, megabytes=64):
        for (key, ch), gap in presses:
            clock.advance(gap)
            now = clock.monotonic()
            if engine.view().picker is None:  # Escape closed it: open it again, as the teacher would
                engine.handle(TeacherCommand(Command.MARK))
            events = keyboard.key(key, ch, now, engine.pin is not None) + keyboard.poll(now, engine.pin is not None)
            fx = [e for event in events for e in engine.handle(event)]
            # Only marks and undos (and a mark's chime): one record at most for each key pressed
            # (a held-back key is handed on with the next, so two keys can give two).
            recorded = [e for e in fx if isinstance(e, Record)]
            assert len(recorded) <= max(1, len(events))
            assert {r.kind for r in recorded} <= {"attendance.scanned", "attendance.undone"}
            assert engine.item.id == "att" and engine.pin is None
            picker = engine.view().picker
            assert picker is None or (len(picker.rows) <= 8 and len(picker.query) <= 20)
