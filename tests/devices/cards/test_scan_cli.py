"""`cinema scan IMAGE...`: a JSON line per code, refused codes say why, a bad file is an error line and exit 1."""

import io
import json

import cv2
import numpy as np

import pytest

from cinema.core.roster import Learner, Roster, make_token
from cinema.devices.cards.photos import render_card
from cinema.devices.cards.scan_cli import scan_main

KEY = b"scan key"


def photo(tmp_path, name, *payloads, turn=0):
    frame = np.full((720, 1280), 150, np.uint8)
    for i, text in enumerate(payloads):
        card = render_card(text, module_px=5)
        frame[60:60 + card.shape[0], 30 + i * 420:30 + i * 420 + card.shape[1]] = card
    if turn:
        frame = cv2.rotate(frame, turn)
    path = tmp_path / name
    cv2.imwrite(str(path), frame)
    return str(path)


def run(paths, program="TEST", keys=(KEY,)):
    out = io.StringIO()
    code = scan_main(paths, program, keys, out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_valid_and_refused_cards_each_get_a_line(tmp_path):
    good = make_token("TEST", "s001", KEY)
    other_programme = make_token("OTHER", "s002", KEY)
    forged = make_token("TEST", "s003", b"wrong key")
    path = photo(tmp_path, "class.png", good, other_programme, forged)
    code, lines = run([path])
    assert code == 0
    by_id = {(line["learner_id"], line.get("reason")) for line in lines}
    assert (("s001", None)) in by_id
    assert (None, "Card from another programme") in by_id
    assert (None, "Card not recognised") in by_id
    assert all(line["file"] == path for line in lines)
    assert [line["valid"] for line in lines].count(True) == 1


def test_a_key_from_before_a_key_change_still_reads(tmp_path):
    path = photo(tmp_path, "old.png", make_token("TEST", "s9", b"last year"))
    code, lines = run([path], keys=(KEY, b"last year"))
    assert lines[0]["valid"] is True and lines[0]["learner_id"] == "s9"


def test_a_card_held_sideways_reports_its_answer_letter(tmp_path):
    path = photo(tmp_path, "b.png", make_token("TEST", "s1", KEY), turn=cv2.ROTATE_90_COUNTERCLOCKWISE)
    _, lines = run([path])
    assert lines[0]["answer"] == "B" and lines[0]["valid"]


def test_an_image_with_no_code_says_so_and_is_not_an_error(tmp_path):
    path = photo(tmp_path, "empty.png")
    code, lines = run([path])
    assert code == 0
    assert lines == [{"file": path, "codes": 0, "note": "no QR code or answer card in this image"}]


def test_an_unreadable_file_is_an_error_line_the_rest_are_still_scanned_and_exit_is_1(tmp_path):
    good = photo(tmp_path, "good.png", make_token("TEST", "s001", KEY))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    code, lines = run([str(tmp_path / "missing.png"), str(tmp_path / "broken.jpg"), good])
    assert code == 1
    assert lines[0] == {"file": str(tmp_path / "missing.png"), "error": "no such file"}
    assert lines[1]["error"] == "not an image this program can read"
    assert lines[2]["learner_id"] == "s001" and lines[2]["valid"] is True


def test_a_huge_picture_or_a_pipe_is_refused_before_decoding_and_the_others_are_still_scanned(tmp_path):
    import os

    from tests.budget import budget
    from tests.config.media_samples import png

    good = photo(tmp_path, "good.png", make_token("TEST", "s001", KEY))
    (tmp_path / "huge.png").write_bytes(png(9000, 9000, pixels=False))  # 81 megapixels, by its header
    os.mkfifo(tmp_path / "pipe.png")  # opening it would wait for a writer for good
    with budget(seconds=5, megabytes=64):
        code, lines = run([str(tmp_path / "huge.png"), str(tmp_path / "pipe.png"), good])
    assert code == 1
    assert lines[0]["file"] == str(tmp_path / "huge.png")
    assert lines[0]["error"] == "picture too big to scan (9000x9000, at most 40 megapixels)"
    assert lines[1] == {"file": str(tmp_path / "pipe.png"), "error": "not a file (a pipe or a device)"}
    assert lines[2]["learner_id"] == "s001" and lines[2]["valid"] is True


# ---- answer cards: the big marker on a printed card's back ------------------------------------------


@pytest.fixture(scope="module")
def backs(tmp_path_factory):
    """The backs of cards 7 and 42 as `cinema cards` prints them, rendered at 50 dpi, each cut out upright."""
    import pypdfium2

    from cinema.cards.pdf import make_cards_pdf

    pdf_path = tmp_path_factory.mktemp("backs") / "cards.pdf"
    make_cards_pdf([Learner("s001", card=7), Learner("s002", card=42)], "TEST", KEY, pdf_path)
    pdf = pypdfium2.PdfDocument(pdf_path)
    page = pdf[1].render(scale=50 / 72, grayscale=True).to_numpy().copy()  # the page of backs
    pdf.close()
    middle = page.shape[0] // 2
    # the back page holds each card turned clockwise (its top to the right): turn it back upright
    return {7: np.rot90(page[:middle], 1).copy(), 42: np.rot90(page[middle:], 1).copy()}


def back_photo(tmp_path, backs, held: dict[int, float]) -> str:
    """A 1280x720 photo of the cards held up, each turned `held[number]` degrees clockwise, in perspective,
    slightly blurred and saved as JPEG."""
    frame = np.full((720, 1280), 120, np.uint8)
    for i, (number, angle) in enumerate(held.items()):
        card = backs[number]
        h, w = card.shape
        cx, cy, scale = 330 + 620 * i, 360, 260 / h
        a = np.radians(angle)
        corners = []
        for k, (x, y) in enumerate(((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))):
            x, y = x * scale * (1.1 if k in (1, 2) else 0.95), y * scale  # one side nearer the camera
            corners.append((cx + x * np.cos(a) - y * np.sin(a), cy + x * np.sin(a) + y * np.cos(a)))
        m = cv2.getPerspectiveTransform(np.float32([(0, 0), (w, 0), (w, h), (0, h)]), np.float32(corners))
        warped = cv2.warpPerspective(card, m, (1280, 720), borderValue=0)
        mask = cv2.warpPerspective(np.full_like(card, 255), m, (1280, 720))
        frame = np.where(mask > 128, warped, frame)
    frame = cv2.GaussianBlur(frame, (5, 5), 1.2)
    path = tmp_path / "held.jpg"
    cv2.imwrite(str(path), frame, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return str(path)


def run_with_roster(paths, learners):
    out = io.StringIO()
    code = scan_main(paths, "TEST", (KEY,), out, roster=Roster("TEST", (KEY,), tuple(learners)))
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_answer_cards_held_up_report_the_learner_and_the_letter_on_top(tmp_path, backs):
    path = back_photo(tmp_path, backs, {7: -80.0, 42: 172.0})  # 7 turned to D (its right edge up), 42 to C
    code, lines = run_with_roster([path], [Learner("s001", card=7), Learner("s002", card=42)])
    assert code == 0
    assert [(line["learner_id"], line["valid"], line["answer"], line["card"]) for line in lines] == [
        ("s001", True, "D", 7), ("s002", True, "C", 42)]
    assert lines[0]["orientation"] == pytest.approx(-80, abs=4) and lines[0]["file"] == path


@pytest.mark.parametrize("learners, reason", [
    ([Learner("s002", card=42)], "Card number not on this kiosk's roster"),
    ([Learner("s001", "", "Blue", card=7), Learner("r001", "", "Red", card=7), Learner("s002", card=42)],
     "Card number shared by two groups: present children tell them apart"),
])
def test_an_answer_card_nobody_or_two_children_hold_is_not_valid_and_says_why(tmp_path, backs, learners, reason):
    path = back_photo(tmp_path, backs, {7: 8.0, 42: 0.0})
    _, lines = run_with_roster([path], learners)
    [seven] = [line for line in lines if line["card"] == 7]
    assert seven == {"file": path, "learner_id": None, "valid": False, "reason": reason, "answer": "A", "card": 7,
                     "orientation": pytest.approx(8, abs=4)}
    assert [line["learner_id"] for line in lines if line["card"] == 42] == ["s002"]


def test_without_a_roster_an_answer_card_still_says_its_number_and_letter(tmp_path, backs):
    path = back_photo(tmp_path, backs, {42: 95.0})
    code, lines = run([path])
    assert code == 0 and [(line["card"], line["answer"], line["valid"]) for line in lines] == [(42, "B", False)]
