"""A quote opened and never closed in a class list or a pairing file is a line-numbered problem, not a
name that silently eats the rest of the class; the printed cards (names and tokens) are owner-only."""

import io
import os
import stat
from datetime import date

import pytest

from cinema.cards.command import cards_main
from cinema.cards.roster_csv import load_roster_csv
from cinema.config.pairing import load_pairing
from cinema.config.problems import ConfigError


def problems(load, path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("text, line", [
    ('learner_id,name\nL001,Zara\nL002,"Amina\nL003,Olena\nL004,Omar\n', 3),
    ('learner_id;name\nL001;"Said; Amina\n', 2),  # a semicolon spreadsheet
    ('learner_id,name\n"L001,Amina\n', 2),
])
def test_an_unclosed_quote_in_the_roster_names_its_line(tmp_path, text, line):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    [problem] = problems(load_roster_csv, path)
    assert problem.startswith(f"{path}:{line}: ") and "never closed" in problem


def test_quoted_names_with_commas_and_line_breaks_still_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text('learner_id,name\nL001,"Said, Amina"\nL002,"Olena\nK."\nL003,Omar\n')
    assert [(x.learner_id, x.name) for x in load_roster_csv(path)] == [
        ("L001", "Said, Amina"), ("L002", "Olena K."), ("L003", "Omar")]


def test_an_unclosed_quote_in_the_pairing_file_names_its_line(tmp_path):
    path = tmp_path / "pairing.csv"
    path.write_text('clicker,learner_id\n1A2B3C4D,L001\n"2B3C4D5E,L002\n3C4D5E6F,L003\n')
    [problem] = problems(load_pairing, path)
    assert problem.startswith(f"{path}:3: ") and "never closed" in problem


def test_the_cards_pdf_is_owner_only_like_the_key_file(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner_id,name\nL001,Amina Said\n")
    old = os.umask(0o022)  # a usual umask: without care the PDF would be readable by everyone
    try:
        code = cards_main(roster, tmp_path / "cards.pdf", program="NORTH", keys=tmp_path / "keys.json",
                          today=date(2026, 11, 23), out=io.StringIO(), err=io.StringIO())
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE((tmp_path / "cards.pdf").stat().st_mode) == 0o600
