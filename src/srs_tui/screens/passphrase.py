"""Set or remove the passphrase that lifts the idle lock."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from srs_tui.key_cost import MIN_PASSPHRASE
from srs_tui.passphrase import (
    PassphraseError,
    clear_passphrase,
    has_passphrase,
    passphrase_problem,
    set_passphrase,
)
from srs_tui.screens.dialog import Dialog


class PassphraseScreen(Dialog[str | None]):
    """Returns what was done ("set", "removed"), or None if nothing changed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Change nothing", id="passphrase.cancel"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Passphrase for the idle lock", classes="dialog-title")
            yield Static(
                "When set, only this passphrase lifts the curtain the idle lock drops. It is "
                f"kept only as a salted scrypt hash. At least {MIN_PASSPHRASE} characters.",
                classes="dialog-text",
            )
            if has_passphrase(self.path) and passphrase_problem(self.path) is not None:
                # Said here, while the therapist is at the screen, not first at the lock.
                yield Static(
                    "The passphrase file now in place cannot be used (damaged, or not written "
                    "by srs-tui): until a new passphrase is set, nothing lifts the idle lock.",
                    id="passphrase-unusable",
                    classes="dialog-error",
                )
            yield Input(placeholder="new passphrase", password=True, id="first")
            yield Input(placeholder="again", password=True, id="second")
            yield Static("", id="passphrase-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                if has_passphrase(self.path):
                    yield Button("Remove", id="remove", variant="error")
                yield Button("Set", id="set", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "first":
            self.query_one("#second", Input).focus()
        else:
            self._set()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "set":
            self._set()
        elif event.button.id == "remove":
            clear_passphrase(self.path)
            self.dismiss("removed")
        else:
            self.dismiss(None)

    def _set(self) -> None:
        first = self.query_one("#first", Input).value
        second = self.query_one("#second", Input).value
        error = self.query_one("#passphrase-error", Static)
        if first != second:
            error.update("The two passphrases differ.")
            return
        try:
            set_passphrase(self.path, first)
        except (PassphraseError, OSError) as problem:
            error.update(str(problem))
            return
        self.dismiss("set")

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
