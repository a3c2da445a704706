"""The teacher PIN prompt: its state table, a bound on what a child can type, and the quiet timeout."""

from hypothesis import given, strategies as st

from cinema.core.events import PinDigit
from cinema.core.pin import MAX_DIGITS, PIN_TIMEOUT, TRANSITIONS, PinPad, PinResult, PinState, PinStep


def test_every_open_state_can_be_closed_and_reached():
    for state in PinState:
        if state is not PinState.CLOSED:
            assert TRANSITIONS[(state, PinStep.CLOSE)] is PinState.CLOSED
    assert set(TRANSITIONS.values()) == set(PinState)


def test_a_wrong_pin_says_so_and_the_right_one_closes_the_prompt():
    pad = PinPad("4321")
    pad.open(0.0)
    for d in "1111":
        pad.key(PinDigit(d), 1.0)
    assert pad.key(PinDigit(submit=True), 1.0) is PinResult.WRONG
    assert pad.prompt().wrong and pad.prompt().digits == 0
    for d in "4321":
        pad.key(PinDigit(d), 2.0)
    assert pad.key(PinDigit(submit=True), 2.0) is PinResult.RIGHT
    assert pad.prompt() is None and not pad.is_open


def test_the_prompt_closes_after_a_quiet_while():
    pad = PinPad("1")
    pad.open(0.0)
    pad.expire(PIN_TIMEOUT - 1)
    assert pad.is_open
    pad.expire(PIN_TIMEOUT + 1)
    assert not pad.is_open


@given(st.lists(st.sampled_from("0123456789xyz") | st.just("submit") | st.just("cancel"), max_size=200))
def test_random_keys_never_grow_the_pin_and_only_the_pin_opens(keys):
    pad = PinPad("98765")
    pad.open(0.0)
    typed = ""
    for key in keys:
        if not pad.is_open:
            pad.open(0.0)
            typed = ""
        event = PinDigit(submit=True) if key == "submit" else PinDigit(cancel=True) if key == "cancel" else PinDigit(key)
        result = pad.key(event, 0.0)
        if key == "submit":
            assert (result is PinResult.RIGHT) == (typed == "98765")
            typed = ""
        elif key == "cancel":
            assert not pad.is_open
        elif key.isdigit() and len(typed) < MAX_DIGITS:
            typed += key
        assert pad.typed is None or len(pad.typed) <= MAX_DIGITS
