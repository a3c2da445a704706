"""Every text the report shows from a journal, a bundle, a playlist or a roster reaches the page as text, never markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from cinema.reports import html as report_html
from cinema.reports import svg
from cinema.reports.html import make_environment, render_html
from cinema.reports.model import (
    CheckinRow,
    EventRow,
    ItemRow,
    KioskRow,
    LearnerRow,
    NoiseRow,
    QuestionRow,
    Report,
    SessionRow,
    SourceInfo,
)

START = 1_760_000_000.0
TEMPLATES = Path(report_html.__file__).with_name("templates")

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "{{7*7}}{% if 1 %}X{% endif %}{# c #}",  # template syntax in data is text: nothing evaluates it
    "\u202eevil\u202c \u2067ltr\u2069 \u200f",  # bidi overrides and isolates
    "</bdi></td></tr></table><a href=javascript:alert(1)>x</a>",
    "&amp; &lt;b&gt; &#60;i&#62;",  # already escaped text stays as typed, escaped once more
]

# The fields the report shows, each marked with its name so the test can say which one leaked.
FIELDS = ("kiosk", "kiosk2", "playlist", "title", "subject", "item", "item_title", "reason", "outcome", "learner",
          "lesson", "activity", "prompt", "option", "device", "detail", "kind", "file", "file_reason", "file_kind",
          "file_status", "problem", "totalkey", "checkin_kiosk", "learner_kiosk")


def hostile_report(payload: str) -> tuple[Report, dict[str, str]]:
    v = {name: f"{payload}[{name}]" for name in FIELDS}
    k, k2 = v["kiosk"], v["kiosk2"]
    failed = ItemRow(1, v["item"], v["item_title"], "video", "failed", reason=v["reason"])
    untitled = ItemRow(2, v["item"] + "2", "", "video", "failed")
    noise = NoiseRow(v["device"], junk=340, refused=2, changes=3, minutes=12.0)
    sessions = [
        SessionRow(f"{k}/s1", k, "s1", 1, 50, playlist=v["playlist"], title=v["title"], subject=v["subject"],
                   started_wall=START, clock_suspect=True, minutes=42, outcome="completed", resumed=1, attendance=2,
                   learners=[v["learner"], "L2"], by_hand=1, items_played=3, items_failed=2, answers=2, correct=1,
                   checkins=6, min_battery=40.0, items=[failed, untitled], disk_full_minutes=3, records_held=5,
                   journals_set_aside=1, noise=[noise]),
        SessionRow(f"{k2}/s2", k2, "s2", 1, 20, playlist=v["playlist"] + "-only", title=None, subject=None,
                   started_wall=START + 86400, outcome=v["outcome"], attendance=1, learners=[v["learner"]],
                   min_battery=80.0, disk_low=True),
    ]
    learners = [
        LearnerRow(v["learner"], kiosks=[v["learner_kiosk"], k2], sessions=[f"{k}/s1", f"{k2}/s2"],
                   lessons=[v["lesson"]], subjects={v["subject"]: 1}, answered=2, correct=1,
                   quizzes={v["activity"]: [2, 1]}),
        LearnerRow("L2", kiosks=[k], sessions=[f"{k}/s1"]),
    ]
    questions = [
        QuestionRow(v["activity"], 0, prompt=v["prompt"], correct_key=v["option"], asked=1, answered=2, right=1,
                    tally={v["option"]: 1, "B": 1}),
        QuestionRow(v["activity"] + "-poll", 0, prompt=v["prompt"] + "-poll", asked=1, answered=1, tally={"A": 1}),
    ]
    checkins = [CheckinRow(f"{k}/s1", v["checkin_kiosk"], 10, START + 60, True, [1, 1, 2, 1, 1], offer_calm=True),
                CheckinRow(f"{k}/s1", v["checkin_kiosk"], 11, START + 90, False, None)]
    events = [
        EventRow(k, f"{k}/s1", 7, START + 100, "device.lost", detail=v["detail"]),
        EventRow(k, f"{k}/s1", 8, START + 110, v["kind"], detail="x"),
        EventRow(k, f"{k}/s1", 9, START + 120, "device.noise", facts={"device": v["device"] + "-ev", "junk": 3,
                                                                        "seconds": 60}),
    ]
    sources = [SourceInfo(v["file"], "bundle", "refused", kiosk_id=k, records=10, first_seq=1, last_seq=10,
                          reason=v["file_reason"]),
               SourceInfo(v["file"] + "-2", v["file_kind"], v["file_status"])]
    totals = {"sessions": 2, "attendance": 3, "answers": 2, "checkins": 6, "items_played": 3, "items_failed": 2,
              "records": 70, v["totalkey"]: 4}
    report = Report(generated=START + 86400 * 2, sources=sources, totals=totals,
                    kiosks=[KioskRow(k, sessions=1, records=50, first_seq=1, last_seq=50, missing_seqs=2,
                                     first_wall=START, last_wall=START, clock_suspect=1),
                            KioskRow(k2, sessions=1, records=20, first_seq=1, last_seq=20)],
                    sessions=sessions, learners=learners, questions=questions, checkins=checkins, events=events,
                    events_total={"device.lost": 1, v["kind"]: 1, "device.noise": 1}, problems=[v["problem"]])
    return report, v


class Parsed(HTMLParser):
    """The page as a browser would build it: its tags, attributes and the text of its text nodes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.texts: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)

    def handle_data(self, data):
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


SAFE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "nav", "ol", "ul",
             "li", "a", "div", "b", "section", "table", "thead", "tbody", "tr", "th", "td", "bdi", "span", "br",
             "svg", "rect", "line", "path", "text", "circle", "g", "footer"}


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_a_hostile_value_in_every_field_is_shown_as_text(payload, language):
    report, values = hostile_report(payload)
    page = render_html(report, language)
    parsed = Parsed(page)
    assert set(parsed.tags) <= SAFE_TAGS, set(parsed.tags) - SAFE_TAGS
    assert not [a for a in parsed.attrs if a[1].startswith("on")]
    # data may sit inside an attribute's value (an anchor, a data-total key), never start a link of its own
    assert all(v.startswith("#") for tag, k, v in parsed.attrs if k == "href")
    for name, value in values.items():
        assert value in parsed.text, f"{name} is not shown as typed"
    # the same count of <bdi> and <a> as with a harmless value: no element opened or closed by the data
    plain = Parsed(render_html(hostile_report("plain")[0], language))
    assert parsed.tags == plain.tags


def test_the_learners_anchor_is_an_attribute_value_not_markup():
    report, values = hostile_report('"><img src=x onerror=alert(1)> x')
    parsed = Parsed(render_html(report))
    ids = [v for tag, k, v in parsed.attrs if tag == "tr" and k == "id" and v and "img" in v]
    assert ids and all(" " not in i for i in ids)  # whitespace joined with "_", the rest kept as text
    assert [v for tag, k, v in parsed.attrs if tag == "a" and k == "href" and v == "#" + ids[0]]


def test_the_environment_escapes_by_default_and_refuses_unknown_names():
    env = make_environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing_given }}").render()


def test_every_template_loads_and_none_marks_data_safe():
    env = make_environment()
    names = sorted(p.name for p in TEMPLATES.iterdir() if p.suffix == ".j2")
    assert "report.html.j2" in names
    for name in names:
        env.get_template(name)
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", source), name
        assert "autoescape false" not in source, name


def test_only_the_charts_svg_is_marked_as_markup():
    """html.py wraps only svg.py's output (and its own literal fragments) in Markup."""
    source = Path(report_html.__file__).read_text(encoding="utf-8")
    for call in re.findall(r"Markup\(([^)\n]*)", source):
        assert call.startswith(("svg.", "chart", "ruler", "'", '"')), call  # chart, ruler: svg.py's output


def test_a_missing_name_in_the_page_is_an_error_not_an_empty_cell(monkeypatch):
    report, _values = hostile_report("x")
    env = make_environment()
    template = env.get_template("report.html.j2")
    page = report_html._Page(report, "en", None)
    monkeypatch.setattr(page, "footer", lambda: {"records": 1})  # "text" left out
    with pytest.raises(jinja2.UndefinedError):
        page.render(template)


HOSTILE_SVG = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}\u202e'
SVG_CHARTS = {
    "bar_chart": lambda t: svg.bar_chart([svg.Bar(t, 3, marked=True), svg.Bar("b", 1)], title=t),
    "bar_chart_rtl": lambda t: svg.bar_chart([svg.Bar(t, 3)], title=t, rtl=True),
    "column_chart": lambda t: svg.column_chart([1, None, 3], [t, "2", "3"], title=t, fmt=lambda n: t),
    "stacked_columns": lambda t: svg.stacked_columns([svg.Stack(t, [1, 2, 3, 4, 5], "accepted")], title=t,
                                                     legend=[t] * 5, calm_legend=[t, t], fmt=lambda n: t),
    "face_icon": lambda t: svg.face_icon(3, title=t),
    "strip": lambda t: svg.strip([True, False], title=t),
    "strip_ruler": lambda t: svg.strip_ruler(1, 12, title=t, fmt=lambda n: t),
}


@pytest.mark.parametrize("name", SVG_CHARTS)
def test_the_charts_escape_every_text_they_draw(name):
    drawn = SVG_CHARTS[name](HOSTILE_SVG)
    parsed = Parsed(drawn)
    assert set(parsed.tags) <= {"svg", "title", "rect", "line", "path", "text", "circle", "g"}, parsed.tags
    assert not [a for a in parsed.attrs if a[1].startswith("on")]
    assert HOSTILE_SVG in parsed.text
