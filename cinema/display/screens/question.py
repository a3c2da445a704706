"""The question screen: "question n of m", the prompt beside a large countdown, option tiles with
big key letters, the grid of handsets that have answered, and how many have answered."""

from __future__ import annotations

import math
import statistics

import pygame

from cinema.core.view import OptionTally, QuestionBody, View, Voter
from cinema.display import icons
from cinema.display.canvas import Canvas
from cinema.display.join_panel import footer_height, footer_with_corner
from cinema.display.layout import split_columns, stack
from cinema.display.screens.common import answered_footer, header_row, icon_and_text, timer
from cinema.display.theme import BLUE, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW, ink_on

COUNTDOWN_CUE = 5  # the countdown turns to the warning colour, bold, in its last seconds
OPTION_LINES = 3
# Team colours (Okabe & Ito, then white): told apart with every common colour-vision deficiency,
# and always shown with the team's name or number too.
TEAM_COLORS = (BLUE, VERMILLION, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, YELLOW, (236, 236, 236))
GRID_SHARE = 0.25
GRID_OPTION_FLOOR = 0.8  # ... nor make the options' text smaller than this share of its normal size  # the answered grid takes at most this share of the screen below the header


def team_color(team: int):
    return TEAM_COLORS[(team - 1) % len(TEAM_COLORS)]


def team_name(c: Canvas, team: int, names: tuple[str, ...]) -> str:
    if 0 < team <= len(names) and names[team - 1]:
        return names[team - 1]
    return c._("Team %(n)d") % {"n": team}


def question_of_text(c: Canvas, number: int, count: int) -> str:
    return c._("Question %(n)d of %(m)d") % {"n": number, "m": count}


def draw_header(c: Canvas, prefix: str, number: int, count: int, seconds_left: float | None) -> pygame.Rect:
    m = c.metrics
    header = header_row(c, c.content.top, m.min_text)
    half = header.width // 2
    c.text(f"{prefix}.number", question_of_text(c, number, count),
           c.mirror(pygame.Rect(header.left, header.top, half, header.height), header),
           m.min_text, color=c.theme.muted, valign="center", max_lines=1)
    if seconds_left is not None:
        box = c.mirror(pygame.Rect(header.right - half // 2, header.top, half // 2, header.height), header)
        timer(c, f"{prefix}.timer", box, seconds_left)
    return header


def countdown(c: Canvas, box: pygame.Rect, seconds_left: float, total: float | None) -> None:
    """A large ring with the seconds left inside, readable from the back of the room; in the last
    seconds it turns to the warning colour and the number to bold (the kiosk ticks as well)."""
    side = min(box.width, box.height)
    ring = pygame.Rect(0, 0, side, side)
    ring.center = box.center
    urgent = seconds_left <= COUNTDOWN_CUE
    color = c.theme.warn if urgent else c.theme.accent
    c.icon("countdown.ring", ring, icons.ring, seconds_left / total if total else 1.0, color, c.theme.panel)
    seconds = max(0, math.ceil(seconds_left))
    label = str(seconds) if seconds < 100 else f"{seconds // 60}:{seconds % 60:02d}"
    inner = ring.inflate(-round(side * 0.24), -round(side * 0.24))
    c.text("countdown", label, inner, inner.height, color=color if urgent else None, bold=urgent,
           align="center", valign="center", max_lines=1)


def option_grid(c: Canvas, area: pygame.Rect, count: int, tall: bool = False,
                columns: int | None = None) -> list[pygame.Rect]:
    """One cell per option in reading order: one column for up to three, else two; `tall` rows
    take all the height there is (for an option that needs three lines)."""
    m = c.metrics
    columns = columns or (1 if count <= 3 else 2)
    rows = max(1, math.ceil(count / columns))
    row_h = (area.height - m.gap * (rows - 1)) // rows
    if not tall:
        row_h = min(row_h, round(c.line_height(m.body) * 2.2))
    cells = []
    for i in range(count):
        r, col = divmod(i, columns)
        row_rect = pygame.Rect(area.left, area.top + r * (row_h + m.gap), area.width, row_h)
        cells.append(split_columns(row_rect, columns, m.margin, c.rtl)[col])
    return cells


def tile_side(c: Canvas, cell: pygame.Rect) -> int:
    """The key tile: square, at most a line of option text high, so a tall cell
    gives its room to the text rather than to a huge tile."""
    return min(cell.height, round(c.line_height(c.metrics.body) * 1.25))


def option_text_box(c: Canvas, cell: pygame.Rect) -> pygame.Rect:
    side = tile_side(c, cell)
    return c.mirror(pygame.Rect(cell.left + side + c.metrics.gap, cell.top, cell.width - side - c.metrics.gap,
                                cell.height), cell)


def option_sizes(c: Canvas, texts: list[str], box: tuple[int, int], size: int, max_lines: int) -> list[int]:
    """A text size per option: one shared size while the options fit near it, but one long option
    shrinks on its own rather than pull every other option down to its size."""
    fitted = [c.common_size([t], box, size, max_lines) for t in texts]
    if not fitted:
        return []
    typical = statistics.median_low(fitted)
    shared = min(fitted)
    if shared >= typical * 0.85:
        return [shared] * len(fitted)
    return [min(f, typical) for f in fitted]


def draw_option(c: Canvas, cell: pygame.Rect, index: int, option: OptionTally, size: int) -> None:
    side = tile_side(c, cell)
    tile = c.mirror(pygame.Rect(cell.left, cell.top + (cell.height - side) // 2, side, side), cell)
    c.key_tile(f"option.{option.key}.key", tile, option.key, c.theme.option_color(index))
    c.text(f"option.{option.key}.text", option.text, option_text_box(c, cell), size, min_size=size,
           valign="center", max_lines=OPTION_LINES)


def grid_layout(c: Canvas, area: pygame.Rect, voters: tuple[Voter, ...]) -> tuple[int, int, int] | None:
    """(chip width, chips per row, rows) for the answered grid, or None when it would take more than
    GRID_SHARE of `area` (a big room is shown by its count only: the options come first)."""
    if not voters:
        return None
    m = c.metrics
    label_w = max(c.text_width(v.label, m.min_text, bold=True) for v in voters)
    chip_w, gap = label_w + m.gap, m.gap // 2
    per_row = max(1, (area.width + gap) // (chip_w + gap))
    rows = math.ceil(len(voters) / per_row)
    chip_h = c.line_height(m.min_text, bold=True)
    return (chip_w, per_row, rows) if rows * (chip_h + gap) <= area.height * GRID_SHARE else None


def answered_grid(c: Canvas, area: pygame.Rect, voters: tuple[Voter, ...], shape: tuple[int, int, int]) -> None:
    """A chip per handset, lit once it has answered (in its team's colour in team mode); the number
    stays on the chip either way, so a child finds their own without reading a name."""
    m = c.metrics
    chip_w, per_row, _ = shape
    chip_h = c.line_height(m.min_text, bold=True)
    gap = m.gap // 2
    for i, voter in enumerate(voters):
        r, col = divmod(i, per_row)
        chip = c.mirror(pygame.Rect(area.left + col * (chip_w + gap), area.top + r * (chip_h + gap), chip_w, chip_h),
                        area)
        if voter.answered:
            fill = team_color(voter.team) if voter.team else c.theme.good
            c.panel(chip, fill, radius=chip_h // 4)
            ink = ink_on(fill)
        else:  # not yet: an outline only, in the team's colour in team mode
            c.panel(chip, c.theme.background, c.theme.panel_edge if not voter.team else team_color(voter.team),
                    radius=chip_h // 4)
            ink = c.theme.muted
        c.record(f"voter.{voter.label}.chip", chip, "icon")
        c.text(f"voter.{voter.label}", voter.label, chip, m.min_text, color=ink, bold=True, align="center",
               valign="center", max_lines=1)


def fits(c: Canvas, text: str, box: tuple[int, int], size: int, max_lines: int, floor: int | None = None) -> bool:
    """Whether `text` fits `box` whole at `size` (or smaller, down to `floor` or the readable minimum)."""
    block = c.text_renderer.fit(text, box[0], box[1], size, floor or c.metrics.min_text, c.rtl, False, max_lines)
    return len(block.lines) * block.line_height <= box[1] and "".join(block.lines).replace(" ", "") \
        == text.replace(" ", "")


def arrange(c: Canvas, options: tuple[OptionTally, ...], area: pygame.Rect,
            one_column: bool = False) -> tuple[list[pygame.Rect], bool]:
    """The option cells, and whether every option fits whole: rows of a line or two, else rows as
    tall as the area allows; `one_column`: then one option per row across the whole width."""
    texts = [o.text for o in options]
    tries = [(False, None), (True, None)] + ([(True, 1)] if one_column else [])
    for tall, columns in tries:
        cells = option_grid(c, area, len(options), tall, columns)
        if not cells or all(fits(c, t, option_text_box(c, cells[0]).size, c.metrics.body, OPTION_LINES)
                            for t in texts):
            return cells, True
    return option_grid(c, area, len(options), True), False


def options_fit(c: Canvas, options: tuple[OptionTally, ...], area: pygame.Rect) -> bool:
    cells = option_grid(c, area, len(options))
    size = c.metrics.body  # the answered grid may not push the options far below their normal size
    floor = round(size * GRID_OPTION_FLOOR)
    return not cells or all(fits(c, o.text, option_text_box(c, cells[0]).size, size, OPTION_LINES, floor=floor)
                            for o in options)


def beside_picture(c: Canvas, body: QuestionBody, options: pygame.Rect) -> pygame.Rect:
    """Where the options go: all of `options`, or its start side when the question has a picture."""
    if not (body.image and c.images):
        return options
    picture_w = round(options.width * 0.38)
    return c.mirror(pygame.Rect(options.left, options.top, options.width - picture_w - c.metrics.margin,
                                options.height), options)


def draw(c: Canvas, view: View, frame: pygame.Surface | None = None) -> None:
    body: QuestionBody = view.body
    m, area = c.metrics, c.content
    header = draw_header(c, "question", body.question_number, body.question_count, None)
    footer_h = footer_height(c, view.join, c.line_height(m.body))  # the hub's corner strip goes in it
    below = pygame.Rect(area.left, header.bottom + m.gap, area.width, area.bottom - header.bottom - m.gap)
    clock_side = min(round(below.height * 0.32), round(c.line_height(m.heading) * 1.4)) \
        if body.seconds_left is not None else 0
    prompt_w = below.width - (clock_side + m.margin if clock_side else 0)
    most = min(round(below.height * 0.32), c.line_height(m.heading, bold=True) * 3)
    block = c.text_renderer.fit(body.prompt, prompt_w, most, m.heading, m.min_text, c.rtl, True, None)
    prompt_h = max(clock_side, min(most, len(block.lines) * block.line_height))
    grid = grid_layout(c, below, body.voters)
    grid_h = grid[2] * c.line_height(m.min_text, bold=True) + (grid[2] - 1) * (m.gap // 2) if grid else 0

    def regions(grid_h: int) -> list[pygame.Rect]:
        heights = [prompt_h, 0, grid_h, footer_h]
        heights[1] = below.height - sum(heights) - m.gap * (len(heights) - 1)
        return stack(below, heights, m.gap)

    prompt, options, grid_box, footer = regions(grid_h)
    if grid and not body.image and not options_fit(c, body.options, options):
        grid, grid_h = None, 0  # the options come first: where they would not fit, the room is shown by its count
        prompt, options, grid_box, footer = regions(0)
    if not arrange(c, body.options, beside_picture(c, body, options))[1]:
        # a long option: the question gives up its large size before an option is cut
        short = c.text_renderer.fit(body.prompt, prompt_w, most, m.min_text, m.min_text, c.rtl, True, None)
        prompt_h = max(clock_side, min(most, len(short.lines) * short.line_height))
        prompt, options, grid_box, footer = regions(grid_h)
    if body.seconds_left is not None:
        clock = c.mirror(pygame.Rect(prompt.right - clock_side, prompt.top, clock_side, clock_side), prompt)
        countdown(c, clock, body.seconds_left, body.seconds_total)
        prompt = c.mirror(pygame.Rect(prompt.left, prompt.top, prompt_w, prompt.height), prompt)
    c.text("question.prompt", body.prompt, prompt, m.heading, bold=True, valign="center")

    if body.image and c.images:
        picture_w = options.width - beside_picture(c, body, options).width - m.margin
        picture_box = c.mirror(pygame.Rect(options.right - picture_w, options.top, picture_w, options.height), options)
        image = c.images.fitted(body.image, picture_box.size)
        if image is not None:
            rect = image.get_rect(center=picture_box.center)
            c.surface.blit(image, rect)
            c.record("question.image", rect, "image")
            options = beside_picture(c, body, options)
    cells, _ = arrange(c, body.options, options, one_column=True)
    sizes = [m.body] * len(cells)
    if cells:
        sizes = option_sizes(c, [o.text for o in body.options], option_text_box(c, cells[0]).size, m.body,
                             OPTION_LINES)
    for i, (cell, option, size) in enumerate(zip(cells, body.options, sizes)):
        draw_option(c, cell, i, option, size)
    if grid:
        answered_grid(c, grid_box, body.voters, grid)
    footer = footer_with_corner(c, footer, view.join)
    if body.everyone:
        icon_and_text(c, "answered", footer, lambda s, r: icons.tick(s, r, c.theme.good),
                      c._("Everyone has answered!"), m.body, color=c.theme.good)
    else:
        answered_footer(c, footer, body.answered, body.expected)
