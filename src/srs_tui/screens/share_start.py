"""Before sharing: the name to show for this client while the screen is shared."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from srs_tui.screens.dialog import Dialog
from srs_tui.store.records import DISPLAY_NAME_MAX, Client


class ShareStartScreen(Dialog[str | None]):
    """Returns the name to show (empty: the alias), or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Do not share", id="share.cancel"),
    ]

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Share the screen for this client", classes="dialog-title")
            yield Static(
                "Only this client's rating, feedback and history can then be shown. "
                "Name to show while sharing (initials or a first name; empty shows the alias):",
                classes="dialog-text",
            )
            yield Input(
                self.client.display_name or "",
                placeholder=self.client.alias,
                max_length=DISPLAY_NAME_MAX,
                id="share-name",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Share", id="share", variant="primary")

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
