"""`srs-tui check` runs SQLite's quick_check and says so; `check --full` its whole
integrity_check, which also finds an index that no longer matches its table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import run_cli


def stale_index(db: Path) -> None:
    """A session added while the index of sessions in time left it out: every page whole,
    the index short of one row (what a bad disk or a foreign program can leave)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    sql = conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'sessions_in_time'").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_schema SET sql = ? WHERE name = 'sessions_in_time'", (sql[0] + " WHERE 0",)
    )
    conn.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(
        "INSERT INTO sessions (id, episode_id, client_id, held_at, mode, setting, created_at, "
        "updated_at) SELECT '00000000-0000-4000-8000-000000000000', episode_id, client_id, "
        "held_at, mode, setting, created_at, updated_at FROM sessions LIMIT 1"
    )
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_schema SET sql = ? WHERE name = 'sessions_in_time'", sql)
    conn.close()


def test_check_says_it_ran_the_quick_check_and_full_the_whole_one(
    demo_db: Path, tmp_path: Path
) -> None:
    quick = run_cli("--db", str(demo_db), "check", home=tmp_path)
    assert quick.returncode == 0, quick.stderr
    assert "integrity check: ok (quick: every page read; srs-tui check --full" in quick.stdout
    assert "records checked one by one: ok" in quick.stdout
    full = run_cli("--db", str(demo_db), "check", "--full", home=tmp_path)
    assert full.returncode == 0, full.stderr
    assert "integrity check: ok (full: every page read, each index matched" in full.stdout
    # Everything else check reports is the same either way.
    assert [line for line in quick.stdout.splitlines() if "integrity" not in line] == [
        line for line in full.stdout.splitlines() if "integrity" not in line
    ]


def test_only_the_full_check_finds_an_index_that_lost_a_row(demo_db: Path, tmp_path: Path) -> None:
    stale_index(demo_db)
    full = run_cli("--db", str(demo_db), "check", "--full", home=tmp_path)
    assert full.returncode == 1
    assert "integrity check: failed (full" in full.stdout
    assert "the file is damaged; restore a backup" in full.stderr
    assert "Traceback" not in full.stderr
    quick = run_cli("--db", str(demo_db), "check", home=tmp_path)
    # Every page is whole: the quick check passes it, and says the full one goes further.
    assert "integrity check: ok (quick" in quick.stdout
    assert "--full also matches each index to its table" in quick.stdout


def test_check_help_names_both(tmp_path: Path) -> None:
    shown = run_cli("check", "--help", home=tmp_path)
    assert shown.returncode == 0
    assert "--full" in shown.stdout
    assert "quick_check" in shown.stdout


def test_an_id_is_checked_as_parsing_and_writing_it_back_would() -> None:
    import uuid

    from srs_tui.store.verify import _uuid

    made = str(uuid.uuid4())
    values: list[object] = [
        made, made.upper(), made.replace("-", ""), "{" + made + "}", "urn:uuid:" + made,
        made[:-1], made + "0", made[:8] + "_" + made[9:], made[:14] + "g" + made[15:],
        "\u0661" + made[1:], " " + made[1:], made[:35] + "\n", "", None, 7, b"\x00" * 36,
        str(uuid.UUID(int=0)), str(uuid.UUID(int=2**128 - 1)),
    ]  # fmt: skip

    def by_parsing(value: object) -> bool:
        try:
            return isinstance(value, str) and len(value) == 36 and str(uuid.UUID(value)) == value
        except ValueError:
            return False

    assert [_uuid(value) for value in values] == [by_parsing(value) for value in values]
