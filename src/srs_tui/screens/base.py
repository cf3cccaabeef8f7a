"""What the app may ask of a screen, as types: the app checks isinstance, never an attribute."""

from __future__ import annotations

from textual import events, on
from textual.app import App
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen

from srs_tui.context import NOT_SHARING, AppContext, Share
from srs_tui.store import Client
from srs_tui.widgets.share_banner import ShareBanner


class SharingApp(App[None]):
    """An app whose screen may be shared: the one place the share state lives.

    Screens read it and watch it; nothing else holds it, so no screen can miss a change."""

    share: reactive[Share] = reactive(NOT_SHARING, init=False)


def share_of(node: DOMNode) -> Share:
    """The share state of node's app (not sharing in an app that never shares)."""
    app = node.app
    return app.share if isinstance(app, SharingApp) else NOT_SHARING


class ClientScreen(Screen[None]):
    """One client's own screen: the only kind reachable while that client's screen is shared.

    Subclasses draw the client's name with shown_name() and redraw it in show_names(), which
    runs whenever sharing starts or stops."""

    def __init__(self, ctx: AppContext, client: Client) -> None:
        super().__init__()
        self.ctx = ctx
        self.client = client

    @property
    def share(self) -> Share:
        """Whether, and for which client, the screen is being shared now."""
        return share_of(self)

    def shown_name(self) -> str:
        """The client's name for this moment: the alias, or the name chosen for sharing."""
        return self.share.shown_name(self.client)

    def share_banner(self) -> ShareBanner:
        """The banner to compose at the top: shown while the screen is shared."""
        return ShareBanner(shown=self.share.active)

    def show_names(self) -> None:
        """Draw the client's name again, as share mode now shows it."""

    def has_unsaved(self) -> bool:
        """Whether leaving now would lose what was typed."""
        return False

    @on(events.Mount)
    def _watch_share(self) -> None:
        # Watched for as long as the screen lives, under other screens too: a name below the
        # top is right when the screen comes back.
        if isinstance(self.app, SharingApp):
            self.watch(self.app, "share", self._share_changed, init=False)

    def _share_changed(self, share: Share) -> None:
        for banner in self.query(ShareBanner):
            banner.display = share.active
        self.show_names()


class ClientChooser(Screen[None]):
    """A screen of several clients, one of them under the cursor (the caseload)."""

    def selected_client(self) -> Client | None:
        """The client under the cursor, for actions that need one (None: the screen said why)."""
        raise NotImplementedError
