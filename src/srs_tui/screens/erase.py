"""Erase a client on request: confirmed by typing the alias again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from srs_tui.screens.dialog import Dialog
from srs_tui.store import Client


class EraseScreen(Dialog[bool]):
    """True once the alias has been typed again and Erase chosen."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Erase nothing", id="erase.cancel"),
    ]

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Erase a client", classes="dialog-title")
            yield Static(
                "Every record of this client is erased for good; only the date of the erasure "
                "is kept. Make a backup first if you may need them. Type the alias to confirm:",
                classes="dialog-text",
            )
            yield Static(self.client.alias, markup=False, classes="dialog-text")
            yield Input(placeholder="the alias, again", id="confirm-alias")
            yield Static("", id="erase-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button("Erase", id="erase", variant="error")

    def _erase(self) -> None:
        typed = " ".join(self.query_one("#confirm-alias", Input).value.split())
        if typed.casefold() != self.client.alias.casefold():
            self.query_one("#erase-error", Static).update("That is not the alias.")
            return
        self.dismiss(True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._erase()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "erase":
            self._erase()
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        """Erase nothing."""
        self.dismiss(False)
