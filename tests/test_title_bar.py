"""TitleBar draws what Textual's Header draws in the app (no icon, no clock), cell by cell,
one line or three, and takes the clicks Header takes."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from srs_tui.widgets.title_bar import TitleBar
from srs_tui.widgets.unwatched import AppHeader


class _Titled(Screen[None]):
    def __init__(self, header: Widget) -> None:
        super().__init__()
        self.header = header
        self.sub_title = "History"

    def compose(self) -> ComposeResult:
        yield self.header
        yield Static("the screen under it")


class _App(App[None]):
    ENABLE_COMMAND_PALETTE = False  # as the app has it
    TITLE = "srs-tui"


def _cells(app: App[Any]) -> list[list[tuple[str, object, object, bool]]]:
    """Each cell on the screen as it looks: its character, background, and for a character
    that is not a space its colour and boldness (a space shows neither)."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        row = []
        for text, style, _ in strip:
            for char in text:
                shown = style is not None and char != " "
                row.append(
                    (
                        char,
                        style.bgcolor if style is not None else None,
                        style.color if shown and style is not None else None,
                        bool(shown and style is not None and style.bold),
                    )
                )
        rows.append(row)
    return rows


async def _drawn(header: Widget, width: int) -> list[list[list[tuple[str, object, object, bool]]]]:
    """The screen as first shown, after a click on the title, then after one on the icon's
    place, then after one on the clock's place."""
    app = _App()
    found = []
    async with app.run_test(size=(width, 8)) as pilot:
        await app.push_screen(_Titled(header))
        await pilot.pause()
        found.append(_cells(app))
        for x in (width // 2, 2, width - 3):
            await pilot.click(offset=(x, 0))
            await pilot.pause()
            found.append(_cells(app))
    return found


async def test_the_title_bar_draws_as_the_header_does() -> None:
    for width in (80, 30):  # at 30 the title is cut short with an ellipsis
        assert await _drawn(TitleBar(), width) == await _drawn(AppHeader(icon=""), width)
