"""The caseload's cost keeps its shape: one statement whatever the number of clients, one read
on opening, none on a return that changed nothing, and cells made only for the rows drawn."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caseload_data import seen
from conftest import build_app, screen_text
from srs_tui.app import SrsApp
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable

SIZE = (100, 36)


@contextmanager
def statements(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Every statement the connection runs meanwhile."""
    ran: list[str] = []
    conn.set_trace_callback(ran.append)
    try:
        yield ran
    finally:
        conn.set_trace_callback(None)


def caseload_reads(ran: list[str]) -> int:
    """How many of these statements read the caseload: its kept rows, or (where they cannot
    serve) the rows computed from the records."""
    return sum(
        "LEFT JOIN client_summaries" in statement or "group_concat(total)" in statement
        for statement in ran
    )


def fill(store: Store, first: int, count: int) -> None:
    """count clients more, each seen four times with both measures."""
    for number in range(first, first + count):
        seen(store, f"C{number:03d}", [200, 220, 250, 260], [330, 350, 360, 380])


def test_the_caseload_is_one_statement_whatever_the_number_of_clients(db_path: Path) -> None:
    with Store.open(db_path) as store:
        counts = []
        for first, more in ((0, 2), (2, 40)):
            fill(store, first, more)
            with statements(store._conn) as ran:
                summaries = store.clients(recent=6)
            counts.append(len(ran))
            # The kept rows, not a walk of every client's sessions.
            assert "LEFT JOIN client_summaries" in ran[0]
            assert "group_concat" not in ran[0]
            assert len(summaries) == first + more
            assert all(len(summary.totals) == 4 for summary in summaries)
        assert counts == [1, 1]


async def test_a_return_that_changed_nothing_reads_nothing(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        conn = app.ctx.store._conn
        with statements(conn) as ran:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert caseload_reads(ran) == 0
        # Another window adds a client: the next return reads again, and shows them.
        with Store.open(demo_db) as other:
            other.add_client("Zed", now=app.ctx.clock())
        with statements(conn) as ran:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        assert caseload_reads(ran) == 1
        assert "Zed" in screen_text(app)


async def test_adding_a_client_reads_the_caseload_once(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        with statements(app.ctx.store._conn) as ran:
            await pilot.press("a")
            assert isinstance(app.screen, AddClientScreen)
            await pilot.press(*"X-17", "enter")
            await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert "X-17" in screen_text(app)
        assert caseload_reads(ran) == 1


async def test_archiving_reads_the_caseload_once(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        with statements(app.ctx.store._conn) as ran:
            await pilot.press("x")
            await pilot.pause()
        assert caseload_reads(ran) == 1


def drawn(app: SrsApp) -> tuple[int, int, int]:
    """The table's rows, how many had their cells made, and its height."""
    table = app.screen.query_one("#clients", RowTable)
    made = sum(row._cells is not None for row in table.rows)  # type: ignore[attr-defined]
    return table.row_count, made, table.size.height


async def test_only_the_rows_on_screen_have_their_cells_made(db_path: Path) -> None:
    with Store.open(db_path) as store:
        fill(store, 0, 60)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows, made, height = drawn(app)
        assert rows == 60
        assert 0 < made <= height
