"""RowTable: a read-only table that draws only the rows on screen.

Textual's DataTable measures every cell of every row it is given, which for a caseload of a
thousand clients costs most of a second on each refresh. RowTable takes rows of rich Text,
sizes its columns from the text lengths (a cheap sum, no rendering), and renders a line only
when it is visible, through the Line API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

GAP = 2  # cells between columns
STRETCH_ROOM = 24  # cells the stretch column keeps, if narrowing others can give them


@dataclass(frozen=True)
class Column:
    """A column: its heading, how it aligns, and whether it takes the width that is left."""

    label: str
    justify: str = "left"  # "left" or "right"
    stretch: bool = False  # the last, flexible column: truncated to what remains
    hide_below: int = 0  # left out when the table is narrower than this
    # Narrowed, down to this, while the stretch column has fewer than STRETCH_ROOM cells
    # (0: never narrowed): a long alias must not push the alerts off a narrow terminal.
    shrink_to: int = 0


class Row(Protocol):
    """One row: a key the app knows it by, and a Text a cell (asked for only when drawn)."""

    @property
    def key(self) -> str: ...

    @property
    def cells(self) -> tuple[Text, ...]: ...


@dataclass(frozen=True)
class TextRow:
    """A row whose cells are made up front."""

    key: str
    cells: tuple[Text, ...]


class RowTable(ScrollView, can_focus=True):
    """Rows with a cursor; Enter or a click on the cursor row selects it."""

    # The keys panel's heading over this widget's keys.
    BINDING_GROUP_TITLE = "The list"

    DEFAULT_CSS = """
    RowTable {
        height: 1fr;
        overflow-x: hidden;
    }
    RowTable > .row-table--header { text-style: bold; background: $panel; }
    RowTable > .row-table--zebra { background: $surface; }
    RowTable > .row-table--cursor { background: $block-cursor-blurred-background; }
    RowTable:focus > .row-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RowTable > .row-table--empty { color: $text-muted; }
    """

    COMPONENT_CLASSES = {
        "row-table--header",
        "row-table--zebra",
        "row-table--cursor",
        "row-table--empty",
    }

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False, id="table.up"),
        Binding("down", "move(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="table.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="table.last"),
        Binding("enter", "select", "Select", show=False, id="table.select"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: RowTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RowTable:
            """The table."""
            return self.table

    class Selected(Message):
        """Enter, or a click on the cursor row."""

        def __init__(self, table: RowTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RowTable:
            """The table."""
            return self.table

    def __init__(
        self, columns: Sequence[Column], *, empty: str = "Nothing here.", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.rows: list[Row] = []
        self.empty = empty
        self._widths = [cell_len(column.label) for column in self.columns]
        # The lines drawn, by (row, width, style; -1 the header): a frame after the first
        # (the table taking focus, the cursor moving) draws again only the lines that changed.
        self._lines: dict[tuple[int, int, Style], Strip] = {}
        self._base_style: Style | None = None  # see render_lines
        self._fitted: dict[int, list[int | None]] = {}  # _fit's, by width, for these rows

    # Data

    def set_rows(
        self, rows: Sequence[Row], keep: str | None = None, widths: Sequence[int] | None = None
    ) -> None:
        """Show these rows; the cursor stays on the row keyed keep if it is still there.

        With widths (the widest cell of each column), no row's cells are made until drawn.
        """
        keep = self.cursor_key if keep is None else keep
        self.rows = list(rows)
        fitted = [cell_len(column.label) for column in self.columns]
        if widths is not None:
            fitted = [max(label, width) for label, width in zip(fitted, widths, strict=True)]
        else:
            for row in self.rows:
                for index, cell in enumerate(row.cells):
                    fitted[index] = max(fitted[index], cell.cell_len)
        self._widths = fitted
        self._fitted.clear()
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        index = next((i for i, row in enumerate(self.rows) if row.key == keep), 0)
        self.cursor = min(index, max(len(self.rows) - 1, 0))
        self.refresh()

    @property
    def row_count(self) -> int:
        """How many rows the table holds."""
        return len(self.rows)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.rows:
            return None
        return self.rows[min(self.cursor, len(self.rows) - 1)].key

    def row_text(self, index: int) -> list[str]:
        """The plain text of a row's cells, as a user reads them."""
        return [cell.plain for cell in self.rows[index].cells]

    # Moving

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if old != new or not self.rows:
            self.post_message(self.Highlighted(self, self.cursor_key))

    def _scroll_to_cursor(self) -> None:
        # Line 0 is the header, so the cursor's row is drawn at line cursor + 1.
        visible_rows = max(self.scrollable_content_region.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible_rows:
            self.scroll_to(y=self.cursor - visible_rows + 1, animate=False)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on a row."""
        if self.rows:
            self.cursor = min(max(row, 0), len(self.rows) - 1)

    def action_move(self, step: int) -> None:
        """Move the cursor by step rows."""
        self.move_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        """Move the cursor by a screenful."""
        self.move_cursor(
            self.cursor + direction * max(self.scrollable_content_region.height - 2, 1)
        )

    def action_jump(self, row: int) -> None:
        """To the first (0) or the last (-1) row."""
        self.move_cursor(row if row >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        """Select the row under the cursor."""
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = self.scroll_offset.y + offset.y - 1
        if 0 <= row < len(self.rows):
            if row == self.cursor:
                self.action_select()
            self.cursor = row

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    # Drawing

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"row-table--{part}")

    def render_lines(self, crop: Region) -> list[Strip]:
        # The table's own style, worked out once a frame rather than once a line: it walks
        # every ancestor's styles, and a screenful of lines asked for it a few dozen times.
        self._base_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None

    def _base(self) -> Style:
        """The table's own style: the frame's, while one is drawn."""
        found = self._base_style
        return found if found is not None else self.rich_style

    def _fit(self, width: int) -> list[int | None]:
        """Column widths for this width: the stretch column takes what is left; None for a
        column left out at this width."""
        widths: list[int | None] = [
            None if width < column.hide_below else fitted
            for fitted, column in zip(self._widths, self.columns, strict=True)
        ]
        shown = [(w, c) for w, c in zip(widths, self.columns, strict=True) if w is not None]
        fixed = sum(w for w, c in shown if not c.stretch)
        gaps = GAP * (len(shown) - 1) + 1
        left = width - fixed - gaps
        for index, column in enumerate(self.columns):
            cell_width = widths[index]
            if column.shrink_to and cell_width is not None and left < STRETCH_ROOM:
                given = min(cell_width - column.shrink_to, STRETCH_ROOM - left)
                if given > 0:
                    widths[index] = cell_width - given
                    left += given
        for index, column in enumerate(self.columns):
            if column.stretch and widths[index] is not None:
                widths[index] = max(left, 0)
        return widths

    def _line(
        self, cells: Sequence[Text], widths: list[int | None], style: Style, width: int
    ) -> Strip:
        # The line's text and spans put together at once, as append_text would put them one
        # cell at a time: a caseload's screenful of lines, each made of seven cells appended
        # with their padding and gaps, cost more than the rest of the table's drawing.
        parts = [" "]
        spans: list[Span] = []
        offset = 1
        first = True
        for given, column, cell_width in zip(cells, self.columns, widths, strict=True):
            if cell_width is None:
                continue
            if not first:
                parts.append(" " * GAP)
                offset += GAP
            first = False
            cell, length = given, given.cell_len
            if length > cell_width:  # an alias over 30 cells, or alerts past the edge
                cell = cell.copy()
                cell.truncate(cell_width, overflow="ellipsis")
                length = cell.cell_len
            pad = cell_width - length
            if pad > 0 and column.justify == "right":
                parts.append(" " * pad)
                offset += pad
            plain = cell.plain
            if cell.style:
                spans.append(Span(offset, offset + len(plain), cell.style))
            spans.extend(Span(start + offset, end + offset, on) for start, end, on in cell.spans)
            parts.append(plain)
            offset += len(plain)
            if pad > 0 and column.justify != "right":
                parts.append(" " * pad)
                offset += pad
        plain = "".join(parts)
        segments = self._segments(plain, spans, width)
        if segments is None:
            line = Text(plain, no_wrap=True, end="", spans=spans)
            line.truncate(width, pad=True)
            segments = list(line.render(self.app.console))
        return Strip(segments, width).apply_style(style)

    def _segments(self, plain: str, spans: list[Span], width: int) -> list[Segment] | None:
        """The segments Text.render makes of a line padded to width, made straight from its
        spans when they follow one another without overlapping (a cell with a style of its
        own and spans inside it overlaps: None, and Text.render works it out): the same cuts
        and styles, without its stack of styles, which was most of a row's drawing.
        None too for a line wider than width."""
        length = cell_len(plain)
        if length > width:
            return None
        if not spans:
            return [Segment(plain + " " * (width - length))]  # as Text.render: no style
        null = Style.null()
        get_style = self.app.console.get_style
        segments = []
        at = 0
        for start, end, on in spans:
            if start < at:
                return None
            if start == end:
                continue
            if start > at:
                segments.append(Segment(plain[at:start], null))
            segments.append(Segment(plain[start:end], get_style(on, default=null)))
            at = end
        rest = plain[at:] + " " * (width - length)
        if rest:
            segments.append(Segment(rest, null))
        return segments

    def _drawn(self, index: int, width: int, style: Style) -> Strip:
        """A row's line (the header's for -1), drawn once for a width and style."""
        key = (index, width, style)
        found = self._lines.get(key)
        if found is None:
            if len(self._lines) > 8 * self.size.height + 64:
                self._lines.clear()  # scrolled through a long list: keep what is on screen
                self._fitted.clear()  # and the widths of the width it is drawn at now
            if index < 0:
                cells = tuple(Text(column.label) for column in self.columns)
            else:
                cells = self.rows[index].cells
            fitted = self._fitted.get(width)
            if fitted is None:
                fitted = self._fitted[width] = self._fit(width)
            found = self._lines[key] = self._line(cells, fitted, style, width)
        return found

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._drawn(-1, width, self._style("header"))
        if not self.rows:
            if y == 1:
                return Strip([Segment(f" {self.empty}"[:width].ljust(width), self._style("empty"))])
            return Strip.blank(width, self._base())
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self._base())
        if index == self.cursor:
            style = self._style("cursor")
        elif index % 2:
            style = self._style("zebra")
        else:
            style = self._base()
        return self._drawn(index, width, style)
