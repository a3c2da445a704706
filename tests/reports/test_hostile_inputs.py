"""What a supervisor is given is not always what a kiosk wrote: forged, hostile and damaged inputs.

Forgeries are refused when the programme's key is given (unless the supervisor allows unsigned
files, which are then marked); a hostile file is refused and the good ones are still reported,
in bounded time; a damaged journal is read as far as it can be, with the count of what was lost.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cinema.core.events import Record
from cinema.journal import Journal
from cinema.journal.bundle import export_bundle
from cinema.reports.build import iter_records, report_from_paths
from cinema.reports.html import render_html
from cinema.reports.sources import open_sources
from tests.reports import hostile as H
from tests.reports.journals import lesson, two_lessons

KEY = b"k" * 32
KEYS_JSON = {"version": 1, "keys": [{"key": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=", "created": "2026-01-01",
                                     "valid_until": None}]}  # base64 of KEY


def cinema(*args, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "cinema", *map(str, args)], capture_output=True, text=True,
                          check=False, timeout=timeout)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """Two kiosks' signed bundles, as teachers bring them."""
    folder = tmp_path_factory.mktemp("good")
    return [export_bundle(two_lessons(folder / f"{k}.sqlite", kiosk=k), folder / f"{k}.lcb", (KEY,)).path
            for k in ("north", "south")]


def report(paths, **kw):
    return report_from_paths(paths, (KEY,), now=1.8e9, **kw)


# ---- forgeries (finding 2) -------------------------------------------------------------------------


FORGERIES = {
    "unsigned bundle, records edited, checksums recomputed": lambda good, tmp: H.forged_unsigned(
        good[0], tmp / "forged.lcb"),
    "a journal renamed .lcb": lambda good, tmp: H.journal_as_bundle(
        two_lessons(tmp / "j.sqlite", kiosk="north"), tmp / "renamed.lcb"),
    "a hand-made journal of a ghost kiosk": lambda good, tmp: H.ghost(tmp / "ghost.lcb"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_with_keys_a_forgery_is_refused_and_with_allow_unsigned_used_but_marked(good, tmp_path, forgery):
    fake = FORGERIES[forgery](good, tmp_path)
    strict = report([fake, good[1]], require_signed=True)
    info = strict.sources[0]
    assert info.status == "refused" and "--allow-unsigned" in info.reason and not info.signed
    assert [k.kiosk_id for k in strict.kiosks] == ["south"]
    assert strict.signed_records == strict.totals["records"] > 0  # all that is left is signed

    allowed = report([fake, good[1]], require_signed=False)
    info = allowed.sources[0]
    assert info.status in ("ok", "unsigned") and not info.signed and info.records > 0
    assert 0 < allowed.signed_records < allowed.totals["records"]
    page = render_html(allowed)
    first_section = page[page.index('<section id="summary"'):]
    assert f'data-signed="{allowed.signed_records}" data-of="{allowed.totals["records"]}"' in first_section[:600]


def test_a_signed_copy_of_the_same_records_is_the_one_read(tmp_path):
    journal = two_lessons(tmp_path / "north.sqlite", kiosk="north")
    bundle = export_bundle(journal, tmp_path / "north.lcb", (KEY,)).path  # the same records, signed
    r = report([journal, bundle])  # the journal given first
    assert r.signed_records == r.totals["records"] > 0
    assert {i.name: i.status for i in r.sources} == {"north.sqlite": "repeated", "north.lcb": "ok"}


def test_without_keys_the_first_section_says_nothing_is_signed(good):
    r = report_from_paths(good, (), now=1.8e9)
    assert r.signed_records == 0 and r.totals["records"] > 0
    assert 'data-signed="0"' in render_html(r).split('<section id="summary"', 1)[1][:600]


def test_cli_refuses_a_forged_bundle_with_keys_and_marks_it_with_allow_unsigned(good, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(KEYS_JSON))
    fake = H.forged_unsigned(good[0], tmp_path / "forged.lcb")
    out = cinema("report", fake, good[1], "--keys", keys, "--json")
    assert out.returncode == 0, out.stderr
    assert "forged.lcb: refused" in out.stderr and "--allow-unsigned" in out.stderr
    assert json.loads(out.stdout)["totals"]["sessions"] == 2
    out = cinema("report", fake, good[1], "--keys", keys, "--allow-unsigned", "--json")
    assert out.returncode == 0, out.stderr
    assert "forged.lcb: not signed" in out.stderr
    summary = json.loads(out.stdout)
    assert summary["totals"]["sessions"] == 4 and 0 < summary["signed_records"] < summary["totals"]["records"]
    out = cinema("report", fake, "--keys", keys, "--records")
    assert out.returncode == 1 and "forged.lcb: refused" in out.stderr and not out.stdout


# ---- hostile bundles (finding 3) ------------------------------------------------------------------


@pytest.mark.parametrize("attack", H.HOSTILE)
def test_a_hostile_bundle_is_refused_and_the_good_ones_reported(good, tmp_path, attack):
    bad = H.HOSTILE[attack](good[0], tmp_path / f"{attack}.lcb")
    start = time.monotonic()
    r = report_from_paths([bad, *good], (), now=1.8e9)
    assert time.monotonic() - start < 10
    assert r.sources[0].status == "refused" and r.sources[0].reason
    assert [k.kiosk_id for k in r.kiosks] == ["north", "south"] and r.totals["sessions"] == 4


def test_records_nested_past_any_limit_read_as_empty_and_the_report_goes_on(good, tmp_path):
    bad = H.deep_payloads(good[0], tmp_path / "deep-payloads.lcb")
    r = report_from_paths([bad, good[1]], (), now=1.8e9)
    assert [i.status for i in r.sources] == ["unsigned", "unsigned"]
    assert [k.kiosk_id for k in r.kiosks] == ["north", "south"] and r.totals["records"] == 2 * 39
    assert sum(1 for _ in iter_records([bad])) == 39


def test_the_time_budget_stops_a_query_that_never_ends_even_past_the_schema_check(good, tmp_path, monkeypatch):
    bad = H.recursive_view(good[0], tmp_path / "view.lcb")
    monkeypatch.setattr("cinema.journal.bundle.check_schema", lambda db, expected: "")
    start = time.monotonic()
    usable, infos = open_sources([bad, good[1]], (), seconds=1.0)
    assert time.monotonic() - start < 8
    assert infos[0].status == "refused" and "too long" in infos[0].reason
    assert [s.info.name for s in usable] == ["south.lcb"]


def test_cli_reports_the_good_bundles_next_to_a_recursive_view_and_a_deep_manifest(good, tmp_path):
    view = H.recursive_view(good[0], tmp_path / "view.lcb")
    deep = H.deep_manifest(good[0], tmp_path / "deep.lcb")
    try:
        out = cinema("report", view, deep, *good, "--json", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the report hangs on a bundle whose records are a recursive view")
    assert out.returncode == 0, out.stderr
    assert "view.lcb: refused" in out.stderr and "deep.lcb: refused" in out.stderr
    assert "Traceback" not in out.stderr and "unexpected error" not in out.stderr
    assert json.loads(out.stdout)["totals"]["sessions"] == 4


# ---- journals: the WAL (finding 1) and damage (finding 7) ---------------------------------------------


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_journal_whose_last_records_are_in_its_wal_is_read_whole_and_left_as_it_was(tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    journal = H.kill_with_wal(folder / "k1.sqlite", sessions=3)
    before = _snapshot(folder)
    assert "k1.sqlite-wal" in before
    r = report_from_paths([journal], (), now=1.8e9)
    assert r.sources[0].status == "ok", r.sources[0].reason
    assert r.totals["sessions"] == 3
    assert _snapshot(folder) == before  # nothing written beside the journal


def _big_journal(path: Path, kiosk: str = "east", lessons: int = 40) -> Path:
    j = Journal(path, kiosk)
    for n in range(lessons):
        lesson(j, f"s{n}", wall=1.79e9 + n * 3600, learners=["L1", "L2", "L3"], answers={"L1": "A", "L2": "B"})
    j.close()
    return path


def _seqs(path: Path) -> list[int]:
    db = sqlite3.connect(path)
    try:
        return [s for (s,) in db.execute("SELECT seq FROM records ORDER BY seq")]
    finally:
        db.close()


@pytest.mark.parametrize("where", ["middle", "first", "last"])
def test_a_damaged_journal_is_salvaged_and_the_report_says_how_many_records_were_lost(tmp_path, where):
    journal = _big_journal(tmp_path / "east.sqlite")
    total = len(_seqs(journal))
    pages = H.record_pages(journal)
    assert len(pages) > 6
    # three pages of records in the middle (two of them together), or the first, or the last
    damaged = {"middle": pages[2:4] + pages[5:6], "first": pages[:1], "last": pages[-1:]}[where]
    lost = H.records_on(journal, damaged)
    H.damage_pages(journal, damaged)
    r = report_from_paths([journal], (), now=1.8e9)
    info = r.sources[0]
    assert info.status == "ok" and info.unreadable == lost > 0  # exactly the records on the damaged pages
    assert info.records + info.unreadable == total
    assert any(f"{info.unreadable} records could not be read" in p for p in r.problems)
    read = [rec["seq"] for rec in iter_records([journal])]
    assert len(read) == info.records and read == sorted(read) and len(set(read)) == len(read)
    assert read[0] == (lost + 1 if where == "first" else 1) and read[-1] == (total - lost if where == "last" else total)
    assert [k.kiosk_id for k in r.kiosks] == ["east"] and 30 < r.totals["sessions"] <= 40


def test_cli_records_of_a_damaged_journal_and_of_an_unreadable_file(tmp_path):
    journal = _big_journal(tmp_path / "east.sqlite", lessons=20)
    H.damage_pages(journal, H.record_pages(journal)[1:2])
    out = cinema("report", journal, "--records")
    assert out.returncode == 0, out.stderr
    assert "records could not be read" in out.stderr
    assert len(out.stdout.splitlines()) > 100
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    out = cinema("report", junk, "--records")
    assert out.returncode == 1 and "junk.sqlite: refused" in out.stderr and not out.stdout
    assert "Traceback" not in out.stderr


# ---- xAPI: the programme comes from the records (finding 8) -----------------------------------------


def test_xapi_children_of_two_programmes_with_the_same_card_id_are_two_people(tmp_path):
    journals = []
    for kiosk, programme in (("north", "LC-NORTH"), ("south", "LC-SOUTH"), ("old", None)):
        j = Journal(tmp_path / f"{kiosk}.sqlite", kiosk)
        started = {"playlist": "p", "title": "T", "language": "en"} | ({"program": programme} if programme else {})
        j.append("s1", [Record("session.started", started),
                        Record("attendance.scanned", {"learner_id": "L001", "source": "camera", "index": 0})],
                 1.79e9, 1.0)
        j.close()
        journals.append(j.path)
    out_file = tmp_path / "statements.jsonl"
    out = cinema("report", *journals, "--xapi", out_file)
    assert out.returncode == 0, out.stderr
    actors = {json.dumps(json.loads(line)["actor"], sort_keys=True) for line in out_file.read_text().splitlines()}
    homes = {json.loads(a)["account"]["homePage"] for a in actors}
    assert len(actors) == 3 and homes == {"https://learningcinema.org/programme/LC-NORTH",
                                          "https://learningcinema.org/programme/LC-SOUTH",
                                          "https://learningcinema.org/kiosk/old"}  # not this computer's programme
    assert "1 session does not name its programme" in out.stderr


# ---- records that another kiosk's id was slipped into (found by the bundle fuzz) -------------------


def test_a_record_of_another_kiosk_slipped_into_a_bundle_or_journal_is_refused_not_miscounted(good, tmp_path):
    """The report counted such a record under the file's kiosk while `--records` left it out."""
    bundle = H.edited(good[0], tmp_path / "slipped.lcb", "UPDATE records SET kiosk_id = 'west' WHERE seq = 5")
    journal = two_lessons(tmp_path / "j.sqlite", kiosk="north")
    db = sqlite3.connect(journal)
    db.execute("UPDATE records SET kiosk_id = 'west' WHERE seq = 5")
    db.commit()
    db.close()
    for path in (bundle, journal):
        result = report([path, good[1]])  # not signed, allowed (no --keys strictness): still refused
        (info,) = [s for s in result.sources if s.name == path.name]
        assert info.status == "refused" and ("kiosk" in info.reason or "manifest" in info.reason), info
        assert [s.status for s in result.sources if s.name == good[1].name] == ["ok"]
        listed = sum(1 for _ in iter_records([path, good[1]], (KEY,)))
        assert listed == result.totals["records"]
