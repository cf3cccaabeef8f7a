"""The shape of the data commands' work, counted, never timed: SQLite's virtual-machine steps
(a progress handler) for an import of records already stored, and for one client's export
and report. Each must not grow with what else the database holds: a re-import with the rows
stored, one client's export with the other clients."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from conftest import NOW
from srs_tui import commands
from srs_tui.config import Config
from srs_tui.exchange.export import export_json, item_column, write_csv, write_json
from srs_tui.exchange.importer import apply, plan_bundle, plan_file
from srs_tui.exchange.report import report_records
from srs_tui.measures import ORS, SRS
from srs_tui.store import Store

T = TypeVar("T")
ANA_ID = "6513270e-269e-4d37-b2a7-4de452e6b438"
# Counted in tens of steps: each call of the handler is a call into Python.
STEP = 10


def counted(conn: sqlite3.Connection, action: Callable[[], T]) -> tuple[T, int]:
    """What action returns, and the virtual-machine steps SQLite ran for it on conn."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += STEP
        return 0

    conn.set_progress_handler(tick, STEP)
    try:
        return action(), steps
    finally:
        conn.set_progress_handler(None, 0)


def sessions_csv(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    """A CSV of (client id, alias, week) rows, each a session with both measures."""
    columns = [item_column(m, key) for m in (ORS, SRS) for key in m.keys]
    lines = [",".join(["client_id", "client", "date", *columns])]
    for client_id, alias, week in rows:
        when = (NOW - timedelta(days=7 * (400 - week))).isoformat()
        lines.append(",".join([client_id, alias, when, *("5.0" for _ in columns)]))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def imported(db: Path, source: Path) -> Store:
    """The database at db, with source imported into it."""
    store = Store.open(db)
    apply(store, plan_file(store, source, NOW))
    return store


def reimport_steps_per_row(tmp_path: Path, history: int, bundle: bool) -> float:
    """The steps per row of importing again (the dry run's plan, then the write) a file of
    one client's history, every row of it already stored."""
    folder = tmp_path / str(history)
    folder.mkdir()
    source = sessions_csv(folder / "ana.csv", [(ANA_ID, "Ana", week) for week in range(history)])
    with imported(folder / "srs.db", source) as store:
        if bundle:
            (client,) = commands._chosen_clients(store, "Ana")
            text = export_json(store, [client], NOW)
            plan, steps = counted(store._conn, lambda: plan_bundle(store, text, NOW))
            rows = 2 * history  # an administration a measure
        else:
            plan, steps = counted(store._conn, lambda: plan_file(store, source, NOW))
            _, written = counted(store._conn, lambda: apply(store, plan))
            steps += written
            rows = history
        assert plan.adding == 0
        assert len(plan.duplicates) + plan.repeated >= 2 * history
    return steps / rows


def test_a_csv_imported_again_costs_the_same_a_row_however_long_the_history(
    tmp_path: Path,
) -> None:
    short = reimport_steps_per_row(tmp_path, 10, bundle=False)
    long = reimport_steps_per_row(tmp_path, 200, bundle=False)
    # Reading the client's history for each row would make it 20 times as much.
    assert long < 1.3 * short


def test_a_bundle_imported_again_costs_the_same_a_row_however_long_the_history(
    tmp_path: Path,
) -> None:
    short = reimport_steps_per_row(tmp_path, 10, bundle=True)
    long = reimport_steps_per_row(tmp_path, 200, bundle=True)
    assert long < 1.3 * short


def one_client(tmp_path: Path, others: int) -> tuple[str, str, int]:
    """Ana's CSV export and report records (as text), and the steps they took, from a
    database that holds other clients besides her."""
    folder = tmp_path / str(others)
    folder.mkdir()
    rows = [(ANA_ID, "Ana", week) for week in range(5)]
    rows += [("", f"Other {number:03d}", week) for number in range(others) for week in range(3)]
    with imported(folder / "srs.db", sessions_csv(folder / "all.csv", rows)) as store:

        def both() -> tuple[str, str]:
            clients = commands._chosen_clients(store, "ana")
            out = io.StringIO(newline="")
            write_csv(store, clients, Config().profiles, out)
            bundle = io.StringIO()
            write_json(store, clients, NOW, bundle)
            records = report_records(store, clients[0].id)
            # The records' own ids are made anew by each import.
            shown = [(a.measure, a.session, a.administered_at, a.scores) for a in records]
            return out.getvalue(), repr(shown)

        (export, report), steps = counted(store._conn, both)
    return export, report, steps


def test_one_clients_export_and_report_read_that_client_alone(tmp_path: Path) -> None:
    export, report, few = one_client(tmp_path, 2)
    same_export, same_report, many = one_client(tmp_path, 150)
    assert export == same_export
    assert report == same_report
    assert export.count("\r\n") == 6  # the header and Ana's five sessions
    # A scan of every client would grow with the 150 others; a search by alias does not.
    assert many < 1.1 * few
