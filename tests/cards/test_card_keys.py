"""The programme key file: random, private, written whole, rotated with a grace period."""

import json
import stat
from datetime import date

import pytest

from cinema.cards.keys import load_keys, new_key_file, read_key_file, rotate_keys
from cinema.config.problems import ConfigError

DAY = date(2026, 11, 23)


def test_new_key_file_is_random_and_owner_only(tmp_path):
    a, b = tmp_path / "var" / "a.json", tmp_path / "var" / "b.json"
    new_key_file(a, DAY)
    new_key_file(b, DAY)
    assert stat.S_IMODE(a.stat().st_mode) == 0o600
    [key_a], [key_b] = load_keys(a, DAY), load_keys(b, DAY)
    assert len(key_a) == 32 and key_a != key_b
    assert sorted(p.name for p in a.parent.iterdir()) == ["a.json", "b.json"]  # no temporary files left


def test_new_key_file_never_replaces_a_key(tmp_path):
    path = tmp_path / "keys.json"
    new_key_file(path, DAY)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        new_key_file(path, DAY)
    assert path.read_bytes() == before


def test_rotation_keeps_old_key_until_its_date_then_drops_it(tmp_path):
    path = tmp_path / "keys.json"
    [first] = (k.key for k in new_key_file(path, date(2026, 1, 1)))
    rotate_keys(path, date(2026, 2, 1), grace_days=14)
    ring = read_key_file(path)
    assert ring[1].key == first and ring[1].valid_until == date(2026, 2, 15) and ring[0].valid_until is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A second rotation after the first grace ended forgets the first key for good.
    rotate_keys(path, date(2026, 3, 1), grace_days=0)
    assert first not in [k.key for k in read_key_file(path)]
    assert len(load_keys(path, date(2026, 3, 1))) == 2 and len(load_keys(path, date(2026, 3, 2))) == 1


@pytest.mark.parametrize("content,words", [
    ("{", "damaged"),
    ("[]", "not a card key file"),
    (json.dumps({"version": 1, "keys": [{"key": "!!", "created": "2026-01-01", "valid_until": None}]}), "damaged"),
    (json.dumps({"version": 1, "keys": [{"key": "AAAA", "created": "2026-01-01", "valid_until": None}]}), "too short"),
    (json.dumps({"version": 1, "keys": []}), "exactly one current key"),
])
def test_broken_key_files_are_problems_not_tracebacks(tmp_path, content, words):
    path = tmp_path / "keys.json"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_keys(path, DAY)
    assert words in str(info.value)


def test_missing_key_file_says_where_to_get_one(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_keys(tmp_path / "nope.json", DAY)
    assert "missing" in str(info.value) and "copy it" in str(info.value)
