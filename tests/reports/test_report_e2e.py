"""As a supervisor runs it: bundles from two kiosks, one HTML report, its numbers equal to --json."""

import json
import subprocess
import sys

import pytest

from cinema.journal.bundle import export_bundle
from tests.reports.journals import two_lessons
from tests.reports.test_html import Page, chromium, needs_chromium

KEY = b"k" * 32


def cinema(*args):
    return subprocess.run([sys.executable, "-m", "cinema", *map(str, args)], capture_output=True, text=True,
                          check=False)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundles")
    keys = folder / "keys.json"
    keys.write_text(json.dumps({"version": 1, "keys": [{"key": "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=",
                                                         "created": "2026-01-01", "valid_until": None}]}))
    made = []
    for kiosk in ("north", "south"):
        journal = two_lessons(folder / f"{kiosk}.sqlite", kiosk=kiosk)
        out = cinema("export", "--journal", journal, "--keys", keys, "-o", folder)
        assert out.returncode == 0, out.stderr
        made += sorted(folder.glob(f"{kiosk}-*.lcb"))
    return folder, keys, made


@needs_chromium
def test_html_in_a_browser_shows_the_same_totals_as_json(bundles, tmp_path):
    folder, keys, made = bundles
    summary = cinema("report", *made, "--keys", keys, "--json")
    assert summary.returncode == 0, summary.stderr
    totals = json.loads(summary.stdout)["totals"]
    assert totals["sessions"] == 4
    html = tmp_path / "report.html"
    out = cinema("report", *made, made[0], "--keys", keys, "-o", html, "--language", "uk")
    assert out.returncode == 0, out.stderr
    shown = chromium(tmp_path, "--dump-dom", html.as_uri())
    assert shown.returncode == 0, shown.stderr[-2000:]
    page = Page(shown.stdout)
    assert {k: v for k, (v, _text) in page.totals.items()} == totals
    assert 'lang="uk"' in shown.stdout


def test_a_tampered_bundle_is_named_and_the_rest_reported(bundles, tmp_path):
    folder, keys, made = bundles
    bad = tmp_path / "tampered.lcb"
    data = bytearray(made[0].read_bytes())
    data[5000] ^= 0x01  # one bit inside the records
    bad.write_bytes(bytes(data))
    out = cinema("report", bad, made[1], "--keys", keys, "--json")
    assert out.returncode == 0, out.stderr
    assert "tampered.lcb: refused" in out.stderr and "checksum" in out.stderr
    assert json.loads(out.stdout)["totals"]["sessions"] == 2
