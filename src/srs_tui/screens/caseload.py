"""Caseload: every active client, most urgent first. Therapist-only: never share this screen."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from srs_tui.context import AppContext
from srs_tui.measures import ORS, SRS, format_tenths
from srs_tui.not_seen import not_seen
from srs_tui.rules import Alert, Profile
from srs_tui.rules.outcome import DETERIORATED
from srs_tui.screens.base import ClientChooser
from srs_tui.screens.collector import OpeningPause
from srs_tui.screens.sizing import preset_breakpoints
from srs_tui.store import Client, ClientSummary, StoreError
from srs_tui.triage import Triaged, matching, recent_needed, triage
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.mini_trend import mini_trend
from srs_tui.widgets.row_table import Column, RowTable
from srs_tui.widgets.unwatched import AppHeader

# A practice starting with last year's records has no way to them from the app: say it.
NO_CLIENTS = (
    "No clients yet. Press  a  to add one.\n\n"
    "Records kept in a spreadsheet come in from a terminal:\n"
    "srs-tui import FILE.csv --dry-run"
)

if TYPE_CHECKING:
    from srs_tui.store.erasure import Remains

TREND_FROM = 100  # the table's width from which the SRS trend is shown


def _by_side(entry: Triaged, alerts: Sequence[Alert]) -> str:
    """Alerts as their badges after the side they come from, sides in the order of their
    first alert: "ORS worse, SRS low-run <cutoff"."""
    sides: dict[str, list[str]] = {}
    for alert in alerts:
        side = ORS.name if alert in entry.ors_alerts else SRS.name
        sides.setdefault(side, []).append(alert.rule.badge)
    return ", ".join(f"{side} {' '.join(shown)}" for side, shown in sides.items())


def badges(entry: Triaged) -> Text:
    """The latest ORS's and SRS's alerts as short words after the side they come from, with a
    symbol for each kind (never colour alone): ▲ needs attention, most urgent first; • worth
    a look; ↑ a good sign."""
    text = Text(no_wrap=True, overflow="ellipsis")
    parts: list[tuple[str, str]] = []
    if entry.summary.client.archived_at is not None:
        parts.append(("archived", "italic"))
    if entry.summary.episode_closed:
        parts.append(("episode ended", "italic"))
    if entry.concerns:
        parts.append((f"▲ {_by_side(entry, entry.concerns)}", "bold"))
    both = entry.alerts
    notes = [alert for alert in both if alert.rule.note]
    if notes:
        parts.append((f"• {_by_side(entry, notes)}", ""))
    good = [alert for alert in both if alert.rule.positive]
    if good:
        parts.append((f"↑ {_by_side(entry, good)}", ""))
    for index, (words, style) in enumerate(parts):
        text.append("  " if index else "")
        text.append(words, style=style)
    return text


def _total(total: int | None, profile: Profile | None, style: str) -> Text:
    """A total, marked ▼ when below its form's cutoff; a dash when there is none."""
    if total is None:
        return Text("–")
    if profile is not None and profile.below_cutoff(total):
        return Text(f"▼{format_tenths(total)}", style)
    return Text(format_tenths(total))


def not_seen_mark(weeks: int | None) -> Text:
    """The words that mark a client in care not seen for weeks (nothing when None)."""
    if weeks is None:
        return Text()
    return Text(f"not seen {weeks} week{'s' if weeks != 1 else ''}", "bold")


class ClientRow:
    """A caseload row, its cells made only when the table draws it."""

    __slots__ = ("_cells", "entry", "key", "not_seen")

    def __init__(self, entry: Triaged, not_seen: int | None = None) -> None:
        self.entry = entry
        self.key = entry.summary.client.id
        self.not_seen = not_seen  # weeks without a session, when that is long enough to mark
        self._cells: tuple[Text, ...] | None = None

    @property
    def cells(self) -> tuple[Text, ...]:
        """Alias, last date, last ORS and SRS totals, the SRS trend, the outcome, alerts."""
        if self._cells is None:
            self._cells = self._make_cells()
        return self._cells

    def _make_cells(self) -> tuple[Text, ...]:
        entry = self.entry
        summary = entry.summary
        totals = list(summary.totals)
        profile = entry.profile
        below = [profile is not None and profile.below_cutoff(total) for total in totals]
        outcome = entry.outcome or ""
        return (
            Text(summary.client.alias),
            Text(summary.last_at.strftime("%Y-%m-%d") if summary.last_at else "no session"),
            # In the clinical range is a state, not an alert: marked, not bold.
            _total(summary.ors_total, entry.ors_profile, ""),
            _total(summary.last_total, profile, "bold"),
            mini_trend(totals, below),
            Text(outcome, "bold" if outcome == DETERIORATED else ""),
            self._alerts(),
        )

    def _alerts(self) -> Text:
        """The alerts, after the words that mark a client not seen lately."""
        alerts = badges(self.entry)
        if self.not_seen is None:
            return alerts
        marked = not_seen_mark(self.not_seen)
        if alerts.plain:
            marked.append("  ")
            marked.append_text(alerts)
        marked.no_wrap, marked.overflow = True, "ellipsis"
        return marked


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a caseload is read and ordered.

    Every object made there lives as long as the screen, so a collection in the middle frees
    nothing; yet each full one walks all of them, and for ten thousand clients the collections
    took as long as the reading itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class CaseloadScreen(ClientChooser):
    """The dashboard: who needs attention, and why."""

    DEFAULT_CSS = """
    CaseloadScreen #caseload-count {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    CaseloadScreen #clients {
        height: 1fr;
    }
    CaseloadScreen #caseload-empty {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
    }
    CaseloadScreen #filter {
        margin: 0 1;
        width: 1fr;
    }
    """

    AUTO_FOCUS = "#clients"

    BINDINGS = [
        # Priority, so that the footer shows it over the table's own (hidden) Enter.
        Binding(
            "enter",
            "history",
            "History",
            tooltip="This client's trend, sessions and alerts",
            id="caseload.history",
            priority=True,
        ),
        Binding(
            "h",
            "history",
            "History",
            show=False,
            tooltip="This client's trend, sessions and alerts",
            id="caseload.history_h",
        ),
        Binding(
            "r",
            "rate",
            "Rate",
            tooltip="Give this client the ORS, or the SRS after today's ORS",
            id="caseload.rate",
        ),
        Binding("a", "add_client", "Add", tooltip="Add a client", id="caseload.add"),
        Binding(
            "e",
            "edit_client",
            "Edit",
            show=False,
            tooltip="Alias, language, name for sharing",
            id="caseload.edit",
        ),
        # Priority: run as the app takes the key, before the keys typed after it are passed on
        # (see action_filter).
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Filter by alias",
            id="caseload.filter",
            priority=True,
        ),
        Binding("x", "archive", "Archive", tooltip="Archive or unarchive", id="caseload.archive"),
        Binding(
            "n",
            "toggle_not_seen",
            "Not seen",
            show=False,
            tooltip="Only the clients in care not seen lately, or everyone",
            id="caseload.not_seen",
        ),
        Binding(
            "u",
            "undo_archive",
            "Undo",
            show=False,
            tooltip="Undo the last archive or unarchive",
            id="caseload.undo",
        ),
        Binding(
            "z",
            "toggle_archived",
            "Archived",
            show=False,
            tooltip="Show archived",
            id="caseload.archived",
        ),
        # R: ? and F1 open the keys panel (the app's), where this key is listed too.
        Binding(
            "R",
            "rules",
            "Rules",
            tooltip="The alert rules, with their thresholds and sources",
            id="caseload.rules",
        ),
        Binding(
            "P",
            "passphrase",
            "Passphrase",
            show=False,
            tooltip="Set the passphrase of the idle lock",
            id="caseload.passphrase",
        ),
        Binding(
            "ctrl+x",
            "erase",
            "Erase",
            show=False,
            tooltip="Erase every record of this client, on their request",
            id="caseload.erase",
        ),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="caseload.clear"),
        Binding("q", "app.quit", "Quit", tooltip="Quit srs-tui", id="caseload.quit"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        preset_breakpoints(self)
        self.ctx = ctx
        self._opening = OpeningPause()
        self.sub_title = "Caseload"
        self.show_archived = False
        self.entries: list[Triaged] = []
        # Clients in care not seen for the weeks of the settings: weeks by client id.
        self.not_seen: dict[str, int] = {}
        self.only_not_seen = False  # n: list only them
        # The caseload as last read, and what that read depended on (_read_key).
        self._summaries: list[ClientSummary] = []
        self._read: tuple[object, ...] | None = None
        # The client last archived or brought back with x, as they were before: u undoes it.
        self._undo_archive: Client | None = None

    def compose(self) -> ComposeResult:
        self._opening.start()
        yield AppHeader(icon="")
        yield Static("", id="caseload-count")
        yield Input(placeholder="/ to filter by alias", id="filter", compact=True)
        yield RowTable(
            [
                Column("Client", shrink_to=12),
                Column("Last"),
                Column("ORS", justify="right"),
                Column("SRS", justify="right"),
                # The first to go on a narrow terminal: the alerts need the room more.
                Column("SRS trend", hide_below=TREND_FROM),
                Column("Outcome"),
                Column("Alerts", stretch=True),
            ],
            empty="No client matches the filter.",
            id="clients",
        )
        yield Static(NO_CLIENTS, id="caseload-empty")
        yield KeyBar(drop_first=("caseload.archive",))

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown, and on every return to it.
        self.refresh_clients()
        self._opening.drawn(self)

    def on_screen_suspend(self) -> None:
        self._opening.end()

    def on_unmount(self) -> None:
        self._opening.end()

    def _read_key(self) -> tuple[object, ...] | None:
        """What the caseload last read depends on, now: the store, its change stamp, and
        whether archived clients are shown (None when the store cannot say)."""
        store = self.ctx.store
        try:
            return (store, store.change_stamp(), self.show_archived)
        except StoreError:
            return None

    def refresh_clients(self, select: str | None = None) -> None:
        """Show the caseload, keeping the cursor on its client: read from the store again
        only when a record may have changed since the last read (here or in another
        window), since a return from a screen that changed nothing (a history looked at)
        would read and judge every client again for the same rows."""
        key = self._read_key()
        if key is not None and key == self._read:
            unseen = not_seen(self._summaries, self.ctx.clock(), self.ctx.config.not_seen_weeks)
            if select is not None or unseen != self.not_seen:  # the clock moved on
                self.not_seen = unseen
                self._show(select)
            return
        self._read = None
        profiles = self.ctx.config.profiles
        with _collector_paused():
            try:
                summaries = self.ctx.store.clients(
                    include_archived=self.show_archived, recent=recent_needed(profiles)
                )
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                # Never "No clients yet" over records that are there but could not be read.
                self.entries = []
                self._summaries = []
                self.query_one("#caseload-empty", Static).update(
                    Text(f"The caseload could not be read. {error}")
                )
                self.query_one("#caseload-empty").display = True
                self.query_one("#clients", RowTable).display = False
                return
            self.query_one("#caseload-empty", Static).update(NO_CLIENTS)
            self._read, self._summaries = key, summaries
            self.entries = triage(summaries, profiles)
            self.not_seen = not_seen(summaries, self.ctx.clock(), self.ctx.config.not_seen_weeks)
            self._show(select)

    def _show(self, select: str | None = None) -> None:
        table = self.query_one("#clients", RowTable)
        query = self.query_one("#filter", Input).value
        shown = matching(self.entries, query) if query.strip() else self.entries
        unseen = self.not_seen
        if self.only_not_seen:
            shown = [entry for entry in shown if entry.summary.client.id in unseen]
        rows = [ClientRow(entry, unseen.get(entry.summary.client.id)) for entry in shown]
        # The widest cell of each column, from the aliases alone: no row is drawn unseen.
        alias_width = max((cell_len(row.entry.summary.client.alias) for row in rows), default=0)
        outcome_width = max((len(row.entry.outcome or "") for row in rows), default=0)
        table.set_rows(
            rows, keep=select, widths=(min(alias_width, 30), 10, 5, 5, 8, outcome_width, 0)
        )
        self._count_line(len(shown), query)
        empty = not self.entries
        self.query_one("#caseload-empty").display = empty
        table.display = not empty

    def _count_line(self, shown: int, query: str) -> None:
        total = len(self.entries)
        attention = sum(entry.needs_attention for entry in self.entries)
        line = Text(no_wrap=True)
        line.append(f"{total} client{'s' if total != 1 else ''}")
        if self.show_archived:
            line.append(" (archived shown)")
        line.append("  ·  ")
        if attention:
            line.append(
                f"▲ {attention} client{'s' if attention != 1 else ''} need"
                f"{'s' if attention == 1 else ''} attention",
                style="bold",
            )
        else:
            line.append("no alerts")
        self._not_seen_part(line)
        if query.strip():
            line.append(f"  ·  {shown} match the filter")
        self.query_one("#caseload-count", Static).update(line)

    def _not_seen_part(self, line: Text) -> None:
        """How many clients in care were not seen lately: a part of the count line of its own,
        apart from the alerts (an absence raises none)."""
        weeks = self.ctx.config.not_seen_weeks
        if not weeks:
            return
        count = len(self.not_seen)
        if count:
            line.append("  ·  ")
            line.append(f"{count} not seen for {weeks}+ weeks", style="bold")
        elif self.only_not_seen:
            line.append("  ·  none not seen lately")

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._show()
        self.query_one("#clients", RowTable).move_cursor(0)

    def action_filter(self) -> None:
        """Type to filter the caseload by alias."""
        field = self.query_one("#filter", Input)
        if self.focused is field:
            raise SkipAction  # a "/" typed in the filter is part of an alias
        # Focused now (a priority key's action runs before the next key is passed on), not
        # after the keys already queued as Widget.focus() would: "/xa" typed fast, or pasted,
        # archived a client (x) and opened Add (a).
        self.set_focus(field)

    def action_clear_filter(self) -> None:
        """Clear the filter and go back to the list."""
        field = self.query_one("#filter", Input)
        field.value = ""
        self.set_focus(self.query_one("#clients", RowTable))  # at once, as in action_filter

    def _selected_id(self) -> str | None:
        return self.query_one("#clients", RowTable).cursor_key

    def selected_client(self) -> Client | None:
        """The client under the cursor, for actions that need one."""
        return self._selected_client()

    def _selected_client(self) -> Client | None:
        client_id = self._selected_id()
        if client_id is None:
            self.notify("No client here: press a to add one.", markup=False)
            return None
        try:
            return self.ctx.store.client(client_id)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return None

    def action_add_client(self) -> None:
        """Ask for an alias and add the client."""

        def added(client: Client | None) -> None:
            if client is not None:
                self.query_one("#filter", Input).value = ""
                self.refresh_clients(select=client.id)

        from srs_tui.screens.add_client import AddClientScreen

        self.app.push_screen(AddClientScreen(self.ctx), added)

    def action_edit_client(self) -> None:
        """Change the alias, language or name for sharing of the client under the cursor."""
        client = self._selected_client()
        if client is None:
            return

        def edited(saved: Client | None) -> None:
            if saved is not None:
                self.refresh_clients(select=saved.id)

        from srs_tui.screens.add_client import AddClientScreen

        self.app.push_screen(AddClientScreen(self.ctx, client), edited)

    @on(RowTable.Selected, "#clients")
    def _row_chosen(self) -> None:
        self.action_history()

    def action_history(self) -> None:
        """Open the history of the client under the cursor."""
        client = self._selected_client()
        if client is None:
            return
        from srs_tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.ctx, client))

    def action_rate(self) -> None:
        """Open the rating screen for the client under the cursor."""
        client = self._selected_client()
        if client is None:
            return
        from srs_tui.screens.navigation import open_rating

        open_rating(self.app, self.ctx, client)

    def action_archive(self) -> None:
        """Archive the client under the cursor (nothing is deleted), or bring them back.

        At once, without a question: it is undone with one key (u), and nothing is lost
        either way; a question on every archive would be answered without reading."""
        client = self._selected_client()
        if client is None:
            return
        archive = client.archived_at is None
        if not self._set_archived(client, archive):
            return
        self._undo_archive = client
        self.refresh_clients()
        if archive:
            said = f"{client.alias} archived. u to undo; z shows archived clients."
        else:
            said = f"{client.alias} is back in the caseload. u to undo."
        self.notify(said, markup=False, timeout=10)

    def action_undo_archive(self) -> None:
        """Put the client last archived (or brought back) as they were."""
        before = self._undo_archive
        if before is None:
            self.notify("Nothing to undo: x archives the client under the cursor.", markup=False)
            return
        if not self._set_archived(before, before.archived_at is not None):
            return
        self._undo_archive = None
        self.refresh_clients(select=before.id)
        where = "back in the caseload" if before.archived_at is None else "archived again"
        self.notify(f"Undone: {before.alias} is {where}.", markup=False)

    def _set_archived(self, client: Client, archived: bool) -> bool:
        try:
            self.ctx.store.set_archived(client.id, archived, now=self.ctx.clock())
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        return True

    def action_toggle_not_seen(self) -> None:
        """List only the clients in care not seen lately, or everyone again."""
        weeks = self.ctx.config.not_seen_weeks
        if not weeks:
            self.notify(
                "Not seen lately is turned off ([caseload] not_seen_weeks = 0).", markup=False
            )
            return
        self.only_not_seen = not self.only_not_seen
        # Said in the header, where the count line's end may be cut off at 80 columns.
        self.sub_title = "Caseload: not seen lately" if self.only_not_seen else "Caseload"
        self._show()

    def action_toggle_archived(self) -> None:
        """Show or hide archived clients."""
        self.show_archived = not self.show_archived
        self.refresh_clients()

    def action_erase(self) -> None:
        """Erase the client under the cursor, once the alias is typed again."""
        client = self._selected_client()
        if client is None:
            return
        from srs_tui.screens.erase import EraseScreen

        def confirmed(erase: bool | None) -> None:
            if not erase or client is None:
                return
            try:
                emptied = self.ctx.store.erase_client(client.id, now=self.ctx.clock())
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.refresh_clients()
            self._after_erase(client, wal_emptied=emptied)

        self.app.push_screen(EraseScreen(client), confirmed)

    def _after_erase(self, client: Client, *, wal_emptied: bool) -> None:
        """Say what still holds the erased client and offer to remove it."""
        from srs_tui.screens.erase import EraseRemainsScreen
        from srs_tui.store.erasure import find_remains

        try:
            remains = find_remains(self.ctx.store.path, client.id, client.alias)
        except OSError:
            self.notify(
                "Erased. The backups and reports folders could not be searched (permissions?).",
                severity="warning",
            )
            return
        if remains.nothing and wal_emptied:
            self.notify(
                "Erased. Only the date of the erasure is kept; no backup or report holds it."
            )
            return

        def answered(remove: bool | None) -> None:
            if not remove:
                self.notify("Erased. The backups and reports were left as they are.")
                return
            self.run_worker(
                lambda: self._remove_remains(remains, client.id),
                thread=True,
                exit_on_error=False,
                group="erase-remains",
            )

        self.app.push_screen(EraseRemainsScreen(remains, wal_emptied=wal_emptied), answered)

    def _remove_remains(self, remains: Remains, client_id: str) -> None:
        """Off the UI thread: rewriting and vacuuming backups takes a while."""
        from srs_tui.store.erasure import remove_remains
        from srs_tui.store.records import timestamp

        done = remove_remains(remains, client_id, timestamp(self.ctx.clock()))
        text = (
            f"Erased from {len(done.erased_from)} backup(s); {len(done.deleted)} report(s) deleted."
        )
        if done.failed:
            # File names only (dates, never client data); the reasons stay off the screen.
            names = ", ".join(path.name for path in done.failed)
            text += f" Not changed (open elsewhere, read-only or damaged?): {names}."
        self.app.call_from_thread(
            self.notify, text, severity="warning" if done.failures else "information", markup=False
        )

    def action_passphrase(self) -> None:
        """Set or remove the passphrase that lifts the idle lock."""
        path = self.ctx.passphrase_file
        if path is None:
            self.notify("No place to keep a passphrase in this session.", markup=False)
            return
        from srs_tui.screens.passphrase import PassphraseScreen

        def done(result: str | None) -> None:
            if result == "set":
                self.notify("Passphrase set: the idle lock now asks for it.")
            elif result == "removed":
                self.notify("Passphrase removed: any key lifts the idle lock.")

        self.app.push_screen(PassphraseScreen(path), done)

    def action_rules(self) -> None:
        """Show the alert rules with their thresholds and sources."""
        from srs_tui.screens.rules import RulesScreen

        self.app.push_screen(RulesScreen(self.ctx.config.profiles))
