"""Report charts: readable numbers and labels, a tick for the right answer, mirrored for Arabic, small."""

import re
import xml.etree.ElementTree as ET

import pytest

from cinema.reports import svg


def parse(text: str) -> ET.Element:
    # Inline SVG carries no xmlns; it must still be well-formed XML with its <title> first.
    root = ET.fromstring(text)
    assert root.tag == "svg" and root[0].tag == "title" and root[0].text
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter("text")]


def path_xs(d: str) -> list[float]:
    return [float(x) for x in re.findall(r"M([\d.]+) ", d)]


def test_bar_chart_writes_every_label_and_number_and_ticks_the_right_answer():
    bars = [svg.Bar("A", 3), svg.Bar("B", 7, marked=True), svg.Bar("C", 0)]
    root = parse(svg.bar_chart(bars, title="Answers to question 1"))
    assert texts(root) == ["A", "3", "✓ B", "7", "C", "0"]
    marked = [r for r in root.iter("rect") if r.get("stroke")]
    assert len(marked) == 1  # the right answer has an outline and a tick, not only a colour


def test_bar_chart_escapes_labels_and_title():
    out = svg.bar_chart([svg.Bar("<script>alert(1)</script>", 1)], title="</title><script>")
    assert "<script" not in out
    root = parse(out)
    assert root[0].text == "</title><script>"
    assert "<script>alert(1)</script>" in texts(root)


def test_bar_chart_mirrors_for_right_to_left():
    bars = [svg.Bar("أ", 5), svg.Bar("ب", 10)]
    ltr, rtl = parse(svg.bar_chart(bars, title="t", width=400)), parse(svg.bar_chart(bars, title="t", width=400, rtl=True))
    ltr_rect = [r for r in ltr.iter("rect")][1]
    rtl_rect = [r for r in rtl.iter("rect")][1]
    assert float(ltr_rect.get("x")) < 200 < float(rtl_rect.get("x")) + float(rtl_rect.get("width"))
    # the longest bar grows from the labels towards the other side
    assert float(rtl_rect.get("x")) < float(ltr_rect.get("x")) + float(ltr_rect.get("width"))
    label = next(t for t in rtl.iter("text") if t.text == "ب")
    assert label.get("direction") == "rtl" and float(label.get("x")) > 300


def test_column_chart_puts_sessions_in_order_and_mirrors_them():
    values = [1, 2, 3, 4]
    ltr = parse(svg.column_chart(values, ["1", "2", "3", "4"], title="t"))
    rtl = parse(svg.column_chart(values, ["1", "2", "3", "4"], title="t", rtl=True))
    xs_ltr = path_xs(next(ltr.iter("path")).get("d"))
    xs_rtl = path_xs(next(rtl.iter("path")).get("d"))
    assert xs_ltr == sorted(xs_ltr)  # first session on the left
    assert xs_rtl == sorted(xs_rtl, reverse=True)  # and on the right in Arabic
    assert {"1", "2", "3", "4"} <= set(texts(ltr))  # numbers on the bars when there is room


def test_column_chart_shows_a_missing_reading_as_a_gap_not_a_zero():
    root = parse(svg.column_chart([50, None, 80], ["1", "2", "3"], title="t", ymax=100))
    assert len(path_xs(next(root.iter("path")).get("d"))) == 2
    assert "–" in texts(root)


def test_column_chart_axis_is_round_and_covers_the_highest_bar():
    root = parse(svg.column_chart([3, 17], ["1", "2"], title="t"))
    assert {"0", "10", "20"} <= set(texts(root))


@pytest.mark.parametrize("value,top", [(0, 2), (1, 2), (3, 4), (16, 16), (17, 20), (45, 50), (101, 120), (950, 1000)])
def test_nice_top(value, top):
    assert svg.nice_top(value) == top


def test_column_chart_of_250_sessions_stays_small():
    out = svg.column_chart(list(range(250)), [str(i) for i in range(250)], title="t")
    parse(out)
    assert len(out) < 12_000
    assert out.count("<path") == 1


def test_stacked_columns_count_faces_and_mark_calm_offers():
    stacks = [svg.Stack("#1", [1, 0, 2, 3, 4]), svg.Stack("#2", [5, 4, 0, 1, 0], "offered"),
              svg.Stack("#3", [2, 2, 2, 2, 2], "accepted")]
    faces = ["Very sad", "Sad", "So-so", "Happy", "Very happy"]
    root = parse(svg.stacked_columns(stacks, title="Faces", legend=faces, calm_legend=["offered", "accepted"]))
    words = texts(root)
    assert all(name in words for name in faces + ["offered", "accepted"])
    assert {"#1", "#2", "#3"} <= set(words)
    assert {"4", "5"} <= set(words)  # counts written on the segments
    circles = [c for c in root.iter("circle") if c.get("r") == "4"]
    fills = sorted(c.get("fill") for c in circles)
    assert fills == ["#000", "#000", "#fff", "#fff"]  # one ring and one dot on the chart, the same in the legend


def test_stacked_columns_mirror_for_right_to_left():
    stacks = [svg.Stack("#1", [1, 1, 1, 1, 1]), svg.Stack("#2", [2, 2, 2, 2, 2])]
    root = parse(svg.stacked_columns(stacks, title="t", legend=["a"] * 5, rtl=True))
    first = next(t for t in root.iter("text") if t.text == "#1")
    second = next(t for t in root.iter("text") if t.text == "#2")
    assert float(first.get("x")) > float(second.get("x"))


def test_strip_draws_one_block_per_session_present_and_mirrors():
    flags = [True, False, True, True]
    ltr = parse(svg.strip(flags, title="L001: 3 of 4"))
    rtl = parse(svg.strip(flags, title="L001: 3 of 4", rtl=True))
    blocks = next(p for p in ltr.iter("path") if p.get("fill")).get("d")
    assert len(path_xs(blocks)) == 3
    assert path_xs(blocks)[0] == 1  # the first session at the left
    rtl_blocks = next(p for p in rtl.iter("path") if p.get("fill")).get("d")
    assert max(path_xs(rtl_blocks)) == 31  # ...and at the right in Arabic
    assert parse(svg.strip([False, False], title="absent")).find("path") is not None  # the bare line


def test_strip_ruler_numbers_first_last_and_fifths():
    root = parse(svg.strip_ruler(211, 40, title="Session numbers"))
    assert texts(root) == ["211", "215", "220", "225", "230", "235", "240", "245", "250"]


def test_face_icons_differ_by_mouth_not_only_colour():
    mouths = [re.search(r'<path d="([^"]+)"', svg.face_icon(f, title=str(f))).group(1) for f in range(1, 6)]
    assert len(set(mouths)) == 5


@pytest.mark.parametrize("n,labels", [
    (1, [1]), (5, [1, 2, 3, 4, 5]), (12, list(range(1, 13))), (30, [1, 5, 10, 15, 20, 25, 30]),
    (250, [1, 25, 50, 75, 100, 125, 150, 175, 200, 225, 250]),
])
def test_sessions_are_labelled_at_round_numbers(n, labels):
    assert sorted(i + 1 for i in svg.tick_positions(n)) == labels
