"""A backup's copy is checked before it is kept: whole (a quick_check of every page) and
holding what the source held (every table's rows counted in both, in one snapshot)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from conftest import NOW, run_cli
from srs_tui.measures import Scores
from srs_tui.store import Store
from srs_tui.store.copies import copy_checked, row_counts


def filled(db: Path, sessions: int = 120) -> Path:
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW - timedelta(days=7 * sessions + 1))
        for week in range(sessions):
            store.record(
                client.id,
                Scores.srs(90, 85, 80, 95),
                administered_at=NOW - timedelta(days=7 * (sessions - week)),
                mode="oral",
                setting="telehealth",
                note="a note long enough to fill the pages a little faster " * 3,
                now=NOW,
            )
    return db


def noise_on_page(db: Path, page: int) -> None:
    """One page of the file overwritten with noise, as a bad disk does."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size)


def pages(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def copied(source_db: Path, target: Path) -> tuple[sqlite3.Connection, dict[str, int]]:
    """A copy made as a backup makes it, and the counts of its source."""
    source = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    copy = sqlite3.connect(target, isolation_level=None)
    source.backup(copy)
    held = row_counts(source)
    source.close()
    return copy, held


def test_a_whole_copy_passes(tmp_path: Path) -> None:
    copy, held = copied(filled(tmp_path / "srs.db"), tmp_path / "copy.db")
    assert held["administrations"] == 120
    assert held["clients"] == 1
    assert copy_checked(copy, held) == "ok"
    copy.close()


def test_a_copy_that_lost_a_row_fails(tmp_path: Path) -> None:
    copy, held = copied(filled(tmp_path / "srs.db"), tmp_path / "copy.db")
    copy.execute("PRAGMA foreign_keys = OFF")
    copy.execute("DELETE FROM administrations WHERE rowid = 7")
    assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # whole, but short
    assert copy_checked(copy, held) == "failed"
    copy.close()


def test_a_copy_with_a_damaged_page_fails(tmp_path: Path) -> None:
    copy, held = copied(filled(tmp_path / "srs.db"), tmp_path / "copy.db")
    copy.close()
    target = tmp_path / "copy.db"
    noise_on_page(target, pages(target) // 2)
    again = sqlite3.connect(target)
    assert copy_checked(again, held) == "failed"
    again.close()


def test_a_backup_of_a_damaged_database_is_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    db = filled(tmp_path / "srs.db")
    # A page three quarters in: past the schema's pages (written first), a leaf of a table
    # or an index, not a root; the file still opens, and the copy's check finds the damage.
    noise_on_page(db, pages(db) * 3 // 4)
    target = tmp_path / "backups" / "copy.db"
    result = run_cli("--db", str(db), "backup", "--to", str(target), home=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "nothing was kept" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()
    assert [p.name for p in target.parent.glob("*")] == []


def test_a_backup_is_checked_and_kept(tmp_path: Path) -> None:
    db = filled(tmp_path / "srs.db", sessions=5)
    target = tmp_path / "copy.db"
    result = run_cli("--db", str(db), "backup", "--to", str(target), home=tmp_path)
    assert result.returncode == 0, result.stderr
    with Store.open(target) as store:
        (client,) = [s.client for s in store.clients()]
        assert len(store.history(client.id)) == 5
