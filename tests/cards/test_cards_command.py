"""`cinema cards`: roster in, PDF and summary out; bad rosters are `file:line:` lines and exit 1."""

import io
import stat
import subprocess
from datetime import date

import zxingcpp
from PIL import Image

from cinema.cards.command import cards_main
from cinema.cards.keys import load_keys
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
    assert out.splitlines()[-1].endswith("cards.pdf: 9 cards on 2 pages")
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")

    # Second run: same key, no new-key note; a single card is "1 card on 1 page".
    roster.write_text("learner_id,name\nL001,Amina\n")
    code, out, _ = run(roster, tmp_path / "one.pdf", program="NORTH", keys=keys)
    assert code == 0 and out.strip().endswith("one.pdf: 1 card on 1 page")


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
