"""TotalPanel: the live total in large digits, "/ 40", and where it stands against the cutoff."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Digits

from srs_tui.feedback import Thresholds
from srs_tui.measures import SRS, format_tenths

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

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"cutoff-gauge--{part}")

    def render(self) -> Text:
        width = self.content_size.width
        cutoff = self.thresholds.cutoff
        head = Text.assemble(("/ 40", "bold"), no_wrap=True)
        head.append(f"   {self.words['cutoff']} {format_tenths(cutoff)}", self._style("cutoff"))
        # One cell a point when there is room, so 35 and 36 never share a cell.
        bar_width = min(max(width - 5, 10), SRS.total_max // POINT + 1)
        cut_cell = round(cutoff * (bar_width - 1) / SRS.total_max)
        filled_to = round(self.total * (bar_width - 1) / SRS.total_max) if self.items_set else -1
        bar = Text.assemble(("0 ", self._style("muted")), no_wrap=True)
        for cell in range(bar_width):
            if cell == cut_cell:
                bar.append("┃", self._style("cutoff"))
            elif cell <= filled_to:
                bar.append("█", self._style("filled"))
            else:
                bar.append("─", self._style("empty"))
        bar.append(" 40", self._style("muted"))
        count = len(SRS.items)
        if self.items_set < count:
            counted = self.words["items_set"].format(set=self.items_set, count=count)
            status = Text.assemble((counted, self._style("muted")))
        elif self.thresholds.is_below_cutoff(self.total):
            status = Text.assemble((self.words["below"], self._style("below")))
        else:
            status = Text.assemble((self.words["above"], self._style("above")))
        return Text("\n").join([head, bar, status])


class TotalPanel(Widget):
    """The SRS total of the items set so far, in the client's language."""

    DEFAULT_CSS = """
    TotalPanel {
        layout: horizontal;
        height: 3;
    }
    TotalPanel > Digits {
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
        yield Digits(UNSET_DIGITS, id="total-digits")
        yield CutoffGauge(self.thresholds, self.words, id="total-gauge")

    def show(self, total: int, items_set: int) -> None:
        """Show the total of the items set so far."""
        self.query_one(Digits).update(digits_text(total if items_set else None))
        gauge = self.query_one(CutoffGauge)
        gauge.total = total
        gauge.items_set = items_set
