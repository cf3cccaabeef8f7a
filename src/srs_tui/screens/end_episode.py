"""End a client's episode of care: planned or unplanned, then confirmed; Escape ends nothing."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from srs_tui.screens.dialog import Dialog
from srs_tui.store import Client
from srs_tui.store.records import Episode

CHOICES = (
    ("planned", "Planned: the work is done, ending agreed"),
    ("unplanned", "Unplanned: the client stopped or left early"),
)


class EndEpisodeScreen(Dialog[str | None]):
    """The ending chosen ("planned" or "unplanned") once End episode is pressed; None if not."""

    AUTO_FOCUS = "#ending"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="End nothing", id="end-episode.cancel"),
    ]

    def __init__(
        self, client: Client, episode: Episode, number: int, ends_at: datetime | None = None
    ) -> None:
        super().__init__()
        self.client = client
        self.episode = episode
        self.number = number  # the episode's place among the client's, from 1
        self.ends_at = ends_at  # its last session's moment, the date the ending keeps

    def compose(self) -> ComposeResult:
        sessions = self.episode.sessions
        text = Text()
        text.append(self.client.alias, style="bold")
        text.append(
            f": episode {self.number}, since {self.episode.opened_at.strftime('%Y-%m-%d')}, "
            f"{sessions} session{'s' if sessions != 1 else ''}. Its sessions are kept; the "
            f"next session rated starts episode {self.number + 1}, "
            "numbered from 1."
        )
        if self.ends_at is not None:
            text.append(
                f" It ends at its last session, {self.ends_at.strftime('%Y-%m-%d')}: the "
                "last time the client was seen."
            )
        with Vertical(classes="dialog"):
            yield Label("End this episode of care", classes="dialog-title")
            yield Static(text, classes="dialog-text")
            with RadioSet(id="ending"):
                for ending, label in CHOICES:
                    yield RadioButton(label, name=ending)
            yield Static("", id="ending-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("End episode", id="end", variant="error")

    def chosen(self) -> str | None:
        """The ending picked so far, if any."""
        pressed = self.query_one("#ending", RadioSet).pressed_button
        return pressed.name if pressed is not None else None

    def _end(self) -> None:
        ending = self.chosen()
        if ending is None:
            # No default: how an episode ended is a judgement, never a silent choice.
            self.query_one("#ending-error", Static).update("Choose planned or unplanned first.")
            self.query_one("#ending", RadioSet).focus()
            return
        self.dismiss(ending)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.query_one("#ending-error", Static).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "end":
            self._end()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """End nothing."""
        self.dismiss(None)
