"""Answer card numbers: a child keeps theirs for good, the roster's column wins, a bad file is refused."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cinema.cards.numbers import (CODES, apply_numbers, assign_numbers, load_numbers, merged, numbers_path,
                                  save_numbers)
from cinema.config.problems import ConfigError
from cinema.core.roster import Learner


def class_of(n: int, group: str = "", prefix: str = "s") -> list[Learner]:
    return [Learner(f"{prefix}{i:03d}", group=group) for i in range(1, n + 1)]


def test_new_class_is_numbered_in_roster_order():
    assert assign_numbers(class_of(3), {}) == {"s001": 1, "s002": 2, "s003": 3}


def test_a_rerun_after_adding_children_changes_no_ones_number():
    first = assign_numbers(class_of(5), {})
    grown = [Learner("new1")] + class_of(5) + [Learner("new2")]
    second = assign_numbers(grown, first)
    assert {lid: second[lid] for lid in first} == first
    assert second["new1"] == 6 and second["new2"] == 7


def test_the_roster_column_wins_and_a_known_number_it_takes_moves():
    learners = [Learner("a", card=7), Learner("b"), Learner("c")]
    numbers = assign_numbers(learners, {"a": 1, "b": 7, "c": 2})
    assert numbers == {"a": 7, "b": 1, "c": 2}  # b's 7 went to a by the roster: b gets the lowest free


def test_a_child_who_left_keeps_their_number_from_newcomers_while_others_are_free():
    numbers = assign_numbers([Learner("b"), Learner("newcomer")], {"a": 1, "b": 2})
    assert numbers == {"b": 2, "newcomer": 3}
    assert merged({"a": 1, "b": 2}, numbers) == {"a": 1, "b": 2, "newcomer": 3}


def test_a_full_roster_takes_the_numbers_of_those_who_left():
    known = {f"gone{i}": i for i in range(1, CODES + 1)}
    numbers = assign_numbers([Learner("x")], known)
    assert numbers == {"x": 1}
    assert merged(known, numbers)["x"] == 1 and "gone1" not in merged(known, numbers)


def test_a_roster_larger_than_the_family_numbers_each_group():
    learners = class_of(60, "Blue", "b") + class_of(60, "Red", "r")
    numbers = assign_numbers(learners, {})
    assert sorted(numbers[f"b{i:03d}"] for i in range(1, 61)) == list(range(1, 61))
    assert sorted(numbers[f"r{i:03d}"] for i in range(1, 61)) == list(range(1, 61))


@pytest.mark.parametrize("learners, words", [
    (class_of(CODES + 1), ["101 learners", "no group"]),
    (class_of(CODES + 1, "Blue") + class_of(3, "Red", "r"), ["group Blue", "101 learners"]),
])
def test_too_many_children_in_a_scope_is_said_plainly(learners, words, tmp_path):
    with pytest.raises(ConfigError) as caught:
        assign_numbers(learners, {}, roster_path=tmp_path / "class.csv")
    text = str(caught.value)
    assert "class.csv" in text and all(word in text for word in words)


def test_saved_numbers_load_back_and_other_programmes_stay(tmp_path):
    path = numbers_path(tmp_path / "card-keys.json")
    save_numbers(path, "OTHER", {"z": 5})
    save_numbers(path, "P1", {"s001": 1, "s002": 2})
    assert load_numbers(path, "P1") == {"s001": 1, "s002": 2}
    assert load_numbers(path, "OTHER") == {"z": 5}
    assert load_numbers(path, "NEW") == {}
    assert [p.name for p in tmp_path.iterdir()] == ["card-numbers.json"]


def test_no_file_yet_is_no_numbers(tmp_path):
    assert load_numbers(tmp_path / "card-numbers.json", "P1") == {}


@pytest.mark.parametrize("content, says", [
    (b'{"version": 1, "programs": {"P1": {"a": 0}}}', "not a card number"),
    (b'{"version": 1, "programs": {"P1": {"a": "3"}}}', "not a card number"),
    (b'{"version": 1, "programs": {"P1": {"a": true}}}', "not a card number"),
    (b'{"version": 1, "programs": {"P1": {"a b": 3}}}', "not a learner id"),
])
def test_a_hand_edited_entry_is_refused(tmp_path, content, says):
    path = tmp_path / "card-numbers.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_numbers(path, "P1")
    text = str(caught.value)
    assert "card-numbers.json:1: programs.P1." in text and says in text


def test_a_bad_entry_is_named_by_its_line(tmp_path):
    path = tmp_path / "card-numbers.json"
    save_numbers(path, "OTHER", {"a": 1})
    save_numbers(path, "P1", {"a": 1, "b": 2, "c": 3})
    path.write_text(path.read_text().replace('"b": 2', '"b": 2.5'))
    with pytest.raises(ConfigError) as caught:
        load_numbers(path, "P1")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"b"' in text)
    assert f"card-numbers.json:{line}: programs.P1.b: 2.5 is not a card number" in str(caught.value)


@pytest.mark.parametrize("content, says", [
    (b'{"version": 1,\n "programs": {"P1": {"a": 1,}}}', "2: the file is not valid JSON"),
    (b'[1, 2]', "one JSON object"),
    (b'{"version": 2, "programs": {}}', "version"),
    (b'{"version": 1, "programs": {"P1": [1]}}', "programs"),
    (b'\xff\xfe', "not text"),
    (b'[' * 100_000, "nested too deeply"),
])
def test_a_damaged_file_is_refused_naming_it_and_what_to_do(tmp_path, content, says):
    path = tmp_path / "card-numbers.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_numbers(path, "P1")
    text = str(caught.value)
    assert "card-numbers.json" in text and says in text and "print new answer cards" in text
    with pytest.raises(ConfigError):  # and is never overwritten: it may hold other programmes
        save_numbers(path, "P1", {"a": 1})
    assert path.read_bytes() == content


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr("cinema.cards.numbers.MAX_FILE_BYTES", 100)
    path = tmp_path / "card-numbers.json"
    path.write_text(json.dumps({"version": 1, "programs": {"P1": {f"s{i}": 1 for i in range(50)}}}))
    with pytest.raises(ConfigError, match="larger than"):
        load_numbers(path, "P1")


def test_apply_numbers_keeps_the_rosters_own():
    learners = apply_numbers([Learner("a", card=9), Learner("b"), Learner("c")], {"a": 1, "b": 2})
    assert [learner.card for learner in learners] == [9, 2, None]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_class_gets_numbers_unique_in_its_scope_keeping_every_number_it_can(data):
    """Property: whatever the roster and the numbers file, every child gets 1..CODES, no two in a scope share
    one, the roster's column is kept, and a known number is kept unless someone earlier in the scope has it."""
    n = data.draw(st.integers(1, 130))
    groups = data.draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n))
    if n > CODES and max(groups.count(g) for g in "ABC") > CODES:
        return
    cards = data.draw(st.lists(st.none() | st.integers(1, CODES), min_size=n, max_size=n))
    learners = [Learner(f"s{i}", group=groups[i] if n > CODES else "", card=cards[i]) for i in range(n)]
    scope = (lambda learner: learner.group) if n > CODES else (lambda learner: "")
    used: dict[tuple[str, int], str] = {}
    roster_cards = []
    for learner in learners:  # the roster's column: unique in its scope (load_roster_csv checks that)
        if learner.card is not None and (scope(learner), learner.card) in used:
            learner = Learner(learner.learner_id, group=learner.group)
        elif learner.card is not None:
            used[(scope(learner), learner.card)] = learner.learner_id
        roster_cards.append(learner)
    known = data.draw(st.dictionaries(st.sampled_from([f"s{i}" for i in range(n + 10)]), st.integers(1, CODES)))
    numbers = assign_numbers(roster_cards, known)
    assert set(numbers) == {learner.learner_id for learner in roster_cards}
    assert all(1 <= v <= CODES for v in numbers.values())
    seen = set()
    for learner in roster_cards:
        key = (scope(learner), numbers[learner.learner_id])
        assert key not in seen
        seen.add(key)
        if learner.card is not None:
            assert numbers[learner.learner_id] == learner.card
    taken = {(scope(learner), learner.card) for learner in roster_cards if learner.card is not None}
    for learner in roster_cards:
        wanted = known.get(learner.learner_id)
        if learner.card is None and wanted is not None and (scope(learner), wanted) not in taken:
            assert numbers[learner.learner_id] == wanted
            taken.add((scope(learner), wanted))
        elif learner.card is None:
            taken.add((scope(learner), numbers[learner.learner_id]))
