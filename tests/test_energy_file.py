"""energy.json beside the journal: what `cinema doctor --energy` saves and the kiosk reads at start;
a missing or broken file gives the shipped defaults and says why."""

from __future__ import annotations

import json
import logging

import pytest

from cinema.core.energy import DEFAULT_CPU, EnergyRates
from cinema.energy_file import NOT_MEASURED, kiosk_rates, load_rates, rates_path, save_rates


def test_saved_rates_come_back_and_fill_the_kinds_not_measured(tmp_path):
    path = rates_path(tmp_path / "journal.sqlite")
    assert path == tmp_path / "energy.json"
    save_rates(path, EnergyRates(battery_wh=52.0).with_cpu({"video_720p": 31.5, "quiz": 2.25}),
               "2026-12-07T05:30+00:00")
    rates, problem = load_rates(path)
    assert problem == "" and rates.measured
    assert rates.rate("video_720p") == 31.5 and rates.rate("quiz") == 2.25
    assert rates.rate("attendance") == DEFAULT_CPU["attendance"]
    assert rates.battery_wh == 52.0 and rates.note == "2026-12-07T05:30+00:00"


@pytest.mark.parametrize("text, said", [
    (None, NOT_MEASURED),
    ("{not json", "not JSON"),
    ("[1, 2]", "no \"cpu\" table"),
    ('{"cpu": {}}', "no \"cpu\" table"),
    ('{"cpu": {"video_720p": "fast", "quiz": -1, "slides": NaN}}', "no number"),
])
def test_a_missing_or_broken_file_gives_the_defaults_and_says_why(tmp_path, caplog, text, said):
    path = tmp_path / "energy.json"
    if text is not None:
        path.write_text(text)
    with caplog.at_level(logging.INFO, logger="cinema.energy"):
        rates, problem = load_rates(path)
        kiosk_rates(tmp_path / "journal.sqlite")
    assert said in problem
    assert not rates.measured and rates.rate("video_720p") == DEFAULT_CPU["video_720p"]
    assert caplog.records  # the kiosk's log says it plans with typical figures, or why the file is not used


def test_one_bad_number_is_left_out_and_the_rest_kept(tmp_path):
    path = tmp_path / "energy.json"
    path.write_text(json.dumps({"cpu": {"video_720p": 20.0, "quiz": "slow"}, "idle_watts": -3}))
    rates, problem = load_rates(path)
    assert problem == "" and rates.rate("video_720p") == 20.0
    assert rates.rate("quiz") == DEFAULT_CPU["quiz"] and rates.idle_watts == EnergyRates().idle_watts
