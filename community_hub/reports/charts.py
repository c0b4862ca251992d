"""Server-rendered SVG bar charts: they print, need no JavaScript, and never rely on colour.

Every bar carries its figure as text (and, with several series, the series name), series differ
by pattern as well as colour, and the chart names the table beside it that holds its figures.
Fills are SVG presentation attributes, which the Content-Security-Policy allows.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from community_hub.reports.tables import Table

# Narrow on purpose: a phone shows the chart about 330 px wide, so 15-unit text stays above
# 13 px there. Labels wrap onto lines of their own above the bars, never cut short.
WIDTH, FONT, LINE, LEFT = 360, 15, 19, 2
CHARS_PER_LINE = 38  # of 15-unit sans-serif text across WIDTH, with room to spare
BAR_H, BAR_GAP, GROUP_GAP = 14, 6, 14
INK = "#1b1b1b"
# (fill, pattern stroke): solid blue; green diagonal hatching; white with black dots.
SERIES_STYLE = (("#1d4f91", None), ("#ffffff", "#00703c"), ("#ffffff", INK))
TOTAL_ROWS = ("total", "~total")


@dataclass(frozen=True)
class Bar:
    series: str
    value: float | None  # None: nothing to draw (suppressed or unknown)
    text: str


def groups(table: Table) -> list[tuple[str, list[Bar]]]:
    """The bars to draw: one group per row, one bar per series, totals left out."""
    assert table.chart is not None
    labels = series_labels(table)
    wanted = table.chart.rows
    found = []
    for row in table.rows:
        if row.key in TOTAL_ROWS or (wanted is not None and row.key not in wanted):
            continue
        bars = []
        for key in table.chart.series:
            cell = row.cells[table.column_index(key)]
            bars.append(Bar(str(labels[key]), cell.value if cell.shown else None, cell.text()))
        found.append((row.label, bars))
    return found


def series_labels(table: Table) -> dict[str, str]:
    """What each series is called in the legend and beside its bars."""
    assert table.chart is not None
    names = table.chart.labels or [
        next(c.label for c in table.columns if c.key == key) for key in table.chart.series
    ]
    return {key: str(name) for key, name in zip(table.chart.series, names, strict=True)}


def wrap(text: str, width: int = CHARS_PER_LINE) -> list[str]:
    """A label as whole lines (words are never cut; a very long word gets a line of its own)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _lines(x: float, y: float, lines: list[str], bold: bool = False) -> str:
    """A <text> of several lines, the first with its baseline at y."""
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if n == 0 else LINE}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y:.1f}"{weight}>{spans}</text>'


def _pattern(chart_id: str, index: int) -> str:
    fill, stroke = SERIES_STYLE[index % len(SERIES_STYLE)]
    if stroke is None:
        return ""
    mark = (
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{stroke}" stroke-width="3"/>'
        if index % 2
        else f'<circle cx="3" cy="3" r="1.4" fill="{stroke}"/>'
    )
    turn = ' patternTransform="rotate(45)"' if index % 2 else ""
    return (
        f'<pattern id="{chart_id}-s{index}" width="6" height="6" patternUnits="userSpaceOnUse"'
        f'{turn}><rect width="6" height="6" fill="{fill}"/>{mark}</pattern>'
    )


def _fill(chart_id: str, index: int) -> str:
    fill, stroke = SERIES_STYLE[index % len(SERIES_STYLE)]
    return fill if stroke is None else f"url(#{chart_id}-s{index})"


def bar_chart(table: Table) -> Markup:
    """The table's chart as inline SVG, titled and described for screen readers.

    Each row's label is wrapped in bold above its bars; each bar has its figure (and, with
    several series, the series name) on the line above it, so nothing is cut or overlaps.
    """
    assert table.chart is not None
    chart_id = f"chart-{table.key}"
    drawn = groups(table)
    series = list(table.chart.series)
    many = len(series) > 1
    values = [b.value for _label, bars in drawn for b in bars if b.value is not None]
    top = 100.0 if table.chart.percent else max([*values, 1.0])
    body: list[str] = []
    y = 0.0
    if many:
        for i, name in enumerate(series_labels(table).values()):
            lines = wrap(name, CHARS_PER_LINE - 3)
            body.append(
                f'<rect x="0" y="{y + 3:.1f}" width="16" height="16" fill="{_fill(chart_id, i)}"'
                f' stroke="{INK}"/>' + _lines(24, y + FONT + 1, lines)
            )
            y += LINE * len(lines) + 6
        y += 8
    if not drawn:
        body.append(_lines(LEFT, y + FONT, wrap(_("Nothing to show."))))
        y += LINE
    for label, bars in drawn:
        lines = wrap(label)
        body.append(_lines(LEFT, y + FONT, lines, bold=True))
        y += LINE * len(lines) + 2
        for i, bar in enumerate(bars):
            text = wrap(f"{bar.series}: {bar.text}" if many else bar.text)
            body.append(_lines(LEFT, y + FONT, text))
            y += LINE * len(text)
            if bar.value is not None:
                width = max((WIDTH - 2) * min(bar.value / top, 1.0), 1.0)
                body.append(
                    f'<rect x="1" y="{y:.1f}" width="{width:.1f}" height="{BAR_H}"'
                    f' fill="{_fill(chart_id, i)}" stroke="{INK}" stroke-width="1"/>'
                )
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
    height = round(y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-family="sans-serif" font-size="{FONT}" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(table.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(table, drawn))}</desc>',
        "<defs>" + "".join(_pattern(chart_id, i) for i in range(len(series))) + "</defs>",
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


def _describe(table: Table, drawn: list[tuple[str, list[Bar]]]) -> str:
    figures = "; ".join(
        f"{label}: " + ", ".join(f"{b.series} {b.text}" for b in bars) for label, bars in drawn
    )
    return _("Bar chart. The table beside it has the same figures.") + " " + figures
