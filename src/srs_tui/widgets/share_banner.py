"""ShareBanner: the line that says the screen is being shared, on every client view."""

from __future__ import annotations

from textual.widgets import Static


class ShareBanner(Static):
    """Words and a symbol, not only a colour, docked at the top: never scrolled away."""

    DEFAULT_CSS = """
    /* Docked under the Header (docked widgets on one edge overlap: the margin keeps the
       Header's line free). */
    ShareBanner {
        dock: top;
        margin-top: 1;
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $background;
        text-style: bold;
    }
    """

    def __init__(self, text: str, *, shown: bool) -> None:
        super().__init__(text, markup=False, classes="share-banner")
        self.display = shown
