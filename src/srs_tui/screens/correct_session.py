"""Correct a mistaken session: the four ratings of each measure given in it, or its date."""

from __future__ import annotations

from collections.abc import Sequence
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
    """The corrected ratings (one Scores a measure given, in the order given) and date of one
    session."""

    scores: tuple[Scores, ...]
    administered_at: datetime


class CorrectSessionScreen(Dialog[Correction | None]):
    """The session's values in plain fields; Escape keeps the session as it was."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the session", id="correct.cancel"),
    ]

    def __init__(self, given: Sequence[Administration], now: datetime) -> None:
        super().__init__()
        # The measures of one session, each with its own four fields; one date for them all.
        self.given = list(given)
        self.administration = self.given[0]
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            names = ", ".join(given.measure for given in self.given)
            yield Label(
                f"Correct session {self.administration.session}: {names}", classes="dialog-title"
            )
            for administration in self.given:
                measure = measure_named(administration.measure)
                values = administration.scores.as_dict()
                if not administration.scores.has_items:
                    # Kept without its items (an old paper log): its total is what there is to
                    # correct; the items are never made up.
                    with Horizontal(classes="field"):
                        yield Label(f"{measure.name} total", classes="field-label")
                        yield Input(
                            format_tenths(administration.scores.total),
                            id=_field_id(measure.name, "total"),
                        )
                    yield Static(f"{measure.name}: items not recorded (total only)", markup=False)
                    continue
                for item in measure.items:
                    with Horizontal(classes="field"):
                        label = item.label
                        if len(self.given) > 1:
                            label = f"{measure.name} {label}"
                        yield Label(label, classes="field-label")
                        yield Input(
                            format_tenths(values[item.key]), id=_field_id(measure.name, item.key)
                        )
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
        corrected: list[Scores] = []
        for administration in self.given:
            measure = measure_named(administration.measure)
            if not administration.scores.has_items:
                typed = self.query_one(f"#{_field_id(measure.name, 'total')}", Input).value
                try:
                    total = parse_rating(typed, measure.total_max)
                except RatingError as error:
                    return f"{measure.name} total: {error}."
                corrected.append(Scores.total_only(measure, total))
                continue
            values: dict[str, int] = {}
            for item in measure.items:
                typed = self.query_one(f"#{_field_id(measure.name, item.key)}", Input).value
                try:
                    values[item.key] = parse_rating(typed)
                except RatingError as error:
                    name = f"{measure.name} " if len(self.given) > 1 else ""
                    return f"{name}{item.label}: {error}."
            corrected.append(Scores.of(measure, values))
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
        return Correction(scores=tuple(corrected), administered_at=moment)

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


def _field_id(measure: str, key: str) -> str:
    """The id of an item's field: the measure's name in it, as both have an "overall"."""
    return f"fix-{measure.lower()}-{key}"
