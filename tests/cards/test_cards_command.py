"""`cinema cards`: roster in, PDF and summary out; bad rosters are `file:line:` lines and exit 1."""

import io
import stat
import subprocess
from datetime import date

import zxingcpp
from PIL import Image

from cinema.cards.command import cards_main
from cinema.cards.keys import load_keys
from cinema.cards.numbers import load_numbers
from cinema.core.roster import make_token

DAY = date(2026, 11, 23)


def run(*args, **kwargs) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cards_main(*args, today=DAY, out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_first_run_makes_the_key_and_the_cards(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name\n" + "".join(f"L{i:03d},Child {i}\n" for i in range(9)))
    keys = tmp_path / "var" / "card-keys.json"
    code, out, err = run(roster, tmp_path / "cards.pdf", program="NORTH", keys=keys)
    assert (code, err) == (0, "")
    assert "Made a new card key" in out and "NORTH" in out
    assert "cards.pdf: 9 cards on 10 pages" in out  # 5 sheets, fronts and backs
    assert "flipping on the long edge" in out
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")
    numbers = keys.with_name("card-numbers.json")
    assert f"Answer card numbers: {numbers} (new: 9)" in out and "every kiosk of programme NORTH" in out
    assert load_numbers(numbers, "NORTH") == {f"L{i:03d}": i + 1 for i in range(9)}

    # Second run: same key, no new-key note, the child's number kept; one-sided: one page a child.
    roster.write_text("learner_id,name\nL005,Amina\n")
    code, out, _ = run(roster, tmp_path / "one.pdf", program="NORTH", keys=keys, one_sided=True)
    assert code == 0 and "one.pdf: 1 card on 1 page" in out and "(new: 0)" in out and "Fold" in out
    assert load_numbers(numbers, "NORTH")["L005"] == 6


def test_cards_are_signed_with_the_programme_key_from_the_config(project):
    config = project / "kiosk_config" / "default.yaml"
    config.write_text(config.read_text().replace("program: DEMO", "program: LC-NORTH"))
    roster = project / "roster.csv"
    roster.write_text("learner_id,name\nL001,Amina\n")
    code, _, err = run(roster, project / "cards.pdf", config)
    assert code == 0, err
    [key] = load_keys(project / "var" / "card-keys.json", DAY)  # the config's keys path, at the project root
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(project / "cards.pdf"), str(project / "page")], check=True)
    [code_found] = zxingcpp.read_barcodes(Image.open(project / "page-1.png"))
    assert code_found.text == make_token("LC-NORTH", "L001", key)


def test_bad_roster_prints_each_problem_and_writes_nothing(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name\nL001,Amina\nL 2,Omar\nL001,Again\n")
    code, out, err = run(roster, tmp_path / "cards.pdf", keys=tmp_path / "keys.json")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 2
    assert "roster.csv:3: learner_id:" in lines[0] and "roster.csv:4: learner_id:" in lines[1]
    assert "line 2" in lines[1]
    assert not (tmp_path / "cards.pdf").exists() and not (tmp_path / "keys.json").exists()


def test_broken_config_or_key_file_is_reported_not_raised(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name\nL001,Amina\n")
    broken = tmp_path / "keys.json"
    broken.write_text("{not json")
    code, _, err = run(roster, tmp_path / "cards.pdf", keys=broken)
    assert code == 1 and "keys.json:1:" in err and "damaged" in err
    config = tmp_path / "kiosk.yaml"
    config.write_text("version: 1\ncards: {program: 'bad code!'}\n")
    code, _, err = run(roster, tmp_path / "cards.pdf", config)
    assert code == 1 and "kiosk.yaml:" in err


def test_unwritable_output_is_one_line(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name\nL001,Amina\n")
    (tmp_path / "cards.pdf").mkdir()  # a folder where the PDF should go
    code, _, err = run(roster, tmp_path / "cards.pdf", keys=tmp_path / "keys.json")
    assert code == 1 and len(err.splitlines()) == 1 and "cannot write" in err


def test_a_new_child_gets_a_free_number_and_nobody_is_renumbered(tmp_path):
    roster = tmp_path / "roster.csv"
    keys = tmp_path / "card-keys.json"
    roster.write_text("learner_id,name\nL001,Amina\nL002,Omar\nL003,Li\n")
    assert run(roster, tmp_path / "cards.pdf", keys=keys)[0] == 0
    roster.write_text("learner_id,name\nL000,New\nL001,Amina\nL003,Li\nL004,Zoe\n")  # L002 left
    code, out, _ = run(roster, tmp_path / "cards.pdf", keys=keys)
    assert code == 0 and "(new: 2)" in out
    assert load_numbers(keys.with_name("card-numbers.json"), "DEMO") == {
        "L000": 4, "L001": 1, "L002": 2, "L003": 3, "L004": 5}  # L002's card is not given to a newcomer


def test_a_damaged_numbers_file_stops_before_any_card_is_printed(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name\nL001,Amina\n")
    keys = tmp_path / "card-keys.json"
    keys.with_name("card-numbers.json").write_text('{"version": 1, "programs": {"DEMO": {"L001": 500}}}')
    code, out, err = run(roster, tmp_path / "cards.pdf", keys=keys)
    assert code == 1 and "card-numbers.json" in err and "not a card number" in err
    assert not (tmp_path / "cards.pdf").exists()


def test_a_class_too_large_to_number_is_one_plain_problem_and_nothing_is_written(tmp_path):
    roster = tmp_path / "class.csv"
    roster.write_text("learner_id,name\n" + "".join(f"L{i:03d},Child\n" for i in range(101)))
    keys = tmp_path / "card-keys.json"
    code, _, err = run(roster, tmp_path / "cards.pdf", keys=keys)
    assert code == 1 and "class.csv: group: the class list has 101 learners" in err and "no group" in err
    assert not (tmp_path / "cards.pdf").exists() and not keys.with_name("card-numbers.json").exists()
