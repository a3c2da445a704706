"""The kiosk's own troubles in a supervisor's report: the disk filling up (records held, then added),
a damaged journal set aside, a device sending junk; per session, in the events, the CSV and --json,
translated (Arabic right to left too)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from cinema.core.events import Record
from cinema.journal import Journal
from cinema.locale.catalog import translator
from cinema.reports.build import report_from_paths
from cinema.reports.csv_out import write_csv
from cinema.reports.html import render_html
from tests.reports.journals import lesson

WALL = 1.79e9
SCANNER = "scanner /dev/ttyUSB0"


def troubled_day(path):
    """A lesson whose disk filled up for 6 minutes (12 records held) and whose scanner sent junk for 3 minutes."""
    j = Journal(path, "k1")
    lesson(j, "s1", wall=WALL, learners=["L1"], end=None)
    a = j.append
    a("s1", [Record("journal.trouble", {"state": "full", "free_bytes": 0, "pending": 3, "detail": ""})],
      WALL + 500, 600.0)
    a("s1", [Record("journal.trouble", {"state": "ok", "free_bytes": 10**9, "pending": 12, "detail": ""})],
      WALL + 860, 960.0)
    for minute in range(3):
        a("s1", [Record("device.noise", {"device": SCANNER, "junk": 100 + minute, "refused": 0, "accepted": 1,
                                         "seconds": 60.0, "noisy": True})], WALL + 900 + 60 * minute,
          1000.0 + 60 * minute)
    a("s1", [Record("journal.trouble", {"state": "set_aside", "pending": 0,
                                        "detail": "j.sqlite.damaged-2026"})], WALL + 1200, 1300.0)
    a("s1", [Record("session.ended", {"reason": "completed", "attendance": 1, "answers": 0, "index": 3})],
      WALL + 1300, 1400.0)
    j.close()
    return path


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = troubled_day(tmp_path_factory.mktemp("troubles") / "j.sqlite")
    return path, report_from_paths([path], (), detail=True, now=WALL + 2000, workers=1)


def test_each_session_says_how_long_the_disk_was_full_and_which_device_sent_junk(day):
    _path, report = day
    (s,) = report.sessions
    assert round(s.disk_full_minutes, 1) == 6.0 and s.records_held == 12 and s.journals_set_aside == 1
    (noise,) = s.noise
    assert (noise.device, noise.junk, noise.minutes, noise.noisy_minutes) == (SCANNER, 303, 3.0, 3.0)
    assert report.events_total["device.noise"] == 3 and report.events_total["journal.trouble"] == 3
    assert {e.kind for e in report.events} >= {"device.noise", "journal.trouble"}


def test_the_json_adds_fields_and_keeps_the_old_ones(day):
    path, _report = day
    out = subprocess.run([sys.executable, "-m", "cinema", "report", "--json", str(path)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    (s,) = data["sessions"]
    assert {"min_battery", "items", "checkins", "outcome"} <= s.keys()
    assert s["records_held"] == 12 and s["journals_set_aside"] == 1 and s["noise"][0]["junk"] == 303
    assert data["events_total"] == {"device.noise": 3, "journal.trouble": 3}  # a summary counts events


def test_the_csv_has_them_beside_the_device_events(day, tmp_path):
    _path, report = day
    write_csv(report, tmp_path)
    with open(tmp_path / "sessions.csv", encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["disk_full_minutes"], row["records_held"], row["journals_set_aside"], row["device_junk_lines"],
            row["noisy_devices"]) == ("6.0", "12", "1", "303", SCANNER)
    with open(tmp_path / "events.csv", encoding="utf-8-sig", newline="") as f:
        events = list(csv.DictReader(f))
    noise = [e for e in events if e["kind"] == "device.noise"]
    assert len(noise) == 3 and "junk=100" in noise[0]["detail"]
    assert [e["detail"].split()[0] for e in events if e["kind"] == "journal.trouble"] == [
        "state=full", "state=ok", "state=set_aside"]


@pytest.mark.parametrize("language", ["en", "ar", "uk"])
def test_the_html_tells_the_supervisor_in_their_language(day, language):
    _path, report = day
    page = render_html(report, language)
    power = page[page.index('<section id="power"'):]
    power = power[:power.index("</section>")]
    t = translator(language)
    heading = t.gettext("Disk and devices, by session")
    assert heading in power
    full = t.ngettext(
        "Disk full for %(time)s: %(n)s record was held (in memory or a spill file) and added to the journal later",
        "Disk full for %(time)s: %(n)s records were held (in memory or a spill file) and added to the journal later",
        12)
    assert full.split("%(")[0] in power
    assert f"<bdi>{SCANNER}</bdi>" in power  # the device's Latin name stays whole in a right-to-left page
    assert t.gettext("Writing to the disk again") in power
    if language == "en":
        assert "Disk full for 6 min: 12 records were held" in power
        assert "scanner /dev/ttyUSB0</bdi> sent junk: 303 lines in 3 min" in power
    if language == "ar":
        assert 'dir="rtl"' in page


def test_hostile_trouble_records_cannot_make_absurd_numbers(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k1")
    lesson(j, "s1", wall=WALL, learners=["L1"], end=None)
    rows = [Record("device.noise", {"device": f"d{i}" * 500, "junk": 10**30, "seconds": 1e300, "noisy": "yes"})
            for i in range(40)]
    rows += [Record("journal.trouble", {"state": "full", "pending": -5}),
             Record("journal.trouble", {"state": "ok", "pending": 10**40})]
    j.append("s1", rows, WALL + 500, 600.0)
    j.close()
    report = report_from_paths([tmp_path / "j.sqlite"], (), detail=True, now=WALL + 2000, workers=1)
    (s,) = report.sessions
    assert len(s.noise) <= 20 and all(len(n.device) <= 200 and n.minutes <= 60 for n in s.noise)
    assert 0 <= s.records_held <= 10**9 and 0 <= s.disk_full_minutes
    render_html(report, "ar")  # the page is made all the same
