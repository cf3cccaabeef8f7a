"""TrendChart: session values on a FIXED axis (0 to 40 for totals, 0 to 10 for items).

Textual's Sparkline scales to the data, so a fall from 38 to 37 would look like a crash; a
clinical trend needs the whole scale. The scale is fixed per measure, never fitted to the data,
but it may give most of its rows to the range where the scores live (for the SRS, 30 to 40):
the axis labels its values, and its rows outside that range are dashed (┊), so the bend in the
scale is seen, not hidden.

The sessions are spread over the whole width, in date order, with their dates under them. The
line between them is drawn in braille dots (2 x 4 to a cell); each session is a marker on it,
one shape at or above the cutoff and another below it, so the chart never relies on colour.
Each reference line (the cutoff, the edges of the reliable-change band around intake) has a
row of its own, and a session below a line is drawn on a row below it, one above on a row
above it: a marker never sits on a line, whatever the chart's height.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Self

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from srs_tui.measures import format_tenths
from srs_tui.rules.practice import PracticeBand
from srs_tui.wording.ui import UiWords, ui_words

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
REFERENCE_CHAR = "┄"  # the cutoff
BAND_CHAR = "┈"  # the edges of the reliable-change band
PRACTICE_CHAR = "░"  # the middle half of the practice's similar closed episodes
AXIS_WIDTH = 4  # "40 ┤"
MARGIN = 2  # cells left free at each end of the plot, so the first and last dates fit
DATE_FORMAT = "%m-%d"
FULL_DATE_FORMAT = "%Y-%m-%d"
BAND_ROWS = 9  # the fewest rows of plot that show the band around intake
REFERENCE = "reference"
BAND = "band"
ENGLISH = ui_words("en")


@dataclass(frozen=True)
class ChartPoint:
    """One session: its number, its value in tenths and the day it was held."""

    session: int
    value: int
    when: date | None = None


@dataclass(frozen=True)
class ChartSpec:
    """The fixed scale of a chart and its reference line."""

    maximum: int  # tenths: 400 for totals, 100 for items
    reference: int | None  # tenths: the cutoff, or the soft prompt for an item
    reference_label: str  # said at the reference line's end: "cutoff 25"
    ticks: tuple[int, ...]  # tenths at which the axis may be labelled, the most wanted first
    # Whether a value is low, when the rules say it (a total at the cutoff may count as below
    # it); None: below the reference line.
    low: Callable[[int], bool] | None = None
    # The range given most of the rows (focus_share of them), where the scores live; the rest
    # of the scale shares what is left, in proportion. None: every value the same room.
    focus: tuple[int, int] | None = None
    focus_share: float = 0.7

    def is_low(self, value: int) -> bool:
        """Whether a value is low: below the reference line, or as the rules say."""
        if self.low is not None:
            return self.low(value)
        return self.reference is not None and value < self.reference

    def height_of(self, value: int) -> float:
        """How high a value stands, from 0.0 (the bottom of the scale) to 1.0 (its top)."""
        value = min(max(value, 0), self.maximum)
        if self.focus is None:
            return value / self.maximum
        low, high = self.focus
        rest = 1.0 - self.focus_share
        outside = low + (self.maximum - high)
        below = rest * low / outside if outside else 0.0
        knots = [(0, 0.0), (low, below), (high, below + self.focus_share), (self.maximum, 1.0)]
        for (v0, h0), (v1, h1) in itertools.pairwise(knots):
            if value <= v1 and v1 > v0:
                return h0 + (h1 - h0) * (value - v0) / (v1 - v0)
        return 1.0


@dataclass(frozen=True)
class Guide:
    """A line across the chart: the cutoff, or an edge of the band around intake."""

    value: int  # tenths
    tag: str  # said at the line's end where there is room: " cutoff 25 ", " +5 "
    kind: str  # REFERENCE or BAND
    equal_above: bool  # whether a value equal to it is drawn above it (else below)

    def has_above(self, value: int) -> bool:
        """Whether a value is drawn above this line."""
        return value > self.value or (value == self.value and self.equal_above)


@dataclass
class Layout:
    """Where everything of a chart falls, in cells of the plot (the axis not counted)."""

    width: int
    height: int
    shown: list[ChartPoint]
    columns: list[int]  # a marker's column, by point
    rows: list[int]  # a marker's row, by point
    dot_rows: list[int]  # the dot row (4 a cell) the line passes through at a marker
    guides: list[tuple[Guide, int]]  # each line and its row
    labels: dict[int, int]  # axis row -> the value (tenths) labelled there
    focus_rows: tuple[int, int] | None  # the rows of the focus range, top and bottom
    band_rows: tuple[int, int] | None = None  # the rows between the band's edges
    dots: list[list[int]] = field(default_factory=list)
    # By column: the rows (top, bottom) of the practice's middle band there, if any.
    practice: list[tuple[int, int] | None] = field(default_factory=list)


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


def visible(points: Sequence[ChartPoint], plot_width: int) -> tuple[list[ChartPoint], list[int]]:
    """The latest points that fit at least two cells apart, and their columns, spread from
    one end of the plot to the other."""
    if not points:
        return [], []
    margin = MARGIN if plot_width > 4 * MARGIN else 0
    span = plot_width - 1 - 2 * margin
    fit = max(span // 2 + 1, 1)
    shown = list(points[-fit:])
    if len(shown) == 1:
        return shown, [plot_width // 2]
    step = span / (len(shown) - 1)
    return shown, [round(margin + index * step) for index in range(len(shown))]


def _guide_rows(
    spec: ChartSpec, guides: Sequence[Guide], values: Sequence[int], height: int
) -> list[tuple[Guide, int]]:
    """A row of its own for each line, as near its value as can be: a free row between two
    lines when a value lies between them, and beyond the outer ones, so that every point has
    a row on its own side of every line."""
    ordered = sorted(guides, key=lambda guide: (-guide.value, guide.equal_above))
    if not ordered:
        return []
    exact = [(1.0 - spec.height_of(guide.value)) * (height - 1) for guide in ordered]
    gaps = [
        2 if any(upper.has_above(v) is False and lower.has_above(v) for v in values) else 1
        for upper, lower in itertools.pairwise(ordered)
    ]
    # At most three lines: every placement near their values is tried, the one that moves
    # them least is kept (the first of equals, line by line from the top, each from 3 rows
    # up to 3 down); a placement is left as soon as it breaks a rule or costs no less than
    # the best so far, which changes nothing of the result and saves most of the tries.
    best: tuple[float, list[int]] | None = None
    last = len(ordered) - 1

    def place(index: int, rows: list[int], cost: float) -> None:
        nonlocal best
        start = round(exact[index])
        for row in range(start - 3, start + 4):
            if index == 0 and row < 1:
                continue
            if index > 0 and row - rows[-1] < gaps[index - 1]:
                continue
            if index == last and row > height - 2:
                continue
            total = cost + abs(row - exact[index])
            if best is not None and total >= best[0]:
                continue
            if index == last:
                best = (total, [*rows, row])
            else:
                place(index + 1, [*rows, row], total)

    place(0, [], 0)
    if best is None:  # too short a chart for them all: one after the other from the top
        rows = [min(index * 2 + 1, height - 1) for index in range(len(ordered))]
    else:
        rows = best[1]
    return list(zip(ordered, rows, strict=True))


def _value_row(spec: ChartSpec, value: int, height: int) -> int:
    return round((1.0 - spec.height_of(value)) * (height - 1))


def _labels(
    spec: ChartSpec, guides: list[tuple[Guide, int]], moved: set[int], height: int
) -> dict[int, int]:
    """The axis labels: the top and bottom, the cutoff on its row, then the ticks in the order
    wanted, each with a free row from the next; none on a row a point was moved to (to its
    side of a line), where a value would misname it."""
    wanted = [(_value_row(spec, tick, height), tick) for tick in spec.ticks[:2]]
    wanted += [(row, guide.value) for guide, row in guides if guide.kind == REFERENCE]
    wanted += [(_value_row(spec, tick, height), tick) for tick in spec.ticks[2:]]
    # A line sits near its value, not always on it: no other value is named on its row, nor
    # inside the band, whose rows hold the points between its edges wherever they fall.
    lines = {row: guide.value for guide, row in guides}
    edges = sorted(row for guide, row in guides if guide.kind == BAND)
    labels: dict[int, int] = {}
    for row, value in wanted:
        if row in moved and lines.get(row) != value:
            continue
        if lines.get(row, value) != value:
            continue
        if row not in lines and edges and edges[0] < row < edges[-1]:
            continue
        if all(abs(row - other) >= 2 for other in labels):
            labels[row] = value
    return labels


def _practice_rows(
    spec: ChartSpec,
    places: list[tuple[ChartPoint, int]],
    practice: Mapping[int, tuple[int, int]],
    size: tuple[int, int],
) -> list[tuple[int, int] | None]:
    """The practice band's rows at each column: at a session's column, its number's band;
    between two sessions' columns, the line between their bands."""
    width, height = size
    rows: list[tuple[int, int] | None] = [None] * width
    known = [
        (column, practice[point.session]) for point, column in places if point.session in practice
    ]
    for (x0, (low0, high0)), (x1, (low1, high1)) in itertools.pairwise(known):
        for column in range(x0, x1 + 1):
            share = (column - x0) / (x1 - x0) if x1 > x0 else 0.0
            low = round(low0 + (low1 - low0) * share)
            high = round(high0 + (high1 - high0) * share)
            rows[column] = (_value_row(spec, high, height), _value_row(spec, low, height))
    if len(known) == 1:
        column, (low, high) = known[0]
        rows[column] = (_value_row(spec, high, height), _value_row(spec, low, height))
    return rows


def lay_out(
    spec: ChartSpec,
    points: Sequence[ChartPoint],
    guides: Sequence[Guide],
    width: int,
    height: int,
    *,
    practice: Mapping[int, tuple[int, int]] | None = None,
) -> Layout:
    """Where the markers, the line between them, the lines across and the labels fall."""
    shown, columns = visible(points, width)
    placed = _guide_rows(spec, guides, [point.value for point in shown], height)
    rows: list[int] = []
    dot_rows: list[int] = []
    moved: set[int] = set()
    for point in shown:
        top, bottom = 0, height - 1
        for guide, row in placed:
            if guide.has_above(point.value):
                bottom = min(bottom, row - 1)
            else:
                top = max(top, row + 1)
        natural = _value_row(spec, point.value, height)
        row = min(max(natural, top), max(bottom, top), height - 1)
        if row != natural:
            moved.add(row)
        rows.append(row)
        exact = round((1.0 - spec.height_of(point.value)) * (height * 4 - 1))
        dot_rows.append(min(max(exact, row * 4), row * 4 + 3))
    focus_rows = None
    if spec.focus is not None:
        focus_rows = (
            _value_row(spec, spec.focus[1], height),
            _value_row(spec, spec.focus[0], height),
        )
    edges = sorted(row for guide, row in placed if guide.kind == BAND)
    layout = Layout(
        width=width,
        height=height,
        shown=shown,
        columns=columns,
        rows=rows,
        dot_rows=dot_rows,
        guides=placed,
        labels=_labels(spec, placed, moved, height),
        focus_rows=focus_rows,
        band_rows=(edges[0], edges[-1]) if len(edges) == 2 else None,
    )
    if practice:
        at = list(zip(shown, columns, strict=True))
        layout.practice = _practice_rows(spec, at, practice, (width, height))
    layout.dots = [[0] * width for _ in range(height)]
    places = list(zip(columns, dot_rows, strict=True))
    for (x0, y0), (x1, y1) in itertools.pairwise(places):
        for x, y in _line(x0 * 2, y0, x1 * 2, y1):
            if 0 <= x // 2 < width and 0 <= y // 4 < height:
                layout.dots[y // 4][x // 2] |= DOT_BITS[(x % 2, y % 4)]
    return layout


def _tag_start(cells: list[str], tag: str) -> int | None:
    """Where a line's tag goes: its right end if free, else the rightmost free stretch."""
    for start in range(len(cells) - len(tag), -1, -1):
        if all(cell == "" for cell in cells[start : start + len(tag)]):
            return start
    return None


class TrendChart(Widget):
    """A line of session values on a fixed axis, with the reference lines drawn across."""

    DEFAULT_CSS = """
    TrendChart {
        height: 10;
    }
    TrendChart > .trend-chart--line { color: $primary; }
    TrendChart > .trend-chart--mark { color: $text; text-style: bold; }
    TrendChart > .trend-chart--low { color: $text-warning; text-style: bold; }
    TrendChart > .trend-chart--reference { color: $warning; text-style: bold; }
    TrendChart > .trend-chart--band { color: $text-muted; }
    TrendChart > .trend-chart--band-fill { background: $secondary 12%; }
    TrendChart > .trend-chart--practice { color: $secondary 60%; }
    TrendChart > .trend-chart--axis { color: $text-muted; }
    TrendChart > .trend-chart--title { text-style: bold; }
    """

    COMPONENT_CLASSES = {
        "trend-chart--line",
        "trend-chart--mark",
        "trend-chart--low",
        "trend-chart--reference",
        "trend-chart--band",
        "trend-chart--band-fill",
        "trend-chart--practice",
        "trend-chart--axis",
        "trend-chart--title",
    }

    points: reactive[tuple[ChartPoint, ...]] = reactive(())
    # The reliable-change band: (intake, RCI) in tenths; None: no band.
    band: reactive[tuple[int, int] | None] = reactive(None)
    # The practice's own middle band, drawn instead of the reliable-change band when given.
    practice: reactive[PracticeBand | None] = reactive(None)
    spec: reactive[ChartSpec] = reactive(ChartSpec(400, None, "", ()))

    def __init__(
        self,
        spec: ChartSpec,
        *,
        title: str = "",
        words: UiWords = ENGLISH,
        id: str | None = None,
        classes: str = "",
    ) -> None:
        """words: the language of every word the chart draws itself (its title and its
        reference line's words come with it, already in that language)."""
        # The lines drawn for the size they were drawn at; None: to draw again.
        self._strips: list[Strip] | None = None
        self._strips_size = (0, 0)
        super().__init__(id=id, classes=classes)
        self.set_reactive(TrendChart.spec, spec)
        self.title = title
        self.words = words
        # What the axis says with no point to draw (default: no sessions yet).
        self.empty_key = "chart.no_sessions"

    def guides(self, plot_height: int = BAND_ROWS) -> list[Guide]:
        """The lines across: the cutoff, and the band's edges inside the scale (not on a chart
        too short to hold three lines and the rows between them)."""
        spec = self.spec
        found: list[Guide] = []
        if spec.reference is not None:
            found.append(
                Guide(
                    spec.reference,
                    f" {spec.reference_label} ",
                    REFERENCE,
                    equal_above=not spec.is_low(spec.reference),
                )
            )
        if self.band is not None and self.practice is None and plot_height >= BAND_ROWS:
            intake, rci = self.band
            words = format_tenths(rci).removesuffix(".0")
            # As the rules count it: a change of the RCI itself is a reliable change, so a
            # total on an edge is drawn outside the band.
            if intake + rci <= spec.maximum:
                found.append(Guide(intake + rci, f" +{words} ", BAND, equal_above=True))
            if intake - rci >= 0:
                found.append(Guide(intake - rci, f" −{words} ", BAND, equal_above=False))
        return found

    def _styles(self) -> dict[str, Style]:
        # Looked up once a render: a component style lookup per cell costs more than the chart.
        source = self.styles_from()
        return {
            part: source.get_component_rich_style(f"trend-chart--{part}")
            for part in (
                "line",
                "mark",
                "low",
                "reference",
                "band",
                "band-fill",
                "practice",
                "axis",
                "title",
            )
        }

    def styles_from(self) -> TrendChart:
        """The chart whose component styles this one draws with: its own."""
        return self

    def layout_for(self, width: int, height: int) -> Layout:
        """The chart laid out in a plot of this many cells."""
        practice = self.practice.by_session if self.practice is not None else None
        return lay_out(
            self.spec, self.points, self.guides(height), width, height, practice=practice
        )

    def render(self) -> Text:
        """The whole chart as one Text (what render_line draws, line by line)."""
        return Text("\n", no_wrap=True).join(self._lines(*self.content_size))

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        # Every change of the chart (its points, bands, spec, title, size) comes through here.
        self._strips = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        self._strips = None  # a new theme: other colours
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        """One line of the chart, from its lines drawn once for this size and data.

        Textual would turn the chart's Text into its own Content and wrap and format it line
        by line, which cost more than drawing the chart: the lines' segments are taken as
        they are, on the widget's own style."""
        width, height = self.content_size
        if self._strips is None or self._strips_size != (width, height):
            base = self.rich_style
            console = self.app.console
            self._strips = [
                _plain_strip(
                    Strip(_segments(line, console), line.cell_len).apply_style(base), row
                ).crop(0, width)
                for row, line in enumerate(self._lines(width, height)[:height])
            ]
            self._strips_size = (width, height)
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, self.rich_style)

    def _lines(self, width: int, height: int) -> list[Text]:
        """The chart's lines, each at most width cells."""
        styles = self._styles()
        title_rows = 1 if self.title else 0
        # Under the plot: the axis with a tick at each session, the dates, and the session
        # numbers when the chart is tall enough to spare a row for them; a short chart has
        # the dates alone.
        under = 3 if height >= 14 else 2 if height >= 8 else 1
        plot_height = max(height - under - title_rows, 3)
        plot_width = max(width - AXIS_WIDTH, 4)
        layout = self.layout_for(plot_width, plot_height)
        lines: list[Text] = []
        if self.title:
            title = self.title
            if layout.band_rows is not None and self.band is not None:
                rci = short_tenths(self.band[1])
                title += f"  {BAND_CHAR} " + self.words("chart.band", rci=rci)
            if self.practice is not None:
                title += f"  {PRACTICE_CHAR} " + self.words(
                    "chart.practice", cases=self.practice.cases
                )
            lines.append(Text.assemble((title, styles["title"]), no_wrap=True))
        lines += [self._plot_row(layout, row, styles) for row in range(plot_height)]
        lines += self._x_axis(layout, styles["axis"], under, self.words(self.empty_key))
        for line in lines:
            line.truncate(width, overflow="ellipsis")  # a line wrapped would push the chart down
        return lines

    def _plot_row(self, layout: Layout, row: int, styles: dict[str, Style]) -> Text:
        line = Text(_axis_cell(layout, row), styles["axis"], no_wrap=True)
        band = layout.band_rows is not None and layout.band_rows[0] < row < layout.band_rows[1]
        chars, parts = self._cells(layout, row)
        text = "".join(char or " " for char in chars)
        fill = Style(bgcolor=styles["band-fill"].bgcolor) if band else None
        # One span a run of cells in the same style, not one a cell: far less to render.
        start, width = 0, len(parts)
        while start < width:
            part = parts[start]
            end = start + 1
            while end < width and parts[end] == part:
                end += 1
            style = styles[part] if part else Style()
            if fill is not None:
                style = style + fill
            line.append(text[start:end], style)
            start = end
        return line

    def _cells(self, layout: Layout, row: int) -> tuple[list[str], list[str]]:
        """Each cell of a plot row and its style part: a marker, else the line between them,
        else a line's tag or the line itself, else the practice band; "" for an empty one."""
        width = layout.width
        chars = [""] * width
        parts = [""] * width
        for point, column, at in zip(layout.shown, layout.columns, layout.rows, strict=True):
            if at == row:
                low = self.spec.is_low(point.value)
                chars[column], parts[column] = (MARK_LOW, "low") if low else (MARK_OK, "mark")
        for column in range(width):
            if not chars[column] and layout.dots[row][column]:
                chars[column] = chr(BRAILLE_BASE + layout.dots[row][column])
                parts[column] = "line"
        guide = next((guide for guide, at in layout.guides if at == row), None)
        if guide is not None:
            start = _tag_start(chars, guide.tag)
            if start is not None:
                for offset, char in enumerate(guide.tag):
                    chars[start + offset], parts[start + offset] = char, guide.kind
            fill = REFERENCE_CHAR if guide.kind == REFERENCE else BAND_CHAR
            for column in range(width):
                if not chars[column]:
                    chars[column], parts[column] = fill, guide.kind
        for column, rows in enumerate(layout.practice):
            if rows is not None and rows[0] <= row <= rows[1] and not chars[column]:
                chars[column], parts[column] = PRACTICE_CHAR, "practice"
        return chars, parts

    @staticmethod
    def _x_axis(layout: Layout, style: Style, under: int, empty: str) -> list[Text]:
        """The rows under the plot: the axis with a tick under each session, then each
        session's date, then its number (as many rows as given; one: the dates on the axis);
        empty: what the axis says with no session."""
        if not layout.shown:
            return [Text(f"   └ {empty}", style=style, no_wrap=True)]
        dated = [
            (point.when, column)
            for point, column in zip(layout.shown, layout.columns, strict=True)
            if point.when is not None
        ]
        dates = _date_labels(dated, layout.width)
        if under == 1:
            return [Text("   └" + dates, style=style, no_wrap=True)]
        ticks = ["─"] * layout.width
        for column in layout.columns:
            ticks[column] = "┬"
        rows = [Text("   └" + "".join(ticks), style=style, no_wrap=True)]
        rows.append(Text("    " + dates, style=style))
        if under >= 3:
            numbered = [
                (f"#{point.session}", column)
                for point, column in zip(layout.shown, layout.columns, strict=True)
            ]
            rows.append(Text("    " + _spread_labels(numbered, layout.width), style=style))
        for row in rows:
            row.no_wrap = True
        return rows


class SiblingChart(TrendChart):
    """A chart beside a TrendChart, under the same parent, drawn in that chart's colours.

    Textual resolves each component class of a widget with a pass over the stylesheet, on
    mounting and again on every showing of the screen: nine of them a chart were a tenth of
    the opening of the history. Two charts side by side have the same colours, so the
    second takes the first's instead of resolving its own."""

    def __init__(
        self,
        spec: ChartSpec,
        sibling: TrendChart,
        *,
        title: str = "",
        words: UiWords = ENGLISH,
        id: str | None = None,
    ) -> None:
        super().__init__(spec, title=title, words=words, id=id)
        self.sibling = sibling

    def styles_from(self) -> TrendChart:
        """The sibling's component styles: the same as this one's would be."""
        return self.sibling


# None of TrendChart's component classes (Textual's Widget does not pass the keyword
# inherit_component_classes on to the DOMNode that reads this; were it ever ignored, the
# chart would resolve its own again, the same styles, at the old cost).
SiblingChart._inherit_component_classes = False


def _segments(line: Text, console: Console) -> list[Segment]:
    """A line's segments, its own style under its spans' (Rich leaves it out of a line
    without spans, such as one cut short with an ellipsis)."""
    if line.spans:
        return list(line.render(console))
    style = console.get_style(line.style) if line.style else None
    return [Segment(line.plain, style)]


def _plain_strip(strip: Strip, y: int) -> Strip:
    """The strip's segments as Textual's own rendering leaves them: each style as it looks
    (its colours, and only the attributes that are on), with the segment's place in the
    widget, which text selection reads and which keeps neighbours that look the same in
    segments of their own, as the terminal and a screenshot get them either way."""
    segments = []
    x = 0
    plain: dict[Style, Style] = {}  # a line has a few styles and many segments
    for text, drawn, _ in strip:
        style = None
        if drawn is not None:
            looks = plain.get(drawn)
            if looks is None:
                looks = plain[drawn] = Style(
                    color=drawn.color,
                    bgcolor=drawn.bgcolor,
                    bold=drawn.bold or None,
                    dim=drawn.dim or None,
                    italic=drawn.italic or None,
                    underline=drawn.underline or None,
                    strike=drawn.strike or None,
                    reverse=drawn.reverse or None,
                )
            style = looks + _offset(x, y)
        segments.append(Segment(text, style))
        x += len(text)
    return Strip(segments, strip.cell_length)


@functools.lru_cache(maxsize=4096)
def _offset(x: int, y: int) -> Style:
    """A style of nothing but a place in the widget (the same for every chart there)."""
    return Style.from_meta({"offset": (x, y)})


def _axis_cell(layout: Layout, row: int) -> str:
    """The axis at a row of the plot: a value's label, or the axis line, dashed where the
    scale is compressed."""
    if row in layout.labels:
        label = format_tenths(layout.labels[row]).removesuffix(".0")
        return f"{label:>2} ┤"
    focus = layout.focus_rows
    compressed = focus is not None and not focus[0] <= row <= focus[1]
    return "   ┊" if compressed else "   │"


def _date_labels(dated: list[tuple[date, int]], width: int) -> str:
    """Month and day under each session, as many as fit; a day said once (the sessions after
    it that day are left unlabelled). The year is given with the first date, with the first of
    each year after it, and with the last when the dates span more than one year, so a span
    from September into January never reads as one year: a date that would need its year and
    has no room for it is left out, and so are the dates of a year before its year is said."""
    days: list[tuple[date, int]] = []
    for when, column in dated:
        if not days or when != days[-1][0]:
            days.append((when, column))
    if not days:
        return " " * width
    spans_years = days[0][0].year != days[-1][0].year
    full = {0}
    full |= {i for i in range(1, len(days)) if days[i][0].year != days[i - 1][0].year}
    if spans_years:
        full.add(len(days) - 1)
    # The latest first, then the dates that carry a year, then the rest from the left.
    order = [len(days) - 1, *sorted(full - {len(days) - 1})]
    order += [i for i in range(len(days)) if i not in order]
    placed: dict[int, str] = {}
    taken: list[tuple[int, int]] = []
    for i in order:
        when, column = days[i]
        texts = [when.strftime(FULL_DATE_FORMAT)] if i in full else []
        if i not in full or (i == 0 and not spans_years):
            texts.append(when.strftime(DATE_FORMAT))  # the first may lose its year at worst
        for text in texts:
            span = _span(text, column, width, taken)
            if span is not None:
                taken.append(span)
                placed[i] = text
                break
    cells = [" "] * width
    year = None
    for i in sorted(placed):
        text, (when, column) = placed[i], days[i]
        if len(text) == len(when.strftime(FULL_DATE_FORMAT)):
            year = when.year
        elif year is not None and when.year != year:
            continue  # its year not yet said: left out rather than read as the year before
        begin = min(max(column - len(text) // 2, 0), width - len(text))
        cells[begin : begin + len(text)] = list(text)
    return "".join(cells)


def _span(
    text: str, column: int, width: int, taken: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """Where a label centred under its column falls, or None if it leaves the width or comes
    within a space of a label already placed."""
    start = min(max(column - len(text) // 2, 0), width - len(text))
    end = start + len(text)
    if start < 0 or any(start <= b and a <= end for a, b in taken):
        return None
    return start, end


def _spread_labels(labels: list[tuple[str, int]], width: int) -> str:
    """Labels centred under their columns, the latest first, then from the left, as many as
    fit with a space between."""
    cells = [" "] * width
    taken: list[tuple[int, int]] = []
    for text, column in labels[-1:] + labels[:-1]:
        span = _span(text, column, width, taken)
        if span is not None:
            taken.append(span)
            cells[span[0] : span[1]] = list(text)
    return "".join(cells)


def short_tenths(value: int) -> str:
    """A value in tenths as the chart says it: "25", "25.5"."""
    return format_tenths(value).removesuffix(".0")


def total_spec(
    below_cutoff: Callable[[int], bool],
    cutoff: int | None,
    focus: tuple[int, int] | None = None,
    *,
    words: UiWords = ENGLISH,
    line: str = "chart.cutoff",
) -> ChartSpec:
    """The scale of a total: 0 to 40, the cutoff drawn across (its words: line in words),
    and the rules' "below it"."""
    inside: tuple[int, ...] = ()
    if focus is not None:
        # Round values: every 5 points in the focus range, then every 2 in a narrow one.
        low, high = focus
        inside = tuple(v for v in range(low, high + 1) if v % 50 == 0)
        if high - low <= 100:
            inside += tuple(v for v in range(low, high + 1) if v % 20 == 0 and v % 50)
    return ChartSpec(
        maximum=400,
        reference=cutoff,
        reference_label=words(line, value=short_tenths(cutoff)) if cutoff is not None else "",
        ticks=(400, 0, *inside, 100, 200, 300),
        low=below_cutoff,
        focus=focus,
    )


def item_spec(soft_item: int | None, *, words: UiWords = ENGLISH) -> ChartSpec:
    """The scale of one item: 0 to 10, the soft prompt (if any) drawn across."""
    label = words("chart.prompt", value=short_tenths(soft_item)) if soft_item is not None else ""
    return ChartSpec(maximum=100, reference=soft_item, reference_label=label, ticks=(100, 0, 50))
