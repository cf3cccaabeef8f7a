"""TotalPanel: the live total in large digits, "/ 40", and where it stands against the form's
cutoff (none for a form without norms, nor on a client's view unless the settings say so).

One widget draws it all (the digits, then a 0-to-40 bar with the cutoff on it): every widget
on the rating screen is styled twice and laid out before its first frame.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from srs_tui.measures import Measure, format_tenths
from srs_tui.rules import Profile
from srs_tui.widgets.big_number import aligned_rows, digits_text
from srs_tui.widgets.drawn import line_at

POINT = 10  # tenths
DIGITS_WIDTH = 14  # "40.0" in 3x3 glyphs (10 cells) and room, then the bar


class TotalPanel(Widget):
    """The total of a measure's items set so far, in the client's language."""

    DEFAULT_CSS = """
    TotalPanel {
        height: 3;
    }
    TotalPanel > .total-panel--accent { color: $accent; }
    TotalPanel > .total-panel--muted { color: $text-muted; }
    TotalPanel > .total-panel--cutoff { color: $warning; text-style: bold; }
    TotalPanel > .total-panel--below { color: $text-warning; text-style: bold; }
    TotalPanel > .total-panel--above { color: $text-success; text-style: bold; }
    """

    # Five looks (each component class is styled like a widget of its own, twice before the
    # first frame): the bar's filling is the accent, its empty part muted, the digits bold.
    COMPONENT_CLASSES = {
        "total-panel--accent",
        "total-panel--muted",
        "total-panel--cutoff",
        "total-panel--below",
        "total-panel--above",
    }

    def __init__(
        self,
        measure: Measure,
        profile: Profile,
        words: Mapping[str, str],
        *,
        show_cutoff: bool = True,
        id: str | None = None,
    ) -> None:
        """show_cutoff: the cutoff on the bar and, once every item is set, where the total
        stands; False (a client's view while rating): the bar and the count alone."""
        super().__init__(id=id)
        self.measure = measure
        self.profile = profile
        self.words = words
        self.show_cutoff = show_cutoff
        self.total = 0
        self.items_set = 0
        # The lines drawn, with the (width, total, items set) they were drawn for.
        self._drawn: tuple[tuple[int, int, int], list[Strip]] | None = None
        self._styles: dict[str, Style] = {}

    def show(self, total: int, items_set: int) -> None:
        """Show the total of the items set so far."""
        if (total, items_set) != (self.total, self.items_set):
            self.total, self.items_set = total, items_set
            self.refresh()

    @property
    def digits(self) -> str:
        """The total as the large digits show it ("--.-" until an item is set)."""
        return digits_text(self.total if self.items_set else None)

    def _style(self, part: str) -> Style:
        # Cached until the styles change: every item set redraws the panel, and the lookups
        # cost more than the drawing.
        if part not in self._styles:
            if part == "base":
                style = self.rich_style
            elif part == "bold":
                style = self._style("base") + Style(bold=True)
            else:
                style = self._style("base") + self.get_component_rich_style(f"total-panel--{part}")
            self._styles[part] = style
        return self._styles[part]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = None
        self._styles.clear()

    def _gauge(self, width: int) -> list[list[Segment]]:
        """Three lines: "/ 40" and the cutoff, the bar, where the total stands."""
        cutoff = self.profile.cutoff if self.show_cutoff else None
        cutoff_style, muted = self._style("cutoff"), self._style("muted")
        top = self.measure.total_max
        head = [Segment(f"/ {top // POINT}", self._style("bold"))]
        if cutoff is not None:
            head.append(Segment(f"   {self.words['cutoff']} {format_tenths(cutoff)}", cutoff_style))
        # One cell a point when there is room, so 35 and 36 never share a cell.
        bar_width = min(max(width - 5, 10), top // POINT + 1)
        filled_to = round(self.total * (bar_width - 1) / top) if self.items_set else -1
        if cutoff is None:  # a form without norms: the bar alone, no line to be below
            bar = [
                Segment("0 ", muted),
                Segment("█" * (filled_to + 1), self._style("accent")),
                Segment("─" * (bar_width - filled_to - 1), muted),
                Segment(f" {top // POINT}", muted),
            ]
        else:
            cut_cell = round(cutoff * (bar_width - 1) / top)
            filled = min(filled_to + 1, cut_cell)
            after = max(filled_to - cut_cell, 0)
            bar = [
                Segment("0 ", muted),
                Segment("█" * filled, self._style("accent")),
                Segment("─" * (cut_cell - filled), muted),
                Segment("┃", cutoff_style),
                Segment("█" * after, self._style("accent")),
                Segment("─" * (bar_width - cut_cell - 1 - after), muted),
                Segment(f" {top // POINT}", muted),
            ]
        count = len(self.measure.items)
        # The standing only once every item is set: a partial total is not below anything.
        if self.items_set < count or not self.show_cutoff:
            counted = self.words["items_set"].format(set=self.items_set, count=count)
            status = Segment(counted, muted)
        elif not self.profile.judged:
            status = Segment("")
        elif self.profile.below_cutoff(self.total):
            status = Segment(self.words["below"], self._style("below"))
        else:
            status = Segment(self.words["above"], self._style("above"))
        return [head, bar, [status]]

    def _lines(self) -> list[Strip]:
        width = self.content_size.width
        state = (width, self.total, self.items_set)
        if self._drawn is not None and self._drawn[0] == state:
            return self._drawn[1]
        base = self._style("base")
        digits = aligned_rows(self.digits, DIGITS_WIDTH, self._style("bold"), "left")
        gauge_width = max(width - DIGITS_WIDTH, 1)
        lines = [
            Strip([*row, *Strip(gauge).adjust_cell_length(gauge_width, base)]).adjust_cell_length(
                width, base
            )
            for row, gauge in zip(digits, self._gauge(gauge_width), strict=True)
        ]
        self._drawn = (state, lines)
        return lines

    def render_line(self, y: int) -> Strip:
        return line_at(self._lines(), y, self.content_size.width, self._style("base"))
