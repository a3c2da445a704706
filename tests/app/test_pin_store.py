"""The teacher PIN file beside the journal: a salted hash, owner-only; a damaged or hostile file is
a one-line reason, never a crash, and a fullscreen kiosk then asks for a new PIN."""

import json
import os

import pytest

from cinema.app import pin_store
from cinema.core.pin import PinHash


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
