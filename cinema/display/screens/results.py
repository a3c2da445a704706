"""The results screen: one bar per option with its count and share of the answers. Before the
reveal every bar has its option's colour; once revealed the right answer has a tick, a green
outlined bar and the others turn grey, so colour is never the only sign."""

from __future__ import annotations

import math

import pygame

from cinema.core.view import OptionTally, ResultsBody, View
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.layout import stack
from cinema.display.screens.common import answered_footer
from cinema.display.screens.question import draw_header, team_color, team_name
from cinema.display.theme import ink_on

MIN_TRACK = 0.15  # the bars keep at least this share of a row, however long the labels


def percent_text(c: Canvas, count: int, answered: int) -> str:
    return c._("%(percent)d%%") % {"percent": round(100 * count / answered)} if answered else ""


def _letter_size(c: Canvas, key: str, side: int) -> int:
    return c.text_renderer.fit(key, side, side, round(side * 0.8), c.metrics.min_text, c.rtl, True, 1).size


def key_tile(c: Canvas, name: str, rect: pygame.Rect, label: str, color) -> None:
    """A coloured square with its key letter as large as the square allows (never smaller than the
    labels beside it: the letter is what a child looks for)."""
    pygame.draw.rect(c.surface, color, rect, border_radius=max(4, rect.height // 6))
    c.record(name + ".tile", rect, "icon")
    c.text(name, label, rect, round(rect.height * 0.8), color=ink_on(color), align="center", valign="center",
           bold=True, max_lines=1)


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: ResultsBody = view.body
    m, area = c.metrics, c.content
    header = draw_header(c, "results", body.question_number, body.question_count, None)
    below = pygame.Rect(area.left, header.bottom + m.gap, area.width, area.bottom - header.bottom - m.gap)
    team_rows, _, team_size = _team_rows(c, below.width, body) if body.teams and body.revealed else (0, 0, m.body)
    footer_h = c.line_height(team_size) * max(1, team_rows) + m.gap // 2 * max(0, team_rows - 1)
    prompt_h = c.line_height(m.body) * 2
    chart_h = below.height - prompt_h - footer_h - 2 * m.gap
    prompt, chart, footer = stack(below, [prompt_h, chart_h, footer_h], m.gap)
    c.text("results.prompt", body.prompt, prompt, m.body, bold=True, valign="center", max_lines=2)
    c.record("results.chart", chart, "chart")

    n = max(1, len(body.options))
    row_h = min((chart.height - m.gap * (n - 1)) // n, round(c.line_height(m.body) * 1.8))
    marked = body.has_correct and body.revealed
    tick_w = round(row_h * 0.8) if body.has_correct else 0  # kept before the reveal too: nothing jumps
    counts_w = max(c.text_width(str(o.count), m.body, bold=True) for o in body.options) if body.options else 0
    percents_w = max((c.text_width(percent_text(c, o.count, body.answered), m.min_text) for o in body.options),
                     default=0) if body.answered else 0
    numbers_w = counts_w + (m.gap + percents_w if percents_w else 0) + m.gap
    avail = chart.width - row_h - m.gap - (tick_w + m.gap if tick_w else 0)  # labels and bars share it
    label_w, label_size = _labels(c, body.options, avail - numbers_w - m.gap, avail, row_h)
    label_size = min(label_size, max(_letter_size(c, o.key, row_h) for o in body.options)) \
        if body.options else label_size  # the letters are what a child looks for: never the smaller text
    track_w = avail - label_w - m.gap  # the bar and its numbers
    top_count = max([o.count for o in body.options] + [1])
    for i, option in enumerate(body.options):
        row = pygame.Rect(chart.left, chart.top + i * (row_h + m.gap), chart.width, row_h)
        tile = pygame.Rect(row.left, row.top, row_h, row_h)
        tick_box = pygame.Rect(tile.right + m.gap, row.top, tick_w, row_h)
        label = pygame.Rect((tick_box.right if tick_w else tile.right) + m.gap, row.top, label_w, row_h)
        track = pygame.Rect(label.right + m.gap, row.top, track_w, row_h)
        tile, tick_box, label, track = (c.mirror(r, row) for r in (tile, tick_box, label, track))
        key_tile(c, f"result.{option.key}.key", tile, option.key, c.theme.option_color(i))
        if marked and option.correct:
            c.icon(f"result.{option.key}.tick", tick_box.inflate(-row_h // 8, -row_h // 8), icons.tick, c.theme.good)
        c.text(f"result.{option.key}.text", option.text, label, label_size, min_size=label_size,
               valign="center", max_lines=2)
        _bar(c, option, i, track, track_w - numbers_w, top_count, marked, body)
    draw_footer(c, footer, body)


def _labels(c: Canvas, options: tuple[OptionTally, ...], room: int, avail: int, row_h: int) -> tuple[int, int]:
    """The labels' width and one size for all: as wide as the longest label needs, on one line if
    it can, leaving the bars at least MIN_TRACK of the row."""
    m = c.metrics
    most = max(1, round(room - max(avail * MIN_TRACK, m.margin)))
    texts = [o.text for o in options if o.text]
    size = c.common_size(texts, (most, row_h), m.body, 2)
    widest = max((c.text_width(t, size) for t in texts), default=0) + 2
    return min(most, widest), size


def _bar(c: Canvas, option: OptionTally, index: int, track: pygame.Rect, bar_room: int, top_count: int,
         marked: bool, body: ResultsBody) -> None:
    """The bar, then the count (and its share) just after it; no answers: no bar, only the '0'."""
    m, side = c.metrics, track.height
    count_text = str(option.count)
    count_w = c.text_width(count_text, m.body, bold=True) + 2
    pct = percent_text(c, option.count, body.answered)
    pct_w = c.text_width(pct, m.min_text) + 2 if pct else 0
    bar_len = round(max(0, bar_room) * option.count / top_count)
    radius = max(2, side // 10)
    if bar_len > 0:
        bar = c.mirror(pygame.Rect(track.left, track.top + side // 6, max(bar_len, 2 * radius), side - side // 3),
                       track)
        if marked:
            color = c.theme.good if option.correct else c.theme.neutral_bar
        else:
            color = c.theme.option_color(index)
        pygame.draw.rect(c.surface, color, bar, border_radius=radius)
        if marked and option.correct:
            pygame.draw.rect(c.surface, c.theme.text, bar, max(2, side // 16), border_radius=radius)
        c.record(f"result.{option.key}.bar", bar, "chart")
    start = track.left + (bar_len + m.gap if bar_len > 0 else 0)
    count_box = c.mirror(pygame.Rect(start, track.top, count_w, side), track)
    c.text(f"result.{option.key}.count", count_text, count_box, m.body, valign="center", bold=True, max_lines=1)
    if pct:
        pct_box = c.mirror(pygame.Rect(start + count_w + m.gap, track.top, pct_w, side), track)
        c.text(f"result.{option.key}.percent", pct, pct_box, m.min_text, valign="center", max_lines=1,
               color=c.theme.muted)


def _team_rows(c: Canvas, width: int, body: ResultsBody) -> tuple[int, int, int]:
    """(rows, teams per row, text size) so that every team's name and score fit on its line: one
    row at the body size if it can, else at the smallest readable size, else more rows."""
    gap = c.metrics.gap
    for size in (c.metrics.body, c.metrics.min_text):
        widest = max(c.text_width(_team_text(c, t.team, t.correct, body.team_names), size, bold=True)
                     for t in body.teams)
        cell = widest + round(c.line_height(size) * 0.7) + gap  # swatch and text
        per_row = max(1, min(len(body.teams), (width + gap) // (cell + gap)))
        if per_row == len(body.teams):
            break
    return math.ceil(len(body.teams) / per_row), per_row, size


def _team_text(c: Canvas, team: int, score: int, names: tuple[str, ...]) -> str:
    return c._("%(team)s: %(score)d") % {"team": team_name(c, team, names), "score": score}


def draw_footer(c: Canvas, footer: pygame.Rect, body: ResultsBody) -> None:
    if body.teams and body.revealed:  # before the reveal the scores would tell the right answer
        _team_scores(c, footer, body)
    else:
        answered_footer(c, footer, body.answered, None)


def _team_scores(c: Canvas, footer: pygame.Rect, body: ResultsBody) -> None:
    """Team mode: each team's colour, name and right answers so far; the leading team(s) in bold
    with a star, so the lead is not told by colour alone."""
    m = c.metrics
    rows, per_row, size = _team_rows(c, footer.width, body)
    line = c.line_height(size)
    best = max(t.correct for t in body.teams)
    cell_w = (footer.width - m.gap * (per_row - 1)) // per_row
    for i, team in enumerate(body.teams):
        r, col = divmod(i, per_row)
        cell = c.mirror(pygame.Rect(footer.left + col * (cell_w + m.gap), footer.top + r * (line + m.gap // 2),
                                    cell_w, line), footer)
        leading = team.correct == best and best > 0
        swatch_side = round(line * 0.7)
        swatch = c.mirror(pygame.Rect(cell.left, cell.top + (line - swatch_side) // 2, swatch_side, swatch_side),
                          cell)
        color = team_color(team.team)
        if leading:
            c.icon(f"team.{team.team}.swatch", swatch, icons.star, color)
        else:
            pygame.draw.rect(c.surface, color, swatch, border_radius=max(2, swatch_side // 5))
            c.record(f"team.{team.team}.swatch", swatch, "icon")
        text_box = c.mirror(pygame.Rect(cell.left + swatch_side + m.gap, cell.top,
                                        cell.width - swatch_side - m.gap, line), cell)
        c.text(f"team.{team.team}", _team_text(c, team.team, team.correct, body.team_names), text_box, size,
               bold=leading, valign="center", max_lines=1)
