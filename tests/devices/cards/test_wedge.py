"""Keyboard-wedge scanners: a fast burst ending in Enter is a card; a person's keys come back as keys."""

import pytest

from cinema.core.events import CardScanned
from cinema.devices.cards.wedge import Keys, WedgeDetector

TOKEN = "LC1.TEST.s001.ABCDEFGH"


def typed(text, start=0.0, gap=0.008):
    return [(ch, start + i * gap) for i, ch in enumerate(text)]


def run(presses, poll_at=None, **kw):
    """Feed (key, time) pairs, polling between them as a main loop would; all the output, in order."""
    d = WedgeDetector(**kw)
    out = []
    for key, at in presses:
        out += d.poll(at)
        out += d.feed(key, at)
    out += d.poll(poll_at if poll_at is not None else (presses[-1][1] + 1.0 if presses else 1.0))
    return out


def flat_keys(out):
    return [k for e in out if isinstance(e, Keys) for k in e.keys]


@pytest.mark.parametrize("name, presses, scans, keys", [
    ("scanner burst + Enter", typed(TOKEN + "\r"), [TOKEN], []),
    ("scanner with LF", typed(TOKEN + "\n"), [TOKEN], []),
    ("Enter as a key name", typed(TOKEN) + [("return", 0.2)], [], list(TOKEN) + ["return"]),
    ("named Enter in the burst", typed(TOKEN) + [("return", len(TOKEN) * 0.008)], [TOKEN], []),
    ("teacher types the token slowly", typed(TOKEN + "\r", gap=0.12), [], list(TOKEN + "\r")),
    ("fast but short: PIN and Enter", typed("1234\r", gap=0.01), [], list("1234\r")),
    ("burst with no Enter", typed(TOKEN), [], list(TOKEN)),
    ("one key, then a scan", [("s", 0.0)] + typed(TOKEN + "\r", start=0.5), [TOKEN], ["s"]),
    ("a scan, then keys", typed(TOKEN + "\r") + [("p", 2.0), ("right", 3.0)], [TOKEN], ["p", "right"]),
    ("two scans back to back", typed(TOKEN + "\r") + typed("LC1.TEST.s002.QQQQQQQQ\r", start=1.0),
     [TOKEN, "LC1.TEST.s002.QQQQQQQQ"], []),
    ("an arrow in the burst breaks it", typed("LC1.TE") + [("left", 0.05)] + typed("ST.s1\r", start=0.058),
     [], list("LC1.TE") + ["left"] + list("ST.s1\r")),
    ("a pause in the middle breaks it", typed("LC1.TEST") + typed(".s001.ABCDEFGH\r", start=0.5),
     [".s001.ABCDEFGH"], list("LC1.TEST")),
])
def test_bursts_and_typing(name, presses, scans, keys):
    out = run(presses)
    assert [e.payload for e in out if isinstance(e, CardScanned)] == scans, name
    assert flat_keys(out) == keys, name
    assert all(e.source == "scanner" for e in out if isinstance(e, CardScanned))


def test_keys_come_back_in_the_order_typed_around_a_scan():
    presses = [("a", 0.0), ("b", 0.3)] + typed(TOKEN + "\r", start=1.0) + [("c", 2.0)]
    out = run(presses)
    kinds = [("scan", e.payload) if isinstance(e, CardScanned) else ("keys", e.keys) for e in out]
    assert kinds == [("keys", ("a",)), ("keys", ("b",)), ("scan", TOKEN), ("keys", ("c",))]


def test_held_keys_are_released_by_poll_just_after_the_gap():
    d = WedgeDetector(max_gap=0.03)
    assert d.feed("p", 10.0) == []
    assert d.pending() and d.deadline() == pytest.approx(10.03)
    assert d.poll(10.02) == []
    assert d.poll(10.031) == [Keys(("p",))]
    assert not d.pending() and d.deadline() is None


def test_a_stuck_key_is_handed_back_not_held_forever():
    d = WedgeDetector(max_length=50)
    out = []
    for i in range(120):
        out += d.feed("x", i * 0.001)
    assert sum(len(e.keys) for e in out if isinstance(e, Keys)) >= 100
    assert len(d._held) <= 50


@pytest.mark.parametrize("gap, is_scan", [(0.002, True), (0.015, True), (0.029, True), (0.031, False), (0.08, False)])
def test_the_gap_threshold(gap, is_scan):
    out = run(typed(TOKEN + "\r", gap=gap))
    assert any(isinstance(e, CardScanned) for e in out) is is_scan


def batched(presses, every=0.04):
    """Keys as a main loop that wakes every 40 ms sees them: each stamped with the wake-up time."""
    return [(k, (int(at / every) + 1) * every) for k, at in presses]


@pytest.mark.parametrize("gap, is_scan", [(0.004, True), (0.012, True), (0.1, False), (0.15, False)])
def test_keys_stamped_by_a_polling_loop_need_a_gap_wider_than_its_wake_up_time(gap, is_scan):
    presses = batched(typed(TOKEN + "\r", start=0.013, gap=gap))
    assert not any(isinstance(e, CardScanned) for e in run(presses, max_gap=0.03))  # 30 ms is too tight
    out = run(presses, max_gap=0.06)
    assert any(isinstance(e, CardScanned) for e in out) is is_scan
