"""`cinema scan IMAGE...`: a JSON line per code, refused codes say why, a bad file is an error line and exit 1."""

import io
import json

import cv2
import numpy as np

from cinema.core.roster import make_token
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
    assert lines == [{"file": path, "codes": 0, "note": "no QR code in this image"}]


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
