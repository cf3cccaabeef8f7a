"""The date, mode and setting of the session being rated; the date for paper records."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from srs_tui.details import DISPLAY_FORMAT, SessionDetails, parse_session_time
from srs_tui.measures import MODES, SETTINGS
from srs_tui.screens.dialog import Dialog


class SessionDetailsScreen(Dialog[SessionDetails | None]):
    """Change when and how the SRS was given; Escape keeps what was there."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the details", id="details.cancel"),
    ]

    def __init__(self, details: SessionDetails, now: datetime) -> None:
        super().__init__()
        self.details = details
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Session details", classes="dialog-title")
            yield Static("Date and time (for a paper record given earlier):", classes="dialog-text")
            yield Input(self.details.administered_at.strftime(DISPLAY_FORMAT), id="date")
            yield Static("", id="date-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-choices"):
                with RadioSet(id="mode"):
                    for mode in MODES:
                        yield RadioButton(mode, value=mode == self.details.mode, name=mode)
                with RadioSet(id="setting"):
                    for setting in SETTINGS:
                        yield RadioButton(
                            setting, value=setting == self.details.setting, name=setting
                        )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Apply", id="apply", variant="primary")

    def _chosen(self, radio_set_id: str, fallback: str) -> str:
        pressed = self.query_one(f"#{radio_set_id}", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else fallback

    def _apply(self) -> None:
        try:
            moment = parse_session_time(self.query_one("#date", Input).value, self.now)
        except ValueError as error:
            reason = str(error)
            self.query_one("#date-error", Static).update(f"{reason[:1].upper()}{reason[1:]}.")
            return
        self.dismiss(
            SessionDetails(
                administered_at=moment,
                mode=self._chosen("mode", self.details.mode),
                setting=self._chosen("setting", self.details.setting),
            )
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self._apply()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Keep the details as they were."""
        self.dismiss(None)
