"""Card tokens: a real card is accepted; forged, mistyped, foreign and expired ones are refused."""

import string
from datetime import date

import pytest

from cinema.cards.keys import load_keys, new_key_file, rotate_keys
from cinema.core.roster import CHECK_LEN, make_token, normalize_check, verify_token

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
TOKEN = make_token("P1", "L001", KEY)
BASE32 = string.ascii_uppercase + "234567"


def with_check(check: str) -> str:
    return TOKEN.rsplit(".", 1)[0] + "." + check


def test_a_card_carries_no_name_and_verifies():
    assert TOKEN.startswith("LC1.P1.L001.") and len(TOKEN.rsplit(".", 1)[1]) == CHECK_LEN
    check = verify_token(TOKEN, "P1", (KEY,))
    assert check.valid and check.learner_id == "L001" and not check.old_key


@pytest.mark.parametrize("payload,reason", [
    (make_token("P1", "L001", OTHER_KEY), "Card not recognised"),  # forged: made with another key
    (with_check("AAAAAAAA"), "Card not recognised"),
    (make_token("P2", "L001", KEY), "Card from another programme"),
    ("LC1.P1.L001", "Card not recognised"),
    ("https://example.org/L001", "Card not recognised"),
    ("", "Card not recognised"),
    ("LC1.P1.L 001." + TOKEN.rsplit(".", 1)[1], "Card not recognised"),
])
def test_refused_cards(payload, reason):
    check = verify_token(payload, "P1", (KEY,))
    assert not check.valid and check.reason == reason


def test_a_changed_learner_id_is_refused():
    """Someone writing another child's id on a copy of a card."""
    for other in ("L002", "L00", "L0011", "l001"):
        assert not verify_token(TOKEN.replace(".L001.", f".{other}."), "P1", (KEY,)).valid


def test_every_one_letter_typo_in_the_check_is_refused():
    check = TOKEN.rsplit(".", 1)[1]
    for i, right in enumerate(check):
        for wrong in BASE32:
            if wrong != right:
                typed = check[:i] + wrong + check[i + 1:]
                assert not verify_token(with_check(typed), "P1", (KEY,)).valid, typed


def test_every_swap_of_two_neighbours_is_refused():
    check = TOKEN.rsplit(".", 1)[1]
    for i in range(len(check) - 1):
        typed = check[:i] + check[i + 1] + check[i] + check[i + 2:]
        if typed != check:
            assert not verify_token(with_check(typed), "P1", (KEY,)).valid, typed


def test_hand_typing_forgives_case_lookalike_digits_and_spaces():
    check = TOKEN.rsplit(".", 1)[1]
    lookalike = check.replace("O", "0").replace("I", "1").replace("B", "8")
    for typed in (check.lower(), f"{check[:4]} {check[4:]}", f"{check[:4]}-{check[4:]}", lookalike):
        assert verify_token(with_check(typed), "P1", (KEY,)).valid, typed
    assert normalize_check(" ab0i-1o8 ") == "ABOIIOB"


def test_old_key_verifies_during_grace_and_not_after(tmp_path):
    path = tmp_path / "card-keys.json"
    new_key_file(path, date(2026, 9, 1))
    [old] = load_keys(path, date(2026, 9, 1))
    card = make_token("P1", "L001", old)
    rotate_keys(path, date(2026, 11, 1), grace_days=30)

    in_grace = load_keys(path, date(2026, 12, 1))  # the last day of the grace period
    assert len(in_grace) == 2 and in_grace[1] == old
    check = verify_token(card, "P1", in_grace)
    assert check.valid and check.old_key  # the kiosk can say: print this child a new card
    assert verify_token(make_token("P1", "L001", in_grace[0]), "P1", in_grace).old_key is False

    after = load_keys(path, date(2026, 12, 2))
    assert after == in_grace[:1]
    assert verify_token(card, "P1", after).reason == "Card not recognised"
