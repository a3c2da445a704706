"""The teacher PIN file beside the journal: a salted hash, owner-only; a damaged or hostile file is
a one-line reason, never a crash, and a fullscreen kiosk then asks for a new PIN."""

import json
import os

import pytest

from cinema.app import pin_store
from cinema.core.pin import MAX_WAIT, PinHash


def test_saved_and_read_back(tmp_path):
    path = tmp_path / pin_store.FILE_NAME
    pin_store.save(path, PinHash.make("4821", n=2**10))
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert pin_store.load(path).matches("4821")
    assert pin_store.teacher_pin(path, "1234")[1] is False  # a chosen PIN is not the training default


@pytest.mark.parametrize("content", [
    b"{not json", b"[]", b'{"scheme": "plain", "pin": "1234"}', b"\xff\xfe",
    json.dumps({"scheme": "scrypt", "n": 2**30, "r": 8, "p": 1, "salt": "00" * 16, "hash": "00" * 32}).encode(),
    b" " * 10_000_000,
])
def test_a_damaged_or_hostile_file_is_one_line_not_a_crash(tmp_path, content):
    path = tmp_path / pin_store.FILE_NAME
    path.write_bytes(content)
    with pytest.raises(pin_store.PinFileError) as err:
        pin_store.load(path)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_no_file_means_the_config_pin_for_training(tmp_path):
    assert pin_store.teacher_pin(tmp_path / "none.json", "1234") == ("1234", True)
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(pin_store.PinFileError):
        pin_store.load(tmp_path / "dir.json")


def test_a_fullscreen_kiosk_with_a_damaged_pin_file_asks_for_a_new_pin(project, capsys):
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.core.clock import FakeClock
    from cinema.media.fake_player import FakePlayer

    (project / pin_store.FILE_NAME).write_text("{damaged")
    clock = FakeClock()
    k = Kiosk(RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                         journal=project / "j.sqlite", size=(800, 600)), clock=clock)
    k.player = FakePlayer(k.events.put, lambda t, r: None, clock=clock)
    with k.opened() as loop:
        loop.step(0.0)
        assert loop.view.pin is not None and loop.view.pin.purpose == "choose"
    assert "teacher PIN:" in capsys.readouterr().err


def test_wrong_tries_are_kept_beside_the_hash_and_bounded_when_read(tmp_path):
    path = tmp_path / pin_store.FILE_NAME
    pin_store.save(path, PinHash.make("4821", n=2**10))
    now = [1_800_000_000.0]
    tries = pin_store.FileTries(path, wall=lambda: now[0])
    tries.save(5, 30.0)
    assert pin_store.load(path).matches("4821")  # the hash is kept
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    now[0] += 10
    assert pin_store.FileTries(path, wall=lambda: now[0]).load() == (5, 20.0)
    now[0] -= 10 ** 8  # a clock set back years: at most the longest wait
    assert pin_store.FileTries(path, wall=lambda: now[0]).load() == (5, MAX_WAIT)
    pin_store.save(path, PinHash.make("9713", n=2**10))  # a new PIN: no wrong tries
    assert tries.load() == (0, 0.0)


@pytest.mark.parametrize("fields", [
    {"wrong_tries": "lots", "wait_until": "soon"}, {"wrong_tries": -4, "wait_until": float("inf")},
    {"wrong_tries": 10 ** 30, "wait_until": 10 ** 30}, {"wrong_tries": True, "wait_until": None},
])
def test_hostile_kept_tries_are_bounded(tmp_path, fields):
    path = tmp_path / pin_store.FILE_NAME
    path.write_text(json.dumps(fields))
    tries, left = pin_store.FileTries(path, wall=lambda: 0.0).load()
    assert 0 <= tries <= pin_store.MAX_TRIES and 0.0 <= left <= MAX_WAIT
    assert pin_store.load(path) is None  # only tries, no PIN chosen yet


def test_a_training_run_keeps_its_tries_without_a_pin_and_a_damaged_file_is_left_alone(tmp_path):
    path = tmp_path / pin_store.FILE_NAME
    pin_store.FileTries(path).save(2, 0.0)
    assert pin_store.teacher_pin(path, "1234") == ("1234", True)
    path.write_text("{damaged")
    pin_store.FileTries(path).save(3, 0.0)
    assert path.read_text() == "{damaged" and pin_store.FileTries(path).load() is None
