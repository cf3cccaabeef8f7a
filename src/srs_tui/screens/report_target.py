"""Where a report goes when the records are in a vault: a path the therapist types, under the
plain word that the report itself is not encrypted.

Without the vault a report goes into the data folder's reports folder unasked; with it, that
folder holds only ciphertext, so no place is offered: the therapist chooses one, knowingly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from srs_tui.exchange.report import PLAIN_FILE_WARNING
from srs_tui.screens.dialog import Dialog
from srs_tui.store import StoreError
from srs_tui.terminal_text import terminal_safe


def typed_path(typed: str) -> Path:
    """The file a typed path names: ~ expanded, a relative one from the folder the app was
    started in. StoreError for what is no path at all."""
    text = typed.strip()
    if not text:
        raise StoreError("Type where to write the report: a path to a new file.")
    try:
        return Path(os.path.abspath(Path(text).expanduser()))
    except (RuntimeError, ValueError):  # ~name of no user; a NUL character
        raise StoreError("That is not a path srs-tui can write to.") from None


class ReportTargetScreen(Dialog[Path | None]):
    """The file the report was written to; None if none was."""

    AUTO_FOCUS = "#report-path"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Write no report", id="report-target.cancel"),
    ]

    def __init__(self, write: Callable[[Path], None]) -> None:
        """write: writes the report at a path, or raises StoreError saying why it cannot."""
        super().__init__()
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Write this client's report", classes="dialog-title")
            yield Static(PLAIN_FILE_WARNING, markup=False, classes="dialog-text")
            yield Static(
                "Where should it go? A new file, outside srs-tui's data folder.",
                markup=False,
                classes="dialog-text",
            )
            yield Input(placeholder="e.g. ~/Documents/report.html", id="report-path")
            yield Static("", id="report-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Write report", id="write", variant="primary")

    def _write(self) -> None:
        try:
            target = typed_path(self.query_one("#report-path", Input).value)
            self.write(target)
        except StoreError as error:
            # The path stays as typed, to be put right.
            self.query_one("#report-error", Static).update(terminal_safe(str(error)))
            self.query_one("#report-path", Input).focus()
            return
        self.dismiss(target)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#report-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "write":
            self._write()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Write no report."""
        self.dismiss(None)
