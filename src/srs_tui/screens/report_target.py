"""The report dialog: whether the session notes go in, and, when the records are in a vault,
where the report goes: a path the therapist types, under the plain word that the report itself
is not encrypted. Then the dialog that says where it went.

Without the vault a report goes into the data folder's reports folder, under a name with no
client data; with it, that folder holds only ciphertext, so no place is offered: the therapist
chooses one, knowingly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

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

    # The path to type, from a vault; else the button that writes it.
    AUTO_FOCUS = "#report-path, #write"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Write no report", id="report-target.cancel"),
    ]

    def __init__(self, write: Callable[[Path, bool], None], target: Path | None = None) -> None:
        """write(path, notes): writes the report at path, with the session notes or not, or
        raises StoreError saying why it cannot. target: where it goes (None: from a vault,
        the therapist types where)."""
        super().__init__()
        self.write = write
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Write this client's report", classes="dialog-title")
            if self.target is None:
                yield Static(PLAIN_FILE_WARNING, markup=False, classes="dialog-text")
                yield Static(
                    "Where should it go? A new file, outside srs-tui's data folder.",
                    markup=False,
                    classes="dialog-text",
                )
                yield Input(placeholder="e.g. ~/Documents/report.html", id="report-path")
            else:
                yield Static(
                    "An HTML file for a browser or a printer, in srs-tui's reports folder, "
                    "under a name with no client data in it.",
                    markup=False,
                    classes="dialog-text",
                )
            yield Checkbox("Leave the session notes out", id="no-notes")
            yield Static("", id="report-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Write report", id="write", variant="primary")

    def _write(self) -> None:
        notes = not self.query_one("#no-notes", Checkbox).value
        try:
            if self.target is None:
                target = typed_path(self.query_one("#report-path", Input).value)
            else:
                target = self.target
            self.write(target, notes)
        except StoreError as error:
            # The path stays as typed, to be put right.
            self.query_one("#report-error", Static).update(terminal_safe(str(error)))
            if self.target is None:
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


class ReportWrittenScreen(Dialog[None]):
    """Where the report went, until the therapist closes it: to open it in the browser, or
    to copy its path."""

    AUTO_FOCUS = "#close"
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close", id="report-written.close"),
    ]

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Report written", classes="dialog-title")
            yield Static("It is in this file:", markup=False, classes="dialog-text")
            yield Static(
                terminal_safe(str(self.target)),
                markup=False,
                id="report-file",
                classes="dialog-text",
            )
            yield Static("", id="report-said", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open in browser", id="open")
                yield Button("Copy path", id="copy")
                yield Button("Close", id="close", variant="primary")

    def _said(self, text: str) -> None:
        self.query_one("#report-said", Static).update(terminal_safe(text))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "open":
            self._said("Opening it in the browser...")
            # In a thread: a browser named by BROWSER is waited for.
            self.run_worker(self._open, thread=True, exit_on_error=False)
        elif event.button.id == "copy":
            # Through the terminal (OSC 52): some terminals do not let a program copy.
            self.app.copy_to_clipboard(str(self.target))
            self._said("Path copied, if this terminal lets programs copy.")
        else:
            self.dismiss(None)

    def _open(self) -> None:
        from srs_tui.exchange.report import open_in_browser

        opened = open_in_browser(self.target, detached=True)
        said = "Opened in the browser." if opened else "No web browser could open it here."
        self.app.call_from_thread(self._said, said)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
