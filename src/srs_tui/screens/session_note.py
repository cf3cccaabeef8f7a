"""The note of a saved session, edited from the therapist's history. Therapist-only: a client's
view never shows a note."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from srs_tui.screens.dialog import Dialog
from srs_tui.store import StoreError
from srs_tui.store.records import NOTE_MAX
from srs_tui.terminal_text import control_characters, terminal_safe
from srs_tui.widgets.note_area import NoteArea


class SessionNoteScreen(Dialog[str | None]):
    """A session's note in a text box: Ctrl+S saves it (the note as stored is the result),
    Escape closes with nothing changed (None). A note the store refuses keeps the box open
    with the reason."""

    DEFAULT_CSS = """
    SessionNoteScreen #note-text {
        height: 10;
    }
    """

    AUTO_FOCUS = "#note-text"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the note", id="note.save", priority=True),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close, the note as it was",
            id="note.cancel",
            priority=True,
        ),
    ]

    def __init__(self, heading: str, note: str, save: Callable[[str], str]) -> None:
        """heading: which session (no client data); save: writes the typed note and returns
        it as stored, or raises StoreError saying why not."""
        super().__init__()
        self.heading = heading
        self.note = note
        self.save = save
        self._shown: str | None = None  # the text with control characters shown as codes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Label(self.heading, classes="dialog-title", markup=False)
            yield Static(
                "What you talked about, kept with the session; the client's views never show "
                "it. Ctrl+S saves, Escape leaves it as it was.",
                classes="dialog-text",
            )
            area = NoteArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = False  # a still cursor: the same screen every time
            yield area
            yield Static("", id="note-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", tooltip="Escape")
                yield Button("Save", id="save", variant="primary", tooltip="Ctrl+S")

    def on_mount(self) -> None:
        # At the end of what is there, ready to add to it.
        area = self.query_one("#note-text", NoteArea)
        area.move_cursor(area.document.end)

    def typed(self) -> str:
        """The note as it stands in the box."""
        return self.query_one("#note-text", NoteArea).text

    def _refuse(self, reason: str) -> None:
        self.query_one("#note-error", Static).update(reason)

    def action_save(self) -> None:
        """Save the note through the store, in one write; stay open with the reason if it
        cannot be."""
        text = self.typed()
        if len(text) > NOTE_MAX:
            self._refuse(f"The note is {len(text)} characters; at most {NOTE_MAX} fit.")
            return
        try:
            saved = self.save(text)
        except StoreError as error:
            self._refuse(str(error))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        """Close with the note as it was."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_text_area_changed(self, event: NoteArea.Changed) -> None:
        area = event.text_area
        text = area.text
        # A paste can carry control characters, and the box would send them to the terminal
        # as they are: they are shown as their codes instead, and kept so only if saved so.
        if control_characters(text, allowed="\n\t"):
            self._shown = terminal_safe(text, keep="\n\t")
            area.load_text(self._shown)
            area.move_cursor(area.document.end)
            self._refuse("Control characters are shown as their codes (such as \\x1b).")
            return
        if text != self._shown:  # not the change the codes just made: a new word
            self._refuse("")
