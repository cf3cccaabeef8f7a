"""Before sharing: the name to show for this client while the screen is shared."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from srs_tui.screens.dialog import Dialog
from srs_tui.store.records import DISPLAY_NAME_MAX, Client
from srs_tui.wording.ui import UiWords


class ShareStartScreen(Dialog[str | None]):
    """Returns the name to show (empty: the alias), or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Do not share", id="share.cancel"),
    ]

    def __init__(self, client: Client, say: UiWords) -> None:
        """say: the words, in the client's language: the window may already be shared."""
        super().__init__()
        self.client = client
        self.say = say

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.say("share.start_title"), classes="dialog-title")
            yield Static(self.say("share.start_text"), classes="dialog-text", markup=False)
            # Not the alias, even as a placeholder: it may be what sharing is meant to hide.
            yield Input(
                self.client.display_name or "",
                placeholder=self.say("share.start_placeholder"),
                max_length=DISPLAY_NAME_MAX,
                id="share-name",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.say("share.start_cancel"), id="cancel")
                yield Button(self.say("share.start_share"), id="share", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "share":
            self.dismiss(self.query_one("#share-name", Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Do not share."""
        self.dismiss(None)
