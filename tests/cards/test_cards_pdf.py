"""The printed cards' fronts: every QR code scans to its own token, letters sit on the right edges, names only
when asked. (The backs' answer markers: test_cards_markers.py.)"""

import re
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from cinema.cards.qr_payload import LEVEL
from cinema.cards.pdf import make_cards_pdf, outline
from cinema.core.roster import Learner, make_token
from cinema.devices.cards.answer_card import answer_for

KEY = bytes(range(32))
DPI = 72  # a QR module is 8 px: plenty
LEARNERS = [
    Learner("L001", "Amina Said", "Blue"),
    Learner("L002", "Олена Коваль", "", "uk"),
    Learner("L003", "أمينة سعيد", "", "ar"),
    Learner("L004", "Said, Omar"),
    Learner("L005", ""),
    Learner("L006", "Oleksandra"),
    Learner("L007", "Zoë"),
    Learner("L008", "Ярослав"),
    Learner("amina_s-2", "Mohammed"),  # lowercase and _ in an id: byte mode QR, still fine
    Learner("L010", "Li"),
]
LEARNERS = [replace(learner, card=i + 1) for i, learner in enumerate(LEARNERS)]
LATIN_CYRILLIC_FIRST_NAMES = ["Amina", "Олена", "Omar", "Oleksandra", "Zoë", "Ярослав", "Mohammed", "Li"]


@pytest.fixture(scope="module")
def cards(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cards") / "cards.pdf"
    assert make_cards_pdf(LEARNERS, "P1", KEY, path) == 10  # 5 sheets: fronts, then their backs
    return path


def render(pdf: Path, first: int = 1, last: int = 0) -> list[Path]:
    prefix = pdf.with_suffix("")
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    subprocess.run(["pdftoppm", "-r", str(DPI), *pages, "-png", str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def decode(image) -> list:
    image = Image.open(image) if isinstance(image, Path) else image
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def centre(position) -> tuple[float, float]:
    points = [position.top_left, position.top_right, position.bottom_right, position.bottom_left]
    return sum(p.x for p in points) / 4, sum(p.y for p in points) / 4


def test_every_front_scans_to_its_own_token_in_roster_order(cards):
    pages = render(cards)
    assert len(pages) == 10
    seen = []
    for png in pages[0::2]:
        codes = decode(png)
        codes.sort(key=lambda code: centre(code.position)[1])  # the upper card first
        for code in codes:
            # each card lies turned a quarter on the page, its top to the page's left
            assert code.orientation == -90 and code.ec_level == LEVEL
        seen += [code.text for code in codes]
    assert seen == [make_token("P1", learner.learner_id, KEY) for learner in LEARNERS]
    assert not any(decode(png) for png in pages[1::2])  # the backs carry no QR code


def test_a_card_turned_shows_the_turn(cards):
    """Answer by card: the front held upright reads A; turned a quarter counterclockwise, B is on top."""
    upright = Image.open(render(cards, 1, 1)[0]).rotate(-90, expand=True)  # the cards as they are held
    for turn, letter in ((0, "A"), (90, "B"), (180, "C"), (270, "D")):  # PIL turns counterclockwise
        codes = decode(upright.rotate(turn, expand=True))
        assert len(codes) == 2 and {answer_for(c.orientation) for c in codes} == {letter}


def letter_boxes(pdf: Path) -> list[tuple[str, float, float]]:
    """(letter, x, y) centres in PDF points (y down) of the one-letter words on page 1."""
    html = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(m[4], (float(m[0]) + float(m[2])) / 2, (float(m[1]) + float(m[3])) / 2)
            for m in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([ABCD])<', html)]


def test_letters_a_b_c_d_sit_on_the_top_right_bottom_left_of_each_code(cards):
    codes = decode(render(cards, 1, 1)[0])
    letters = letter_boxes(cards)
    assert len(letters) == 4 * len(codes) == 8
    for code in codes:
        cx, cy = (v * 72 / DPI for v in centre(code.position))
        near = sorted(letters, key=lambda item: (item[1] - cx) ** 2 + (item[2] - cy) ** 2)[:4]
        where = {letter: (x - cx, y - cy) for letter, x, y in near}
        assert sorted(where) == ["A", "B", "C", "D"]
        # the card's top is the page's left: A left of the code, B above, C right, D below
        assert where["A"][0] < -120 and abs(where["A"][1]) < 5
        assert where["B"][1] < -120 and abs(where["B"][0]) < 5
        assert where["C"][0] > 120 and abs(where["C"][1]) < 5
        assert where["D"][1] > 120 and abs(where["D"][0]) < 5


def test_first_names_printed_in_every_script(cards):
    text = text_of(cards)
    for name in LATIN_CYRILLIC_FIRST_NAMES:
        assert name in text
    assert "Said" not in text and "Коваль" not in text  # first names only
    # Arabic is stored shaped (presentation forms); pdftotext puts it back in reading order.
    assert "أمينة" in unicodedata.normalize("NFKC", text)


def test_without_names_no_name_is_anywhere_in_the_pdf(tmp_path):
    path = tmp_path / "cards.pdf"
    make_cards_pdf(LEARNERS, "P1", KEY, path, show_names=False)
    text = text_of(path)
    plain = unicodedata.normalize("NFKC", text)
    for learner in LEARNERS:
        for word in learner.name.replace(",", " ").split():
            assert word not in plain and word not in plain[::-1]
        assert learner.learner_id in text  # the teacher's small print stays
    assert len(decode(render(path, 1, 1)[0])) == 2


def test_a_failed_run_leaves_the_old_pdf_whole(tmp_path):
    path = tmp_path / "cards.pdf"
    make_cards_pdf(LEARNERS[:2], "P1", KEY, path)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        make_cards_pdf(LEARNERS[:2] + [Learner("bad id", card=3)], "P1", KEY, path)
    with pytest.raises(ValueError, match="no answer card number for L099"):
        make_cards_pdf(LEARNERS[:2] + [Learner("L099")], "P1", KEY, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["cards.pdf"]


def test_same_roster_same_bytes(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    make_cards_pdf(LEARNERS, "P1", KEY, a)
    make_cards_pdf(LEARNERS, "P1", KEY, b)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("rows", [
    ["#"],
    ["##", "##"],
    ["#.#", ".#.", "#.#"],  # corners touching diagonally
    ["###", "#.#", "###"],  # a hole
])
def test_code_outline_covers_exactly_the_dark_modules(rows):
    matrix = [[ch == "#" for ch in row] for row in rows]
    loops = outline(matrix)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            assert (winding(loops, c + 0.5, r + 0.5) != 0) == dark, (r, c)


def winding(loops, x: float, y: float) -> int:
    """Winding number of the point around the loops (ray to the right, crossing vertical edges)."""
    total = 0
    for loop in loops:
        for (x1, y1), (x2, y2) in zip(loop, loop[1:] + loop[:1]):
            if x1 == x2 and x1 > x and min(y1, y2) < y < max(y1, y2):
                total += 1 if y2 > y1 else -1
    return total
