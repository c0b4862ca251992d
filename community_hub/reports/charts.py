"""Server-rendered SVG bar charts: they print, need no JavaScript, and never rely on colour.

Every bar carries its figure as text (and, with several series, the series name), series differ
by pattern as well as colour, and the chart names the table beside it that holds its figures.
Fills are SVG presentation attributes, which the Content-Security-Policy allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from community_hub.reports.tables import Table

WIDTH, LABEL_W, VALUE_W = 720, 250, 210
BAR_H, GAP, LEGEND_H = 22, 12, 30
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


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    """The table's chart as inline SVG, titled and described for screen readers."""
    assert table.chart is not None
    chart_id = f"chart-{table.key}"
    drawn = groups(table)
    series = list(table.chart.series)
    many = len(series) > 1
    values = [b.value for _label, bars in drawn for b in bars if b.value is not None]
    top = 100.0 if table.chart.percent else max([*values, 1.0])
    group_h = len(series) * BAR_H + GAP
    legend = LEGEND_H if many else 0
    height = legend + max(len(drawn), 1) * group_h + 8
    span = WIDTH - LABEL_W - VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-family="sans-serif" font-size="15" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(table.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(table, drawn))}</desc>',
        "<defs>" + "".join(_pattern(chart_id, i) for i in range(len(series))) + "</defs>",
    ]
    if many:
        x = 0
        for i, name in enumerate(series_labels(table).values()):
            key = escape(_short(name, 24))
            parts.append(
                f'<rect x="{x}" y="6" width="16" height="16" fill="{_fill(chart_id, i)}"'
                f' stroke="{INK}"/><text x="{x + 22}" y="20">{key}</text>'
            )
            x += 22 + 8 * len(str(key)) + 18
    if not drawn:
        parts.append(f'<text x="0" y="{legend + 16}">{escape(_("Nothing to show."))}</text>')
    for g, (label, bars) in enumerate(drawn):
        y0 = legend + g * group_h
        middle = y0 + len(bars) * BAR_H / 2 + 5
        parts.append(f'<text x="0" y="{middle:.1f}">{escape(_short(label))}</text>')
        for i, bar in enumerate(bars):
            y = y0 + i * BAR_H
            width = 0.0 if bar.value is None else max(span * min(bar.value / top, 1.0), 1.0)
            if bar.value is not None:
                parts.append(
                    f'<rect x="{LABEL_W}" y="{y + 2}" width="{width:.1f}" height="{BAR_H - 4}"'
                    f' fill="{_fill(chart_id, i)}" stroke="{INK}" stroke-width="1"/>'
                )
            text = f"{bar.series}: {bar.text}" if many else bar.text
            parts.append(
                f'<text x="{LABEL_W + width + 6:.1f}" y="{y + BAR_H - 6}">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped


def _describe(table: Table, drawn: list[tuple[str, list[Bar]]]) -> str:
    figures = "; ".join(
        f"{label}: " + ", ".join(f"{b.series} {b.text}" for b in bars) for label, bars in drawn
    )
    return _("Bar chart. The table beside it has the same figures.") + " " + figures
