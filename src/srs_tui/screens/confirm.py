"""A yes-or-no question; Escape always means no."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from srs_tui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """Ask before something that cannot be taken back."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep things as they are", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        """Answer no."""
        self.dismiss(False)


def confirm_then(
    app: App[Any], question: str, then: Callable[[], object], *, yes: str, no: str = "Cancel"
) -> None:
    """Ask question; run then only on yes."""

    def answer(confirmed: bool | None) -> None:
        if confirmed:
            then()

    app.push_screen(ConfirmScreen(question, yes=yes, no=no), answer)
