"""The harsh attendance photos (cards printed by `cinema cards`, rendered with pdftoppm) and the
decoder's second passes: they read what plain zxing-cpp misses, and never a code not in the frame."""

import random
import shutil
from dataclasses import replace

import numpy as np
import pytest

from cinema.core.roster import make_token, verify_token
from cinema.devices.cards.decode import DEFAULT_OPTIONS, decode_frame
from cinema.devices.cards.harsh_photos import CARD_PX, harsh_photos, print_cards
from cinema.devices.cards.photos import render_photo

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils' pdftoppm")

PLAIN = replace(DEFAULT_OPTIONS, second_passes=False)
UNHURRIED = replace(DEFAULT_OPTIONS, second_pass_ms=10_000.0)  # every pass, however loaded the machine


@pytest.fixture(scope="module")
def printed():
    return print_cards([f"h{i:03d}" for i in range(24)])  # harsh_photos' own roster: seeds below depend on it


def test_cards_come_from_the_printed_pdf_with_their_real_tokens(printed):
    assert sorted(printed.cards) == [f"h{i:03d}" for i in range(24)]
    card = printed.cards["h005"]
    assert 800 < card.shape[0] < 860 and card.shape[1] < card.shape[0]  # an A5 card cut out at 100 dpi, upright
    found = decode_frame(np.pad(card, 40, constant_values=255), PLAIN)
    assert [f.text for f in found] == [make_token(printed.program, "h005", printed.key)]


def test_the_same_seed_gives_the_same_photos_and_truth(printed):
    _, a = harsh_photos(3, seed=7, printed=printed)
    _, b = harsh_photos(3, seed=7, printed=printed)
    _, c = harsh_photos(3, seed=8, printed=printed)
    assert [p.learner_ids for p in a] == [p.learner_ids for p in b]
    assert all(np.array_equal(p.image, q.image) for p, q in zip(a, b))
    assert not np.array_equal(a[0].image, c[0].image)
    for photo in a:
        assert photo.image.shape == (720, 1280, 3)
        assert 1 <= len(photo.learner_ids) <= 4 and len(set(photo.learner_ids)) == len(photo.learner_ids)
        for quad in photo.quads:  # card height (left and right edges) within range, perspective aside
            q = np.array(quad)
            left, right = np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])
            assert CARD_PX[0] * 0.7 < (left + right) / 2 < CARD_PX[1] * 1.3


def texts(photo, options) -> set[str]:
    return {f.text for f in decode_frame(photo.image, options)}


@pytest.fixture(scope="module")
def missed_by_plain(printed):
    """The first harsh photo (of a few) with a card that plain decoding misses and the second passes read."""
    _, photos = harsh_photos(8, seed=2, printed=printed)  # the 5th, today
    for photo in photos:
        extra = texts(photo, UNHURRIED) - texts(photo, PLAIN)
        if extra:
            return photo, extra
    pytest.fail("no card in 8 harsh photos needed the second passes")


def test_second_passes_read_a_card_plain_decoding_misses(printed, missed_by_plain):
    photo, extra = missed_by_plain
    tokens = {make_token(printed.program, lid, printed.key): i for i, lid in enumerate(photo.learner_ids)}
    found = [f for f in decode_frame(photo.image, UNHURRIED) if f.text in extra]
    assert found and all(f.text in tokens for f in found)
    # found on an enlarged image, its corners are put back in the frame's own pixels, on its card
    for code in found:
        q = np.array(photo.quads[tokens[code.text]])
        for x, y in code.corners:
            assert q[:, 0].min() - 5 <= x <= q[:, 0].max() + 5 and q[:, 1].min() - 5 <= y <= q[:, 1].max() + 5


def test_second_passes_never_return_a_code_that_is_not_in_the_frame(printed):
    _, photos = harsh_photos(6, seed=5, printed=printed)
    for photo in photos:
        tokens = {make_token(printed.program, lid, printed.key) for lid in photo.learner_ids}
        found = decode_frame(photo.image)
        assert {f.text for f in found} <= tokens
        assert len(found) == len({f.text for f in found})  # each card once, however many passes saw it
    # classroom scenes with foreign codes and clutter: nothing beyond what was drawn
    rng = random.Random(3)
    for ids, others in (([], 0), ([], 2), (["s1"], 1)):
        image, truth = render_photo(rng, "P", b"k", ids, others=others)
        drawn = {c.token for c in truth.cards} | set(truth.others)
        texts = [f.text for f in decode_frame(image)]
        assert set(texts) <= drawn and len(texts) == len(set(texts))
        assert all(verify_token(t, "P", (b"k",)).learner_id in (None, *ids) for t in texts)


def test_second_passes_stop_when_the_frame_budget_is_spent(missed_by_plain):
    photo, _extra = missed_by_plain
    assert texts(photo, replace(DEFAULT_OPTIONS, second_pass_ms=0.0)) == texts(photo, PLAIN)  # budget 0: plain only


def test_make_card_photos_writes_the_harsh_set_with_its_truth(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from cinema.devices.cards.decode import decode_file

    script = Path(__file__).resolve().parents[3] / "scripts" / "make_card_photos.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path), "--harsh", "--count", "2", "--seed", "4"],
                          capture_output=True, text=True, check=True)
    assert "2 harsh photos" in done.stdout
    truth = json.loads((tmp_path / "truth.json").read_text())
    key = truth["key"].encode("latin-1")
    assert [p["name"] for p in truth["photos"]] == ["harsh_000.jpg", "harsh_001.jpg"]
    for photo in truth["photos"]:
        found = decode_file(str(tmp_path / photo["name"]))
        read = {verify_token(f.text, truth["program"], (key,)).learner_id for f in found}
        assert read and read <= set(photo["learner_ids"])  # the truth names the cards really in the file


def test_the_camera_reads_again_only_frames_where_a_card_was_seen(printed, monkeypatch):
    from cinema.devices.cards import decode
    from cinema.devices.cards.camera import CameraScanner
    from cinema.devices.cards.decode import CAMERA_OPTIONS

    assert CameraScanner.__init__.__kwdefaults__["options"] is CAMERA_OPTIONS  # what the kiosk's webcam uses
    reads = []
    plain_read = decode._read
    monkeypatch.setattr(decode, "_read", lambda gray, options, binarizer: reads.append(gray.shape) or
                        plain_read(gray, options, binarizer))
    empty = np.full((720, 1280), 128, np.uint8)  # nobody holds a card up: most frames of a lesson
    assert decode_frame(empty, CAMERA_OPTIONS) == [] and len(reads) == 1
    reads.clear()
    assert decode_frame(empty, UNHURRIED) == [] and len(reads) == 4  # every pass, for nothing
    _, photos = harsh_photos(12, seed=7, printed=printed)
    for photo in photos:  # with cards in view the camera finds what plain decoding finds, and more
        plain = {f.text for f in decode_frame(photo.image, PLAIN)}
        camera = {f.text for f in decode_frame(photo.image, CAMERA_OPTIONS)}
        assert plain <= camera
