"""The page a shared screen shows when the shared client was erased or changed from another
window: nothing of any client, in the client's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from srs_tui.widgets.share_banner import ShareBanner
from srs_tui.widgets.unwatched import AppHeader
from srs_tui.wording.ui import UiWords


class ShareEndedScreen(Screen[None]):
    """The base of a share mode that has nothing left to show; Ctrl+O (asking first) goes
    back to the therapist's screens."""

    DEFAULT_CSS = """
    ShareEndedScreen #ended {
        width: auto;
        max-width: 60;
        color: $text-muted;
    }
    """

    def __init__(self, say: UiWords) -> None:
        super().__init__()
        self.say = say

    def compose(self) -> ComposeResult:
        yield AppHeader(icon="")
        yield ShareBanner(self.say("share.banner"), shown=True)
        with Middle(), Center():
            yield Static(self.say("share.ended"), id="ended", markup=False)
