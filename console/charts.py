"""Server-rendered SVG charts: time series as lines or as stacked bars, with axes, a legend and a table equivalent.

    chart = line_chart("CPU and memory, last 24 hours", [("CPU", points), ("Memory", points)], unit="%")
    chart = stacked_bars("Cost per day", [(day, [team_a, team_b]), ...], ["Team A", "Team B"], money=True)
    {% include "console/components/chart.html" with chart=chart %}

No script and no library: the SVG scales with its container (viewBox), its colours are CSS custom properties
(`--chart-1`, `--chart-2`, ...) so it reads in light and dark, and `rows` give the same numbers as a table.
"""

import math
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28  # room for the axis labels
Point = tuple[datetime, float]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Line:
    label: str
    css: str  # "series-1", "series-2", ...
    path: str  # the SVG path's d attribute
    latest: float | None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str  # "series-1", ...: the colour of its series
    label: str  # what a pointer over it says (<title>)


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str  # the aria-label: what the chart shows, in words
    unit: str
    width: int
    height: int
    plot: tuple[int, int, int, int]  # left, top, right, bottom of the plotting area
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    lines: list[Line]
    columns: list[str]  # the table equivalent: "Time" and each series
    rows: list[tuple[str, list[str]]]
    bars: tuple[Bar, ...] = ()  # a bar chart's rectangles (its `lines` then only make the legend)

    @property
    def empty(self) -> bool:
        return not self.rows


def time_label(moment: datetime, span_seconds: float) -> str:
    """Hours and minutes within a day; the day and hour beyond it (UTC, as every console time)."""
    return f"{moment:%H:%M}" if span_seconds <= 86400 else f"{moment:%a %H:%M}"


def line_chart(title: str, series: list[tuple[str, list[Point]]], *, unit: str = "%", maximum: float = 100.0) -> Chart:
    """Lines of values from 0 to `maximum` over the time the first series covers."""
    moments = [moment for _, points in series for moment, _ in points]
    left, top, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    plot = (left, top, right, bottom)
    y_ticks = [
        Tick(bottom - (bottom - top) * share, f"{round(maximum * share)}{unit}") for share in (0, 0.25, 0.5, 0.75, 1)
    ]
    if not moments:
        return Chart(title, f"{title}: no data.", unit, WIDTH, HEIGHT, plot, y_ticks, [], [], [], [])
    start, end = min(moments), max(moments)
    span = max((end - start).total_seconds(), 1.0)

    def x(moment: datetime) -> float:
        return round(left + (right - left) * (moment - start).total_seconds() / span, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * min(max(value, 0), maximum) / maximum, 1)

    x_ticks = [
        Tick(x(start + (end - start) * (i / 5)), time_label(start + (end - start) * (i / 5), span)) for i in range(6)
    ]
    lines = []
    for index, (label, points) in enumerate(series, start=1):
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(m)},{y(v)}" for i, (m, v) in enumerate(points))
        lines.append(Line(label, f"series-{index}", path, points[-1][1] if points else None))
    by_moment: dict[datetime, list[str]] = {}
    for column, (_, points) in enumerate(series):
        for moment, value in points:
            by_moment.setdefault(moment, [""] * len(series))[column] = f"{value:g}{unit}"
    rows = [(f"{moment:%Y-%m-%d %H:%M} UTC", values) for moment, values in sorted(by_moment.items())]
    latest = ", ".join(f"{line.label} {line.latest:g}{unit}" for line in lines if line.latest is not None)
    summary = f"{title}, {time_label(start, span)} to {time_label(end, span)} UTC. Latest: {latest}."
    return Chart(
        title, summary, unit, WIDTH, HEIGHT, plot, y_ticks, x_ticks, lines,
        ["Time (UTC)", *(label for label, _ in series)], rows,
    )  # fmt: skip


SERIES = 6  # colours --chart-1 .. --chart-6; more series share the last one


def stacked_bars(
    title: str, buckets: list[tuple[datetime, list[float]]], keys: list[str], *, money: bool = True, daily: bool = True
) -> Chart:
    """One bar per bucket (a day or an hour), stacked by key in the order of `keys`, from 0 to the tallest bar."""
    left, top, right, bottom = LEFT + 12, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    plot = (left, top, right, bottom)
    tallest = max((sum(values) for _, values in buckets), default=0.0)
    maximum = nice_ceiling(tallest)

    def shown(value: float) -> str:
        return f"${value:,.2f}" if money else f"{value:g}"

    y_ticks = [Tick(bottom - (bottom - top) * share, shown(maximum * share)) for share in (0, 0.25, 0.5, 0.75, 1)]
    legend = [Line(key, f"series-{min(i, SERIES)}", "", None) for i, key in enumerate(keys, start=1)]
    if not buckets or not tallest:
        rows = [(label_of(moment, daily), [shown(v) for v in values]) for moment, values in buckets]
        summary = f"{title}: no costs in this period."
        return Chart(
            title, summary, "", WIDTH, HEIGHT, plot, y_ticks, [], legend, ["Period", *keys], rows if tallest else []
        )
    slot = (right - left) / len(buckets)
    width = max(round(slot * 0.72, 1), 1.0)
    bars: list[Bar] = []
    for index, (moment, values) in enumerate(buckets):
        x = round(left + slot * index + (slot - width) / 2, 1)
        base = 0.0
        for number, value in enumerate(values):
            if value <= 0:
                continue
            height = (bottom - top) * value / maximum
            y = bottom - (bottom - top) * base / maximum - height
            css = f"series-{min(number + 1, SERIES)}"
            bars.append(Bar(x, round(y, 1), width, round(height, 1), css,
                            f"{label_of(moment, daily)}, {keys[number]}: {shown(value)}"))  # fmt: skip
            base += value
    every = max(len(buckets) // 6, 1)
    x_ticks = [
        Tick(round(left + slot * i + slot / 2, 1), label_of(moment, daily, short=True))
        for i, (moment, _) in enumerate(buckets)
        if i % every == 0
    ]
    rows = [(label_of(moment, daily), [shown(v) for v in values] + [shown(sum(values))]) for moment, values in buckets]
    first, last = label_of(buckets[0][0], daily), label_of(buckets[-1][0], daily)
    summary = f"{title}, {first} to {last}: {shown(sum(sum(v) for _, v in buckets))} in all, highest {shown(tallest)}."
    return Chart(title, summary, "", WIDTH, HEIGHT, plot, y_ticks, x_ticks, legend, ["Period", *keys, "Total"], rows,
                 tuple(bars))  # fmt: skip


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value` (0 stays 1)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def label_of(moment: datetime, daily: bool, *, short: bool = False) -> str:
    if daily:
        return f"{moment:%b %d}" if short else f"{moment:%a %Y-%m-%d}"
    return f"{moment:%H:%M}" if short else f"{moment:%Y-%m-%d %H:%M} UTC"
