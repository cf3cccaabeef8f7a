"""The database file is only ever opened through SQLite, and a save is never confirmed into a
file that is no longer the database.

Closing any descriptor of a file drops every POSIX lock the process holds on it: one Python
`open()` of the live database (to read its header, in the daily backup) let the next process
that closed its connection delete the write-ahead log under the running app. Saves shown as
saved were then lost. These tests use real processes on one file.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import NOW, cli_env, run_cli
from srs_tui.measures import Scores
from srs_tui.store import Store, StoreError
from srs_tui.store.backup import backup, daily_backup, encrypted_backup, health, restore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")


def save(store: Store, client_id: str, value: int = 50) -> None:
    store.record(
        client_id,
        Scores(value, 50, 50, 50),
        administered_at=NOW,
        mode="oral",
        setting="telehealth",
        now=NOW,
    )


def open_and_close_elsewhere(db: Path) -> None:
    """What `srs-tui export` or a second window does: open a connection, read, close."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM clients').fetchall(); c.close()",
            str(db),
        ],
        check=True,
        timeout=60,
    )


def sessions_seen_elsewhere(db: Path) -> int:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "print(c.execute('SELECT count(*) FROM administrations').fetchone()[0])",
            str(db),
        ],
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    return int(out.stdout)


def deleted_companions() -> list[str]:
    """This process's open files that have been deleted (Linux's /proc)."""
    fds = Path("/proc/self/fd")
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith("(deleted)") and ("-wal" in target or "-shm" in target):
            found.append(target)
    return found


@pytest.mark.parametrize(
    "work",
    ["daily backup", "backup", "encrypted backup", "check", "restore"],
)
def test_work_beside_an_open_store_keeps_its_locks(tmp_path: Path, work: str) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)
        save(store, client.id)
        # What the app does beside its own connection, then what another process does.
        if work == "daily backup":
            daily_backup(db, tmp_path / "backups", NOW, keep=7)
        elif work == "backup":
            backup(db, tmp_path / "copy.db")
        elif work == "encrypted backup":
            encrypted_backup(db, tmp_path / "copy.enc", "correct horse battery")
        elif work == "check":
            assert health(db).problems == []
        else:
            backup(db, tmp_path / "copy.db")
            restore(tmp_path / "copy.db", db, NOW)
        open_and_close_elsewhere(db)
        if Path("/proc/self/fd").exists():
            assert deleted_companions() == []
        save(store, client.id, 77)
        # Acknowledged: another process must see it, and it must survive this one's end.
        assert sessions_seen_elsewhere(db) == 2
    assert sessions_seen_elsewhere(db) == 2


AUDIT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    db = os.path.abspath(sys.argv[1])
    watched = {db, db + "-wal", db + "-shm", db + "-journal"}
    opened = []

    def hook(event, args):
        if event in ("open", "os.open") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if os.path.abspath(path) in watched:
                opened.append(path)

    from srs_tui.__main__ import main
    sys.addaudithook(hook)
    code = main(sys.argv[2:])
    if opened:
        print("OPENED", *opened, file=sys.stderr)
        sys.exit(99)
    sys.exit(code)
    """
)


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("export",),
        ("export", "--format", "json"),
        ("backup",),
        ("backup", "--encrypt"),
        ("report", "--client", "Ana", "-o", "REPORT"),
        ("erase", "Bea", "--yes"),
        ("restore", "BACKUP"),
        ("import", "CSV"),
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_no_command_opens_the_database_file_but_through_sqlite(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    db = tmp_path / "data" / "srs-tui" / "srs-tui.db"
    with Store.open(db, create_parents=True) as store:
        client = store.add_client("Ana", now=NOW)
        store.add_client("Bea", now=NOW)
        save(store, client.id)
    run_cli("--db", str(db), "backup", "--to", str(tmp_path / "b.db"), home=tmp_path)
    (tmp_path / "in.csv").write_text(
        "client,date,relationship,goals,approach,overall\nCy,2026-11-02,9,9,9,9\n",
        encoding="utf-8",
    )
    args = [
        {"REPORT": str(tmp_path / "r.html"), "BACKUP": str(tmp_path / "b.db")}.get(a, a)
        for a in command
    ]
    args = [str(tmp_path / "in.csv") if a == "CSV" else a for a in args]
    script = tmp_path / "audited.py"
    script.write_text(AUDIT, encoding="utf-8")
    env = cli_env(tmp_path, SRS_TUI_PASSPHRASE="correct horse battery")
    result = subprocess.run(
        [sys.executable, str(script), str(db), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "OPENED" not in result.stderr
    assert result.returncode == 0, result.stderr


def test_a_save_into_a_deleted_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)
        save(store, client.id)
        for name in ("srs.db", "srs.db-wal", "srs.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        with pytest.raises(StoreError, match="moved, replaced or deleted"):
            save(store, client.id)


def test_a_save_into_a_replaced_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    other = tmp_path / "other.db"
    with Store.open(other) as elsewhere:
        elsewhere.add_client("Ana", now=NOW)
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)
        os.replace(other, db)  # another program puts another file where the database was
        with pytest.raises(StoreError, match="moved, replaced or deleted"):
            save(store, client.id)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM administrations").fetchone()[0] == 0
    conn.close()


def test_restore_while_a_window_is_open_reaches_that_window(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=NOW)
        save(store, ana.id)
        backup(db, tmp_path / "then.db")
        save(store, ana.id, 10)
        result = run_cli("--db", str(db), "restore", str(tmp_path / "then.db"), home=tmp_path)
        assert result.returncode == 0, result.stderr
        # The open window sees the restored records, and goes on saving into the same file.
        assert len(store.history(ana.id)) == 1
        save(store, ana.id, 90)
        assert sessions_seen_elsewhere(db) == 2
        if Path("/proc/self/fd").exists():
            assert deleted_companions() == []
    assert sessions_seen_elsewhere(db) == 2
    assert health(db).problems == []
