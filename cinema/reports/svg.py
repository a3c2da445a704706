"""Small charts as inline SVG strings: readable without JavaScript, in print and in black and white."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Number = int | float
Format = Callable[[Number], str]

# The kiosk's face colours (Okabe & Ito), very sad .. very happy; each face also has its own mouth.
FACE_COLOURS = ("#d55e00", "#e69f00", "#f0e442", "#56b4e9", "#009e73")
FACE_INK = ("#fff", "#000", "#000", "#000", "#fff")
BAR = "#1d4e89"
RIGHT = "#009e73"
GRID = "#bbb"
MAX_STEP = 48  # widest slot for one session's bar
MUTED = "#555"
FONT = 'font-family="system-ui,sans-serif"'


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart; `marked` draws a tick (the right answer), not just a colour."""

    label: str
    value: Number
    marked: bool = False


@dataclass(frozen=True)
class Stack:
    """One column of face counts (a check-in); `calm` is "", "offered" or "accepted"."""

    label: str
    counts: Sequence[int]
    calm: str = ""


def _num(value: Number) -> str:
    """Coordinates short enough to keep a 12,000-session report small."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def nice_top(value: Number) -> Number:
    """The axis top: at least `value`, and half of it a round whole number (16 → 16, 17 → 20)."""
    if value <= 0:
        return 2
    half = value / 2
    magnitude = 1
    while magnitude * 10 <= half:
        magnitude *= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        candidate = step * magnitude
        if candidate >= half and float(candidate).is_integer():
            return int(candidate * 2)
    return int(10 * magnitude * 2)


def tick_positions(n: int, most: int = 12) -> set[int]:
    """Which of n columns get a label: the first, then every 2nd, 5th, 10th, 25th... (round
    numbers counting from 1), at most about `most` of them."""
    step = next((k for k in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if n / k <= most), n)
    ticks = {0} | {i for i in range(n) if (i + 1) % step == 0 and i + 1 > step / 2}
    return {i for i in ticks if i < n}


def _whole(value: Number) -> Number:
    return int(value) if float(value).is_integer() else value


def _open(width: Number, height: Number, title: str, cls: str = "chart", text: bool = True) -> str:
    # Inline in HTML, so no xmlns. direction="ltr" fixes the geometry; RTL charts are mirrored
    # by the functions themselves.
    fonts = f' direction="ltr" {FONT}' if text else ""
    return (f'<svg class="{cls}" role="img" width="{_num(width)}" '
            f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}"{fonts}>'
            f"<title>{escape(title)}</title>")


def _label(x: Number, y: Number, text: str, *, anchor: str, size: int = 12, rtl: bool = False,
           fill: str = "#000", weight: str = "") -> str:
    """A text label; in RTL the text runs right to left but keeps the given physical anchor."""
    if rtl:
        # With direction="rtl" the "start" of the text is its right edge.
        anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        extra = ' direction="rtl"'
    else:
        extra = ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{fill}" '
            f'text-anchor="{anchor}"{extra}{bold}>{escape(text)}</text>')


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 460, rtl: bool = False,
              fmt: Format = str, label_width: int = 130) -> str:
    """Horizontal bars with their label and number; marked bars get a ✓ and a thick outline."""
    row, top = 22, 4
    height = top + row * max(len(bars), 1) + 4
    peak = max((b.value for b in bars), default=0) or 1
    number_width = 54
    span = width - label_width - number_width - 8
    out = [_open(width, height, title)]
    for i, bar in enumerate(bars):
        y = top + i * row
        length = max(span * bar.value / peak, 0)
        label = ("✓ " if bar.marked else "") + bar.label
        if rtl:
            right = width - label_width
            out.append(_label(width - 2, y + 15, label, anchor="end", rtl=True, weight="bold" if bar.marked else ""))
            x, text_x, anchor = right - 4 - length, right - 8 - length, "end"
        else:
            out.append(_label(2, y + 15, label, anchor="start", weight="bold" if bar.marked else ""))
            x, text_x, anchor = label_width + 4, label_width + 8 + length, "start"
        fill = RIGHT if bar.marked else BAR
        stroke = ' stroke="#000" stroke-width="2"' if bar.marked else ""
        out.append(f'<rect x="{_num(x)}" y="{y + 3}" width="{_num(length)}" height="{row - 6}" fill="{fill}"{stroke}/>')
        out.append(_label(text_x, y + 15, fmt(bar.value), anchor=anchor))
    out.append("</svg>")
    return "".join(out)


def column_chart(values: Sequence[Number | None], labels: Sequence[str], *, title: str,
                 width: int = 900, height: int = 150, ymax: Number | None = None, rtl: bool = False,
                 fmt: Format = str) -> str:
    """Vertical bars over sessions (attendance, lowest battery); `None` is a gap, not a zero.

    All bars are one <path> so 250 sessions stay small; numbers are written on the bars when
    there is room, and the axis always gives the scale.
    """
    n = max(len(values), 1)
    known = [v for v in values if v is not None]
    top_value = ymax if ymax is not None else nice_top(max(known, default=0))
    left, right, top, bottom = 34, 6, 14, 20
    step = min((width - left - right) / n, MAX_STEP)
    width = round(left + right + step * n)  # a few sessions make a small chart, not a few huge bars
    plot_h = height - top - bottom
    bar_w = max(step * 0.8, 1)
    out = [_open(width, height, title)]
    axis_x = width - left + 4 if rtl else left - 4
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line x1="{left if not rtl else right}" x2="{width - right if not rtl else width - left}" '
                   f'y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>')
        out.append(_label(axis_x, y + 4, fmt(_whole(top_value * frac)), anchor="start" if rtl else "end", size=10,
                          fill=MUTED))
    path: list[str] = []
    numbers: list[str] = []
    ticks = tick_positions(n)
    for i, value in enumerate(values):
        slot = (n - 1 - i) if rtl else i
        x = (right if rtl else left) + slot * step + (step - bar_w) / 2
        if value is not None:
            h = plot_h * min(max(value / top_value, 0), 1) if top_value else 0
            path.append(f"M{_num(x)} {_num(top + plot_h)}v{_num(-h)}h{_num(bar_w)}v{_num(h)}z")
            if step >= 22:
                numbers.append(_label(x + bar_w / 2, top + plot_h - h - 3, fmt(value), anchor="middle", size=10))
        elif step >= 10:
            # no reading is not a zero: say so where the bar would stand
            numbers.append(_label(x + bar_w / 2, top + plot_h - 3, "–", anchor="middle", size=10, fill=MUTED))
        if i in ticks and i < len(labels):
            numbers.append(_label(x + bar_w / 2, height - 6, labels[i], anchor="middle", size=10, fill=MUTED))
    if path:
        out.append(f'<path d="{"".join(path)}" fill="{BAR}"/>')
    out.extend(numbers)
    out.append("</svg>")
    return "".join(out)


def stacked_columns(stacks: Sequence[Stack], *, title: str, legend: Sequence[str], calm_legend: Sequence[str] = (),
                    width: int = 900, height: int = 190, rtl: bool = False, fmt: Format = str) -> str:
    """Face counts per check-in, very sad at the bottom; a ring above a column means calm was
    offered, a filled dot that it was accepted. The legend names each face beside its colour."""
    n = max(len(stacks), 1)
    left, right, top = 34, 6, 16
    legend_h = 24
    bottom = 18 + legend_h
    step = min((width - left - right) / n, MAX_STEP)
    legend_w = _legend_width(legend, calm_legend)
    width = round(max(left + right + step * n, min(legend_w, width)))
    plot_w, plot_h = step * n, height - top - bottom
    bar_w = max(step * 0.8, 1)
    peak = nice_top(max((sum(s.counts) for s in stacks), default=0))
    out = [_open(width, height, title)]
    origin = width - left - plot_w if rtl else left  # the plot sits at the reading start
    axis_x = width - left + 4 if rtl else left - 4
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(f'<line x1="{_num(origin)}" x2="{_num(origin + plot_w)}" '
                   f'y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}"/>')
        out.append(_label(axis_x, y + 4, fmt(_whole(peak * frac)), anchor="start" if rtl else "end", size=10, fill=MUTED))
    paths: list[list[str]] = [[] for _ in FACE_COLOURS]
    texts: list[str] = []
    ticks = tick_positions(n)
    for i, stack in enumerate(stacks):
        slot = (n - 1 - i) if rtl else i
        x = origin + slot * step + (step - bar_w) / 2
        y = top + plot_h
        for face, count in enumerate(list(stack.counts)[:5]):
            if count <= 0:
                continue
            h = plot_h * count / peak
            y -= h
            paths[face].append(f"M{_num(x)} {_num(y)}h{_num(bar_w)}v{_num(h)}h{_num(-bar_w)}z")
            if h >= 12 and bar_w >= 14:
                texts.append(_label(x + bar_w / 2, y + h / 2 + 4, fmt(count), anchor="middle", size=10,
                                    fill=FACE_INK[face]))
        if stack.calm:
            cx, cy = x + bar_w / 2, y - 6
            fill = "#000" if stack.calm == "accepted" else "#fff"
            texts.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="4" fill="{fill}" stroke="#000" stroke-width="1.5"/>')
        if i in ticks:
            texts.append(_label(x + bar_w / 2, top + plot_h + 13, stack.label, anchor="middle", size=10, fill=MUTED))
    for face, d in enumerate(paths):
        if d:
            out.append(f'<path d="{"".join(d)}" fill="{FACE_COLOURS[face]}" stroke="#fff" stroke-width="0.5"/>')
    out.extend(texts)
    out.append(_legend(legend, calm_legend, width=width, y=height - legend_h + 4, rtl=rtl))
    out.append("</svg>")
    return "".join(out)


def _legend(names: Sequence[str], calm: Sequence[str], *, width: int, y: Number, rtl: bool) -> str:
    """Swatch, face and name for each face, then the two calm markers; laid out from the reading start."""
    entries: list[tuple[str, str]] = [(face_icon_inner(i + 1, 8), name) for i, name in enumerate(names[:5])]
    marks = (("#fff", calm[0]), ("#000", calm[1])) if len(calm) >= 2 else ()
    for fill, name in marks:
        entries.append((f'<circle cx="8" cy="8" r="4" fill="{fill}" stroke="#000" stroke-width="1.5"/>', name))
    out = []
    x = 2  # distance from the reading start
    for icon, name in entries:
        if rtl:
            out.append(f'<g transform="translate({_num(width - x - 16)} {_num(y)})">{icon}</g>')
            out.append(_label(width - x - 20, y + 12, name, anchor="end", size=11, rtl=True))
        else:
            out.append(f'<g transform="translate({_num(x)} {_num(y)})">{icon}</g>')
            out.append(_label(x + 20, y + 12, name, anchor="start", size=11))
        x += 20 + _text_width(name, 11) + 18
    return "".join(out)


def _legend_width(names: Sequence[str], calm: Sequence[str]) -> float:
    return sum(20 + _text_width(name, 11) + 18 for name in list(names[:5]) + list(calm[:2]))


def _text_width(text: str, size: int) -> float:
    """A generous guess at a label's width (no font metrics here): wide enough for Latin and Arabic."""
    return len(text) * size * 0.62


def face_icon_inner(face: int, r: int) -> str:
    """A face drawn with shapes (not a font that may be missing): mouth from frown to wide smile."""
    face = min(max(face, 1), 5)
    c = r  # centre
    fill, ink = FACE_COLOURS[face - 1], "#000"
    curve = {1: -0.55, 2: -0.3, 3: 0.0, 4: 0.3, 5: 0.6}[face]
    mouth_y = c + r * 0.35
    ctrl_y = mouth_y + curve * r
    eyes = (f'<circle cx="{_num(c - r * 0.35)}" cy="{_num(c - r * 0.25)}" r="{_num(r * 0.13)}" fill="{ink}"/>'
            f'<circle cx="{_num(c + r * 0.35)}" cy="{_num(c - r * 0.25)}" r="{_num(r * 0.13)}" fill="{ink}"/>')
    mouth = (f'<path d="M{_num(c - r * 0.45)} {_num(mouth_y)}Q{_num(c)} {_num(ctrl_y)} {_num(c + r * 0.45)} '
             f'{_num(mouth_y)}" fill="none" stroke="{ink}" stroke-width="{_num(max(r * 0.15, 1))}" stroke-linecap="round"/>')
    return f'<circle cx="{c}" cy="{c}" r="{_num(r - 0.75)}" fill="{fill}" stroke="{ink}" stroke-width="1"/>{eyes}{mouth}'


def face_icon(face: int, *, title: str, size: int = 18) -> str:
    r = size // 2
    return _open(size, size, title, cls="face", text=False) + face_icon_inner(face, r) + "</svg>"


def strip(present: Sequence[bool], *, title: str, cell: int = 10, height: int = 16, rtl: bool = False) -> str:
    """A learner's attendance as one row: a tall block for each session present, over a flat line.

    Absent sessions are the bare line, so shape (not colour) tells them apart, and the whole
    row is two <path>s so thousands of rows stay small.
    """
    n = len(present)
    width = max(n * cell, 1)
    here = []
    for i, flag in enumerate(present):
        if flag:
            x = ((n - 1 - i) if rtl else i) * cell + 1
            here.append(f"M{x} 1h{cell - 2}v{height - 2}h{2 - cell}z")
    out = [_open(width, height, title, cls="strip", text=False),
           f'<path d="M1 {height - 2}h{width - 2}" stroke="#999" stroke-width="2"/>']
    if here:
        out.append(f'<path d="{"".join(here)}" fill="{BAR}"/>')
    out.append("</svg>")
    return "".join(out)


def strip_ruler(first: int, count: int, *, title: str, cell: int = 10, height: int = 14, rtl: bool = False,
                fmt: Format = str) -> str:
    """Session numbers above a column of strips (first, last and every fifth) to find session 23."""
    width = max(count * cell, 1)
    out = [_open(width, height, title, cls="strip")]
    last = first + count - 1
    marks = [first] + [n for n in range(first + 1, last) if n % 5 == 0 and last - n >= 3 and n - first >= 3]
    if last != first:
        marks.append(last)
    for number in marks:
        i = number - first
        x = ((count - 1 - i) if rtl else i) * cell + cell / 2
        out.append(_label(x, height - 3, fmt(number), anchor="middle", size=9, fill=MUTED))
    out.append("</svg>")
    return "".join(out)
