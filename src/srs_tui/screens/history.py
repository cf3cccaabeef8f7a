"""History: one client's two measures in one episode of care, on fixed 0-to-40 axes, the
items, the sessions (one row each, both measures) and the alerts of both sides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widgets import Static

from srs_tui.context import AppContext
from srs_tui.details import DISPLAY_FORMAT
from srs_tui.measures import MEASURES, ORS, Measure, format_tenths
from srs_tui.rules.base import Alert, Profile
from srs_tui.rules.outcome import episode_outcome, rci
from srs_tui.rules.practice import MINIMUM_CASES, PracticeBand, practice_band
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.collector import OpeningPause
from srs_tui.screens.confirm import confirm_then
from srs_tui.screens.correct_session import Correction, CorrectSessionScreen
from srs_tui.screens.history_charts import HistoryCharts, profile_of
from srs_tui.screens.session_table import (
    SessionRow,
    TableRow,
    row_widths,
    session_rows,
    total_only_mark,
)
from srs_tui.screens.sizing import StyledOnMount, preset_breakpoints
from srs_tui.store import Administration, Client, StoreError
from srs_tui.store.records import Episode
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.row_table import Column, RowTable
from srs_tui.widgets.title_bar import TitleBar
from srs_tui.widgets.trend_chart import TrendChart

ALERT_SESSIONS_LISTED = 6  # older ones stay in the table's Alerts column; wrapping costs


NOTE_SHOWN = 240  # characters of a note shown above the alerts; n opens all of it


def _note_start(note: str) -> str:
    """The start of a note, short enough to leave the alerts in sight: its first three lines,
    at most NOTE_SHOWN characters, and a word that there is more."""
    start = "\n".join(note.split("\n")[:3])[:NOTE_SHOWN]
    return note if start == note else f"{start.rstrip()} … (n to read it all)"


def _tier(alert: Alert) -> int:
    return 2 if alert.rule.positive else 1 if alert.rule.note else 0


def alert_lines(
    rows: list[SessionRow], *, none: str = "No alerts in this client's history."
) -> Content:
    """The alerts of the latest sessions that had any, newest first, each with its reason."""
    parts: list[str | tuple[str, str]] = []
    with_alerts = [row for row in rows if row.alerts]
    for row in reversed(with_alerts[-ALERT_SESSIONS_LISTED:]):
        when = row.held_at.strftime("%Y-%m-%d")
        parts.append((f"Session {row.session} · {when}\n", "bold"))
        # Those that need attention first, then those worth a look, then good signs.
        for alert in sorted(row.alerts, key=_tier):
            # The tier by a symbol, never by colour alone, as on the caseload.
            if alert.rule.positive:
                parts.append(("  ↑ ", "bold $text-success"))
            elif alert.rule.note:
                parts.append(("  • ", "bold $text-accent"))
            else:
                parts.append(("  ▲ ", "bold $text-warning"))
            parts += [(alert.rule.title, "bold"), f": {alert.reason}\n"]
    if not parts:
        parts.append((none, "$text-muted"))
    elif len(with_alerts) > ALERT_SESSIONS_LISTED:
        older = len(with_alerts) - ALERT_SESSIONS_LISTED
        parts.append((f"{older} older sessions with alerts: see the table.", "$text-muted"))
    return Content.assemble(*parts)


@dataclass(frozen=True)
class SessionNote:
    """The note line of the alerts panel: its label, the note's start, whether one is written."""

    label: str
    text: str
    written: bool


class NotedAlerts(ScrollView, can_focus=False):
    """The alerts panel: the note of the session under the cursor (muted while there is
    none), then the alerts, scrolled as one text. One widget, not a scrolling container
    with a widget for each: each widget more was a twentieth of opening the history.

    Its lines are drawn as Textual draws a widget's text (Visual.to_strips), once for a width
    and kept until the text, the theme or the selection changes."""

    DEFAULT_CSS = """
    NotedAlerts {
        overflow-x: hidden;
    }
    NotedAlerts > .noted-alerts--none {
        color: $text-muted;
    }
    NotedAlerts > .noted-alerts--written {
        color: $text;
    }
    """

    COMPONENT_CLASSES = {"noted-alerts--none", "noted-alerts--written"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.note: SessionNote | None = None
        self.alerts = Content("")
        self._lines: list[Strip] | None = None
        self._lines_width = 0

    def show_note(self, note: SessionNote | None) -> None:
        """Show this note (None: no note line)."""
        self.note = note
        self._redraw()

    def show_alerts(self, alerts: Content) -> None:
        """Show these alerts under the note."""
        self.alerts = alerts
        self._redraw()

    def render(self) -> Content:
        """The whole text (text selection reads it too)."""
        note = self.note
        if note is None:
            return self.alerts
        # The colour as the theme has it now: looked up as drawn, so a new theme recolours it.
        part = "noted-alerts--written" if note.written else "noted-alerts--none"
        colour = Style.from_rich_style(self.get_component_rich_style(part))
        # The note as typed, never read as markup.
        return Content.assemble(
            (note.label, colour + Style(bold=True)), (note.text, colour), "\n", self.alerts
        )

    def _redraw(self) -> None:
        self._lines = None
        if self.size.width:
            self._drawn(self.scrollable_content_region.width)
        self.refresh()

    def _drawn(self, width: int) -> list[Strip]:
        """The text's lines at this width, and the room they take for scrolling."""
        if self._lines is None or self._lines_width != width:
            self._lines = Visual.to_strips(self, self.render(), width, None, self.visual_style)
            self._lines_width = width
            size = Size(width, len(self._lines))
            if self.virtual_size != size:
                self.virtual_size = size
        return self._lines

    def on_resize(self) -> None:
        self._drawn(self.scrollable_content_region.width)

    def notify_style_update(self) -> None:
        self._lines = None  # a new theme: other colours
        super().notify_style_update()

    def selection_updated(self, selection: Selection | None) -> None:
        self._lines = None  # the selection is drawn in the lines
        super().selection_updated(selection)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        lines = self._drawn(width)
        index = self.scroll_offset.y + y
        if index < len(lines):
            return lines[index]
        return Strip.blank(width, self.visual_style.rich_style)


class HistoryScreen(ClientScreen):
    """How the client has been (ORS) and how the sessions went (SRS), session by session."""

    DEFAULT_CSS = """
    HistoryScreen #history-info {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    HistoryScreen #history-charts {
        height: 10;
        padding: 0 1;
    }
    HistoryScreen.-tall #history-charts {
        height: 48%;
        min-height: 14;
    }
    /* The table as tall as its rows (max-height, set with them), up to two thirds of the
       room below the charts; the alerts take the rest, never less than a few lines. */
    HistoryScreen #sessions {
        height: 2fr;
        min-height: 3;
    }
    HistoryScreen #history-alerts {
        height: 1fr;
        padding: 0 1;
        border-top: solid $panel;
    }
    """

    AUTO_FOCUS = "#sessions"

    BINDINGS = [
        Binding(
            "r",
            "rate",
            "Rate",
            tooltip="Rate this client now: the ORS, or the SRS after today's ORS",
            id="history.rate",
        ),
        Binding(
            "i",
            "toggle_items",
            "Items/total",
            tooltip="Each item of the ORS, then of the SRS, then the totals again",
            id="history.items",
        ),
        Binding("e", "correct", "Correct", tooltip="Correct this session", id="history.correct"),
        Binding(
            "n",
            "note",
            "Note",
            show=False,
            tooltip="Write or change the note of this session",
            id="history.note",
        ),
        Binding("delete,d", "delete", "Delete", tooltip="Delete this session", id="history.delete"),
        # R: ? and F1 open the keys panel (the app's), where this key is listed too.
        Binding(
            "R",
            "rules",
            "Rules",
            tooltip="The alert rules, with their thresholds and sources",
            id="history.rules",
        ),
        # Only for a client with more than one episode of care (check_action); one cell on
        # the bar for the two keys, so that the bar still fits 80 columns.
        Binding(
            "left_square_bracket",
            "episode(-1)",
            "Episodes",
            key_display="[ ]",
            tooltip="[ the episode of care before this one, ] the one after",
            id="history.episode_earlier",
        ),
        Binding(
            "right_square_bracket",
            "episode(1)",
            "Later episode",
            show=False,
            tooltip="The episode of care after this one",
            id="history.episode_later",
        ),
        # Optional, off the bar: a comparison with the practice's own past clients.
        Binding(
            "b",
            "practice_band",
            "Practice band",
            show=False,
            tooltip="The middle half of this practice's closed episodes that began like this "
            "one, on the ORS chart (needs 20 of them; else the band around intake)",
            id="history.practice_band",
        ),
        # Once a client, at the end of their care: kept off the bar, as the report is.
        Binding(
            "E",
            "end_episode",
            "End episode",
            show=False,
            tooltip="End this episode of care, planned or unplanned",
            id="history.end_episode",
        ),
        Binding(
            "p",
            "report",
            "Report",
            show=False,
            tooltip="Write this client's report as an HTML file",
            id="history.report",
        ),
        Binding("escape", "back", "Back", tooltip="Back to where you came from", id="history.back"),
        # As on the caseload: a therapist who presses q to leave must not stay in the app and
        # type the next shell command into it. The app's quit asks first if anything typed
        # would be lost. (The client's own history, when shared, has no such key.)
        Binding("q", "app.quit", "Quit", tooltip="Quit srs-tui", id="history.quit"),
    ]

    def __init__(self, ctx: AppContext, client: Client) -> None:
        super().__init__(ctx, client)
        preset_breakpoints(self)
        self._opening = OpeningPause()
        self._styled = StyledOnMount()
        self.sub_title = "History"
        # One row a session of the episode shown, in time order.
        self.history: list[SessionRow] = []
        # The client's own ratings of each measure in the episode shown, in time order.
        self.series: dict[str, list[Administration]] = {name: [] for name in MEASURES}
        self.episodes: list[Episode] = []
        # The episode stepped to; None follows the current one (the open one, else the
        # latest), so a session just rated, which may have opened a new one, is shown.
        self.chosen_episode: str | None = None
        # Whether the ORS chart compares with the practice's closed episodes, and those
        # episodes' ORS series, read when first asked for.
        self.practice_shown = False
        self._closed_series: list[list[Administration]] | None = None

    def profile_of(self, measure: Measure) -> Profile:
        """The thresholds a measure's series is judged with: those of the form of its latest
        session in the episode, else of the client's age band's form."""
        return profile_of(
            self.ctx.config.profiles.of, measure, self.series[measure.name], self.client.age_band
        )

    def profiles(self) -> dict[str, Profile]:
        """Each measure's thresholds, as profile_of finds them."""
        return {measure.name: self.profile_of(measure) for measure in MEASURES.values()}

    def compose(self) -> ComposeResult:
        self._opening.start()
        self._styled.composing(self)
        yield TitleBar()
        yield Static("", id="history-info")
        yield HistoryCharts(
            self.say,
            self.profiles(),
            lambda measure, key: measure.item(key).label,
            id="history-charts",
        )
        yield RowTable(
            [
                Column("#", justify="right"),
                Column("Date"),
                *(Column(name, justify="right") for name in MEASURES),
                Column("Mode"),
                Column("Alerts", stretch=True),
            ],
            empty="No sessions yet: press r to rate.",
            id="sessions",
        )
        yield NotedAlerts(id="history-alerts")
        # q quits as on the caseload, and works off the bar too: at 80 columns, with the
        # episode keys, it gives its place to Share rather than the other way round.
        yield KeyBar(drop_first=("history.delete", "history.correct", "history.quit"))

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        self._styled.resumed(self, event)
        # Also sent when the screen is first shown: the one place the history is read (again
        # after a rating over it, or when sharing stops).
        self.load()
        self._opening.drawn(self)

    def on_screen_suspend(self) -> None:
        self._opening.end()

    def on_unmount(self) -> None:
        self._opening.end()

    @property
    def episode(self) -> Episode | None:
        """The episode of care shown (None for a client with none)."""
        for episode in self.episodes:
            if episode.id == self.chosen_episode:
                return episode
        return self._current()

    def _current(self) -> Episode | None:
        # As the store finds it: the open episode, else the latest.
        for episode in self.episodes:
            if episode.closed_at is None:
                return episode
        return self.episodes[-1] if self.episodes else None

    def _episode_text(self, episode: Episode) -> str:
        number = self.episodes.index(episode) + 1
        text = f"episode {number}"
        if len(self.episodes) > 1:
            text += f" of {len(self.episodes)}"
        if episode.closed_at is None:
            return f"{text} · since {episode.opened_at.strftime('%Y-%m-%d')}"
        text += f" · ended {episode.closed_at.strftime('%Y-%m-%d')}"
        if episode.ending:
            text += f", {episode.ending}"
        return text

    def outcome(self) -> str | None:
        """The episode's outcome so far (Jacobson-Truax), from intake to the latest ORS; None
        before a second ORS, or for a form without norms."""
        given = self.series[ORS.name]
        profile = self.profile_of(ORS)
        if len(given) < 2 or not profile.judged:
            return None
        return episode_outcome(given[0].scores.total, given[-1].scores.total, profile)

    def load(self) -> None:
        """Read the episode's sessions and show them, the charts and the alerts."""
        try:
            self.episodes = self.ctx.store.episodes(self.client.id)
            episode = self.episode
            given = self.ctx.store.episode_history(self.client.id, episode.id) if episode else {}
            for name in MEASURES:
                self.series[name] = given.get(name, [])
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.refresh_bindings()
        records = [a for name in MEASURES for a in self.series[name]]
        self.history = session_rows(records, self.ctx.config.profiles.judge(records))
        self._show_info(episode)
        self._show_charts()
        self._show_table()
        none = (
            "No alerts in this episode."
            if len(self.episodes) > 1
            else "No alerts in this client's history."
        )
        self.query_one(NotedAlerts).show_alerts(alert_lines(self.history, none=none))

    def _show_info(self, episode: Episode | None) -> None:
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(self.client.alias, style="bold")
        # Said only when there is something to tell apart: one open episode is just "care".
        if episode is not None and (len(self.episodes) > 1 or episode.closed_at is not None):
            info.append(f"  ·  {self._episode_text(episode)}")
        count = len(self.history)
        info.append(f"  ·  {count} session{'s' if count != 1 else ''}")
        # The outcome before what a narrow line loses.
        outcome = self.outcome()
        if outcome is not None:
            info.append("  ·  outcome: ")
            info.append(outcome, style="bold")
        for name in MEASURES:
            if self.series[name]:
                info.append(f"  ·  {name} {format_tenths(self.series[name][-1].scores.total)}")
        if self.history:
            info.append(f"  ·  last {self.history[-1].held_at.strftime(DISPLAY_FORMAT)}")
        self.query_one("#history-info", Static).update(info)

    def _show_charts(self) -> None:
        given = self.series[ORS.name]
        profile = self.profile_of(ORS)
        band = (given[0].scores.total, rci(profile)) if given and profile.judged else None
        practice = self.practice() if self.practice_shown else None
        self.query_one(HistoryCharts).show(
            self.series, self.profiles(), band=band, practice=practice
        )

    def practice(self) -> PracticeBand | None:
        """The practice's own middle band for the episode shown: from closed episodes (not
        this one) on the same form whose intake is within the RCI of this one's; None with
        too few of them, or without norms."""
        given = self.series[ORS.name]
        profile = self.profile_of(ORS)
        if not given or not profile.judged:
            return None
        if self._closed_series is None:
            try:
                self._closed_series = self.ctx.store.closed_series(ORS.name)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                self._closed_series = []
        shown = given[0].episode_id
        series = [
            [(a.session, a.scores.total) for a in episode]
            for episode in self._closed_series
            if episode[0].episode_id != shown and episode[-1].form == profile.form.name
        ]
        return practice_band(series, given[0].scores.total, rci(profile))

    def action_practice_band(self) -> None:
        """Show or hide the practice's own middle band on the ORS chart."""
        self.practice_shown = not self.practice_shown
        self.load()
        if not self.practice_shown:
            return
        shown = self.query_one("#chart-ORS", TrendChart).practice
        if shown is None:
            self.notify(
                f"Fewer than {MINIMUM_CASES} closed episodes here began like this one (intake "
                "within the reliable change): the band around intake is shown instead.",
                markup=False,
            )
            self.practice_shown = False
            return
        self.notify(
            f"Shaded: the middle half (25th to 75th percentile) of the totals of the "
            f"{shown.cases} closed episodes of this practice whose intake was within the "
            "reliable change of this one's, session by session. A description of past "
            "clients here, not a norm or an expected course.",
            markup=False,
            timeout=10,
        )

    def _show_table(self) -> None:
        # As the charts and the rules see a series: by the form of its latest session.
        low = {name: profile.below_cutoff for name, profile in self.profiles().items()}
        rows = [
            TableRow(row, low, (_mode_cell(row), " ".join(a.rule_id for a in row.alerts)))
            for row in reversed(self.history)
        ]
        table = self.query_one("#sessions", RowTable)
        # As tall as its rows and its header: the alerts below take what is left.
        table.styles.max_height = max(len(rows) + 1, 3)
        table.set_rows(rows, widths=row_widths(rows, tails=2))
        self._show_note()

    def _show_note(self) -> None:
        """The note of the session under the cursor, as plain text, at the top of the
        alerts panel."""
        selected = self._selected()
        found = [row for row in self.history if row.session_id == selected]
        panel = self.query_one(NotedAlerts)
        if not found:
            panel.show_note(None)
            return
        row = found[0]
        note = row.administrations[0].note  # the session's, on each of its measures
        panel.show_note(
            SessionNote(
                f"Note, session {row.session}: ",
                _note_start(note) if note else "none (n to write one)",
                written=bool(note),
            )
        )

    @on(RowTable.Highlighted, "#sessions")
    def _row_highlighted(self) -> None:
        self._show_note()

    def _selected(self) -> str | None:
        return self.query_one("#sessions", RowTable).cursor_key

    def _selected_session(self) -> SessionRow | None:
        selected = self._selected()
        found = [row for row in self.history if row.session_id == selected]
        if not found:
            self.notify("No session to work on yet.", markup=False)
            return None
        return found[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        """The episode keys only where they apply (False hides a key and turns it off)."""
        if action == "episode":
            return len(self.episodes) > 1
        if action == "end_episode":
            # Only for an episode still open.
            episode = self.episode
            return episode is not None and episode.closed_at is None
        return True

    def action_episode(self, step: int) -> None:
        """Show the episode of care before (-1) or after (1) the one shown."""
        episode = self.episode
        if episode is None:
            return
        place = self.episodes.index(episode) + step
        if not 0 <= place < len(self.episodes):
            self.app.bell()  # no episode further that way
            return
        target = self.episodes[place]
        self.chosen_episode = None if target == self._current() else target.id
        self.load()
        self.query_one("#sessions", RowTable).move_cursor(0)

    def action_end_episode(self) -> None:
        """End the episode shown, planned or unplanned, after asking; then show it ended."""
        episode = self.episode
        if episode is None or episode.closed_at is not None:
            return
        from srs_tui.screens.end_episode import EndEpisodeScreen

        # An episode ends where the care did, at its last session, not on the day the
        # therapist gets round to saying so: a client who stopped coming months ago (or
        # records imported from last year) would otherwise count as in care until today.
        last = self.history[-1].held_at if self.history else None

        def end(ending: str | None) -> None:
            if ending is None:
                return
            try:
                at = last if last is not None else self.ctx.clock()
                self.ctx.store.close_episode(self.client.id, ending, at=at)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.chosen_episode = None  # the current one now: the episode just ended
            self.load()
            self.notify(
                f"Episode ended ({ending}). The next session rated starts a new episode.",
                markup=False,
            )

        number = self.episodes.index(episode) + 1
        self.app.push_screen(EndEpisodeScreen(self.client, episode, number, last), end)

    def action_toggle_items(self) -> None:
        """Show each item of the ORS, then of the SRS, then the totals of both again."""
        self.query_one(HistoryCharts).toggle_items()

    def action_rate(self) -> None:
        """Rate this client now: the ORS, or the SRS after today's ORS."""
        from srs_tui.screens.navigation import open_rating

        self.chosen_episode = None  # back here, show where the new session went
        open_rating(self.app, self.ctx, self.client)

    def action_rules(self) -> None:
        """Show the alert rules with their thresholds and sources."""
        from srs_tui.screens.rules import RulesScreen

        self.app.push_screen(RulesScreen(self.ctx.config.profiles))

    @on(RowTable.Selected, "#sessions")
    def _row_chosen(self) -> None:
        self.action_correct()

    def action_correct(self) -> None:
        """Correct the values (of each measure given) or the date of the selected session."""
        row = self._selected_session()
        if row is None:
            return
        given = row.administrations

        def apply(correction: Correction | None) -> None:
            if correction is None:
                return
            try:
                for administration, scores in zip(given, correction.scores, strict=True):
                    self.ctx.store.correct(
                        administration.id,
                        scores,
                        administered_at=correction.administered_at,
                        now=self.ctx.clock(),
                    )
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                self.load()
                return
            self.load()
            self.notify(f"Session {row.session} corrected.", markup=False)

        self.app.push_screen(CorrectSessionScreen(given, self.ctx.clock()), apply)

    def action_note(self) -> None:
        """Write or change the note of the selected session, in a box over the history."""
        row = self._selected_session()
        if row is None:
            return
        first = row.administrations[0]
        when = row.held_at.strftime("%Y-%m-%d")

        def save(text: str) -> str:
            if text.strip() == first.note:
                return first.note  # nothing changed: nothing written
            return self.ctx.store.set_note(first.id, text, now=self.ctx.clock()).note

        def saved(note: str | None) -> None:
            if note is None or note == first.note:
                return  # cancelled, or saved as it was
            self.load()
            self.notify(
                f"Note of session {row.session} saved." if note else "Note removed.",
                markup=False,
            )

        from srs_tui.screens.session_note import SessionNoteScreen

        self.app.push_screen(
            SessionNoteScreen(f"Note of session {row.session} · {when}", first.note, save), saved
        )

    def action_delete(self) -> None:
        """Delete the selected session (every measure given in it), after a confirmation."""
        row = self._selected_session()
        if row is None:
            return
        when = row.held_at.strftime("%Y-%m-%d")
        totals = ", ".join(
            f"{a.measure} {format_tenths(a.scores.total)}" for a in row.administrations
        )

        def delete() -> None:
            try:
                for administration in row.administrations:
                    self.ctx.store.delete_administration(administration.id)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                self.load()
                return
            self.load()
            self.notify(f"Session {row.session} deleted.", markup=False)

        confirm_then(
            self.app,
            f"Delete session {row.session} ({when}, {totals})? "
            "Its ratings and note are gone for good, and later sessions move up one.",
            delete,
            yes="Delete",
        )

    def action_report(self) -> None:
        """Write the client's report, with the session notes or not: into the reports folder
        (a name without client data); from a vault, to a file the therapist names, told first
        that it is not encrypted. Then where it went, until closed."""
        from srs_tui.screens.report_target import ReportTargetScreen, ReportWrittenScreen
        from srs_tui.store.engine import is_vault

        target = None
        if not is_vault(self.ctx.store.path):
            now = self.ctx.clock()
            folder = self.ctx.store.path.parent / "reports"
            target = folder / f"srs-tui-report-{now.strftime('%Y-%m-%d-%H%M%S')}.html"

        def written(target: Path | None) -> None:
            if target is not None:
                self.app.push_screen(ReportWrittenScreen(target))

        self.app.push_screen(ReportTargetScreen(self.write_report, target), written)

    def write_report(self, target: Path, notes: bool = True) -> None:
        """The report of the episode shown (every measure and rater of it) written to target,
        a new file (its folder made if it is the reports folder); notes=False: without the
        session notes. StoreError says why it cannot be."""
        from srs_tui.exchange.report import refuse_report_target, report_html, report_records
        from srs_tui.store.files import refuse_unless_regular, write_private

        refuse_report_target(target, self.ctx.store.path)
        refuse_unless_regular(target)
        if target.exists():
            raise StoreError(f"{target}: already exists; choose another name.")
        reports = self.ctx.store.path.parent / "reports"
        if target.parent == reports:
            try:
                reports.mkdir(mode=0o700, exist_ok=True)
            except OSError as error:
                raise StoreError(f"{reports}: cannot be made ({error.strerror}).") from None
        episode_id = self.episode.id if self.episode is not None else None
        records = report_records(self.ctx.store, self.client.id, episode_id)
        html = report_html(
            self.client, records, self.ctx.config.profiles, self.ctx.clock(), notes=notes
        )
        write_private(target, html.encode("utf-8"))

    def action_back(self) -> None:
        """Back to the caseload."""
        from srs_tui.screens.navigation import go_back

        go_back(self, self.ctx)


def _mode_cell(row: SessionRow) -> str:
    """The session's mode, with a mark when a measure of it kept only its total."""
    mark = total_only_mark(row)
    return f"{row.mode} · {mark}" if mark else row.mode
