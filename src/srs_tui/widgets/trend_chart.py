"""TrendChart: session values on a FIXED axis (0 to 40 for totals, 0 to 10 for items).

Textual's Sparkline scales to the data, so a fall from 38 to 37 would look like a crash; a
clinical trend needs the whole scale. The line is drawn in braille dots (2 x 4 to a cell), each
session is a marker on it, and a session below the reference line (the cutoff) gets a different
marker, so the chart never relies on colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from srs_tui.measures import format_tenths

BRAILLE_BASE = 0x2800
# Dot bits of a braille cell, by (column, row) within the cell's 2 x 4 grid.
DOT_BITS = {
    (0, 0): 0x01,
    (0, 1): 0x02,
    (0, 2): 0x04,
    (0, 3): 0x40,
    (1, 0): 0x08,
    (1, 1): 0x10,
    (1, 2): 0x20,
    (1, 3): 0x80,
}
MARK_OK = "●"
MARK_LOW = "▼"
AXIS_WIDTH = 4  # "40 ┤"


@dataclass(frozen=True)
class ChartPoint:
    """One session: its number and its value in tenths."""

    session: int
    value: int


@dataclass(frozen=True)
class ChartSpec:
    """The fixed scale of a chart and its reference line."""

    maximum: int  # tenths: 400 for totals, 100 for items
    reference: int | None  # tenths: the cutoff, or the soft prompt for an item
    reference_label: str
    ticks: tuple[int, ...]  # tenths at which the axis is labelled
    # Whether a value is low, when the rules say it (a total at the cutoff may count as below
    # it); None: below the reference line.
    low: Callable[[int], bool] | None = None

    def is_low(self, value: int) -> bool:
        """Whether a value is low: below the reference line, or as the rules say."""
        if self.low is not None:
            return self.low(value)
        return self.reference is not None and value < self.reference


@dataclass
class _Plot:
    """A chart laid out in cells, ready to be drawn row by row."""

    dots: list[list[int]]
    marks: dict[tuple[int, int], ChartPoint]
    labels: dict[int, int]
    reference_row: int | None = None
    reference_bits: int = 0
    tag: str = ""
    tag_start: int = 0


def _line(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The dots from one point to the next (Bresenham)."""
    dots = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    error = dx + dy
    while True:
        dots.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return dots
        double = 2 * error
        if double >= dy:
            error += dy
            x0 += sx
        if double <= dx:
            error += dx
            y0 += sy


def visible(points: Sequence[ChartPoint], plot_width: int) -> tuple[list[ChartPoint], int]:
    """The latest points that fit, and the cells between two of them (at least 2)."""
    if not points:
        return [], 0
    step = min(6, max(2, (plot_width - 1) // max(len(points) - 1, 1)))
    fit = (plot_width - 1) // step + 1
    return list(points[-fit:]), step


class TrendChart(Widget):
    """A line of session values on a fixed axis, with the reference line drawn across."""

    DEFAULT_CSS = """
    TrendChart {
        height: 10;
    }
    TrendChart > .trend-chart--line { color: $primary; }
    TrendChart > .trend-chart--mark { color: $text; text-style: bold; }
    TrendChart > .trend-chart--low { color: $text-warning; text-style: bold; }
    TrendChart > .trend-chart--reference { color: $warning; }
    TrendChart > .trend-chart--axis { color: $text-muted; }
    TrendChart > .trend-chart--title { text-style: bold; }
    """

    COMPONENT_CLASSES = {
        "trend-chart--line",
        "trend-chart--mark",
        "trend-chart--low",
        "trend-chart--reference",
        "trend-chart--axis",
        "trend-chart--title",
    }

    points: reactive[tuple[ChartPoint, ...]] = reactive(())

    def __init__(
        self, spec: ChartSpec, *, title: str = "", id: str | None = None, classes: str = ""
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.spec = spec
        self.title = title

    def _styles(self) -> dict[str, Style]:
        # Looked up once a render: a component style lookup per cell costs more than the chart.
        return {
            part: self.get_component_rich_style(f"trend-chart--{part}")
            for part in ("line", "mark", "low", "reference", "axis", "title")
        }

    def _row_of(self, value: int, dot_rows: int) -> int:
        return round((self.spec.maximum - value) * (dot_rows - 1) / self.spec.maximum)

    def _plot(self, shown: list[ChartPoint], step: int, width: int, height: int) -> _Plot:
        """Where every dot, mark, label and the reference line fall, in cells."""
        dot_rows = height * 4
        dots = [[0] * width for _ in range(height)]
        places = [(index * step, self._row_of(p.value, dot_rows)) for index, p in enumerate(shown)]
        for (x0, y0), (x1, y1) in itertools.pairwise(places):
            for x, y in _line(x0 * 2, y0, x1 * 2, y1):
                if 0 <= x // 2 < width and 0 <= y // 4 < height:
                    dots[y // 4][x // 2] |= DOT_BITS[(x % 2, y % 4)]
        plot = _Plot(
            dots=dots,
            marks={(x, y // 4): point for (x, y), point in zip(places, shown, strict=True)},
            labels={self._row_of(tick, dot_rows) // 4: tick for tick in self.spec.ticks},
        )
        if self.spec.reference is not None:
            # On its exact dot row, dotted, so that on a short chart a point just below the
            # line still reads as below it.
            dot_row = self._row_of(self.spec.reference, dot_rows)
            plot.reference_row = dot_row // 4
            plot.reference_bits = DOT_BITS[(0, dot_row % 4)]
            value = format_tenths(self.spec.reference).removesuffix(".0")
            tag = f" {self.spec.reference_label} {value}"
            start = width - len(tag)
            row = plot.reference_row
            # Named at its right end, unless a session's line or mark stands there.
            if start > 0 and not any(
                (c, row) in plot.marks or dots[row][c] for c in range(start, width)
            ):
                plot.tag = tag
                plot.tag_start = start
        return plot

    def _plot_row(self, plot: _Plot, row: int, width: int, styles: dict[str, Style]) -> Text:
        line = Text(no_wrap=True)
        if row in plot.labels:
            line.append(
                f"{format_tenths(plot.labels[row]).removesuffix('.0'):>2} ┤", styles["axis"]
            )
        else:
            line.append("   │", styles["axis"])
        on_reference = row == plot.reference_row
        cells: list[tuple[str, str]] = []  # (character, style part)
        for column in range(width):
            point = plot.marks.get((column, row))
            bits = plot.dots[row][column]
            if point is not None:
                low = self.spec.is_low(point.value)
                cells.append((MARK_LOW, "low") if low else (MARK_OK, "mark"))
            elif bits:
                extra = plot.reference_bits if on_reference else 0
                cells.append((chr(BRAILLE_BASE + (bits | extra)), "line"))
            elif on_reference and plot.tag and column >= plot.tag_start:
                cells.append((plot.tag[column - plot.tag_start], "reference"))
            elif on_reference:
                cells.append((chr(BRAILLE_BASE + plot.reference_bits), "reference"))
            else:
                cells.append((" ", ""))
        # One span a run of cells in the same style, not one a cell: far less to render.
        for part, run in itertools.groupby(cells, key=lambda cell: cell[1]):
            line.append("".join(char for char, _ in run), styles[part] if part else None)
        return line

    def render(self) -> Text:
        styles = self._styles()
        width, height = self.content_size
        title_rows = 1 if self.title else 0
        plot_height = max(height - 1 - title_rows, 2)
        plot_width = max(width - AXIS_WIDTH, 4)
        shown, step = visible(self.points, plot_width)
        plot = self._plot(shown, step, plot_width, plot_height)
        lines: list[Text] = []
        if self.title:
            lines.append(Text.assemble((self.title, styles["title"]), no_wrap=True))
        lines += [self._plot_row(plot, row, plot_width, styles) for row in range(plot_height)]
        lines.append(self._session_axis(shown, step, plot_width, styles["axis"]))
        return Text("\n", no_wrap=True).join(lines)

    @staticmethod
    def _session_axis(shown: list[ChartPoint], step: int, plot_width: int, style: Style) -> Text:
        """Session numbers under their points, as many as fit without touching."""
        cells = [" "] * plot_width
        next_free = 0
        for index, point in enumerate(shown):
            label = str(point.session)
            start = index * step
            if start >= next_free and start + len(label) <= plot_width:
                cells[start : start + len(label)] = list(label)
                next_free = start + len(label) + 1
        axis = Text("   └", style=style, no_wrap=True)
        axis.append("".join(cells), style)
        if not shown:
            axis = Text.assemble(("    no sessions yet", style), no_wrap=True)
        return axis


def total_spec(below_cutoff: Callable[[int], bool], cutoff: int | None) -> ChartSpec:
    """The scale of a total: 0 to 40, the cutoff drawn across, and the rules' "below it"."""
    return ChartSpec(
        maximum=400,
        reference=cutoff,
        reference_label="cutoff",
        ticks=(0, 100, 200, 300, 400),
        low=below_cutoff,
    )


def item_spec(soft_item: int) -> ChartSpec:
    """The scale of one item: 0 to 10, the soft prompt drawn across."""
    return ChartSpec(maximum=100, reference=soft_item, reference_label="prompt", ticks=(0, 50, 100))
