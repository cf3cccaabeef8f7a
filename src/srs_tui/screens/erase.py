"""Erase a client on request: confirmed by typing the alias again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from srs_tui.screens.dialog import Dialog
from srs_tui.store import Client
from srs_tui.store.erasure import Remains, summary_counts


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


class EraseRemainsScreen(Dialog[bool]):
    """After an erase: what still holds the client, in counts; True to remove what can be.

    Counts only, never a file name or another client's alias: the paths are for the command
    line (`srs-tui erase` lists them), and a dialog can be seen by whoever looks at the screen.
    """

    DEFAULT_CSS = """
    EraseRemainsScreen #remains {
        height: auto;
        max-height: 6;
        margin-bottom: 1;
    }
    """
    AUTO_FOCUS = "#keep"  # Enter keeps: removing takes a deliberate choice
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Remove nothing", id="erase-remains.keep"),
    ]

    def __init__(self, remains: Remains, *, wal_emptied: bool) -> None:
        super().__init__()
        self.remains = remains
        self.wal_emptied = wal_emptied

    def compose(self) -> ComposeResult:
        lines = summary_counts(self.remains) or ["No backup or report in the data folder."]
        if not self.wal_emptied:
            lines.insert(
                0,
                "Another srs-tui window is reading the database, so its write-ahead log could "
                "not be emptied: it holds the records until the last window closes.",
            )
        with Vertical(classes="dialog wide-dialog"):
            yield Label("Erased. What still holds this client:", classes="dialog-title")
            # Scrolls rather than pushing the buttons off a small terminal.
            with VerticalScroll(id="remains"):
                yield Static("\n".join(lines), markup=False, id="remains-text")
            if self.remains.removable:
                yield Static(
                    "Remove them? The other clients' records stay in the backups.",
                    classes="dialog-text",
                )
            yield Static("Snapshots, synced folders, exports: out of reach; see the README.")
            with Horizontal(classes="dialog-buttons"):
                if self.remains.removable:
                    yield Button("Keep them", id="keep", variant="primary")
                    yield Button("Remove", id="remove", variant="error")
                else:
                    yield Button("OK", id="keep", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "remove")

    def action_cancel(self) -> None:
        """Remove nothing."""
        self.dismiss(False)
