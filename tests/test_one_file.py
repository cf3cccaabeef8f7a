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
from srs_tui.exchange.backup import backup, daily_backup, encrypted_backup
from srs_tui.exchange.restore import restore
from srs_tui.measures import Scores
from srs_tui.store import Store, StoreError
from srs_tui.store.health import health

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")


def save(store: Store, client_id: str, value: int = 50) -> None:
    store.record(
        client_id,
        Scores.srs(value, 50, 50, 50),
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


def test_no_new_database_beside_the_log_of_a_deleted_one(tmp_path: Path) -> None:
    """The database deleted while a window has it open: a second window must not make a new
    file that would share the first one's write-ahead log (each would lose the other's saves)."""
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)
        save(store, client.id)
        db.unlink()
        result = run_cli("--db", str(db), "--client", "Bob", home=tmp_path)
        assert result.returncode == 1
        assert "still hold the deleted database" in result.stderr
        assert not db.exists()
        with pytest.raises(StoreError, match="moved, replaced or deleted"):
            save(store, client.id)


async def test_a_window_lets_go_of_a_replaced_file_and_keeps_what_it_saw(tmp_path: Path) -> None:
    from conftest import build_app, screen_text

    db = tmp_path / "srs.db"
    other = tmp_path / "other.db"
    with Store.open(other) as elsewhere:
        elsewhere.add_client("Zed", now=NOW)
    app = build_app(db, "Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        ana = app.ctx.store.find_client("Ana")
        assert ana is not None
        save(app.ctx.store, ana.id, 88)
        os.replace(other, db)  # a sync tool, or a restore by hand, puts another file there
        app.check_database_file()  # as its timer does, every second
        await pilot.pause()
        assert app.ctx.store.abandoned
        messages = [str(n.message) for n in app._notifications]
        assert any("deleted or replaced by another program" in m for m in messages)
        with pytest.raises(StoreError, match="moved, replaced or deleted"):
            save(app.ctx.store, ana.id)
        # The window still reads what it had: its history, a new rating screen, no crash.
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "1 session" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert app.crash is None
    # What the window had saved is kept; the file now at the path is whole and its own.
    (rescued,) = tmp_path.glob("srs.db.rescued-*")
    with Store.open(rescued) as kept:
        found = kept.find_client("Ana")
        assert found is not None
        assert kept.history(found.id)[0].scores.as_dict()["relationship"] == 88
    assert health(db).problems == []
    with Store.open(db) as now_there:
        assert [s.client.alias for s in now_there.clients()] == ["Zed"]


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from srs_tui.measures import Scores
    from srs_tui.store import Store, StoreError

    now = datetime(2026, 12, 1, 14, 5, tzinfo=timezone.utc)
    with Store.open(Path(sys.argv[1])) as store:
        client = store.get_or_add_client("Writer", now=now)
        while True:
            try:
                saved = store.record(client.id, Scores.srs(50, 50, 50, 50), administered_at=now,
                                     mode="oral", setting="telehealth", now=now)
            except StoreError:
                client = store.get_or_add_client("Writer", now=now)
                continue
            print(saved.id, flush=True)
    """
)


def test_no_save_is_lost_between_the_copy_aside_and_the_restore(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        for number in range(300):
            client = store.add_client(f"C{number}", now=NOW)
            save(store, client.id)
    backup(db, tmp_path / "then.db")
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        writer.stdout.readline()  # saving has begun
        restored = restore(tmp_path / "then.db", db, NOW)
        writer.stdout.readline()  # and goes on after the restore
    finally:
        writer.kill()
        out, _ = writer.communicate()
    acknowledged = set(out.split())
    assert restored.aside is not None
    found: set[str] = set()
    for path in (db, restored.aside):
        conn = sqlite3.connect(path)
        found |= {row[0] for row in conn.execute("SELECT id FROM administrations")}
        conn.close()
    # Every save the writer was told had succeeded is in the restored file or in the copy aside.
    assert acknowledged - found == set()


def test_a_backup_with_another_page_size_restores(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        save(store, store.add_client("Ana", now=NOW).id)
    small = tmp_path / "small.db"
    backup(db, small)
    conn = sqlite3.connect(small)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 1024
    conn.close()
    with Store.open(db) as store:
        store.add_client("Bea", now=NOW)
    result = run_cli("--db", str(db), "restore", str(small), home=tmp_path)
    assert result.returncode == 0, result.stderr
    with Store.open(db) as store:
        assert [s.client.alias for s in store.clients()] == ["Ana"]


def test_two_restores_in_one_second_keep_both_copies_aside(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        save(store, store.add_client("Ana", now=NOW).id)
    backup(db, tmp_path / "copy.db")
    first = restore(tmp_path / "copy.db", db, NOW)
    second = restore(tmp_path / "copy.db", db, NOW)
    assert first.aside is not None
    assert second.aside is not None
    assert first.aside != second.aside


def damage(db: Path) -> None:
    """Overwrite one b-tree page of the administrations table with noise, as a bad disk does."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute(
        "SELECT rootpage FROM sqlite_schema WHERE name = 'administrations'"
    ).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as handle:  # no connection to it is open here now
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size)


def test_a_damaged_database_can_be_restored_over(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)
        for _ in range(30):
            save(store, client.id)
    backup(db, tmp_path / "good.db")
    damage(db)
    assert health(db).problems
    result = run_cli("--db", str(db), "restore", str(tmp_path / "good.db"), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "damaged" in result.stdout
    assert health(db).problems == []
    assert sessions_seen_elsewhere(db) == 30


async def test_the_app_says_when_its_database_is_damaged(tmp_path: Path) -> None:
    from conftest import build_app

    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)
        for _ in range(30):
            save(store, client.id)
    damage(db)
    app = build_app(db, daily_backup=True)  # the day's backup reads every page
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            messages = [str(n.message) for n in app._notifications]
            if any("may be damaged" in m for m in messages):
                break
        assert any("Run srs-tui check now" in m for m in messages)
