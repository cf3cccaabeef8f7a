"""The client's own history, on a shared screen: the charts and the values, in the client's
language; no rule, alert, verdict or note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from srs_tui.context import AppContext, Share
from srs_tui.measures import MEASURES, Measure, format_tenths
from srs_tui.rules.base import Profile
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.history_charts import HistoryCharts, profile_of
from srs_tui.screens.session_table import DATE_FORMAT, TableRow, row_widths, session_rows
from srs_tui.screens.sizing import preset_breakpoints
from srs_tui.store import Administration, Client, StoreError
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.row_table import Column, RowTable
from srs_tui.widgets.unwatched import AppHeader


class ClientHistoryScreen(ClientScreen):
    """The base of share mode's screen stack: back never leads further than here."""

    DEFAULT_CSS = """
    ClientHistoryScreen #client-history-info {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    ClientHistoryScreen #client-history-empty {
        padding: 1 2;
    }
    ClientHistoryScreen #history-charts {
        height: 1fr;
        min-height: 10;
        padding: 0 1;
    }
    ClientHistoryScreen #client-sessions {
        height: 35%;
        min-height: 4;
    }
    """

    AUTO_FOCUS = "#client-sessions"

    # The ids' labels are in history.toml [keys], in each language: the key bar shows these.
    BINDINGS = [
        Binding("r", "rate", "Rate", tooltip="Rate now", id="history.rate"),
        Binding(
            "i",
            "toggle_items",
            "Items/total",
            tooltip="Each item of one measure, then the next, then the totals",
            id="history.items",
        ),
        Binding("escape", "back", "Back", tooltip="Back", id="history.back"),
    ]

    def __init__(self, ctx: AppContext, client: Client, shared: Share) -> None:
        super().__init__(ctx, client, shared=shared)
        preset_breakpoints(self)
        self.sub_title = self.say("history.title")
        # The client's own ratings of each measure in the current episode, in time order.
        self.series: dict[str, list[Administration]] = {name: [] for name in MEASURES}

    def profile(self, measure: Measure) -> Profile:
        """The thresholds of the form the client's series of a measure was given on."""
        return profile_of(
            self.ctx.config.profiles.of, measure, self.series[measure.name], self.client.age_band
        )

    def profiles(self) -> dict[str, Profile]:
        """Each measure's thresholds, as profile finds them."""
        return {measure.name: self.profile(measure) for measure in MEASURES.values()}

    def item_label(self, measure: Measure, key: str) -> str:
        """An item's name in the client's own words and language."""
        form = self.profile(measure).form.name
        return self.ctx.wording(self.client, measure, form).item(key).label

    def compose(self) -> ComposeResult:
        yield AppHeader(icon="")
        yield self.share_banner()
        yield Static("", id="client-history-info")
        yield Static(self.say("history.empty"), id="client-history-empty", markup=False)
        yield HistoryCharts(
            self.say, self.profiles(), self.item_label, client_view=True, id="history-charts"
        )
        yield RowTable(
            [
                Column("#", justify="right"),
                Column(self.say("history.date")),
                *(Column(name, justify="right") for name in MEASURES),
            ],
            empty=self.say("history.empty"),
            id="client-sessions",
        )
        yield KeyBar(words=self.say)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: back from rating, the new session shows.
        self.load()

    def load(self) -> None:
        """Read the client's sessions of the current episode and show them."""
        try:
            for name in MEASURES:
                self.series[name] = self.ctx.store.history(self.client.id, measure=name)
        except StoreError:
            # The store's words name files and causes: the therapist's, not the client's.
            self.notify(self.say("history.unreadable"), severity="error", markup=False)
            return
        records = [a for name in MEASURES for a in self.series[name]]
        rows = session_rows(records, [() for _ in records])
        has_sessions = bool(rows)
        self.query_one("#client-history-empty").display = not has_sessions
        self.query_one(HistoryCharts).display = has_sessions
        self.query_one(HistoryCharts).show(self.series, self.profiles())
        table_rows = [TableRow(row, {}) for row in reversed(rows)]
        table = self.query_one("#client-sessions", RowTable)
        table.display = has_sessions
        table.set_rows(table_rows, widths=row_widths(table_rows))
        self._show_info(len(rows))

    def _show_info(self, count: int) -> None:
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(self.shown_name(), style="bold")
        if count:
            words = self.say("history.sessions_one") if count == 1 else None
            info.append("  ·  " + (words or self.say("history.sessions", count=count)))
        for name in MEASURES:
            if self.series[name]:
                info.append(f"  ·  {name} {format_tenths(self.series[name][-1].scores.total)}")
        latest = [given[-1].administered_at for given in self.series.values() if given]
        if latest:
            when = max(latest).strftime(DATE_FORMAT)
            info.append("  ·  " + self.say("history.last", date=when))
        self.query_one("#client-history-info", Static).update(info)

    def action_toggle_items(self) -> None:
        """Show each item of one measure the client gave, then the next, then the totals."""
        self.query_one(HistoryCharts).toggle_items()

    def action_rate(self) -> None:
        """Rate now: the ORS, or the SRS after today's ORS, as a client view; back to the
        rating screen this history was opened over, if it was (its ratings stay)."""
        from srs_tui.screens.navigation import open_rating, screen_below
        from srs_tui.screens.rate import RateScreen

        if isinstance(screen_below(self), RateScreen):
            self.dismiss(None)
            return
        open_rating(self.app, self.ctx, self.client, shared=self.shared)

    def action_back(self) -> None:
        """Back to the client's screen below; at the base of share mode's stack, a word that
        there is nowhere further to go."""
        from srs_tui.screens.navigation import go_back

        go_back(self, self.ctx)
