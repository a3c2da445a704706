"""A flood of junk from a card reader cannot grow the journal: refused cards are journaled one by one up to
an allowance a minute per source, the rest summed in one `device.noise` record a minute, and a real card
scanned in the middle of the flood still counts."""

import json

from cinema.core.clock import FakeClock
from cinema.core.events import CardScanned, DeviceJunk, PlaySound, Record, Tick
from cinema.core.noise import REFUSED_ONE_BY_ONE, WINDOW
from cinema.core.records import DeviceNoise, parse
from cinema.core.session import Options, SessionEngine
from tests.reports.engine_lessons import card, demo_playlist, roster

FORGED = "LC1.LC-TEST.L3.AAAAAAAA"  # the card's shape, a wrong check


def engine() -> tuple[SessionEngine, FakeClock, list[Record]]:
    clock = FakeClock()
    eng = SessionEngine(demo_playlist(), clock, Options(teacher_pin="4321"), roster())
    journal: list[Record] = [e for e in eng.start() if isinstance(e, Record)]
    return eng, clock, journal


def feed(eng, clock, journal, event, wait=0.0005):
    clock.advance(wait)
    effects = eng.handle(event)
    journal += [e for e in effects if isinstance(e, Record)]
    return effects


def kinds(journal):
    return [r.kind for r in journal]


def test_a_minute_of_forged_cards_is_ten_records_and_one_summary_and_the_real_card_counts():
    eng, clock, journal = engine()
    sounds = 0
    for n in range(20_000):  # 20,000 refused scans in 10 s (the flood measured: 13,000 a second)
        if n == 10_000:
            feed(eng, clock, journal, CardScanned(card("L2"), "scanner"))  # a child's real card, mid-flood
        sounds += sum(isinstance(e, PlaySound) for e in feed(eng, clock, journal, CardScanned(FORGED, "scanner")))
    assert kinds(journal).count("attendance.refused") == REFUSED_ONE_BY_ONE
    assert sounds == REFUSED_ONE_BY_ONE  # the room hears the first few refusals, not 20,000 beeps
    assert [r.payload["learner_id"] for r in journal if r.kind == "attendance.scanned"] == ["L2"]
    assert "L2" in eng.attendance
    assert "device.noise" not in kinds(journal)  # summed up when the minute is over
    clock.advance(WINDOW)
    feed(eng, clock, journal, Tick())
    summaries = [parse(r.kind, r.payload) for r in journal if r.kind == "device.noise"]
    assert summaries == [DeviceNoise(device="scanner", junk=0, refused=20_000 - REFUSED_ONE_BY_ONE, accepted=1,
                                     seconds=summaries[0].seconds, noisy=True)]
    assert WINDOW <= summaries[0].seconds < WINDOW + 11


def test_an_hour_of_flood_grows_the_journal_by_a_bounded_amount():
    eng, clock, journal = engine()
    before = len(journal)
    for _minute in range(60):
        for _ in range(500):
            feed(eng, clock, journal, CardScanned(FORGED, "camera"), wait=0.1)
        feed(eng, clock, journal, Tick(), wait=0.1)
    added = journal[before:]
    per_minute = (REFUSED_ONE_BY_ONE + 1) * 61 / 60
    assert len(added) <= 60 * per_minute + 1  # not 30,000
    assert sum(len(json.dumps(r.payload)) for r in added) < 100_000
    assert {r.kind for r in added} <= {"attendance.refused", "device.noise"}


def test_junk_a_device_threw_away_is_summed_once_a_minute_and_flags_it_until_it_is_quiet():
    eng, clock, journal = engine()
    name = "scanner /dev/ttyUSB1"
    for _ in range(12):  # what a scanner's adapter reports every 5 s during a flood
        feed(eng, clock, journal, DeviceJunk(name, 40_000, 0), wait=5.0)
    feed(eng, clock, journal, Tick(), wait=5.0)  # a minute after the first report
    [summary] = [parse(r.kind, r.payload) for r in journal if r.kind == "device.noise"]
    assert (summary.device, summary.junk, summary.noisy) == (name, 480_000, True)
    flagged = {d.name: d.noisy for d in eng.view().status.devices}
    assert flagged[name] is True
    # A quiet minute later the flag goes, and nothing more is written for a quiet device.
    clock.advance(WINDOW + 1)
    feed(eng, clock, journal, Tick())
    assert not any(d.noisy for d in eng.view().status.devices)
    assert kinds(journal).count("device.noise") == 1


def test_a_few_bad_scans_among_good_ones_do_not_flag_a_scanner():
    eng, clock, journal = engine()
    for lid in ("L1", "L2", "L3", "L4", "L5"):
        feed(eng, clock, journal, CardScanned(card(lid), "scanner"), wait=2.0)
        feed(eng, clock, journal, CardScanned(FORGED, "scanner"), wait=2.0)
    feed(eng, clock, journal, DeviceJunk("scanner /dev/ttyUSB1", 3, 5), wait=1.0)
    clock.advance(WINDOW)
    feed(eng, clock, journal, Tick())
    assert kinds(journal).count("attendance.refused") == 5  # each journaled, as before
    assert not any(d.noisy for d in eng.view().status.devices)


# ---- presses and cables: every record a device can cause is bounded ----------------------------------------

def at_the_quiz(tmp_path):
    from cinema.core.events import Command, MediaFinished
    from cinema.journal import Journal
    from tests.reports.engine_lessons import Lesson

    lesson = Lesson(Journal(tmp_path / "j.sqlite", "kiosk-1"), demo_playlist(), roster()).start()
    lesson.cmd(Command.NEXT, Command.NEXT, Command.NEXT)
    lesson.send(MediaFinished(lesson.token))
    lesson.tick_until_not("where-water")
    assert lesson.at() == "quiz"
    return lesson


def final_answers(lesson):
    from cinema.core.records import RecordFold

    fold = RecordFold().add_all((r.kind, r.payload) for r in lesson.records)
    return {a.voter: a.key for a in fold.answers}


def test_a_handset_changing_its_answer_5000_times_is_bounded_and_its_last_answer_counts(tmp_path):
    from cinema.core.events import ClickerPressed, Command
    from cinema.core.items.activity import MAX_CHANGES

    lesson = at_the_quiz(tmp_path)
    before = len(lesson.records)
    presses = [ClickerPressed("00000C01", "ABCD"[n % 4]) for n in range(5002)]  # ends on "B"
    lesson.send(*presses, ClickerPressed("00000C02", "A"), wait=0.001)
    lesson.cmd(Command.NEXT)  # closes the question
    added = [r.kind for r in lesson.records[before:]]
    assert added.count("answer.changed") <= MAX_CHANGES + 1  # not 5,000
    assert added[-1] == "question.closed"
    assert final_answers(lesson) == {"00000C01": "B", "00000C02": "A"}  # the journal's last answer is the real one


def test_a_flood_of_handset_ids_nobody_was_given_cannot_crowd_out_a_childs_card(tmp_path):
    from cinema.core.events import CardAnswer, ClickerPressed
    from cinema.core.items.activity import MAX_UNPAIRED

    lesson = at_the_quiz(tmp_path)
    before = len(lesson.records)
    lesson.send(*(ClickerPressed(f"{n:08X}", "A") for n in range(3000)), wait=0.001)
    lesson.send(CardAnswer(card("L4"), "C"))
    added = [r.kind for r in lesson.records[before:]]
    assert added.count("answer.recorded") == MAX_UNPAIRED + 1
    assert final_answers(lesson)["card:L4"] == "C"


def test_a_loose_cable_flapping_for_ten_minutes_is_ten_records_a_minute_and_its_last_state_is_journaled(tmp_path):
    from cinema.core.events import DeviceChanged

    eng, clock, journal = engine()
    before = len(journal)
    name = "clickers /dev/ttyUSB0"
    for n in range(1200):  # twice a second for 10 minutes
        feed(eng, clock, journal, DeviceChanged(name, n % 2 == 0, "lcp"), wait=0.5)
        if n % 20 == 0:
            feed(eng, clock, journal, Tick(), wait=0.0)
    feed(eng, clock, journal, DeviceChanged(name, True, "lcp"), wait=0.5)  # it settles, plugged in
    clock.advance(WINDOW)
    feed(eng, clock, journal, Tick())
    added = journal[before:]
    assert len(added) <= 10 * (REFUSED_ONE_BY_ONE + 2) + 4  # not 1,200
    state = [r for r in added if r.kind in ("device.connected", "device.lost")][-1]
    assert state.kind == "device.connected" and state.payload["device"] == name
    assert sum(parse(r.kind, r.payload).changes for r in added if r.kind == "device.noise") > 1000
