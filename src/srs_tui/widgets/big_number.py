"""BigNumber: a value in large 3x3 digits, readable in a small video tile.

The glyphs are Textual's own (textual.renderables.digits). Textual's Digits widget draws them
through a Rich console, alignment and cropping included, which made the four item values and
the total two thirds of the rating screen's frame on every keypress. This widget draws the
same glyphs through the line API and keeps the lines until the value or the size changes.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widget import Widget

from srs_tui.measures import format_tenths
from srs_tui.widgets.drawn import line_at

HEIGHT = 3
UNSET_DIGITS = "--.-"


def digits_text(tenths: int | None) -> str:
    """A value for large digits, always the same width ("--.-", " 9.1", "34.5"), so that
    changing it repaints the digits without laying out the whole screen again."""
    return UNSET_DIGITS if tenths is None else f"{format_tenths(tenths):>4}"


def digit_rows(value: str, *, bold: bool = True) -> list[str]:
    """value in Textual's 3x3 glyphs: three rows of the same width."""
    return [
        piece.text
        for piece in DigitsRenderable(value).render(Style(bold=bold))
        if isinstance(piece, Segment) and piece.text != "\n"
    ]


def aligned_rows(value: str, width: int, style: Style, align: str = "right") -> list[Strip]:
    """The glyph rows of value in width cells, aligned as text-align says, all in style."""
    strips = []
    for row in digit_rows(value, bold=bool(style.bold)):
        room = max(width - len(row), 0)
        left = {"right": room, "center": room // 2}.get(align, 0)
        line = Strip([Segment(" " * left, style), Segment(row, style)])
        strips.append(line.adjust_cell_length(width, style))
    return strips


class BigNumber(Widget):
    """A short value ("34.5", "--.-") in large digits, aligned as text-align says."""

    DEFAULT_CSS = """
    BigNumber {
        width: auto;
        height: 3;
    }
    """

    def __init__(self, value: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._value = value
        # The lines drawn, with the width, style and alignment they were drawn for.
        self._lines: tuple[tuple[int, Style, str], list[Strip]] | None = None

    @property
    def value(self) -> str:
        """The value shown."""
        return self._value

    def update(self, value: str) -> None:
        """Show another value; the layout changes only if its width does."""
        if value == self._value:
            return
        resize = DigitsRenderable.get_width(value) != DigitsRenderable.get_width(self._value)
        self._value = value
        self._lines = None
        self.refresh(layout=resize)

    def get_content_width(self, container: Size, viewport: Size) -> int:  # noqa: ARG002
        return DigitsRenderable.get_width(self._value)

    def get_content_height(
        self,
        container: Size,  # noqa: ARG002
        viewport: Size,  # noqa: ARG002
        width: int,  # noqa: ARG002
    ) -> int:
        return HEIGHT

    def _strips(self, width: int) -> list[Strip]:
        style = self.rich_style
        align = self.styles.text_align
        if self._lines is not None and self._lines[0] == (width, style, align):
            return self._lines[1]
        strips = aligned_rows(self._value, width, style, align)
        self._lines = ((width, style, align), strips)
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        return line_at(self._strips(width), y, width, self.rich_style)
