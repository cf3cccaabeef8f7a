"""TotalPanel: the live total in large digits, "/ 40", and where it stands against the cutoff."""

from __future__ import annotations

from collections.abc import Mapping

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from srs_tui.feedback import Thresholds
from srs_tui.measures import SRS, format_tenths
from srs_tui.widgets.big_number import BigNumber

POINT = 10  # tenths
UNSET_DIGITS = "--.-"


def digits_text(tenths: int | None) -> str:
    """A value for large digits, always the same width ("--.-", " 9.1", "34.5"), so that
    changing it repaints the digits without laying out the whole screen again."""
    return UNSET_DIGITS if tenths is None else f"{format_tenths(tenths):>4}"


class CutoffGauge(Widget):
    """A 0-to-40 bar with the cutoff drawn on it, and a line saying where the total stands."""

    DEFAULT_CSS = """
    CutoffGauge {
        height: 3;
        width: 1fr;
    }
    CutoffGauge > .cutoff-gauge--filled { color: $accent; }
    CutoffGauge > .cutoff-gauge--empty { color: $text-muted; }
    CutoffGauge > .cutoff-gauge--cutoff { color: $warning; text-style: bold; }
    CutoffGauge > .cutoff-gauge--muted { color: $text-muted; }
    CutoffGauge > .cutoff-gauge--below { color: $text-warning; text-style: bold; }
    CutoffGauge > .cutoff-gauge--above { color: $text-success; text-style: bold; }
    """

    COMPONENT_CLASSES = {
        "cutoff-gauge--filled",
        "cutoff-gauge--empty",
        "cutoff-gauge--cutoff",
        "cutoff-gauge--muted",
        "cutoff-gauge--below",
        "cutoff-gauge--above",
    }

    total: reactive[int] = reactive(0)
    items_set: reactive[int] = reactive(0)

    def __init__(
        self, thresholds: Thresholds, words: Mapping[str, str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.thresholds = thresholds
        self.words = words
        # The lines drawn, with the (width, total, items set) they were drawn for.
        self._drawn: tuple[tuple[int, int, int], list[Strip]] | None = None

    def _style(self, part: str) -> Style:
        return self.rich_style + self.get_component_rich_style(f"cutoff-gauge--{part}")

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = None

    def _lines(self) -> list[Strip]:
        """Three lines: "/ 40" and the cutoff, the bar, where the total stands."""
        width = self.content_size.width
        state = (width, self.total, self.items_set)
        if self._drawn is not None and self._drawn[0] == state:
            return self._drawn[1]
        cutoff = self.thresholds.cutoff
        cutoff_style, muted = self._style("cutoff"), self._style("muted")
        head = [
            Segment("/ 40", self.rich_style + Style(bold=True)),
            Segment(f"   {self.words['cutoff']} {format_tenths(cutoff)}", cutoff_style),
        ]
        # One cell a point when there is room, so 35 and 36 never share a cell.
        bar_width = min(max(width - 5, 10), SRS.total_max // POINT + 1)
        cut_cell = round(cutoff * (bar_width - 1) / SRS.total_max)
        filled_to = round(self.total * (bar_width - 1) / SRS.total_max) if self.items_set else -1
        filled = min(filled_to + 1, cut_cell)
        after = max(filled_to - cut_cell, 0)
        bar = [
            Segment("0 ", muted),
            Segment("█" * filled, self._style("filled")),
            Segment("─" * (cut_cell - filled), self._style("empty")),
            Segment("┃", cutoff_style),
            Segment("█" * after, self._style("filled")),
            Segment("─" * (bar_width - cut_cell - 1 - after), self._style("empty")),
            Segment(" 40", muted),
        ]
        count = len(SRS.items)
        if self.items_set < count:
            counted = self.words["items_set"].format(set=self.items_set, count=count)
            status = Segment(counted, muted)
        elif self.thresholds.is_below_cutoff(self.total):
            status = Segment(self.words["below"], self._style("below"))
        else:
            status = Segment(self.words["above"], self._style("above"))
        base = self.rich_style
        lines = [Strip(line).adjust_cell_length(width, base) for line in (head, bar, [status])]
        self._drawn = (state, lines)
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self._lines()
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.content_size.width, self.rich_style)


class TotalPanel(Widget):
    """The SRS total of the items set so far, in the client's language."""

    DEFAULT_CSS = """
    TotalPanel {
        layout: horizontal;
        height: 3;
    }
    TotalPanel > BigNumber {
        width: auto;
        min-width: 12;
        margin-right: 2;
        text-style: bold;
    }
    """

    def __init__(
        self, thresholds: Thresholds, words: Mapping[str, str], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.thresholds = thresholds
        self.words = words

    def compose(self) -> ComposeResult:
        yield BigNumber(UNSET_DIGITS, id="total-digits")
        yield CutoffGauge(self.thresholds, self.words, id="total-gauge")

    def show(self, total: int, items_set: int) -> None:
        """Show the total of the items set so far."""
        self.query_one(BigNumber).update(digits_text(total if items_set else None))
        gauge = self.query_one(CutoffGauge)
        gauge.total = total
        gauge.items_set = items_set
