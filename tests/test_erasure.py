"""What an erase leaves behind: the backups, the copies a restore keeps, the reports, the WAL.

Real files in tmp_path, the command line in real processes, the app through Pilot.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from conftest import NOW, build_app, run_cli
from srs_tui.config import Config
from srs_tui.exchange.backup import backup, encrypted_backup
from srs_tui.exchange.report import report_html
from srs_tui.store import Store

BLAKE = "Blake (demo)"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def client_id(db: Path, alias: str) -> str:
    with Store.open(db) as store:
        client = store.find_client(alias)
        assert client is not None
        return client.id


def rows_of(db: Path, client: str) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(
            conn.execute(
                "SELECT (SELECT count(*) FROM clients WHERE id = ?) "
                "+ (SELECT count(*) FROM sessions WHERE client_id = ?)",
                (client, client),
            ).fetchone()[0]
        )
    finally:
        conn.close()


def counts(db: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return (
            conn.execute("SELECT count(*) FROM clients").fetchone()[0],
            conn.execute("SELECT count(*) FROM administrations").fetchone()[0],
            conn.execute("SELECT count(*) FROM audit").fetchone()[0],
        )
    finally:
        conn.close()


class Folder:
    """A data folder as a therapist's looks after some months: every kind of copy."""

    def __init__(self, db: Path) -> None:
        self.db = db
        backups = db.parent / "backups"
        reports = db.parent / "reports"
        reports.mkdir(mode=0o700)
        self.daily = backup(db, backups / "daily-2026-11-30.db")
        self.manual = backup(db, backups / "srs-tui-2026-11-29-101500.db")
        self.aside = backup(db, db.with_name(f"{db.name}.before-restore-20261128-090000"))
        self.encrypted = encrypted_backup(
            db, backups / "srs-tui-2026-11-29-101600.db.enc", "a long passphrase"
        )
        self.garbage = backups / "srs-tui-2026-11-20-080000.db"
        self.garbage.write_bytes(b"not a database " * 100)
        # A backup from before the client came: it does not hold them.
        other = db.parent / "other.db"
        with Store.open(other) as store:
            store.add_client("Ana", now=NOW)
        self.without = backup(other, backups / "daily-2026-11-01.db")
        other.unlink()
        with Store.open(db) as store:
            blake = store.find_client(BLAKE)
            casey = store.find_client("Casey (demo)")
            assert blake is not None
            assert casey is not None
            self.report = reports / "srs-tui-report-2026-11-30-120000.html"
            self.report.write_text(report_html(blake, store.history(blake.id), _T, NOW))
            self.casey_report = reports / "srs-tui-report-2026-11-30-120100.html"
            self.casey_report.write_text(report_html(casey, store.history(casey.id), _T, NOW))
        # Written before reports carried the client's id: found by its heading.
        self.old_report = reports / "srs-tui-report-2026-10-01-120000.html"
        self.old_report.write_text(
            "<!DOCTYPE html>\n<html><head><title>SRS report</title></head><body>"
            "<h1>Session Rating Scale: blake (demo)</h1></body></html>\n"
        )
        self.old_other = reports / "srs-tui-report-2026-10-01-120100.html"
        self.old_other.write_text("<html><h1>Session Rating Scale: Blake (demo) 2</h1></html>\n")

    def files(self) -> list[Path]:
        return sorted(path for path in self.db.parent.rglob("*") if path.is_file())


_T = Config().profiles


@pytest.fixture
def folder(demo_db: Path) -> Folder:
    return Folder(demo_db)


def test_erase_says_which_backups_and_reports_still_hold_the_client(
    folder: Folder, tmp_path: Path
) -> None:
    before = {path: digest(path) for path in folder.files() if path != folder.db}
    # The alias typed again, then no answer to the offer: nothing more is removed.
    result = run_cli("--db", str(folder.db), "erase", BLAKE, stdin=f"{BLAKE}\n", home=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    listed = {line.strip() for line in out.splitlines()}
    for path in (folder.daily, folder.manual, folder.aside):
        assert str(path) in listed
    assert "plain backups with their records (3):" in out
    assert f"encrypted backups, which may hold them (1):\n    {folder.encrypted}\n" in out
    assert "cannot be read without their passphrase" in out
    unchecked = "could not be checked (not a readable srs-tui database)"
    assert f"{unchecked} (1):\n    {folder.garbage}" in out
    assert f"reports about them (2):\n    {folder.old_report}\n    {folder.report}\n" in out
    for path in (folder.without, folder.casey_report, folder.old_other):
        assert str(path) not in out
    assert "[y/N]" in out
    assert "left as they are" in out
    # Nothing but the live database changed.
    assert {path: digest(path) for path in folder.files() if path != folder.db} == before


def test_agreeing_erases_the_client_inside_each_backup_and_deletes_their_reports(
    folder: Folder, tmp_path: Path
) -> None:
    blake = client_id(folder.db, BLAKE)
    holding = (folder.daily, folder.manual, folder.aside)
    before = {path: counts(path) for path in holding}
    untouched = {
        path: digest(path)
        for path in (folder.encrypted, folder.garbage, folder.without, folder.casey_report)
    }
    result = run_cli("--db", str(folder.db), "erase", BLAKE, stdin=f"{BLAKE}\ny\n", home=tmp_path)
    assert result.returncode == 0, result.stderr
    for path in holding:
        assert f"erased from {path}" in result.stdout
        assert rows_of(path, blake) == 0
        clients, sessions, audit = counts(path)
        # Only this client's rows went; the audit says when, and nothing more.
        assert (clients, sessions, audit) == (
            before[path][0] - 1,
            before[path][1] - 10,  # 5 sessions, each an ORS and an SRS
            before[path][2] + 1,
        )
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        finally:
            conn.close()
        # VACUUM left no freed page with the alias in it, and no journal beside the file.
        assert b"Blake" not in path.read_bytes()
        for suffix in ("-journal", "-wal", "-shm"):
            assert not path.with_name(path.name + suffix).exists()
    for path in (folder.report, folder.old_report):
        assert not path.exists()
        assert f"deleted {path}" in result.stdout
    assert {path: digest(path) for path in untouched} == untouched
    # A backup cleaned this way still restores, without the client.
    restored = run_cli("--db", str(folder.db), "restore", str(folder.daily), home=tmp_path)
    assert restored.returncode == 0, restored.stderr
    with Store.open(folder.db) as store:
        assert store.find_client(BLAKE) is None
        assert store.find_client("Casey (demo)") is not None


def test_yes_alone_lists_but_changes_no_backup_and_purge_copies_removes_unasked(
    folder: Folder, tmp_path: Path
) -> None:
    blake = client_id(folder.db, BLAKE)
    before = digest(folder.daily)
    listed = run_cli("--db", str(folder.db), "erase", BLAKE, "--yes", home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert str(folder.daily) in listed.stdout
    assert "erase with --yes --purge-copies" in listed.stdout
    assert "[y/N]" not in listed.stdout
    assert digest(folder.daily) == before
    assert folder.report.exists()

    casey = client_id(folder.db, "Casey (demo)")
    purged = run_cli(
        "--db", str(folder.db), "erase", "Casey (demo)", "--yes", "--purge-copies", home=tmp_path
    )
    assert purged.returncode == 0, purged.stderr
    assert "[y/N]" not in purged.stdout
    assert rows_of(folder.daily, casey) == 0
    assert not folder.casey_report.exists()
    # The client erased with --yes alone is still in the backups: only asked-for copies go.
    assert rows_of(folder.daily, blake) == 6
    assert folder.report.exists()


def test_the_write_ahead_log_is_emptied_after_an_erase(demo_db: Path) -> None:
    wal = demo_db.with_name(demo_db.name + "-wal")
    with Store.open(demo_db) as store:
        blake = store.find_client(BLAKE)
        assert blake is not None
        store.set_note(store.history(blake.id)[0].id, "a note", now=NOW)
        assert wal.stat().st_size > 0  # the pages as they were, the client's among them
        assert store.erase_client(blake.id, now=NOW) is True
        # Still open, so SQLite's own checkpoint at close has not happened: the erase did it.
        assert wal.stat().st_size == 0


def test_a_reader_in_another_window_is_reported_not_hidden(demo_db: Path, tmp_path: Path) -> None:
    reader = sqlite3.connect(demo_db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM administrations").fetchone()
        result = run_cli("--db", str(demo_db), "erase", BLAKE, "--yes", home=tmp_path, stdin="")
    finally:
        reader.close()
    assert result.returncode == 0, result.stderr
    assert "could not be emptied" in result.stdout
    assert "truncated" not in result.stdout


def test_new_reports_carry_the_client_id(demo_db: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    made = run_cli(
        "--db", str(demo_db), "report", "--client", BLAKE, "-o", str(output), home=tmp_path
    )
    assert made.returncode == 0, made.stderr
    tag = f'<meta name="srs-tui-client" content="{client_id(demo_db, BLAKE)}">'
    assert tag in output.read_text()


def test_a_backup_with_a_planted_trigger_is_not_checked_or_changed(
    demo_db: Path, tmp_path: Path
) -> None:
    planted = backup(demo_db, demo_db.parent / "backups" / "daily-2026-11-30.db")
    conn = sqlite3.connect(planted)
    conn.execute("CREATE TRIGGER t AFTER DELETE ON administrations BEGIN DELETE FROM clients; END")
    conn.commit()
    conn.close()
    before = digest(planted)
    result = run_cli("--db", str(demo_db), "erase", BLAKE, "--yes", "--purge-copies", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"could not be checked (not a readable srs-tui database) (1):\n    {planted}" in (
        result.stdout
    )
    assert digest(planted) == before


async def test_the_app_offers_to_remove_what_remains_after_an_erase(demo_db: Path) -> None:
    from textual.pilot import Pilot
    from textual.widgets import Button, Input, Static

    from srs_tui.screens.erase import EraseRemainsScreen, EraseScreen

    with Store.open(demo_db) as store:
        aliases = [summary.client.alias for summary in store.clients(include_archived=True)]

    async def erase_selected(pilot: Pilot[object]) -> str:
        client = pilot.app.screen.selected_client()  # type: ignore[attr-defined]
        await pilot.press("ctrl+x")
        assert isinstance(pilot.app.screen, EraseScreen)
        pilot.app.screen.query_one("#confirm-alias", Input).value = client.alias
        pilot.app.screen.query_one("#confirm-alias", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        return str(client.id)

    def dialog_text(screen: object) -> str:
        # The dialog's own lines: the caseload shows through around a modal.
        assert isinstance(screen, EraseRemainsScreen)
        return "\n".join(str(widget.render()) for widget in screen.query(Static))

    app = build_app(demo_db, daily_backup=True)
    daily = demo_db.parent / "backups" / f"daily-{NOW.strftime('%Y-%m-%d')}.db"
    reports = demo_db.parent / "reports"
    async with app.run_test(size=(100, 36)) as pilot:
        await app.workers.wait_for_complete()  # the day's backup, made on start
        await pilot.pause()
        assert daily.exists()
        # A report on the first client: the dialog, its written note, then back to the caseload.
        await pilot.press("enter", "p", "enter", "escape", "escape")
        await pilot.pause()
        first = await erase_selected(pilot)
        assert isinstance(app.screen, EraseRemainsScreen)
        text = dialog_text(app.screen)
        assert "1 plain backup holds this client's records." in text
        assert "1 report is about this client." in text
        # Counts, not names: no client's alias on this dialog, the erased one's included.
        for alias in aliases:
            assert alias not in text
        await pilot.press("escape")  # keep them
        await pilot.pause()
        assert not isinstance(app.screen, EraseRemainsScreen)
        assert rows_of(daily, first) > 0
        assert len(list(reports.iterdir())) == 1

        second = await erase_selected(pilot)
        assert isinstance(app.screen, EraseRemainsScreen)
        assert "report is" not in dialog_text(app.screen)
        app.screen.query_one("#remove", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert rows_of(daily, second) == 0
        assert rows_of(daily, first) > 0  # kept, as chosen
        assert len(list(reports.iterdir())) == 1


def test_an_old_report_of_another_client_whose_alias_differs_beyond_ascii_case_is_kept(
    tmp_path: Path,
) -> None:
    from srs_tui.store.erasure import find_remains

    # "Ä" and "ä" are two clients to the store (NOCASE folds ASCII letters only): erasing one
    # never finds, nor deletes, the other's report from before reports carried an id.
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        upper = store.add_client("Ä", now=NOW)
        store.add_client("ä", now=NOW)
    reports = tmp_path / "reports"
    reports.mkdir()
    theirs = reports / "srs-tui-report-2026-10-01-120000.html"
    theirs.write_text("<html><h1>Session Rating Scale: &auml;</h1></html>\n")
    mine = reports / "srs-tui-report-2026-10-01-120100.html"
    mine.write_text("<html><h1>Session Rating Scale: &Auml;</h1></html>\n")
    assert find_remains(db, upper.id, "Ä").reports == (mine,)
