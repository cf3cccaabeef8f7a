"""History: one client's trend on a fixed 0-to-40 axis, the items, the sessions and the alerts."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Static

from srs_tui.context import AppContext
from srs_tui.details import DISPLAY_FORMAT
from srs_tui.measures import SRS, format_tenths
from srs_tui.rules import Alert
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.confirm import confirm_then
from srs_tui.screens.correct_session import Correction, CorrectSessionScreen
from srs_tui.screens.sizing import preset_breakpoints
from srs_tui.store import Administration, Client, StoreError
from srs_tui.store.records import Episode
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.row_table import Column, RowTable, TextRow
from srs_tui.widgets.trend_chart import ChartPoint, TrendChart, item_spec, total_spec

SHORT_LABELS = {"relationship": "Rel", "goals": "Goals", "approach": "Appr", "overall": "Over"}


ALERT_SESSIONS_LISTED = 6  # older ones stay in the table's Alerts column; wrapping costs


def alert_lines(
    history: list[Administration],
    alerts: list[tuple[Alert, ...]],
    *,
    none: str = "No alerts in this client's history.",
) -> Content:
    """The alerts of the latest sessions that had any, newest first, each with its reason."""
    parts: list[str | tuple[str, str]] = []
    with_alerts = [
        (administration, fired)
        for administration, fired in zip(history, alerts, strict=True)
        if fired
    ]
    for administration, fired in reversed(with_alerts[-ALERT_SESSIONS_LISTED:]):
        when = administration.administered_at.strftime("%Y-%m-%d")
        parts.append((f"Session {administration.session} · {when}\n", "bold"))
        for alert in fired:
            if alert.rule.positive:
                parts.append(("  ↑ ", "bold $text-success"))
            else:
                parts.append(("  ▲ ", "bold $text-warning"))
            parts += [(alert.rule.title, "bold"), f": {alert.reason}\n"]
    if not parts:
        parts.append((none, "$text-muted"))
    elif len(with_alerts) > ALERT_SESSIONS_LISTED:
        older = len(with_alerts) - ALERT_SESSIONS_LISTED
        parts.append((f"{older} older sessions with alerts: see the table.", "$text-muted"))
    return Content.assemble(*parts)


class HistoryScreen(ClientScreen):
    """How the alliance has moved, session by session, against the cutoff."""

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
        height: 14;
    }
    HistoryScreen #chart-total {
        height: 1fr;
    }
    HistoryScreen #chart-items {
        grid-size: 2 2;
        grid-gutter: 0 2;
        height: 1fr;
    }
    HistoryScreen #chart-items TrendChart {
        height: 1fr;
    }
    /* 3: a tall screen of 30 lines still holds the share banner (else it scrolls away) */
    HistoryScreen #sessions {
        height: 1fr;
        min-height: 3;
    }
    HistoryScreen #history-alerts {
        height: 6;
        padding: 0 1;
        border-top: solid $panel;
    }
    HistoryScreen.-tall #history-alerts {
        height: 9;
    }
    """

    AUTO_FOCUS = "#sessions"

    BINDINGS = [
        Binding("r", "rate", "Rate", tooltip="Give the SRS to this client now", id="history.rate"),
        Binding("i", "toggle_items", "Items/total", tooltip="Show each item", id="history.items"),
        Binding("e", "correct", "Correct", tooltip="Correct this session", id="history.correct"),
        Binding("delete,d", "delete", "Delete", tooltip="Delete this session", id="history.delete"),
        Binding(
            "question_mark,f1", "rules", "Rules", tooltip="The alert rules", id="history.rules"
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
    ]

    def __init__(self, ctx: AppContext, client: Client) -> None:
        super().__init__(ctx, client)
        preset_breakpoints(self)
        # The charts and the items shown are the SRS's; each session is judged by its own
        # measure's profile.
        self.profile = ctx.config.profiles.of(SRS.name)
        self.sub_title = "History"
        self.history: list[Administration] = []
        self.episodes: list[Episode] = []
        # The episode stepped to; None follows the current one (the open one, else the
        # latest), so a session just rated, which may have opened a new one, is shown.
        self.chosen_episode: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield self.share_banner()
        yield Static("", id="history-info")
        with Vertical(id="history-charts"):
            yield TrendChart(
                total_spec(self.profile.below_cutoff, self.profile.cutoff),
                title="Total, 0 to 40  (▼ below the cutoff)",
                id="chart-total",
            )
            yield Grid(id="chart-items")  # filled on first use: most visits look at the total
        yield RowTable(
            [
                Column("#", justify="right"),
                Column("Date"),
                *(Column(SHORT_LABELS[item.key], justify="right") for item in SRS.items),
                Column("Total", justify="right"),
                Column("Alerts", stretch=True),
            ],
            empty="No sessions yet: press r to give the SRS.",
            id="sessions",
        )
        with VerticalScroll(id="history-alerts", can_focus=False):
            yield Static("", id="alert-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#chart-items").display = False

    def _item_points(self, key: str) -> tuple[ChartPoint, ...]:
        return tuple(ChartPoint(a.session, a.scores.as_dict()[key]) for a in self.history)

    def _item_charts(self) -> list[TrendChart]:
        return list(self.query_one("#chart-items").query(TrendChart))

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: the one place the history is read.
        self.show_names()

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
        # How it ended is the therapist's judgement: not on a shared screen.
        if episode.ending and not self.share.active:
            text += f", {episode.ending}"
        return text

    def load(self) -> None:
        """Read the client's sessions and show them, the charts and the alerts."""
        try:
            self.episodes = self.ctx.store.episodes(self.client.id)
            episode = self.episode
            self.history = (
                self.ctx.store.history(self.client.id, episode_id=episode.id) if episode else []
            )
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.refresh_bindings()
        alerts = self.ctx.config.profiles.judge(self.history)
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(self.shown_name(), style="bold")
        # Said only when there is something to tell apart: one open episode is just "care".
        if episode is not None and (len(self.episodes) > 1 or episode.closed_at is not None):
            info.append(f"  ·  {self._episode_text(episode)}")
        count = len(self.history)
        info.append(f"  ·  {count} session{'s' if count != 1 else ''}")
        if self.history:
            last = self.history[-1]
            info.append(f"  ·  last {last.administered_at.strftime(DISPLAY_FORMAT)}")
            info.append(f"  ·  total {format_tenths(last.scores.total)}")
        self.query_one("#history-info", Static).update(info)

        self.query_one("#chart-total", TrendChart).points = tuple(
            ChartPoint(a.session, a.scores.total) for a in self.history
        )
        for chart in self._item_charts():
            chart.points = self._item_points(str(chart.id).removeprefix("chart-"))

        rows: list[TextRow] = []
        for administration, fired in reversed(list(zip(self.history, alerts, strict=True))):
            values = administration.scores.as_dict()
            total = administration.scores.total
            total_cell = Text(format_tenths(total))
            if self.ctx.config.profiles.of(administration.measure).below_cutoff(total):
                total_cell = Text(f"▼{format_tenths(total)}", style="bold")
            cells = (
                Text(str(administration.session)),
                Text(administration.administered_at.strftime("%Y-%m-%d")),
                *(Text(format_tenths(values[key])) for key in SRS.keys),
                total_cell,
                Text(" ".join(alert.rule_id for alert in fired)),
            )
            rows.append(TextRow(key=administration.id, cells=cells))
        self.query_one("#sessions", RowTable).set_rows(rows)
        none = (
            "No alerts in this episode."
            if len(self.episodes) > 1
            else "No alerts in this client's history."
        )
        self.query_one("#alert-list", Static).update(alert_lines(self.history, alerts, none=none))

    def show_names(self) -> None:
        """Show the client under the name for this moment (alias, or the name for sharing)."""
        self.load()

    def _selected(self) -> str | None:
        return self.query_one("#sessions", RowTable).cursor_key

    def _selected_session(self) -> Administration | None:
        selected = self._selected()
        found = [a for a in self.history if a.id == selected]
        if not found:
            self.notify("No session to work on yet.", markup=False)
            return None
        return found[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        """The episode keys only where they apply (False hides a key and turns it off)."""
        if action == "episode":
            return len(self.episodes) > 1
        if action == "end_episode":
            # Therapist-only, and only for an episode still open.
            episode = self.episode
            return not self.share.active and episode is not None and episode.closed_at is None
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
        if self.share.active or episode is None or episode.closed_at is not None:
            return
        from srs_tui.screens.end_episode import EndEpisodeScreen

        def end(ending: str | None) -> None:
            if ending is None:
                return
            try:
                self.ctx.store.close_episode(self.client.id, ending, at=self.ctx.clock())
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
        self.app.push_screen(EndEpisodeScreen(self.client, episode, number), end)

    def action_toggle_items(self) -> None:
        """Switch the chart between the total and the four items."""
        items = self.query_one("#chart-items")
        if not self._item_charts():
            soft_item = self.profile.setting("soft_item")
            charts = []
            for item in SRS.items:
                chart = TrendChart(
                    item_spec(soft_item), title=f"{item.label}, 0 to 10", id=f"chart-{item.key}"
                )
                chart.points = self._item_points(item.key)
                charts.append(chart)
            items.mount_all(charts)
        items.display = not items.display
        self.query_one("#chart-total").display = not items.display

    def action_rate(self) -> None:
        """Give the SRS to this client now."""
        from srs_tui.screens.rate import RateScreen

        self.chosen_episode = None  # back here, show where the new session went
        self.app.push_screen(RateScreen(self.ctx, self.client))

    def action_rules(self) -> None:
        """Show the alert rules with their thresholds and sources."""
        from srs_tui.screens.rules import RulesScreen

        self.app.push_screen(RulesScreen(self.ctx.config.profiles))

    @on(RowTable.Selected, "#sessions")
    def _row_chosen(self) -> None:
        self.action_correct()

    def action_correct(self) -> None:
        """Correct the values or the date of the selected session."""
        administration = self._selected_session()
        if administration is None:
            return

        def apply(correction: Correction | None) -> None:
            if correction is None:
                return
            try:
                self.ctx.store.correct(
                    administration.id,
                    correction.scores,
                    administered_at=correction.administered_at,
                    now=self.ctx.clock(),
                )
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.load()
            self.notify(f"Session {administration.session} corrected.", markup=False)

        self.app.push_screen(CorrectSessionScreen(administration, self.ctx.clock()), apply)

    def action_delete(self) -> None:
        """Delete the selected session, after a confirmation."""
        administration = self._selected_session()
        if administration is None:
            return
        when = administration.administered_at.strftime("%Y-%m-%d")
        total = format_tenths(administration.scores.total)

        def delete() -> None:
            try:
                self.ctx.store.delete_administration(administration.id)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.load()
            self.notify(f"Session {administration.session} deleted.", markup=False)

        confirm_then(
            self.app,
            f"Delete session {administration.session} ({when}, total {total})? "
            "Its ratings and note are gone for good, and later sessions move up one.",
            delete,
            yes="Delete",
        )

    def action_report(self) -> None:
        """Write the client's report into the reports folder (a name without client data)."""
        if self.share.active:
            self.notify("Sharing: reports are written when the screen is not shared.")
            return
        from srs_tui.exchange.report import report_html, report_records
        from srs_tui.store.files import write_private

        now = self.ctx.clock()
        folder = self.ctx.store.path.parent / "reports"
        target = folder / f"srs-tui-report-{now.strftime('%Y-%m-%d-%H%M%S')}.html"
        # The episode on the screen, every measure and rater of it.
        episode_id = self.history[0].episode_id if self.history else None
        records = report_records(self.ctx.store, self.client.id, episode_id)
        html = report_html(self.client, records, self.ctx.config.profiles, now)
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            write_private(target, html.encode("utf-8"))
        except (StoreError, OSError) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(f"Report written to {target}", markup=False, timeout=10)

    def action_back(self) -> None:
        """Back to the caseload."""
        from srs_tui.screens.navigation import go_back

        go_back(self, self.ctx)
