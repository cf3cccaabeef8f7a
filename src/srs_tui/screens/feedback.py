"""Feedback right after saving: the total, for the ORS the progress since intake, the alerts with
their reasons, what to ask, a note; after an ORS, the SRS of the same session is one key away."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from srs_tui.context import AppContext
from srs_tui.measures import OUTCOME, format_tenths, measure_named
from srs_tui.rules import Feedback, Profile
from srs_tui.rules.outcome import progress
from srs_tui.screens.asking import give_srs_of, question_to_ask, srs_follows
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.confirm import confirm_then
from srs_tui.screens.navigation import go_back, screen_below
from srs_tui.screens.sizing import preset_breakpoints
from srs_tui.store import Administration, Client, StoreError
from srs_tui.store.records import NOTE_MAX
from srs_tui.widgets.big_number import BigNumber
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.note_area import NoteArea
from srs_tui.widgets.unwatched import AppHeader
from srs_tui.wording import Wording


def describe(feedback: Feedback, wording: Wording, profile: Profile) -> Content:
    """The alerts, each with a symbol and words (never colour alone), and what to ask, in the
    client's words and language; a form without norms has no alerts."""
    judged = profile.judged
    question = question_to_ask(feedback, wording, profile)
    parts: list[str | tuple[str, str]] = []
    if not judged:
        parts += [("This form has no norms: no cutoff, no alerts.\n", "$text-muted")]
    elif not feedback.alerts:
        parts += [("✓ ", "bold $text-success"), ("No alerts for this session.\n", "bold")]
    elif not feedback.needs_attention:
        # Good signs or notes only: said so before them, so a note never reads as an alarm.
        parts += [("✓ ", "bold $text-success"), ("Nothing that needs attention.\n", "bold")]
    for alert in feedback.alerts:
        if alert.rule.positive:
            symbol = ("↑ ", "bold $text-success")
        elif alert.rule.note:
            symbol = ("• ", "bold $text-primary")  # worth a look, as on the caseload and history
        else:
            symbol = ("▲ ", "bold $text-warning")
        parts += [
            symbol,
            (alert.rule.title, "bold"),
            (f"  {alert.rule_id}\n", "$text-muted"),
            f"  {alert.reason}\n",
        ]
    key, value = feedback.lowest_key, feedback.lowest_value
    lowest = (
        "— (total only)"
        if key is None or value is None
        else (f"{wording.item(key).label} {format_tenths(value)}")
    )
    parts += [
        ("\nLowest item: ", "bold"),
        f"{lowest}\n",
        ("Ask: ", "bold"),
        question,
    ]
    return Content.assemble(*parts)


def standing(feedback: Feedback, name: str, saved: Administration, profile: Profile) -> Content:
    """Beside the large total: whose session this was, and the total against the form's cutoff
    (for the ORS, in or out of the clinical range; nothing for a form without norms)."""
    outcome = profile.measure.kind == OUTCOME
    below = profile.below_cutoff(feedback.total)
    verdict: tuple[str, str] | str
    if profile.cutoff is None:
        verdict = ""
    elif outcome:
        verdict = (
            ("▲ in the clinical range", "bold $text-warning")
            if below
            else ("✓ out of the clinical range", "bold $text-success")
        )
    else:
        verdict = (
            ("▲ below the cutoff", "bold $text-warning")
            if below
            else ("✓ at or above the cutoff", "bold $text-success")
        )
    line = "clinical cutoff" if outcome else "cutoff"
    return Content.assemble(
        ("Saved  ", "bold"),
        (name, "bold"),
        f"  ·  session {saved.session}  ·  {saved.measure}\n",
        (f"/ {profile.measure.total_max // 10}", "bold"),
        f"   {line} {format_tenths(profile.cutoff)}\n" if profile.cutoff is not None else "\n",
        verdict,
    )


def progress_since_intake(
    saved: Administration, intake: Administration, profile: Profile
) -> Content:
    """After an ORS: the intake, today, the change, the reliable change index, in or out of
    the clinical range and the episode's outcome so far."""
    total, first = saved.scores.total, intake.scores.total
    at_intake = intake.id == saved.id
    if at_intake and not profile.judged:
        return Content.assemble(
            ("Intake  ", "bold"),
            "the first ORS of this episode: later sessions are compared with it.",
        )
    if not profile.judged:  # no cutoff, no RCI: the numbers alone
        change = total - first
        return Content.assemble(
            ("Since intake  ", "bold"),
            f"{format_tenths(first)} (session {intake.session}) → {format_tenths(total)} today: ",
            (f"{'+' if change >= 0 else '−'}{format_tenths(abs(change))}", "bold"),
        )
    found = progress(first, total, at_intake, profile)
    where = "in the clinical range" if found.clinical else "out of the clinical range"
    reliable = f"reliable change: {format_tenths(found.rci)}"
    if at_intake:
        return Content.assemble(
            ("Intake  ", "bold"),
            "the first ORS of this episode: later sessions are compared with it.\n",
            f"{format_tenths(total)}, {where}  ·  {reliable}",
        )
    sign = "+" if found.change >= 0 else "−"
    return Content.assemble(
        ("Since intake  ", "bold"),
        f"{format_tenths(first)} (session {intake.session}) → {format_tenths(total)} today: ",
        (f"{sign}{format_tenths(abs(found.change))}", "bold"),
        f"  ({reliable})\n",
        ("Outcome so far  ", "bold"),
        (found.outcome or "", "bold"),
        f"  ·  {where}",
    )


class FeedbackScreen(ClientScreen):
    """What the measure said (for the ORS, against intake), and the note of what was
    discussed."""

    DEFAULT_CSS = """
    FeedbackScreen #feedback-body {
        padding: 0 1;
    }
    FeedbackScreen #feedback-total {
        height: 3;
        margin-top: 1;
    }
    FeedbackScreen #feedback-digits {
        width: auto;
        min-width: 12;
        text-style: bold;
        margin-right: 2;
    }
    FeedbackScreen #feedback-standing {
        width: 1fr;
        height: 3;
    }
    FeedbackScreen #feedback-progress {
        margin-top: 1;
    }
    /* A short window keeps the saved total, the progress and the note in view together. */
    FeedbackScreen.-short #feedback-progress {
        margin-top: 0;
    }
    FeedbackScreen #feedback-alerts {
        margin: 1 0;
    }
    FeedbackScreen #note {
        height: 4;
    }
    FeedbackScreen.-tall #note {
        height: 6;
    }
    FeedbackScreen #feedback-actions {
        height: 1;
        margin-top: 1;
        padding: 0;
    }
    FeedbackScreen #feedback-actions Button {
        min-width: 10;
        margin-right: 2;
    }
    FeedbackScreen #feedback-message {
        width: 1fr;
        height: 1;
        content-align: left middle;
        color: $text-warning;
        text-style: bold;
    }
    """

    AUTO_FOCUS = "#note"

    BINDINGS = [
        Binding(
            "ctrl+s", "done", "Save note & done", tooltip="Save the note and finish", id="fb.done"
        ),
        Binding(
            "ctrl+t",
            "history",
            "History",
            tooltip="Save the note and show this client's trend",
            id="fb.history",
        ),
        Binding(
            "ctrl+n",
            "srs",
            "SRS now",
            tooltip="Save the note and give the SRS of this session",
            id="fb.srs",
        ),
        Binding("escape", "leave", "Done", tooltip="Finish", id="fb.leave"),
        # As on the caseload, but not while the note box has the focus: q is typed there.
        Binding(
            "q",
            "quit_app",
            "Quit",
            tooltip="Quit srs-tui, asking first if the note would be lost",
            id="fb.quit",
        ),
    ]

    def __init__(
        self,
        ctx: AppContext,
        client: Client,
        saved: Administration,
        feedback: Feedback,
        *,
        intake: Administration | None = None,
    ) -> None:
        """intake: the first administration of the measure in the saved one's episode (the
        saved one itself, or None, when it is the first)."""
        super().__init__(ctx, client)
        preset_breakpoints(self)
        self.saved = saved
        self.feedback = feedback
        self.intake = intake or saved
        self.measure = measure_named(saved.measure)
        self.profile = ctx.config.profiles.of(saved.measure, saved.form)
        self.sub_title = f"{saved.measure} feedback"
        self._srs_next = srs_follows(ctx, client, saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        # After an ORS, the SRS of the same session; after an SRS, nothing follows.
        if action == "srs":
            return self._srs_next
        if action == "quit_app":
            return not isinstance(self.focused, NoteArea)
        return True

    async def action_quit_app(self) -> None:
        """Quit as Ctrl+Q does: the app asks first if the note typed would be lost."""
        await self.app.action_quit()

    def compose(self) -> ComposeResult:
        yield AppHeader(icon="")
        yield self.share_banner()
        with VerticalScroll(id="feedback-body", can_focus=False):
            with Horizontal(id="feedback-total"):
                yield BigNumber(format_tenths(self.feedback.total), id="feedback-digits")
                yield Static(
                    self._standing(),
                    id="feedback-standing",
                )
            if self.measure.kind == OUTCOME:
                yield Static(
                    progress_since_intake(self.saved, self.intake, self.profile),
                    id="feedback-progress",
                )
            yield Static(
                describe(
                    self.feedback,
                    self.ctx.wording(self.client, self.measure, self.saved.form),
                    self.profile,
                ),
                id="feedback-alerts",
            )
            yield Label("Note: what you talked about, saved with the session")
            yield NoteArea(self.saved.note, id="note", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="feedback-actions"):
                yield Button("Done", id="done", variant="primary", compact=True, tooltip="Ctrl+S")
                yield Static("", id="feedback-message", markup=False)
        yield KeyBar()

    def _standing(self) -> Content:
        name = self.shown_name()
        return standing(self.feedback, name, self.saved, self.profile)

    def _note(self) -> str:
        return self.query_one("#note", NoteArea).text

    def _note_changed(self) -> bool:
        return self._note().strip() != self.saved.note

    def has_unsaved(self) -> bool:
        """Whether leaving now would lose a typed note."""
        return self._note_changed()

    @on(Button.Pressed, "#done")
    def _done_pressed(self) -> None:
        self.action_done()

    def _save_note(self) -> bool:
        """Save the note if it changed; False (with the reason shown) if it could not be."""
        note = self._note()
        if len(note) > NOTE_MAX:
            self.query_one("#feedback-message", Static).update(
                f"The note is {len(note)} characters; at most {NOTE_MAX} fit."
            )
            return False
        if self._note_changed():
            try:
                self.saved = self.ctx.store.set_note(self.saved.id, note, now=self.ctx.clock())
            except StoreError as error:
                self.query_one("#feedback-message", Static).update(str(error))
                return False
        return True

    def action_done(self) -> None:
        """Save the note if it changed, then back to where the rating was started from."""
        if self._save_note():
            go_back(self, self.ctx)

    def action_history(self) -> None:
        """Save the note, then show this client's history in place of the feedback."""
        if not self._save_note():
            return
        from srs_tui.screens.history import HistoryScreen

        below = screen_below(self)
        if isinstance(below, HistoryScreen) and below.client.id == self.client.id:
            go_back(self, self.ctx)  # the history the rating was started from
        else:
            self.app.switch_screen(HistoryScreen(self.ctx, self.client))

    def action_srs(self) -> None:
        """Save the note, then the SRS of the same session in place of this feedback."""
        if self._srs_next and self._save_note():
            give_srs_of(self, self.saved)

    def action_leave(self) -> None:
        """Finish, asking first if a typed note would be lost."""
        if not self._note_changed():
            go_back(self, self.ctx)
            return

        confirm_then(
            self.app,
            "Leave without saving the note? The ratings are saved either way.",
            lambda: go_back(self, self.ctx),
            yes="Discard note",
            no="Keep editing",
        )
