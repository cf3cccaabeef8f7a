"""TitleBar: the line Textual's Header draws (no icon, no clock), drawn by one widget."""

from __future__ import annotations

from textual.content import Content
from textual.events import Click
from textual.widget import Widget

ICON_WIDTH = 8  # the place of Header's icon, as its padding says


class TitleBar(Widget):
    """The screen's title and sub-title, centred between the places of Header's icon (8
    cells) and clock (10), on the header's colours; a click makes it three lines tall and
    back, as Header's does (not on the icon's place: with the command palette off, as the
    app has it, Header's icon is off and takes the click).

    Header is four widgets (itself, the icon, the title and the clock's space), which were
    a tenth of opening the history. This draws the same line; it reads the titles as it is
    drawn and does not watch them, so it suits a screen whose titles are set before it is
    shown and stay (Header would follow a change)."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        padding: 0 10 0 8;  /* Header's icon and clock */
        background: $panel;
        color: $foreground;
        content-align: center top;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TitleBar.-tall {
        height: 3;
    }
    """

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    async def _on_click(self, event: Click) -> None:
        # Header's icon, turned off with the app's command palette, takes its clicks.
        if event.x >= ICON_WIDTH:
            self.toggle_class("-tall")
