"""ShareBanner: the line that says the screen is being shared, on every client-facing screen."""

from __future__ import annotations

from textual.widgets import Static

TEXT = "● SHARING  ·  this client's screens only  ·  Ctrl+O to stop"


class ShareBanner(Static):
    """Shown while share mode is on; words and a symbol, not only a colour.

    Its screen shows and hides it as sharing starts and stops."""

    DEFAULT_CSS = """
    ShareBanner {
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $background;
        text-style: bold;
    }
    """

    def __init__(self, *, shown: bool) -> None:
        super().__init__(TEXT, markup=False, classes="share-banner")
        self.display = shown
