"""The class list CSV: every bad line named with its number and what to do."""

from pathlib import Path

import pytest

from cinema.cards.roster_csv import load_roster_csv
from cinema.config.problems import ConfigError
from cinema.core.roster import Learner


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ConfigError) as info:
        load_roster_csv(path)
    return [(p.line, p.key, str(p)) for p in info.value.problems]


def test_reads_learners_in_order_with_optional_columns(tmp_path):
    path = write(tmp_path, "learner_id,name,group,language\n"
                           "L001,Amina Said,Blue,ar\n"
                           "L002,Олена Коваль,,uk-UA\n"
                           "\n"
                           "L003,,Red,\n")
    assert load_roster_csv(path) == [
        Learner("L001", "Amina Said", "Blue", "ar"),
        Learner("L002", "Олена Коваль", "", "uk_UA"),
        Learner("L003", "", "Red", ""),  # a name may be empty: the card shows the id and picture
    ]


@pytest.mark.parametrize("text", [
    "\ufefflearner_id,name\nL001,Amina\n",  # Excel's "CSV UTF-8" with a byte order mark
    "learner_id;name\r\nL001;Amina\r\n",  # semicolons, as spreadsheets in many locales save
    "Name,Learner_ID\nAmina,L001\n",  # columns in any order, any case
    'learner_id,name\nL001,"  Amina  "\n',
])
def test_spreadsheet_variants(tmp_path, text):
    assert load_roster_csv(write(tmp_path, text)) == [Learner("L001", "Amina")]


def test_name_with_comma_in_quotes_spans_lines_and_keeps_line_numbers(tmp_path):
    path = write(tmp_path, 'learner_id,name\nL001,"Said,\nAmina"\nL002,Omar\nL 3,Bad\n')
    assert [line for line, _, _ in problems(path)] == [5]


CASES = [
    # (csv text, [(line, key, words the message must contain)])
    ("learner_id,name\nL001,Amina\nL002,Omar\nL001,Amina again\n",
     [(4, "learner_id", "also on line 2")]),
    ("learner_id,name\nL001,Amina\nl001,Lower\n", [(3, "learner_id", "also on line 2")]),
    ("learner_id,name\nL 4,Space\n", [(2, "learner_id", "characters a card cannot carry")]),
    ("learner_id,name\nLéa1,Accent\n", [(2, "learner_id", "'é'")]),
    ("learner_id,name\n,No id\n", [(2, "learner_id", "empty")]),
    ("learner_id,name\n" + "X" * 33 + ",Long\n", [(2, "learner_id", "too long")]),
    ("learner_id,name\nL001,Said, Amina\n", [(2, "", "3 values for 2 columns")]),
    ("learner_id,name,language\nL001,Amina,arabic!\n", [(2, "language", "not a language code")]),
    ("learner_id,name\nL001," + "A" * 81 + "\n", [(2, "name", "longer than 80")]),
    ("learner_id,name,group\nL001,A," + "G" * 41 + "\n", [(2, "group", "longer than 40")]),
    ("learner_id\nL001\n", [(1, "header", "missing column name")]),
    ("id,name\nL001,Amina\n", [(1, "header", "unknown column 'id'"), (1, "header", "missing column learner_id")]),
    ("learner_id,name,grupo\nL001,A,B\n", [(1, "header", 'did you mean "group"')]),
    ("learner_id,name,birthday\nL001,A,2018-01-01\n", [(1, "header", "remove the column")]),
    ("learner_id,name,name\nL001,A,B\n", [(1, "header", "appears twice")]),
    ("", [(1, "header", "column names")]),
    ("learner_id,name\n", [(1, "", "no learners")]),
    ("learner_id,name,card\nL001,A,seven\n", [(2, "card", "'seven' is not a card number")]),
    ("learner_id,name,card\nL001,A,-3\n", [(2, "card", "not a card number")]),
    ("learner_id,name,card\nL001,A,0\nL002,B,101\n",
     [(2, "card", "card 0 is not 1 to 100"), (3, "card", "card 101 is not 1 to 100")]),
    ("learner_id,name,card\nL001,A,7\nL002,B,\nL003,C,7\n", [(4, "card", "card 7 is also on line 2")]),
    ("learner_id,name,group,card\nL001,A,Blue,7\nL002,B,Red,7\n",  # a small roster: one scope
     [(3, "card", "card 7 is also on line 2")]),
    ("learner_id,name\nL001,Amina\nL 2,X\n,Y\nL001,Z\n",  # all problems, not just the first
     [(3, "learner_id", "cannot carry"), (4, "learner_id", "empty"), (5, "learner_id", "also on line 2")]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_bad_rosters_name_line_key_and_problem(tmp_path, text, expected):
    found = problems(write(tmp_path, text))
    assert len(found) == len(expected), found
    for (line, key, message), (want_line, want_key, words) in zip(found, expected):
        assert (line, key) == (want_line, want_key), message
        assert words in message
        assert f"roster.csv:{line}: " in message if line else "roster.csv: " in message


def test_card_column_gives_each_child_their_number(tmp_path):
    path = write(tmp_path, "learner_id,name,card\nL001,Amina,12\nL002,Omar,\n")
    assert load_roster_csv(path) == [Learner("L001", "Amina", card=12), Learner("L002", "Omar")]


def test_card_numbers_repeat_across_groups_only_in_a_roster_larger_than_the_family(tmp_path):
    rows = "".join(f"b{i},B,Blue,{i}\n" for i in range(1, 61)) + "".join(f"r{i},R,Red,{i}\n" for i in range(1, 61))
    learners = load_roster_csv(write(tmp_path, "learner_id,name,group,card\n" + rows))
    assert len(learners) == 120 and learners[60].card == 1
    rows += "r61,R,Red,5\n"
    assert [(line, key) for line, key, _ in problems(write(tmp_path, "learner_id,name,group,card\n" + rows))] == \
        [(122, "card")]


def test_not_utf8_names_the_line_and_the_fix(tmp_path):
    path = write(tmp_path, "learner_id,name\nL001,Amina\nL002,Zoë\n", encoding="latin-1")
    [(line, _, message)] = problems(path)
    assert line == 3 and "UTF-8" in message


def test_missing_file_is_one_problem_not_a_traceback(tmp_path):
    [(line, _, message)] = problems(tmp_path / "nope.csv")
    assert line == 0 and "cannot read the roster" in message
