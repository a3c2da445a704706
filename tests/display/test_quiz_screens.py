"""The quiz screens as a class sees them: a large countdown, the answered grid, options that keep
their size, results with counts and percentages whose labels are never cut, key letters no smaller
than the labels, no bar for a zero count, the reveal step and team names; at every size, in
English, Arabic and Ukrainian."""

from __future__ import annotations

import itertools

import pygame
import pytest

from tests.display.test_screens import assert_layout_facts, draw

QUIZ_SCREENS = [
    "question", "question_grid", "question_big_room", "question_last_seconds", "question_everyone",
    "question_teams", "question_long_option", "question_image", "results", "results_closed", "results_nobody",
    "results_poll", "results_teams", "results_team_names",
]
ALL_SIZES = [(800, 600), (1024, 768), (1366, 768), (1920, 1080)]
SIZE_IDS = [f"{w}x{h}" for w, h in ALL_SIZES]
LANGS = ["en", "ar", "uk"]


def cut(renderers, size, box, rtl) -> bool:
    """Whether a drawn text box ends in '…' where its text was longer: fitted again into the room it
    was drawn in (at its size), a whole text fits; a cut one is cut again."""
    tr = renderers(size).text
    rect = box.rect.inflate(4, 4)
    block = tr.fit(box.text, rect.width, rect.height, box.size, box.size, rtl, False, None)
    return "".join(block.lines).replace(" ", "") != box.text.replace(" ", "")


@pytest.mark.parametrize("size", ALL_SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_quiz_screens_lay_out_cleanly_and_no_option_or_label_is_cut(renderers, views, tmp_path, lang, size):
    for name in QUIZ_SCREENS:
        view, layout, _ = draw(renderers, views, lang, name, size, tmp_path)
        assert_layout_facts(view, layout, size)
        for box in layout:
            if box.name.startswith(("option.", "result.", "team.", "voter.", "countdown")) and box.text:
                assert not cut(renderers, size, box, lang == "ar"), f"{name}: {box.name} {box.text!r} is cut"


@pytest.mark.parametrize("size", ALL_SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_result_letters_are_never_smaller_than_their_labels(renderers, views, lang, size):
    for name in ("results", "results_teams", "results_poll"):
        _, layout, _ = draw(renderers, views, lang, name, size)
        keys = [b for b in layout.starting("result.") if b.name.endswith(".key")]
        for key in keys:
            label = layout.get(key.name.replace(".key", ".text"))
            assert key.size >= label.size, f"{name}: {key.name} {key.size}px < its label {label.size}px"


@pytest.mark.parametrize("size", ALL_SIZES, ids=SIZE_IDS)
def test_one_long_option_shrinks_alone(renderers, views, size):
    _, layout, _ = draw(renderers, views, "en", "question_long_option", size)
    sizes = {k: layout.get(f"option.{k}.text").size for k in "ABCD"}
    assert sizes["B"] == sizes["C"] == sizes["D"]
    assert sizes["B"] >= sizes["A"]
    if size[0] <= 1024:  # where the long option has to shrink, the others keep the normal size
        assert sizes["A"] < sizes["B"] == renderers(size).metrics.body


@pytest.mark.parametrize("size", ALL_SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_answers_draws_no_bar_over_the_zero(renderers, views, lang, size):
    _, layout, surface = draw(renderers, views, lang, "results_nobody", size)
    assert not [b for b in layout if b.name.endswith(".bar")]
    white = pygame.Color(244, 244, 240)
    for key in "ABCD":
        label, count = layout.get(f"result.{key}.text").rect, layout.get(f"result.{key}.count").rect
        assert layout.get(f"result.{key}.count").text == "0"
        # between the label and the '0' there is nothing drawn in the text colour (no outline blob)
        left, right = (label.right, count.left) if lang == "en" else (count.right, label.left)
        gap = pygame.Rect(left + 1, count.top, max(0, right - left - 2), count.height)
        ink = sum(1 for x, y in itertools.product(range(gap.left, gap.right), range(gap.top, gap.bottom))
                  if surface.get_at((x, y)) == white)
        assert ink == 0, f"{key}: {ink} white pixels between the label and its 0"
    assert "result.A.percent" not in layout.names()  # no answers: no '0%' on every row


def test_results_show_counts_and_percentages(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "results", (800, 600))
    counts = {k: (layout.get(f"result.{k}.count").text, layout.get(f"result.{k}.percent").text) for k in "ABCD"}
    assert counts == {"A": ("11", "61%"), "B": ("3", "17%"), "C": ("4", "22%"), "D": ("0", "0%")}


def test_the_right_answer_is_marked_only_once_revealed(renderers, views):
    _, closed, closed_surface = draw(renderers, views, "en", "results_closed", (1024, 768))
    assert not [b for b in closed if b.name.endswith(".tick")]
    _, shown, shown_surface = draw(renderers, views, "en", "results", (1024, 768))
    assert [b.name for b in shown if b.name.endswith(".tick")] == ["result.A.tick"]
    # before the reveal every bar has its option's colour, so the right one does not stand out
    bar = closed.get("result.A.bar").rect
    assert closed_surface.get_at(bar.center)[:3] == renderers((1024, 768)).theme.option_color(0)
    assert shown_surface.get_at(shown.get("result.A.bar").rect.center)[:3] == renderers((1024, 768)).theme.good


@pytest.mark.parametrize("size", ALL_SIZES, ids=SIZE_IDS)
def test_the_countdown_is_large_and_warns_in_the_last_seconds(renderers, views, size):
    metrics = renderers(size).metrics
    _, calm, _ = draw(renderers, views, "en", "question", size)
    _, late, surface = draw(renderers, views, "en", "question_last_seconds", size)
    assert calm.get("countdown").text == "25" and late.get("countdown").text == "4"
    assert calm.get("countdown").size >= metrics.heading  # as large as the question itself at least
    ring = late.get("countdown.ring").rect
    top = surface.get_at((ring.centerx + 2, ring.top + 3))[:3]  # the ring starts at twelve o'clock
    assert top == renderers(size).theme.warn


def test_the_answered_grid_lights_the_handsets_that_answered(renderers, views):
    view, layout, surface = draw(renderers, views, "en", "question_grid", (1920, 1080))
    chips = {b.name.split(".")[1]: b for b in layout.starting("voter.") if not b.name.endswith(".chip")}
    assert sorted(chips) == [str(n) for n in range(101, 110)]
    theme = renderers((1920, 1080)).theme
    for voter in view.body.voters:
        chip = layout.get(f"voter.{voter.label}.chip").rect
        lit = surface.get_at((chip.left + 3, chip.centery))[:3] == theme.good
        assert lit == voter.answered, voter
    # twenty handsets do not fit beside the options at 800x600: the count says it, the options stay whole
    _, small, _ = draw(renderers, views, "en", "question_big_room", (800, 600))
    assert not small.starting("voter.") and small.get("answered").text == "12 of 20 answered"


def test_everyone_answered_is_said_on_the_screen(renderers, views):
    _, layout, _ = draw(renderers, views, "en", "question_everyone", (1024, 768))
    assert layout.get("answered").text == "Everyone has answered!"


@pytest.mark.parametrize("lang", LANGS)
def test_teams_show_their_names_and_colours(renderers, views, lang):
    view, layout, surface = draw(renderers, views, lang, "results_team_names", (1024, 768))
    names = view.body.team_names
    assert [layout.get(f"team.{n}").text.split(":")[0] for n in (1, 2, 3)] == list(names)
    from cinema.display.screens.question import team_color

    for n in (1, 3):  # team 2 leads: a star in its colour instead of a square
        swatch = layout.get(f"team.{n}.swatch").rect
        assert surface.get_at(swatch.center)[:3] == team_color(n)


def test_team_scores_wait_for_the_reveal(renderers, views):
    """Before the reveal a team's score would tell the class which answer was right."""
    from dataclasses import replace

    view = views["en"]["results_team_names"]
    closed = replace(view, body=replace(view.body, revealed=False))
    layout = renderers((1024, 768)).draw(pygame.Surface((1024, 768)), closed, now=0)
    assert not layout.starting("team.") and layout.get("answered").text == "18 answered"
