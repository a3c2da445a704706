"""Fuzzing the files a teacher hands the kiosk about children: the class list (roster CSV), the handset
pairing CSV and the card key file. Any bytes give learners or line-numbered problems (ConfigError), never
another exception, a hang, or memory out of proportion; each case under the shared budget."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.cards.keys import read_key_file
from cinema.cards.roster_csv import load_roster_csv
from cinema.config.pairing import load_pairing
from cinema.config.problems import ConfigError
from cinema.core.roster import ID_PATTERN
from tests.budget import budget

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
VALID = ('learner_id,name,group,language\nL001,"Said, Amina",5B,ar\nL002,Olena,5B,uk\nL003,Omar,,\n'
         'L004,"Jean ""JJ"" Dupont",5A,fr\n')
PAIRING = "clicker,learner_id,team\n1A2B3C4D,L001,1\n2B3C4D5E,L002,2\n"

# The bytes that matter to a CSV reader, to mutate valid files with.
SPECIAL = st.sampled_from([b'"', b",", b";", b"\t", b"\n", b"\r", b"\r\n", b"\x00", b"\xef\xbb\xbf", b"\xff",
                           b'""', b"\xd8\xb3", b"=", b" ", b"x" * 200])


def mutated(text: str):
    return st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3), SPECIAL), max_size=10).map(
        lambda edits: _apply(text.encode(), edits))


def _apply(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for at, kind, piece in edits:
        at %= len(out) + 1
        if kind == 0:
            out[at:at] = piece
        elif kind == 1:
            del out[at:at + len(piece)]
        else:
            out[at:at + len(piece)] = piece
    return bytes(out)


def read(load, path, data: bytes, seconds=2, megabytes=64):
    path.write_bytes(data)
    with budget(seconds=seconds, megabytes=megabytes):
        try:
            return load(path)
        except ConfigError as exc:
            assert exc.problems and all(str(p) for p in exc.problems)
            return None


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutated(VALID), st.text(max_size=2000).map(str.encode)))
def test_any_roster_gives_learners_or_problems(tmp_path, data):
    learners = read(load_roster_csv, tmp_path / "roster.csv", data)
    if learners is not None:
        import re

        ids = [learner.learner_id for learner in learners]
        assert all(re.fullmatch(ID_PATTERN, i) for i in ids)  # only what a card can carry
        assert len({i.casefold() for i in ids}) == len(ids)
        assert all(len(learner.name) <= 80 and "\n" not in learner.name for learner in learners)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutated(PAIRING)))
def test_any_pairing_file_gives_pairs_or_problems(tmp_path, data):
    read(load_pairing, tmp_path / "pairing.csv", data)


@FUZZ
@given(data=st.one_of(
    st.binary(max_size=500),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                 max_leaves=20).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"version": st.sampled_from([1, "1", None]), "keys": st.lists(
        st.dictionaries(st.sampled_from(["key", "created", "valid_until"]),
                        st.one_of(st.none(), st.text(max_size=50), st.integers()), max_size=3), max_size=4)}).map(
        lambda v: json.dumps(v).encode())))
def test_any_key_file_gives_keys_or_problems(tmp_path, data):
    read(read_key_file, tmp_path / "keys.json", data)


@pytest.mark.parametrize("name, load, data", [
    ("roster", load_roster_csv, b'learner_id,name\nL1,"' + b"x" * 3_000_000),  # a quote never closed, 3 MB on
    ("roster", load_roster_csv, b"learner_id,name\n" + b"L1,Amina\n" * 300_000),  # 2.7 MB of the same child
    ("roster", load_roster_csv, b"learner_id,name\n" + b"L1,A\n" * 300_000),  # 1.5 MB: 300,000 problems
    ("pairing", load_pairing, b'clicker,learner_id\n"' + b"x" * 3_000_000),
    ("keys", read_key_file, b"[" * 100_000 + b"]" * 100_000),  # nested past the JSON reader's recursion limit
])
def test_huge_or_deep_files_are_refused_with_a_problem_in_time(tmp_path, name, load, data):
    assert read(load, tmp_path / name, data, seconds=5, megabytes=96) is None
