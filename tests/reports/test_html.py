"""The HTML report: every section, the Report's own numbers, escaped text, no JavaScript, RTL, and a real browser."""

from __future__ import annotations

import math
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from cinema.locale import runtime
from cinema.locale.catalog import translator
from cinema.reports import html as report_html
from cinema.reports.html import SECTIONS, STRIP_SESSIONS, render_html, write_html
from cinema.reports.model import TOTAL_FIELDS, Report
from tests.reports.sample_reports import START, big, build

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> http://evil.example/'


class Page(HTMLParser):
    """What a test needs from a page: tags, attributes, section order, the big numbers, text per section."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.sections: list[str] = []
        self.totals: dict[str, tuple[int, str]] = {}
        self.counts: dict[str, tuple[int, str]] = {}
        self.section_text: dict[str, list[str]] = {}
        self.root: dict[str, str | None] = {}
        self._open_total: tuple[dict, str, int] | None = None
        self._section: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        a = dict(attrs)
        if tag == "html":
            self.root = a
        if tag == "section":
            self.sections.append(a["id"])
            self._section = a["id"]
        for key, store in (("data-total", self.totals), ("data-count", self.counts)):
            if key in a:
                self._open_total = (store, a[key], int(a["data-value"]))

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._open_total is not None:
            store, key, value = self._open_total
            store[key] = (value, data)
            self._open_total = None
        if self._section:
            self.section_text.setdefault(self._section, []).append(data)

    def text(self, section: str) -> str:
        return " ".join(self.section_text.get(section, []))


@pytest.fixture(scope="module")
def small() -> Report:
    return build(kiosks=2, sessions=6, learners=8)


@pytest.fixture(scope="module")
def small_text(small) -> str:
    return render_html(small, "en")


@pytest.fixture(scope="module")
def small_page(small_text) -> Page:
    return Page(small_text)


def test_every_section_is_there_in_order_with_a_contents_list(small_page):
    assert small_page.sections == list(SECTIONS)
    links = [v for tag, k, v in small_page.attrs if tag == "a" and k == "href"]
    assert links[:len(SECTIONS)] == [f"#{s}" for s in SECTIONS]


def test_big_numbers_are_the_reports_totals(small, small_page):
    assert set(small_page.totals) == set(TOTAL_FIELDS)
    for key in TOTAL_FIELDS:
        value, shown = small_page.totals[key]
        assert value == small.totals[key]
        assert shown == format_decimal(small.totals[key], locale="en")
    assert small_page.counts["learners"][0] == len(small.learners)
    assert small_page.counts["kiosks"][0] == len(small.kiosks)


def test_numbers_are_written_the_reports_way_in_french():
    report = big(kiosks=5, sessions=250, learners_per_kiosk=4)  # 1,250 sessions: a grouped number
    page = Page(render_html(report, "fr"))
    value, shown = page.totals["sessions"]
    assert value == 1250 and shown == format_decimal(1250, locale="fr") and shown != "1250"


def test_hostile_names_are_shown_as_text_never_as_markup():
    report = build(kiosks=2, sessions=4, learners=3, hostile=HOSTILE)
    text = render_html(report, "en")
    page = Page(text)
    assert "script" not in page.tags and "img" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on")]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    for section in ("summary", "sessions", "passports", "quizzes", "power"):
        assert HOSTILE in page.text(section), section  # still readable, as the teacher typed it
    assert "<script" not in text.lower()


def test_no_javascript_and_nothing_fetched_from_anywhere(small_text, small_page):
    assert not {"script", "iframe", "object", "embed", "link", "img", "base"} & set(small_page.tags)
    for tag, key, value in small_page.attrs:
        assert not key.startswith("on"), (tag, key)
        if key in ("href", "src", "xlink:href", "action", "poster"):
            assert value and value.startswith("#"), (tag, key, value)
    style = small_text[small_text.index("<style>"):small_text.index("</style>")]
    assert "url(" not in style and "@import" not in style


def test_laptop_clock_is_shown_with_a_badge_but_sessions_keep_sequence_order():
    report = build(kiosks=2, sessions=3, learners=2)
    # kiosk-2's second session says 2008: it stays second, with a warning
    page = Page(render_html(report, "en"))
    text = page.text("sessions")
    kiosk2 = text[text.index("Kiosk kiosk-2"):]
    assert kiosk2.index("2025") < kiosk2.index("2008") < kiosk2.rindex("2025")
    assert kiosk2.count("clock wrong?") == 1
    assert "clock wrong?" not in text[:text.index("Kiosk kiosk-2")]


def test_attendance_grid_shows_the_most_recent_sessions_with_a_note():
    report = build(kiosks=1, sessions=STRIP_SESSIONS + 20, learners=3)
    text = render_html(report, "en")
    page = Page(text)
    assert f"Showing the most recent {STRIP_SESSIONS} of {STRIP_SESSIONS + 20} sessions." in page.text("attendance")
    section = text[text.index('<section id="attendance"'):text.index('<section id="passports"')]
    assert section.count('<svg class="strip"') == 3 + 1  # one strip per learner and the ruler
    assert f'width="{STRIP_SESSIONS * 10}"' in section
    learner = report.learners[0]
    assert f"{len(learner.sessions)}/{STRIP_SESSIONS + 20}" in page.text("attendance")


def test_passport_lists_lessons_subjects_and_answers(small, small_page):
    text = small_page.text("passports")
    learner = small.learners[0]
    for subject, n in learner.subjects.items():
        assert f"{subject} ({n})" in text
    assert " · ".join(learner.lessons) in text
    assert f"{learner.correct}/{learner.answered}" in text


def test_quiz_right_answer_is_marked_with_a_tick_and_polls_have_none(small_page):
    text = small_page.text("quizzes")
    assert "Right answer: B" in text and "✓ B" in text and "25 right (62%)" in text
    assert "Poll: no right answer" in text
    assert text.count("✓") == 2  # one per question with a right answer


def test_wellbeing_is_anonymous_counts_only(small, small_page):
    text = small_page.text("wellbeing")
    assert not any(learner.learner_id in text for learner in small.learners)
    per_kiosk = {}
    for c in small.checkins:  # check-ins with fewer than 5 answers are not added up (see below)
        per_kiosk[c.kiosk_id] = per_kiosk.get(c.kiosk_id, 0) + sum(c.shown() or [])
    for total in per_kiosk.values():
        assert str(total) in text
    assert "calm moment accepted" in text


def test_events_are_counted_by_kind_and_capped_with_a_note():
    report = build(kiosks=2, sessions=6, learners=2, events_cap=4)
    page = Page(render_html(report, "en"))
    text = page.text("power")
    total = sum(report.events_total.values())
    assert f"Showing 4 of {total} events" in text
    assert "Battery reading" in text and "Device lost" in text
    assert "Lowest battery in each session" in text


def test_empty_report_still_has_every_section():
    page = Page(render_html(Report(generated=START), "en"))
    assert page.sections == list(SECTIONS)
    assert page.totals["sessions"][0] == 0
    assert "No sessions in these files." in page.text("sessions")


def test_impossible_clocks_and_numbers_do_not_break_the_page():
    report = build(kiosks=1, sessions=2, learners=2)
    report.sessions[0].started_wall = 1e20
    report.sessions[1].started_wall = math.nan
    report.sessions[1].min_battery = math.inf
    report.checkins[0].wall = -1e19
    text = render_html(report, "en")
    assert "?" in Page(text).text("sessions")


def test_arabic_report_is_right_to_left_and_uses_the_reports_language_only():
    report = build(kiosks=1, sessions=2, learners=2)
    report.events[0].kind = "pin.refused"
    runtime.set_language("uk")  # the command line speaks Ukrainian; the report was asked in Arabic
    try:
        text = render_html(report, "ar_SY.UTF-8")
    finally:
        runtime.set_language("en")
    page = Page(text)
    assert page.root == {"lang": "ar", "dir": "rtl"}
    assert translator("ar").gettext("Wrong PIN") in page.text("power")
    assert translator("uk").gettext("Wrong PIN") not in text
    assert 'direction="rtl"' in text  # chart labels run right to left


def test_every_fixed_string_goes_through_the_reports_translator(monkeypatch, small):
    class Marked:
        def gettext(self, message):
            return "«" + message + "»"

        def ngettext(self, one, many, n):
            return "«" + (one if n == 1 else many) + "»"

    monkeypatch.setattr(report_html, "translator", lambda code: Marked())
    page = Page(render_html(small, "fr"))
    for section in SECTIONS:
        assert page.text(section).lstrip().startswith("«"), section  # the section title


def test_write_html_replaces_the_file_whole(tmp_path, small, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report")
    write_html(small, target, "en")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    target.write_text("old report")
    monkeypatch.setattr(report_html, "render_html", broken)
    with pytest.raises(RuntimeError):
        write_html(small, target, "en")
    assert target.read_text() == "old report"


def test_a_programme_sized_report_stays_lean():
    """1,250 sessions and 300 learners: markup per session and render time stay small enough
    that 50 kiosks x 250 sessions (about 15 MB) still opens in a browser."""
    report = big(kiosks=5, sessions=250, learners_per_kiosk=60)
    started = time.perf_counter()
    text = render_html(report, "en")
    seconds = time.perf_counter() - started
    size = len(text.encode("utf-8"))
    assert size / len(report.sessions) < 1400, size
    assert seconds < 5, seconds


# -- in a real browser --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="the browser test needs chromium (Debian package `chromium`)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, timeout=120, text=True, check=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    report = build(kiosks=2, sessions=8, learners=10)
    path = folder / "report.html"
    write_html(report, path, "en")
    return folder, report, path


@needs_chromium
def test_browser_shows_the_reports_totals(rendered):
    folder, report, path = rendered
    result = chromium(folder, "--dump-dom", path.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    page = Page(result.stdout)
    assert page.sections == list(SECTIONS)
    assert {k: v for k, (v, _shown) in page.totals.items()} == report.totals
    assert {k: shown for k, (_v, shown) in page.totals.items()} == {k: f"{v:,}" for k, v in report.totals.items()}


@needs_chromium
def test_browser_draws_the_page(rendered):
    from PIL import Image

    folder, _report, path = rendered
    shot = folder / "report.png"
    result = chromium(folder, f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri())
    assert shot.is_file(), result.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50  # text, tables and charts, not a blank page


@needs_chromium
def test_browser_prints_one_section_per_page(rendered):
    folder, _report, path = rendered
    pdf = folder / "report.pdf"
    result = chromium(folder, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", path.as_uri())
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), result.stderr[-2000:]
    if shutil.which("pdfinfo") is None:
        pytest.skip("page count needs pdfinfo (Debian package `poppler-utils`)")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= len(SECTIONS)  # each section starts on a new page


def test_the_extractor_finds_the_reports_strings():
    from cinema.locale.extract import scan_package

    found = {m: where for m, where in scan_package(Path(report_html.__file__).resolve().parent.parent).items()
             if any(f == "cinema/reports/html.py" for f, _line in where)}
    assert {"Learning Cinema report", "Wellbeing", "clock wrong?", ("%(n)s answer", "%(n)s answers")} <= set(found)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_check_in_with_fewer_than_5_answers_shows_no_counts_not_even_in_the_sums(language):
    from cinema.reports.model import CheckinRow, SessionRow

    session = SessionRow("k1/s1", "k1", "s1", 1, 90, title="Water", started_wall=START)
    report = Report(generated=START, sessions=[session], checkins=[
        CheckinRow("k1/s1", "k1", 10, START + 60, False, [0, 3, 0, 0, 1]),  # 3 sad of 4: one child's mood
        CheckinRow("k1/s1", "k1", 50, START + 600, False, [2, 2, 2, 2, 2])])
    page = render_html(report, language)
    few = translator(language).gettext("fewer than 5 answers")
    assert few in Page(page).text("wellbeing")
    table = page[page.index('<table class="wb"'):]
    table = table[:table.index("</table>")]
    rows = table.split("<tr>")[2:]
    assert few in rows[0] and not any(f"<td>{n}</td>" in rows[0] for n in "01234")
    # the kiosk's sums are those of the shown check-in only: 2 on every face, 10 in all
    sums = [cell.split(">")[-1] for cell in rows[-1].split("</th>")][2:8]
    num = [format_decimal(n, locale="en") for n in (2, 2, 2, 2, 2, 10)]
    assert sums == num or language == "ar" and len(sums) == 6
