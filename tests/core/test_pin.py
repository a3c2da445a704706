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
    assert pad.prompt(2.0).wrong and pad.prompt(2.0).digits == 0
    for d in "4321":
        pad.key(PinDigit(d), 2.0)
    assert pad.key(PinDigit(submit=True), 2.0) is PinResult.RIGHT
    assert pad.prompt(2.0) is None and not pad.is_open


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


# ---- wrong tries, the growing wait, the stored hash, choosing a PIN ----------------------------

from cinema.core.pin import FREE_TRIES, MAX_WAIT, PinHash, PinPurpose, PinState, pin_problem, wait_after  # noqa: E402


def type_pin(pad: PinPad, digits: str, now: float) -> PinResult:
    for d in digits:
        pad.key(PinDigit(d), now)
    return pad.key(PinDigit(submit=True), now)


def test_five_wrong_tries_then_a_wait_that_grows_and_takes_nothing_meanwhile():
    pad = PinPad("4821")
    pad.open(0.0)
    for n in range(1, FREE_TRIES):
        assert type_pin(pad, "0000", float(n)) is PinResult.WRONG
        assert pad.wait_left(float(n)) == 0 and pad.prompt(float(n)).tries_left == FREE_TRIES - n
    assert type_pin(pad, "0000", 10.0) is PinResult.WRONG  # the 5th
    assert pad.state is PinState.WAITING and pad.wait_left(10.0) == 30.0
    assert pad.prompt(10.0).wait_seconds == 30
    # While the wait lasts even the right PIN is not taken (nothing to journal: no try was made).
    assert type_pin(pad, "4821", 20.0) is PinResult.TYPING and pad.is_open
    pad.expire(35.0)
    assert pad.is_open  # the prompt stays while it counts down: the teacher sees when to try again
    assert type_pin(pad, "1111", 41.0) is PinResult.WRONG  # the 6th: a longer wait
    assert pad.wait_left(41.0) == 60.0
    assert type_pin(pad, "4821", 102.0) is PinResult.RIGHT
    assert pad.wrong_in_a_row == 0 and not pad.is_open


def test_the_wrong_count_survives_closing_the_prompt():
    pad = PinPad("4821")
    for n in range(FREE_TRIES):
        pad.open(float(n))
        type_pin(pad, "9", float(n))
        pad.close()
    pad.open(5.0)
    assert pad.state is PinState.WAITING and pad.wait_left(5.0) > 0  # cancel and reopen is no way round it


def test_the_wait_grows_to_a_cap():
    assert [wait_after(n) for n in range(1, 9)] == [0, 0, 0, 0, 30, 60, 120, 240]
    assert wait_after(40) == 15 * 60


def test_a_stored_hash_checks_the_pin_without_keeping_it():
    stored = PinHash.make("4821", n=2**10)
    assert b"4821" not in stored.salt + stored.digest
    assert stored.matches("4821") and not stored.matches("1234") and not stored.matches("")
    assert PinHash.make("4821", n=2**10).digest != stored.digest  # salted: the same PIN, another hash
    pad = PinPad(stored)
    pad.open(0.0)
    assert type_pin(pad, "4821", 1.0) is PinResult.RIGHT


def test_a_hostile_stored_hash_cannot_ask_for_gigabytes():
    import pytest

    with pytest.raises(ValueError):
        PinHash(b"s" * 16, b"d" * 32, n=2**24)
    with pytest.raises(ValueError):
        PinHash(b"s" * 16, b"d" * 32, r=1000)


def test_choosing_a_pin_refuses_the_shipped_one_and_wants_it_twice():
    assert pin_problem("1234") and pin_problem("0000") and pin_problem("12") and pin_problem("12a4")
    assert pin_problem("4821") == ""
    pad = PinPad("1234")
    pad.open(0.0, PinPurpose.CHOOSE)
    assert type_pin(pad, "1234", 1.0) is PinResult.TYPING and pad.prompt(1.0).problem  # refused, said why
    assert type_pin(pad, "4821", 2.0) is PinResult.TYPING and pad.purpose is PinPurpose.CONFIRM
    assert type_pin(pad, "4822", 3.0) is PinResult.TYPING and pad.purpose is PinPurpose.CHOOSE  # not the same
    type_pin(pad, "4821", 4.0)
    assert type_pin(pad, "4821", 5.0) is PinResult.RIGHT and pad.chosen == "4821"
    pad.open(6.0, PinPurpose.CHOOSE)
    pad.expire(6.0 + 10 * PIN_TIMEOUT)
    assert pad.is_open  # choosing never times out: there is no lesson without it


class _Kept:
    """A TriesKeeper in memory: what the PIN file holds between runs."""

    def __init__(self, tries: int = 0, left: float = 0.0) -> None:
        self.tries, self.left, self.saves = tries, left, 0

    def load(self):
        return self.tries, self.left

    def save(self, tries: int, left: float) -> None:
        self.tries, self.left, self.saves = tries, left, self.saves + 1


def test_wrong_tries_are_kept_before_the_prompt_answers_and_read_back_by_a_new_prompt():
    kept = _Kept()
    pad = PinPad("4821", keeper=kept)
    pad.open(0.0)
    for ch in "0000":
        pad.key(PinDigit(ch), 0.0)
    assert pad.key(PinDigit(submit=True), 0.0) is PinResult.WRONG and kept.tries == 1
    fresh = PinPad("4821", keeper=kept)  # the next run of the kiosk
    fresh.open(100.0)
    assert fresh.prompt(100.0).tries_left == FREE_TRIES - 1


def test_a_kept_wait_is_never_longer_than_the_tries_deserve():
    pad = PinPad("4821", keeper=_Kept(tries=FREE_TRIES, left=10 ** 9))  # a clock set back, a hostile file
    pad.open(0.0)
    assert pad.state is PinState.WAITING and pad.wait_left(0.0) == wait_after(FREE_TRIES) == 30.0
    pad = PinPad("4821", keeper=_Kept(tries=10 ** 9, left=10 ** 9))
    pad.open(0.0)
    assert pad.wait_left(0.0) == MAX_WAIT


def test_the_right_pin_clears_the_kept_tries():
    kept = _Kept(tries=3)
    pad = PinPad("4821", keeper=kept)
    pad.open(0.0)
    for ch in "4821":
        pad.key(PinDigit(ch), 0.0)
    assert pad.key(PinDigit(submit=True), 0.0) is PinResult.RIGHT and kept.tries == 0 and kept.left == 0
