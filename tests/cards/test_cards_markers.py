"""The printed cards' backs: each child's big marker says the number the numbers file gives them, turns to
the same letters as the front, and lands behind its own front (duplex, long-edge flip) or folds onto it."""

import io
from datetime import date

import numpy as np
import pypdfium2
import pytest
import zxingcpp

from cinema.cards.command import cards_main
from cinema.cards.numbers import load_numbers
from cinema.devices.cards.answer_card import answer_for
from cinema.devices.cards.markers import MarkerReader

DPI = 60  # a marker cell is 33 px, a QR module 6.7 px
ROSTER = ("learner_id,name,card\n"
          "s001,Amina,\ns002,Omar,42\ns003,Li,\ns004,Zoë,\ns005,Олена,\ns006,أمينة,\n")  # s002's card: the roster's


def print_cards(tmp_path, one_sided: bool) -> tuple[list[np.ndarray], dict[str, int]]:
    roster = tmp_path / "class.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    keys = tmp_path / "card-keys.json"
    out = tmp_path / "cards.pdf"
    assert cards_main(roster, out, program="P1", keys=keys, today=date(2026, 12, 1), out=io.StringIO(),
                      one_sided=one_sided) == 0
    pdf = pypdfium2.PdfDocument(out)
    pages = [pdf[i].render(scale=DPI / 72, grayscale=True).to_numpy().copy() for i in range(len(pdf))]
    pdf.close()
    return pages, load_numbers(keys.with_name("card-numbers.json"), "P1")


def halves(page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    middle = page.shape[0] // 2
    return page[:middle], page[middle:]


def qr_codes(image: np.ndarray) -> list:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def centre(points) -> tuple[float, float]:
    return sum(x for x, _ in points) / 4, sum(y for _, y in points) / 4


@pytest.fixture(scope="module")
def duplex(tmp_path_factory):
    return print_cards(tmp_path_factory.mktemp("duplex"), one_sided=False)


def test_each_back_says_its_childs_number_from_the_numbers_file(duplex):
    pages, numbers = duplex
    assert numbers == {"s001": 1, "s002": 42, "s003": 2, "s004": 3, "s005": 4, "s006": 5}
    reader = MarkerReader()
    order = ["s001", "s002", "s003", "s004", "s005", "s006"]
    read = []
    for back in pages[1::2]:
        for half in halves(back):
            read += [marker.number for marker in reader.read(half)]
    assert read == [numbers[learner] for learner in order]


def test_duplex_backs_land_behind_their_own_fronts(duplex):
    """Turned over on its long edge, a page's x becomes width - x: each back's marker must then sit in its
    own front's half with the card's top the same way (the front's QR and the back's marker both upright
    on the same edge)."""
    pages, _numbers = duplex
    reader = MarkerReader()
    width = pages[0].shape[1]
    for front, back in zip(pages[0::2], pages[1::2]):
        codes = sorted(qr_codes(front), key=lambda code: code.position.top_left.y)
        markers = sorted(reader.read(back), key=lambda marker: marker.corners[0][1])
        assert len(codes) == len(markers) >= 1
        for code, marker in zip(codes, markers):
            code_half = code.position.top_left.y > front.shape[0] / 2
            x, y = centre(marker.corners)
            assert (y > back.shape[0] / 2) == code_half
            assert abs((width - x) - width / 2) < 3  # the marker is centred across the card: so is its mirror
            # the mirror turns a clockwise angle into a counterclockwise one: the tops agree through the sheet
            assert code.orientation == -90 and marker.angle == pytest.approx(90, abs=2)


def test_a_card_held_up_reads_the_letter_its_child_sees_on_top(duplex):
    """The child sees the front and puts a letter on top; the camera sees the back. A card turned
    clockwise as the child sees it is turned counterclockwise as the camera sees it, and the
    camera must read the letter the child put on top (a back with the front's layout read B as D)."""
    pages, _numbers = duplex
    reader = MarkerReader()
    upper = halves(pages[1])[0]
    upright = np.rot90(upper, 1)  # the back page holds the card turned clockwise: turn it back
    for quarter_turns_clockwise, letter in ((0, "A"), (1, "D"), (2, "C"), (3, "B")):
        # np.rot90 with k > 0 turns counterclockwise: the child's clockwise turn seen from behind
        [marker] = reader.read(np.ascontiguousarray(np.rot90(upright, quarter_turns_clockwise)))
        assert marker.letter == letter, quarter_turns_clockwise
    front = np.rot90(halves(pages[0])[0], -1)  # the front page holds it turned counterclockwise
    for quarter_turns_clockwise, letter in ((0, "A"), (1, "D"), (2, "C"), (3, "B")):
        [code] = qr_codes(np.ascontiguousarray(np.rot90(front, -quarter_turns_clockwise)))
        assert answer_for(code.orientation) == letter


def test_one_sided_puts_front_and_back_on_one_page_to_fold(tmp_path):
    pages, numbers = print_cards(tmp_path, one_sided=True)
    reader = MarkerReader()
    assert len(pages) == 6
    for page, learner in zip(pages, ["s001", "s002", "s003", "s004", "s005", "s006"]):
        top, bottom = halves(page)
        [code] = qr_codes(top)
        [marker] = reader.read(bottom)
        assert not reader.read(top) and not qr_codes(bottom)
        assert code.text.split(".")[2] == learner and marker.number == numbers[learner]
        # folded on the middle line (y -> height - y), directions along x stay: both tops to the page's left
        assert code.orientation == -90 and marker.angle == pytest.approx(-90, abs=2)


def test_the_marker_has_a_cell_of_white_round_it_and_room_for_a_thumb(duplex):
    """Nothing printed within one cell of the marker (it is found by its black border against white), and
    25 mm of card between it and each long edge, where a thumb holds the card turned to B or D."""
    pages, _numbers = duplex
    upper = halves(pages[1])[0]  # the first card's back; its long edges run across the page
    [marker] = MarkerReader().read(upper)
    xs, ys = [x for x, _ in marker.corners], [y for _, y in marker.corners]
    cell = (max(xs) - min(xs)) / 7
    per_mm = DPI / 25.4
    assert cell / per_mm == pytest.approx(14, abs=0.5)
    left, right, top, bottom = (round(v) for v in (min(xs) - cell, max(xs) + cell, min(ys) - cell, max(ys) + cell))
    ring = upper[top:bottom, left:right].copy()
    inside = round(cell) - 2  # the marker itself, give or take the corners found to a pixel
    ring[inside:-inside, inside:-inside] = 255
    assert ring.min() > 200
    pixel = 1 / per_mm  # the corners are found to a pixel
    assert min(ys) / per_mm >= 25 - pixel and (upper.shape[0] - max(ys)) / per_mm >= 25 - pixel
