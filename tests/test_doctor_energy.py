"""`cinema doctor --energy`: measures the kiosk on this laptop, prints a table, saves it beside the
journal for the kiosk; `cinema doctor` says whether the battery estimate uses measured figures."""

from __future__ import annotations

import io
import json
import shutil
from argparse import Namespace
from pathlib import Path

import pytest

from cinema import doctor_energy
from cinema.doctor import Machine, Status, _energy_check
from cinema.doctor_energy import main_energy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def config(tmp_path) -> Path:
    (tmp_path / "kiosk_config").mkdir()
    shutil.copy(ROOT / "kiosk_config" / "default.yaml", tmp_path / "kiosk_config" / "default.yaml")
    shutil.copytree(ROOT / "activities", tmp_path / "activities")
    shutil.copytree(ROOT / "playlists", tmp_path / "playlists")
    return tmp_path / "kiosk_config" / "default.yaml"


def run(config: Path, journal: Path, seconds: float, only=None) -> tuple[int, str]:
    out = io.StringIO()
    code = main_energy(Namespace(config=str(config), journal=str(journal), energy_seconds=seconds,
                                 energy_only=only), out)
    return code, out.getvalue()


def test_the_table_is_printed_and_saved_where_the_kiosk_reads_it(config, tmp_path, monkeypatch):
    monkeypatch.setattr(doctor_energy, "measure_rates",
                        lambda *a: {"video_720p": 28.0, "slides": 1.5, "quiz": 2.0, "hub_idle": 0.75})
    code, text = run(config, tmp_path / "var" / "journal.sqlite", 10)
    assert code == 0
    lines = text.splitlines()
    assert any(line.split()[:2] == ["video_720p", "28.00"] for line in lines), text
    assert any(line.startswith("attendance") and "not measured" in line for line in lines)  # the default kept
    saved = json.loads((tmp_path / "var" / "energy.json").read_text())
    assert saved["cpu"]["video_720p"] == 28.0 and saved["cpu"]["hub_idle"] == 0.75
    assert "energy.json" in lines[-1]


def test_nothing_measured_keeps_the_old_figures_and_fails(config, tmp_path, monkeypatch):
    monkeypatch.setattr(doctor_energy, "measure_rates", lambda *a: {})
    code, text = run(config, tmp_path / "journal.sqlite", 10)
    assert code == 1 and "typical figures" in text
    assert not (tmp_path / "energy.json").exists()


def test_a_real_kiosk_is_measured_briefly(config, tmp_path):
    """The waiting quiz alone, for a second: the real `cinema run` in the real measurement."""
    code, text = run(config, tmp_path / "journal.sqlite", 1.0, only=("quiz",))
    assert code == 0, text
    assert "Measuring quiz (1 of 1" in text
    saved = json.loads((tmp_path / "energy.json").read_text())
    assert 0.0 <= saved["cpu"]["quiz"] < 120.0  # CPU seconds in a minute on two cores at most


@pytest.mark.parametrize("text, status, words", [
    (None, Status.OK, "not measured here"),
    ('{"cpu": {"quiz": 2.0}, "measured_at": "2026-12-07T05:30+00:00"}', Status.OK, "2026-12-07T05:30"),
    ("{broken", Status.WARN, "cannot be used"),
])
def test_the_doctor_says_whether_the_figures_were_measured(tmp_path, text, status, words):
    check = _energy_check(tmp_path / "journal.sqlite", Machine(read_text=lambda path: text))
    assert check.status is status and words in check.message
    if status is Status.WARN:
        assert "cinema doctor --energy" in check.fix
