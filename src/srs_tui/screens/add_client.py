"""Add a client: an alias or a code, not necessarily a real name."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from srs_tui.context import AppContext
from srs_tui.store import Client, StoreError
from srs_tui.store.records import ALIAS_MAX


class AddClientScreen(ModalScreen[Client | None]):
    """Ask for an alias and add the client; returns the new client, or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Add no client", id="add_client.cancel"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add a client", classes="dialog-title")
            yield Static(
                "An alias or a record code is enough; it need not be a real name.",
                classes="dialog-text",
            )
            yield Input(
                placeholder="alias or code",
                max_length=ALIAS_MAX,
                id="alias",
            )
            yield Static("", id="alias-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add", id="add", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._add()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add":
            self._add()
        else:
            self.dismiss(None)

    def _add(self) -> None:
        alias = self.query_one("#alias", Input).value
        try:
            client = self.ctx.store.add_client(alias, now=self.ctx.clock())
        except StoreError as error:
            self.query_one("#alias-error", Static).update(str(error))
            return
        self.dismiss(client)

    def action_cancel(self) -> None:
        """Close without adding."""
        self.dismiss(None)
