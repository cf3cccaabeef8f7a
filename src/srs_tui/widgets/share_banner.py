"""ShareBanner: the line that says the screen is being shared, on every client-facing screen."""

from __future__ import annotations

from textual.widgets import Static

from srs_tui.context import ShareState

TEXT = "● SHARING  ·  this client's screens only  ·  Ctrl+O to stop"


class ShareBanner(Static):
    """Shown while share mode is on; words and a symbol, not only a colour."""

    DEFAULT_CSS = """
    ShareBanner {
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $background;
        text-style: bold;
    }
    """

    def __init__(self, share: ShareState) -> None:
        super().__init__(TEXT, markup=False, classes="share-banner")
        self.share = share

    def on_mount(self) -> None:
        self.sync()

    def sync(self) -> None:
        """Show or hide, as share mode is on or off."""
        self.display = self.share.active
