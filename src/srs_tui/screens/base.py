"""What the app may ask of a screen, as types: the app checks isinstance, never an attribute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.await_complete import AwaitComplete
from textual.screen import Screen

from srs_tui.context import NOT_SHARING, AppContext, Share
from srs_tui.quiet_app import QuietApp
from srs_tui.rules import Feedback
from srs_tui.store import Administration, Client
from srs_tui.widgets.share_banner import ShareBanner
from srs_tui.widgets.unwatched import forget_closed_styles
from srs_tui.wording.ui import UiWords, ui_words


@dataclass(frozen=True)
class HeldFeedback:
    """A save made on a shared screen: the therapist's feedback on it, shown when sharing
    stops."""

    client: Client
    saved: Administration
    feedback: Feedback
    intake: Administration


class SharingApp(QuietApp[None]):
    """An app whose screen may be shared: the one place the share state lives."""

    def __init__(self) -> None:
        super().__init__()
        self.share: Share = NOT_SHARING
        # The therapist's feedback on each save made while sharing, in the order of saving.
        self.held_feedback: list[HeldFeedback] = []

    def pop_screen(self) -> AwaitComplete:
        try:
            return super().pop_screen()
        finally:
            forget_closed_styles()

    def switch_screen(self, screen: Screen[Any] | str) -> AwaitComplete:
        try:
            return super().switch_screen(screen)
        finally:
            forget_closed_styles()

    def hold_feedback(self, held: HeldFeedback) -> None:
        """Keep the therapist's feedback on a save until sharing stops."""
        self.held_feedback.append(held)


class ClientScreen(Screen[None]):
    """One client's own screen: the therapist's, or, built with shared, a client view.

    A client view lives in the app's share mode, a screen stack that holds only the shared
    client's views: it is one from its birth to its end, shows the banner, the name chosen for
    sharing and words in the client's language (self.say), and nothing a clinician would not
    say to the client. A therapist's screen never shows while the window is shared, so it
    needs no guard: its words are English (self.say in English), and the client's items in
    the client's language.
    """

    def __init__(self, ctx: AppContext, client: Client, *, shared: Share | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.client = client
        self.shared = shared if shared is not None and shared.active else None
        self.say: UiWords = ui_words(client.language if self.shared else "en")

    @property
    def client_view(self) -> bool:
        """Whether this is a client view, shown on a shared screen."""
        return self.shared is not None

    @property
    def share(self) -> Share:
        """The share this screen was built for (not sharing: a therapist's screen)."""
        return self.shared or NOT_SHARING

    def shown_name(self) -> str:
        """The client's name on this screen: the alias, or the name chosen for sharing."""
        return self.share.shown_name(self.client)

    def share_banner(self) -> ShareBanner:
        """The banner to compose at the top: a client view's, docked, never scrolled away."""
        return ShareBanner(self.say("share.banner"), shown=self.client_view)

    def has_unsaved(self) -> bool:
        """Whether leaving now would lose what was typed."""
        return False


class ClientChooser(Screen[None]):
    """A screen of several clients, one of them under the cursor (the caseload)."""

    def selected_client(self) -> Client | None:
        """The client under the cursor, for actions that need one (None: the screen said why)."""
        raise NotImplementedError
