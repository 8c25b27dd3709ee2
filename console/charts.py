"""Server-rendered SVG charts: a time series as lines, with axes, a legend and a table equivalent.

    chart = line_chart("CPU and memory, last 24 hours", [("CPU", points), ("Memory", points)], unit="%")
    {% include "console/components/chart.html" with chart=chart %}

No script and no library: the SVG scales with its container (viewBox), its colours are CSS custom properties
(`--chart-1`, `--chart-2`, ...) so it reads in light and dark, and `rows` give the same numbers as a table.
"""

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
