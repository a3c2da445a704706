"""Defects from the screens audit (issue 12 part 7), as the room and the teacher see them: the wellbeing
counts kept from the room, text not cut in Ukrainian at 1024x768 and 800x600, the battery strip,
the closing screen, the pairing count, the break ring's direction, the status bar's battery reader."""

from __future__ import annotations

import dataclasses
import math

import pygame
import pytest

from cinema.core.power import MSG_STOP, Action, PlannedItem, PowerDecision
from cinema.core.view import (
    AttendanceBody, BreakBody, CheckinResultsBody, ClosingBody, DeviceStatus, Screen, StatusBar,
)
from cinema.display.theme import Theme
from tests.display.test_screens import FIXED_NOW, assert_layout_facts

SIZES = [(800, 600), (1024, 768), (1920, 1080)]
LANGS = ["en", "ar", "uk"]


def render(renderers, view, size):
    surface = pygame.Surface(size)
    layout = renderers(size).draw(surface, view, frame=None, now=FIXED_NOW)
    return layout, surface


def like(views, lang, name, screen=None, body=None, **kw):
    view = views[lang][name]
    return dataclasses.replace(view, screen=screen or view.screen, body=body or view.body, **kw)


def uncut(layout, prefixes):
    return [(b.name, b.text) for b in layout if b.kind == "text" and b.cut and b.name.startswith(prefixes)]


# ---- the check-in results as the room sees them ----------------------------------------------------


def calm(views, lang, counts=(5, 4, 1, 1, 1)):
    title = views[lang]["checkin_results_calm"].body.calm_title
    body = CheckinResultsBody(views[lang]["checkin"].body.prompt, counts, True, title)
    return like(views, lang, "checkin", Screen.CHECKIN_RESULTS, body)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_the_calm_offer_shows_the_room_no_count_of_the_saddest_faces(renderers, views, lang, size):
    layout, _ = render(renderers, calm(views, lang), size)
    names = layout.names()
    for face in (1, 2):
        assert f"face.{face}.count" not in names and f"face.{face}.bar" not in names
    assert [layout.get(f"face.{face}.count").text for face in (3, 4, 5)] == ["1", "1", "1"]
    offer = layout.get("calm.offer").text
    assert views[lang]["checkin_results_calm"].body.calm_title in offer
    if lang == "en":
        assert "room" not in offer and "need" not in offer  # an invitation, nothing about how the room feels
    # the two keys as key caps the teacher reads, each with what it does, none cut
    assert layout.get("calm.take.key.tile") and layout.get("calm.go_on.key.tile")
    assert layout.get("calm.go_on.key").text == "→"
    assert uncut(layout, ("calm.", "checkin_results.")) == []
    assert_layout_facts(calm(views, lang), layout, size)


@pytest.mark.parametrize("counts", [(2, 1, 0, 0, 1), (0, 0, 0, 0, 4), (1, 0, 0, 0, 0)])
def test_with_fewer_than_five_answers_the_room_sees_no_counts_at_all(renderers, views, counts):
    body = CheckinResultsBody("How do you feel?", counts, False)
    layout, _ = render(renderers, like(views, "en", "checkin", Screen.CHECKIN_RESULTS, body), (1024, 768))
    assert not [b.name for b in layout.starting("face.") if b.name.endswith((".count", ".bar"))]
    assert [f"face.{i}" for i in range(1, 6)] == [b.name for b in layout if b.name in
                                                   {f"face.{i}" for i in range(1, 6)}]


# ---- Ukrainian and small projectors: nothing of these screens is cut with "…" --------------------------


@pytest.mark.parametrize("size", [(800, 600), (1024, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["pairing", "pairing_idle", "resume", "checkin_results_calm", "attendance",
                                  "closing", "notice", "break", "power_advice", "picker"])
def test_the_teachers_and_childrens_instructions_are_not_cut(renderers, views, lang, size, name):
    view = views[lang][name]
    layout, _ = render(renderers, view, size)
    assert uncut(layout, ("attendance.", "resume.", "calm.", "closing.", "notice.", "break.",
                          "overlay.power", "overlay.picker")) == []
    if name != "power_advice":  # the advice strip is an overlay these facts do not expect
        assert_layout_facts(view, layout, size)


def test_the_pairing_screen_says_what_its_number_counts(renderers, views):
    for lang in LANGS:
        layout, _ = render(renderers, views[lang]["pairing_idle"], (1024, 768))
        assert layout.get("attendance.count").text == "0"
        label = layout.get("attendance.expected").text
        assert label and not label.isdigit()
    layout, _ = render(renderers, views["en"]["pairing_idle"], (1024, 768))
    assert layout.get("attendance.expected").text == "clickers paired"


# ---- the closing screen ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_closing_screen_keeps_its_subtitle_and_its_numbers_clear_of_a_toast(renderers, views, size):
    body = ClosingBody("Well done!", 18, 96, "See you next time")
    view = like(views, "en", "closing", body=body, toast="Battery low")
    layout, _ = render(renderers, view, size)
    assert layout.get("closing.subtitle").text == "See you next time"
    assert layout.get("closing.star").rect.height >= 0.1 * size[1]  # the star is not squeezed away
    toast = layout.get("overlay.toast").rect
    for name in ("closing.attendance", "closing.answers", "closing.attendance.icon", "closing.answers.icon",
                 "closing.subtitle", "closing.title"):
        assert not layout.get(name).rect.colliderect(toast), f"the toast covers {name}"


# ---- the break ring runs clockwise in every language ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_break_ring_runs_clockwise_in_every_language(renderers, views, lang):
    # a quarter of the time left: the band fills twelve to three o'clock, the upper right, as a clock's hand
    view = like(views, lang, "break", body=BreakBody(views[lang]["break"].body.title, 75.0, 300.0))
    layout, surface = render(renderers, view, (1024, 768))
    ring = layout.get("break.ring").rect
    r = min(ring.width, ring.height) / 2 - min(ring.width, ring.height) * 0.035
    accent = Theme().accent

    def colour_at(degrees_from_twelve: float):
        a = math.radians(90 - degrees_from_twelve)
        return tuple(surface.get_at((round(ring.centerx + r * math.cos(a)), round(ring.centery - r * math.sin(a)))))[:3]

    assert colour_at(45) == accent  # upper right filled
    assert colour_at(-45) != accent  # upper left not


# ---- the battery ---------------------------------------------------------------------------------------------


def advice(enough: bool, skip=2) -> PowerDecision:
    items = (PlannedItem(4, "quiz", "Quiz: clean hands", "activity", 6.0, True, 1),
             PlannedItem(6, "stretch", "Stretch and drink some water", "break", 5.0, True, 2),
             PlannedItem(8, "song", "The water song", "audio", 4.0, True, 3))[:skip]
    return PowerDecision(Action.ADVISE, 31.0, 50.0, usable_minutes=38.4, needs_minutes=52.0, skip=items,
                         enough=enough)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("enough", [True, False])
def test_the_battery_advice_is_a_strip_of_at_most_15_percent_that_is_not_cut(renderers, views, lang, size, enough):
    view = like(views, lang, "video", power_advice=advice(enough, skip=3))
    layout, _ = render(renderers, view, size)
    strip = layout.get("overlay.power").rect
    assert strip.height <= 0.15 * size[1]
    assert uncut(layout, ("overlay.power",)) == []
    text = layout.get("overlay.power.text").text
    if lang == "en" and not enough:
        assert "To finish" not in text  # no list "to finish" that the next words take back
    assert strip.bottom <= size[1] and strip.width <= size[0]


def test_the_plug_is_not_drawn_for_a_battery_reader_on_battery(renderers, views):
    status = StatusBar(battery_percent=40, battery_minutes=30, charging=False, attendance=5,
                       devices=(DeviceStatus("clickers", True), DeviceStatus("laptop battery", True)))
    layout, surface = render(renderers, like(views, "en", "title", status=status), (1024, 768))
    assert [b.name for b in layout.starting("status.device.")] == ["status.device.0"]  # the clickers only
    lost = dataclasses.replace(status, devices=(DeviceStatus("laptop battery", False),))
    layout, _ = render(renderers, like(views, "en", "title", status=lost), (1024, 768))
    assert [b.name for b in layout.starting("status.device.")] == ["status.device.0"]  # a lost reader is shown


def test_the_status_bar_shows_the_advices_minutes(renderers, views):
    # 38.4 usable minutes: "38 min" in the advice and in the status bar, not 38 and 38.4 rounded elsewhere
    status = StatusBar(battery_percent=31, battery_minutes=38.6, charging=False, attendance=5)
    view = like(views, "en", "title", status=status, power_advice=dataclasses.replace(
        advice(True), usable_minutes=38.6))
    layout, _ = render(renderers, view, (1920, 1080))
    assert layout.get("status.battery.time").text == "38 min"
    from cinema.core.power import describe
    assert describe(view.power_advice)[0].startswith("Battery: about 38 min.")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_a_critical_battery_is_said_big_not_in_a_small_toast(renderers, views, lang, size):
    layout, _ = render(renderers, like(views, lang, "video", toast=MSG_STOP, paused=True), size)
    panel = layout.get("overlay.power_stop").rect
    assert panel.width * panel.height >= 0.4 * size[0] * size[1]
    assert "overlay.toast" not in layout.names()
    assert not layout.starting("overlay.paused")  # the panel says it: no badge half hidden behind it
    assert uncut(layout, ("overlay.power_stop",)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_item_title_still_leaves_a_whole_line_of_advice(renderers, views, lang):
    long = PlannedItem(4, "story", "Story: the long journey of a little raindrop from the cloud to the sea",
                       "audio", 6.0, True, 1)
    decision = PowerDecision(Action.ADVISE, 31.0, 50.0, usable_minutes=20.0, needs_minutes=30.0, skip=(long,))
    layout, _ = render(renderers, like(views, lang, "video", power_advice=decision), (800, 600))
    assert uncut(layout, ("overlay.power",)) == []
    if lang == "en":
        assert layout.get("overlay.power.text").text == "Items to skip: 1"


# ---- the saddest faces' counts: on the teacher window, never on the projector --------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_saddest_faces_are_counted_for_the_teacher_not_the_room(renderers, views, lang):
    from cinema.display.samples import teacher_views
    from cinema.display.teacher_screen import TeacherRenderer

    room, _ = render(renderers, calm(views, lang, counts=(4, 2, 5, 4, 2)), (1024, 768))
    assert not [b.name for b in room.starting("face.1") + room.starting("face.2") if b.name.endswith(".count")]
    teacher = teacher_views(lang)["teacher_calm"]  # 17 answers, 6 on the two saddest faces
    layout = TeacherRenderer((1024, 768), strict=True).draw(pygame.Surface((1024, 768)), teacher, now=FIXED_NOW)
    said = layout.get("teacher.calm.said").text
    assert "6" in said and not layout.get("teacher.calm.said").cut
    if lang == "en":
        assert said.endswith("6 chose the two saddest faces")
