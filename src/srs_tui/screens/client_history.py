"""The client's own history, on a shared screen: the charts and the values, in the client's
language; no rule, alert, verdict or note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Header, Static

from srs_tui.context import AppContext, Share
from srs_tui.screens.base import ClientScreen
from srs_tui.store import Client
from srs_tui.widgets.key_bar import KeyBar


class ClientHistoryScreen(ClientScreen):
    """The base of share mode's screen stack: back never leads further than here."""

    def __init__(self, ctx: AppContext, client: Client, shared: Share) -> None:
        super().__init__(ctx, client, shared=shared)

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield self.share_banner()
        yield Static(self.shown_name(), id="client-history-name", markup=False)
        yield KeyBar()
