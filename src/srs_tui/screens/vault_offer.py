"""The first start's offer of a vault: make the records a vault or not now; if so, a
passphrase typed twice, the vault made in a thread, and the recovery key shown once.

Shown by `unlock.FirstStartApp` before the app opens any database; the words are in
`start_words`.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from srs_tui.key_cost import MIN_PASSPHRASE
from srs_tui.screens.start_words import say
from srs_tui.store import StoreError, vault

MADE, PLAIN = "vault", "plain"  # what the first start ends with: a vault made, or none


class OfferScreen(Screen[None]):
    """Make the records a vault, or not now."""

    BINDINGS = [Binding("escape", "app.quit", "Quit", show=False, id="offer.quit")]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="start-box"):
            yield Static("srs-tui", id="start-name")
            yield Static(say("offer.title"), classes="start-title")
            yield Static(say("offer.text"), classes="start-text")
            with Horizontal(classes="start-buttons"):
                yield Button(say("offer.yes"), id="yes", variant="primary")
                yield Button(say("offer.no"), id="no")
            yield Static(say("offer.keys"), classes="start-words")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "yes":
            self.app.push_screen(NewPassphraseScreen(self.db_path))
        else:
            self.app.exit(PLAIN)


class NewPassphraseScreen(Screen[None]):
    """The vault's passphrase, typed twice; then the vault is made, in a thread."""

    BINDINGS = [Binding("escape", "back", "Back", show=False, id="new.back")]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.making = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="start-box"):
            yield Static(say("new.title"), classes="start-title")
            yield Static(say("new.text"), classes="start-text")
            yield Input(placeholder=say("new.first"), password=True, id="first")
            yield Input(placeholder=say("new.second"), password=True, id="second")
            yield Static("", id="message", classes="start-message", markup=False)
            with Horizontal(classes="start-buttons"):
                yield Button(say("new.make"), id="make", variant="primary")
                yield Button(say("new.back"), id="back")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "first":
            self.query_one("#second", Input).focus()
        else:
            self.make()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "make":
            self.make()
        else:
            self.action_back()

    def action_back(self) -> None:
        """Back to the offer (not while the vault is being made)."""
        if not self.making:
            self.dismiss(None)

    def make(self) -> Worker[str] | None:
        """Make the vault with the passphrase typed, if it is long enough and typed alike."""
        if self.making:
            return None
        first = self.query_one("#first", Input).value
        second = self.query_one("#second", Input).value
        message = self.query_one("#message", Static)
        if len(first) < MIN_PASSPHRASE:
            message.update(say("new.short"))
            return None
        if first != second:
            message.update(say("new.differ"))
            return None
        self.making = True
        message.update(say("new.making"))
        return self.run_worker(
            lambda: vault.create_vault(self.db_path, first), thread=True, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            self.app.switch_screen(RecoveryKeyScreen(str(event.worker.result), self.db_path))
        elif event.state == WorkerState.ERROR:
            self.making = False
            error = event.worker.error
            shown = str(error) if isinstance(error, StoreError) else say("unlock.broken")
            self.query_one("#message", Static).update(shown)


class RecoveryKeyScreen(Screen[None]):
    """The recovery key, shown once in large clear text; saved to a file if asked."""

    def __init__(self, recovery_key: str, db_path: Path) -> None:
        super().__init__()
        self.recovery_key = recovery_key
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="start-box"):
            yield Static(say("key.title"), classes="start-title")
            yield Static(say("key.warning"), id="key-warning")
            with Center():
                yield Static(self.recovery_key.replace("-", " - "), id="recovery-key")
            yield Static(say("key.text"), classes="start-text")
            yield Input(placeholder=say("key.file"), id="key-file")
            yield Static("", id="message", classes="start-message", markup=False)
            with Horizontal(classes="start-buttons"):
                yield Button(say("key.go_on"), id="go-on", variant="primary")
                yield Button(say("key.save"), id="save")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.save()
        else:
            self.app.exit(MADE)

    def save(self) -> None:
        """Save the recovery key to the file typed (never over a file that exists)."""
        typed = self.query_one("#key-file", Input).value.strip()
        message = self.query_one("#message", Static)
        if not typed:
            message.update(say("key.no_path"))
            return
        target = Path(typed).expanduser()
        if os.path.lexists(target):
            message.update(say("key.exists", path=target))
            return
        try:
            vault.save_recovery_key(target, self.recovery_key, self.db_path)
        except StoreError as error:
            message.update(str(error))
            return
        message.update(say("key.saved", path=target))

    def stay(self) -> None:
        """Ctrl+Q here: the key would be lost unseen; say so instead."""
        self.query_one("#message", Static).update(say("key.stay"))
