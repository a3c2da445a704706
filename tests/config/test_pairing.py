"""The handset pairing CSV: good files load, each bad line is named with what to fix."""

import pytest

from cinema.config import ConfigError
from cinema.config.pairing import load_pairing


def write(tmp_path, text):
    path = tmp_path / "pairs.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_pairs_and_teams_load(tmp_path):
    pairs, teams = load_pairing(write(tmp_path, "clicker,learner_id,team\nc1a2,L001,1\n00FF,L002,\n"))
    assert pairs == {"0000C1A2": "L001", "000000FF": "L002"}
    assert teams == {"L001": 1}


@pytest.mark.parametrize("text, line, words", [
    ("id,name\n", 1, "column names"),
    ("clicker,learner_id\nZZZ,L1\n", 2, "not a handset id"),
    ("clicker,learner_id\nAB,L 1\n", 2, "not a learner id"),
    ("clicker,learner_id\nAB,L1\n00ab,L2\n", 3, "paired twice"),
    ("clicker,learner_id\nAB,L1\nCD,L1\n", 3, "already has a handset (line 2)"),
    ("clicker,learner_id,team\nAB,L1,nine\n", 2, "not a team number"),
])
def test_bad_lines_are_named(tmp_path, text, line, words):
    with pytest.raises(ConfigError) as err:
        load_pairing(write(tmp_path, text))
    problem = err.value.problems[0]
    assert problem.line == line and words in str(problem)
    assert str(problem).startswith(f"{tmp_path / 'pairs.csv'}:{line}:")
