"""Generated classroom photos: nearly every card is read, no wrong learner ever, answers map right."""

import json
import os

from cinema.core.roster import verify_token
from cinema.devices.cards.answer_card import answer_for
from cinema.devices.cards.decode import decode_file


def scan(photo_set):
    """(photo truth, what the scanner made of each code) for every photo."""
    keys = (photo_set.key,)
    for photo in photo_set.photos:
        found = decode_file(photo_set.path(photo))
        yield photo, [(f, verify_token(f.text, photo_set.program, keys)) for f in found]


def test_the_set_has_every_kind_of_photo(photo_set):
    photos = photo_set.photos
    assert len(photos) == 40
    assert sum(len(p.cards) for p in photos) >= 50
    assert any(len(p.cards) >= 3 for p in photos)
    assert any(p.others and not p.cards for p in photos)
    assert any(not p.others and not p.cards for p in photos)
    truth = json.load(open(os.path.join(photo_set.folder, "truth.json")))
    assert len(truth["photos"]) == 40


def test_at_least_95_percent_of_cards_are_read_and_no_learner_is_ever_wrong(photo_set):
    cards = read = 0
    for photo, results in scan(photo_set):
        wanted = {c.learner_id for c in photo.cards}
        accepted = [check.learner_id for _, check in results if check.valid]
        assert set(accepted) <= wanted, f"{photo.name}: a learner who is not in the photo was marked"
        assert len(accepted) == len(set(accepted)), f"{photo.name}: one card read twice"
        cards += len(wanted)
        read += len(set(accepted))
    assert read / cards >= 0.95, f"read {read} of {cards} cards"


def test_codes_that_are_not_cards_are_refused(photo_set):
    refused = 0
    for photo, results in scan(photo_set):
        for found, check in results:
            if found.text in photo.others:
                assert not check.valid and check.reason
                refused += 1
    assert refused >= 8  # URLs, Wi-Fi codes, other programmes' and forged cards were seen, and refused


def test_photos_without_codes_find_nothing(photo_set):
    for photo, results in scan(photo_set):
        if not photo.cards and not photo.others:
            assert results == []


def test_cards_held_up_to_answer_give_the_letter_on_top(photo_set):
    checked = 0
    for photo, results in scan(photo_set):
        by_text = {f.text: f for f, _ in results}
        for card in photo.cards:
            off = abs((card.angle + 45) % 90 - 45)  # from the nearest quarter turn
            if card.token in by_text and off <= 20:
                assert answer_for(by_text[card.token].orientation_degrees) == card.letter_on_top, (photo.name, card)
                checked += 1
    assert checked >= 25
