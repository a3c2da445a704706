"""Laptop keys become LaptopKey events (the engine locks them during a lesson); while the PIN is asked, only
digits count; Escape held asks to unlock."""

import pygame
import pytest

from cinema.app.keys import key_event
from cinema.core.events import Command, LaptopKey, PinDigit


@pytest.mark.parametrize("key, command", [
    (pygame.K_RIGHT, Command.NEXT), (pygame.K_PAGEDOWN, Command.NEXT), (pygame.K_SPACE, Command.NEXT),
    (pygame.K_LEFT, Command.BACK), (pygame.K_PAGEUP, Command.BACK), (pygame.K_p, Command.PAUSE),
    (pygame.K_r, Command.REPEAT), (pygame.K_s, Command.SKIP), (pygame.K_RETURN, Command.ACCEPT),
    (pygame.K_n, Command.DECLINE), (pygame.K_ESCAPE, Command.QUIT), (pygame.K_c, Command.CAPTIONS),
    (pygame.K_m, Command.MARK),
])
def test_teacher_keys(key, command):
    assert key_event(key, "", pin_open=False) == LaptopKey(command)


@pytest.mark.parametrize("key", [pygame.K_q, pygame.K_F4, pygame.K_TAB, pygame.K_DELETE])
def test_other_keys_mean_nothing_but_are_still_seen(key):
    assert key_event(key, "", pin_open=False) == LaptopKey(None)  # on a locked keyboard: the hint


@pytest.mark.parametrize("key", [pygame.K_LALT, pygame.K_LSHIFT, pygame.K_RCTRL])
def test_a_modifier_alone_is_nothing(key):
    assert key_event(key, "", pin_open=False) is None


def test_escape_held_two_seconds_asks_to_unlock_once_and_a_tap_does_not():
    from cinema.app.keys import HOLD_SECONDS, KeyboardInput

    kb = KeyboardInput()
    assert kb.key(pygame.K_ESCAPE, "\x1b", 1.0, pin_open=False) == [LaptopKey(Command.QUIT)]
    kb.release(pygame.K_ESCAPE)
    assert kb.poll(1.0 + HOLD_SECONDS + 1, pin_open=False) == []  # a tap
    kb.key(pygame.K_ESCAPE, "\x1b", 10.0, pin_open=False)
    assert kb.poll(10.0 + HOLD_SECONDS - 0.1, pin_open=False) == []
    assert kb.poll(10.0 + HOLD_SECONDS, pin_open=False) == [LaptopKey(Command.UNLOCK)]
    assert kb.poll(10.0 + HOLD_SECONDS + 5, pin_open=False) == []  # once per hold


def test_pin_prompt_takes_digits_enter_and_escape():
    assert key_event(pygame.K_7, "7", pin_open=True) == PinDigit("7")
    assert key_event(pygame.K_UNKNOWN, "٣", pin_open=True) == PinDigit("3")  # Arabic-Indic digit
    assert key_event(pygame.K_RETURN, "\r", pin_open=True) == PinDigit(submit=True)
    assert key_event(pygame.K_ESCAPE, "", pin_open=True) == PinDigit(cancel=True)
    assert key_event(pygame.K_RIGHT, "", pin_open=True) is None


def test_a_fast_burst_ending_in_enter_is_a_card_scan_not_keys():
    from cinema.app.keys import KeyboardInput
    from cinema.core.events import CardScanned

    kb = KeyboardInput()
    token = "LC1.DEMO.L001.ABCDEFGH"
    out = []
    for i, ch in enumerate(token):  # a scanner, seen by a loop that polls every 40 ms
        out += kb.key(pygame.K_UNKNOWN, ch, 1.0 + (i // 8) * 0.04, pin_open=False)
    out += kb.key(pygame.K_RETURN, "\r", 1.0 + (len(token) // 8) * 0.04, pin_open=False)
    assert out == [CardScanned(token, "scanner")]  # the S in the token did not skip the item


def test_keys_typed_by_a_person_still_work():
    from cinema.app.keys import KeyboardInput

    kb = KeyboardInput()
    out = kb.key(pygame.K_s, "s", 5.0, pin_open=False)
    out += kb.key(pygame.K_RIGHT, "", 5.01, pin_open=False)  # arrows never wait
    out += kb.poll(5.2, pin_open=False)
    assert LaptopKey(Command.NEXT) in out and LaptopKey(Command.SKIP) in out
    assert kb.key(pygame.K_4, "4", 6.0, pin_open=True) == []
    assert kb.poll(6.5, pin_open=True) == [PinDigit("4")]


@pytest.mark.parametrize("key, typed, command", [
    (pygame.K_j, "j", Command.SEEK_BACK), (pygame.K_l, "l", Command.SEEK_FORWARD),
    (pygame.K_j, "J", Command.SEEK_BACK_LONG), (pygame.K_l, "L", Command.SEEK_FORWARD_LONG),
])
def test_j_and_l_move_a_video_10_s_and_with_shift_30_s(key, typed, command):
    assert key_event(key, typed, pin_open=False) == LaptopKey(command)


def test_seek_keys_typed_by_hand_reach_the_engine_as_seeks():
    from cinema.app.keys import KeyboardInput

    kb = KeyboardInput()
    events = kb.key(pygame.K_l, "L", 1.0, pin_open=False) + kb.poll(2.0, pin_open=False)
    events += kb.key(pygame.K_j, "j", 3.0, pin_open=False) + kb.poll(4.0, pin_open=False)
    assert events == [LaptopKey(Command.SEEK_FORWARD_LONG), LaptopKey(Command.SEEK_BACK)]


@pytest.mark.parametrize("key, unicode, command, text, name", [
    (pygame.K_m, "m", Command.MARK, "m", ""),  # M opens the list; once it is open, the same key types an m
    (pygame.K_s, "S", Command.SKIP, "S", ""),
    (pygame.K_UNKNOWN, "ع", None, "ع", ""),  # an Arabic layout's letter: no command, the letter typed
    (pygame.K_UNKNOWN, "о", None, "о", ""),  # a Ukrainian layout's letter
    (pygame.K_SPACE, " ", Command.NEXT, " ", ""),
    (pygame.K_BACKSPACE, "\x08", None, "", "backspace"),
    (pygame.K_UP, "", None, "", "up"), (pygame.K_DOWN, "", None, "", "down"),
    (pygame.K_RETURN, "\r", Command.ACCEPT, "", ""),
])
def test_a_key_carries_the_letter_it_typed_for_marking_by_hand(key, unicode, command, text, name):
    event = key_event(key, unicode, pin_open=False)
    assert (event.command, event.text, event.key) == (command, text, name)


def test_letters_typed_at_a_persons_pace_reach_the_engine_with_their_text():
    from cinema.app.keys import KeyboardInput

    kb = KeyboardInput()
    out = kb.key(pygame.K_UNKNOWN, "О", 1.0, pin_open=False) + kb.key(pygame.K_UNKNOWN, "л", 1.2, pin_open=False)
    out += kb.poll(1.5, pin_open=False)
    assert [e.text for e in out] == ["О", "л"]


def test_a_key_that_is_no_cards_text_never_overtakes_the_letters_typed_before_it():
    """"P" then Escape in one turn of a busy loop: the P is handed on first (before, it was held for the
    scanner check and came after the Escape, so it reached the lesson once the marking list had closed)."""
    from cinema.app.keys import KeyboardInput

    kb = KeyboardInput()
    out = kb.key(pygame.K_p, "P", 5.0, pin_open=False)
    out += kb.key(pygame.K_ESCAPE, "\x1b", 5.0, pin_open=False)
    assert [e.command for e in out] == [Command.PAUSE, Command.QUIT]
    # Shift, with which a scanner types capitals, does not break its burst.
    kb = KeyboardInput()
    token = "LC1.DEMO.L001.ABCDEFGH"
    out = []
    for ch in token:
        if ch.isupper():
            out += kb.key(pygame.K_LSHIFT, "", 7.0, pin_open=False)
        out += kb.key(pygame.K_UNKNOWN, ch, 7.0, pin_open=False)
    out += kb.key(pygame.K_RETURN, "\r", 7.0, pin_open=False)
    from cinema.core.events import CardScanned
    assert out == [CardScanned(token, "scanner")]


def test_escape_then_the_pin_typed_in_one_burst_still_reaches_the_prompt():
    """A busy turn of the loop (a video stopping) sees Escape and the PIN typed after it at once: the
    digits were handed on as plain keys before the prompt was open, and still go to it."""
    from cinema.app.keys import KeyboardInput
    from cinema.core.clock import FakeClock
    from cinema.core.content import Item, Playlist
    from cinema.core.session import Options, SessionEngine

    clock = FakeClock()
    engine = SessionEngine(Playlist("p", "P", "en", (Item("title", "t"), Item("closing", "end"))), clock,
                           Options(teacher_pin="4821", keyboard_lock=False))
    engine.start()
    kb = KeyboardInput()
    events = kb.key(pygame.K_ESCAPE, "\x1b", 1.0, pin_open=False)
    for ch in "4821":
        events += kb.key(ord(ch), ch, 1.0, pin_open=False)
    events += kb.key(pygame.K_RETURN, "\r", 1.0, pin_open=False) + kb.poll(1.2, pin_open=False)
    records = [fx.kind for event in events for fx in engine.handle(event) if hasattr(fx, "kind")]
    assert "session.ended" in records
    # A longer PIN in one burst looks like a scanner's (6 keys and Enter) but no card: its digits still
    # reach the prompt; the teacher presses Enter once more.
    engine = SessionEngine(Playlist("p", "P", "en", (Item("title", "t"), Item("closing", "end"))), clock,
                           Options(teacher_pin="48213579", keyboard_lock=False))
    engine.start()
    events = kb.key(pygame.K_ESCAPE, "\x1b", 2.0, pin_open=False)
    for ch in "48213579\r":
        events += kb.key(pygame.K_RETURN if ch == "\r" else ord(ch), ch, 2.0, pin_open=False)
    for event in events:
        engine.handle(event)
    assert engine.view().pin is not None and engine.view().pin.digits == 8
    ended = engine.handle(PinDigit(submit=True))
    assert [fx.kind for fx in ended if hasattr(fx, "kind")][-1] == "session.ended"
