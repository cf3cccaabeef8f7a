"""Correct a mistaken session: the four ratings of one of its measures, or its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from srs_tui.details import DISPLAY_FORMAT, parse_session_time
from srs_tui.measures import RatingError, Scores, format_tenths, measure_named, parse_rating
from srs_tui.screens.dialog import Dialog
from srs_tui.store import Administration


@dataclass(frozen=True)
class Correction:
    """The corrected ratings and date of one session."""

    scores: Scores
    administered_at: datetime


class CorrectSessionScreen(Dialog[Correction | None]):
    """The session's values in plain fields; Escape keeps the session as it was."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the session", id="correct.cancel"),
    ]

    def __init__(self, administration: Administration, now: datetime) -> None:
        super().__init__()
        self.administration = administration
        self.measure = measure_named(administration.measure)
        self.now = now

    def compose(self) -> ComposeResult:
        values = self.administration.scores.as_dict()
        with Vertical(classes="dialog"):
            yield Label(
                f"Correct session {self.administration.session}: {self.measure.name}",
                classes="dialog-title",
            )
            for item in self.measure.items:
                with Horizontal(classes="field"):
                    yield Label(item.label, classes="field-label")
                    yield Input(format_tenths(values[item.key]), id=f"fix-{item.key}")
            with Horizontal(classes="field"):
                yield Label("Date", classes="field-label")
                yield Input(
                    self.administration.administered_at.strftime(DISPLAY_FORMAT), id="fix-date"
                )
            yield Static("", id="fix-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save correction", id="save", variant="primary")

    def _correction(self) -> Correction | str:
        values: dict[str, int] = {}
        for item in self.measure.items:
            typed = self.query_one(f"#fix-{item.key}", Input).value
            try:
                values[item.key] = parse_rating(typed)
            except RatingError as error:
                return f"{item.label}: {error}."
        typed_date = self.query_one("#fix-date", Input).value
        try:
            moment = parse_session_time(
                typed_date, self.now, self.administration.administered_at.tzinfo
            )
        except ValueError as error:
            return f"Date: {error}."
        if moment.strftime(DISPLAY_FORMAT) == self.administration.administered_at.strftime(
            DISPLAY_FORMAT
        ):
            moment = self.administration.administered_at  # unchanged: keep its seconds and zone
        return Correction(scores=Scores.of(self.measure, values), administered_at=moment)

    def _save(self) -> None:
        result = self._correction()
        if isinstance(result, str):
            self.query_one("#fix-error", Static).update(result)
            return
        self.dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Keep the session as it was."""
        self.dismiss(None)
