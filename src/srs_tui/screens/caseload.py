"""Caseload: the therapist's list of clients. Therapist-only: never share this screen."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from srs_tui.context import AppContext
from srs_tui.measures import format_tenths
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.screens.session_details import DISPLAY_FORMAT
from srs_tui.store import Client, StoreError


class CaseloadScreen(Screen[None]):
    """All active clients; Enter rates the one under the cursor."""

    AUTO_FOCUS = "#clients"

    BINDINGS = [
        Binding("a", "add_client", "Add client", tooltip="Add a client", id="caseload.add"),
        # Priority, so that the footer shows it over the table's own (hidden) Enter.
        Binding(
            "enter",
            "rate",
            "Rate",
            tooltip="Give the SRS to this client",
            id="caseload.rate",
            priority=True,
        ),
        Binding("q", "app.quit", "Quit", tooltip="Quit srs-tui", id="caseload.quit"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sub_title = "Caseload"

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="caseload-count")
        table: DataTable[Text] = DataTable(id="clients", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("No clients yet. Press  a  to add one.", id="caseload-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#clients", DataTable)
        table.add_column("Client", key="alias")
        table.add_column("Sessions", key="sessions")
        table.add_column("Last session", key="last")
        table.add_column("Last total", key="total")
        self.refresh_clients()

    def on_screen_resume(self) -> None:
        self.refresh_clients()

    def refresh_clients(self, select: str | None = None) -> None:
        """Reload the clients from the store, keeping the cursor on the same client."""
        table: DataTable[Text] = self.query_one("#clients", DataTable)
        keep = select or self._selected_id()
        try:
            summaries = self.ctx.store.clients()
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        table.clear()
        for summary in summaries:
            last = summary.last_at.strftime(DISPLAY_FORMAT) if summary.last_at else "–"
            total = format_tenths(summary.last_total) if summary.last_total is not None else "–"
            table.add_row(
                Text(summary.client.alias),
                Text(str(summary.sessions), justify="right"),
                Text(last),
                Text(total, justify="right"),
                key=summary.client.id,
            )
        count = len(summaries)
        self.query_one("#caseload-count", Static).update(
            f"{count} client{'s' if count != 1 else ''}"
        )
        self.query_one("#caseload-empty").display = count == 0
        table.display = count > 0
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))

    def _selected_id(self) -> str | None:
        table: DataTable[Text] = self.query_one("#clients", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value

    def action_add_client(self) -> None:
        """Ask for an alias and add the client."""

        def added(client: Client | None) -> None:
            if client is not None:
                self.refresh_clients(select=client.id)

        self.app.push_screen(AddClientScreen(self.ctx), added)

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_rate()

    def action_rate(self) -> None:
        """Open the rating screen for the client under the cursor."""
        client_id = self._selected_id()
        if client_id is None:
            self.notify("Add a client first: press a.", markup=False)
            return
        from srs_tui.screens.rate import RateScreen

        try:
            client = self.ctx.store.client(client_id)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.push_screen(RateScreen(self.ctx, client))
