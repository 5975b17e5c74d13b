"""A port's series of one metric drawn as SVG, on the server: pure, points in, markup out
(tests/test_chart.py, tests/browser/test_chart.py).

No script and no style sheet or `style` attribute: colours are presentation attributes, so the
chart draws under a Content-Security-Policy as strict as `default-src 'self'`. Each point is a bar
from its low end to its high end; a missing upper bound is an arrow up to the top of the plot; an
end included is a filled dot, an end excluded a hollow one. Stated points are dark, derived ones
light and dashed; a point a curated resolution settled carries a red "!", one a derivation
contradicts an orange "?". Each point links to its first statement's permalink, and each further
statement has a numbered link of its own under it. The drawing has a viewBox, so it scales to any
width; its text is sized for a phone's.
"""

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from app.series import period_label

MEDIA_TYPE = "image/svg+xml"
STATED, DERIVED = "#1f4e79", "#9cc3e6"
RESOLVED, CONTRADICTED = "#c00000", "#c55a11"

# Geometry, in viewBox units: at 390 px wide, a 420-unit drawing shows 14-unit text at 13 px.
LEFT, RIGHT, TOP, PLOT_HEIGHT = 78, 16, 84, 240
SLOT_MIN, SLOT_MAX, WIDTH_MIN = 24, 120, 420
DOTS_FROM = 12  # a bar shorter than this shows no end dots: they would hide it

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True, keep_trailing_newline=True
)
# Compiled once, at import, not by the first request (which it cost about 100 ms).
TEMPLATE = TEMPLATES.get_template("series_chart.svg")


@dataclass
class Bar:
    x: float
    y_low: float
    y_high: float  # the top of the plot for no upper bound
    open_top: bool
    low_dot: bool  # filled: the end is included
    high_dot: bool | None
    kind: str
    colour: str
    href: str
    label: str
    title: str
    mark: str | None
    mark_colour: str
    more: list[tuple[str, str]]  # (number, href) of the statements after the first
    dots: bool  # end dots drawn (the bar is tall enough to show them apart)
    exact: bool  # one value: low and high the same, both included


def nice_step(top: float) -> float:
    """A round step for about five ticks up to `top`: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return 1.0
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= raw))


def tick_label(value: float) -> str:
    """1,250 -> "1,250"; 1,500,000 -> "1.5M"; 7.6e9 -> "7.6B"."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"{value / size:,.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _label(start: date | None, end: date) -> str:
    return period_label(start, end)


def render(title: str, unit: str, points: list[dict[str, Any]], next_href: str | None = None) -> str:
    """The chart of `points` (schemas.SeriesPoint as plain data, in list order): the whole SVG document."""
    finite = [p["value_high"] for p in points if p["value_high"] is not None] + [p["value_low"] for p in points]
    top_value = max(finite, default=0) * 1.15 or 1.0
    step = nice_step(top_value)
    top_value = math.ceil(top_value / step) * step
    slot = max(SLOT_MIN, min(SLOT_MAX, (WIDTH_MIN - LEFT - RIGHT) / max(len(points), 1)))
    width = max(WIDTH_MIN, LEFT + RIGHT + slot * len(points))
    rotate = slot < 56 and len(points) > 1
    # A few points stand in the middle of the plot, not crowded at its left.
    first_x = LEFT + (width - LEFT - RIGHT - slot * len(points)) / 2

    def y(value: float) -> float:
        return round(TOP + PLOT_HEIGHT * (1 - value / top_value), 1)

    bars = []
    for i, p in enumerate(points):
        stated = p["kind"] == "stated"
        refs = p["statements"]
        label = _label(p["period_start"], p["period_end"])
        bounds = f"{'[' if p['low_inclusive'] else '('}{tick_label(p['value_low'])}, " + (
            f"{tick_label(p['value_high'])}{']' if p['high_inclusive'] else ')'}"
            if p["value_high"] is not None
            else "∞)"
        )
        mark, mark_colour = None, RESOLVED
        if p.get("resolution"):
            mark = "!"
        elif p.get("warning"):
            mark, mark_colour = "?", CONTRADICTED
        bars.append(
            Bar(
                x=round(first_x + slot * (i + 0.5), 1),
                y_low=y(p["value_low"]),
                y_high=y(p["value_high"]) if p["value_high"] is not None else TOP,
                open_top=p["value_high"] is None,
                low_dot=p["low_inclusive"],
                high_dot=p["high_inclusive"],
                kind=p["kind"],
                colour=STATED if stated else DERIVED,
                href=refs[0]["href"] if refs else "",
                label=label,
                title=f"{label}: {bounds} {unit}, {p['kind']}: {p['how']}"
                + (f". Resolved: {p['resolution']}" if p.get("resolution") else "")
                + (f". Warning: {p['warning']}" if p.get("warning") else ""),
                mark=mark,
                mark_colour=mark_colour,
                more=[(str(n), ref["href"]) for n, ref in enumerate(refs[1:], start=2)],
                dots=p["value_high"] is None or y(p["value_low"]) - y(p["value_high"]) >= DOTS_FROM,
                exact=p["value_high"] == p["value_low"],
            )
        )
    ticks = [(y(k * step), tick_label(k * step)) for k in range(int(round(top_value / step)) + 1)]
    height = TOP + PLOT_HEIGHT + (100 if rotate else 52) + 92
    return TEMPLATE.render(
        title=title,
        unit=unit,
        bars=bars,
        ticks=ticks,
        width=round(width),
        height=height,
        left=LEFT,
        right=round(width - RIGHT),
        top=TOP,
        bottom=TOP + PLOT_HEIGHT,
        slot=slot,
        rotate=rotate,
        legend_y=height - 72,
        next_href=next_href,
        colours={"stated": STATED, "derived": DERIVED, "resolved": RESOLVED, "contradicted": CONTRADICTED},
        empty=not points,
    )
