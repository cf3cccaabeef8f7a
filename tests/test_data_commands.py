"""export, backup, restore, check and erase, as a user runs them: real processes, real files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import NOW, run_cli
from srs_tui.exchange.export import escape_cell, unescape_cell
from srs_tui.measures import Scores
from srs_tui.store import Store
from srs_tui.store.schema import SCHEMA_VERSION


def srs(*args: str, home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(*args, home=home, stdin=stdin)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_csv_export_has_one_row_per_session_with_alerts(demo_db: Path, tmp_path: Path) -> None:
    result = srs("--db", str(demo_db), "export", "--format", "csv", home=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "client_id", "client", "episode", "session", "date", "rater", "form",
        "ors_individually", "ors_interpersonally", "ors_socially", "ors_overall", "ors_total",
        "srs_relationship", "srs_goals", "srs_approach", "srs_overall", "srs_total",
        "alerts", "mode", "setting", "note",
    ]  # fmt: skip
    # One row per session and rater, whichever measures it holds; the ORS side fires too.
    assert len(rows) == count(demo_db, "(SELECT DISTINCT session_id, rater FROM administrations)")
    blake = [row for row in rows if row["client"] == "Blake (demo)"]
    assert [row["session"] for row in blake] == ["1", "2", "3", "4", "5"]
    last = blake[-1]
    assert last["srs_total"] == "32.8"
    assert "persistent_low" in last["alerts"].split(";")
    assert "below_cutoff" in last["alerts"].split(";")
    shown_ors = [row for row in rows if row["ors_total"]]
    assert shown_ors
    assert any("reliable_deterioration" in row["alerts"] for row in rows)
    assert all(
        len(row[key].split(".")[1]) == 1
        for row in rows
        for key in ("srs_goals", "srs_total")
        if row[key]
    )
    assert last["date"].startswith("2026-11-30T")


def test_cells_a_spreadsheet_would_run_are_escaped(db_path: Path, tmp_path: Path) -> None:
    with Store.open(db_path) as store:
        client = store.add_client("=HYPERLINK(1)", now=NOW)
        store.record(
            client.id, Scores.srs(90, 90, 90, 90), administered_at=NOW, mode="oral",
            setting="telehealth", note="+1 call me", now=NOW,
        )  # fmt: skip
    result = srs("--db", str(db_path), "export", home=tmp_path)
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["client"] == "'=HYPERLINK(1)"
    assert row["note"] == "'+1 call me"
    for text in ("=A1", "+1", "-2", "@x", "\tx", "plain", "'kept"):
        assert unescape_cell(escape_cell(text)) == text


def test_an_export_file_is_private_and_never_overwritten(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    first = srs("--db", str(demo_db), "export", "--format", "json", "-o", str(out), home=tmp_path)
    assert first.returncode == 0, first.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert (bundle["format"], bundle["version"]) == ("srs-tui", 4)
    assert len(bundle["clients"]) == count(demo_db, "clients")
    assert len(bundle["administrations"]) == count(demo_db, "administrations")
    before = digest(out)
    again = srs("--db", str(demo_db), "export", "-o", str(out), home=tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert digest(out) == before
    forced = srs("--db", str(demo_db), "export", "-o", str(out), "--force", home=tmp_path)
    assert forced.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("client_id,client,")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_one_clients_export(demo_db: Path, tmp_path: Path) -> None:
    result = srs("--db", str(demo_db), "export", "--client", "casey (demo)", home=tmp_path)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["client"] for row in rows} == {"Casey (demo)"}
    missing = srs("--db", str(demo_db), "export", "--client", "Nobody", home=tmp_path)
    assert missing.returncode == 1
    assert "No client with that alias" in missing.stderr


def test_backup_and_restore(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    made = srs("--db", str(demo_db), "backup", "--to", str(copy), home=tmp_path)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert count(copy, "administrations") == count(demo_db, "administrations")
    with Store.open(demo_db) as store:
        store.add_client("Added after the backup", now=NOW)
    back = srs("--db", str(demo_db), "restore", str(copy), home=tmp_path)
    assert back.returncode == 0, back.stderr
    assert "kept in" in back.stdout
    with Store.open(demo_db) as store:
        assert store.find_client("Added after the backup") is None
        assert store.find_client("Blake (demo)") is not None
    (aside,) = tmp_path.glob("demo.db.before-restore-*")
    with Store.open(aside) as store:
        assert store.find_client("Added after the backup") is not None


def test_the_default_backup_goes_into_the_backups_folder(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs-tui" / "srs-tui.db"
    db.parent.mkdir(parents=True)
    with Store.open(db) as store:
        store.add_client("Ana", now=NOW)
    made = srs("backup", home=tmp_path)
    assert made.returncode == 0, made.stderr
    (copy,) = (db.parent / "backups").glob("srs-tui-*.db")
    assert count(copy, "clients") == 1


@pytest.mark.parametrize("damage", ["garbage", "flipped"])
def test_a_damaged_backup_is_refused_and_changes_nothing(
    demo_db: Path, tmp_path: Path, damage: str
) -> None:
    copy = tmp_path / "copy.db"
    srs("--db", str(demo_db), "backup", "--to", str(copy), home=tmp_path)
    data = bytearray(copy.read_bytes())
    if damage == "garbage":
        data[:] = b"not a backup at all" * 100
    else:
        data[len(data) // 2] ^= 0xFF  # one flipped byte in a data page
        data[5000] ^= 0xFF
    copy.write_bytes(bytes(data))
    before = digest(demo_db)
    result = srs("--db", str(demo_db), "restore", str(copy), home=tmp_path)
    if damage == "flipped" and result.returncode == 0:
        pytest.skip("the flipped byte fell in unused space of the page")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert digest(demo_db) == before


def test_check_reports_health_and_loose_permissions(demo_db: Path, tmp_path: Path) -> None:
    os.chmod(demo_db.parent, 0o700)
    ok = srs("--db", str(demo_db), "check", home=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "integrity check: ok" in ok.stdout
    assert f"schema version: {SCHEMA_VERSION}" in ok.stdout
    os.chmod(demo_db, 0o644)
    loose = srs("--db", str(demo_db), "check", home=tmp_path)
    assert loose.returncode == 1
    assert "readable by others" in loose.stderr


def test_erase_removes_every_record_and_keeps_only_the_date(demo_db: Path, tmp_path: Path) -> None:
    ratings = count(demo_db, "administrations")
    wrong = srs("--db", str(demo_db), "erase", "Blake (demo)", stdin="Blake\n", home=tmp_path)
    assert wrong.returncode == 1
    assert "nothing was erased" in wrong.stderr
    assert count(demo_db, "administrations") == ratings
    right = srs(
        "--db", str(demo_db), "erase", "Blake (demo)", stdin="blake (demo)\n", home=tmp_path
    )
    assert right.returncode == 0, right.stderr
    assert count(demo_db, "administrations") == ratings - 10  # 5 sessions: an ORS, an SRS
    conn = sqlite3.connect(demo_db)
    audit = conn.execute("SELECT at, event FROM audit").fetchall()
    conn.close()
    assert [event for _, event in audit] == ["client erased"]
    assert b"Blake" not in demo_db.read_bytes()
    gone = srs("--db", str(demo_db), "erase", "Casey (demo)", "--yes", home=tmp_path)
    assert gone.returncode == 0


@pytest.mark.parametrize(
    "command", [["export"], ["backup", "--to", "x.db"], ["check"], ["erase", "Ana", "--yes"]]
)
def test_every_command_refuses_a_foreign_file_and_leaves_it_alone(
    tmp_path: Path, command: list[str]
) -> None:
    foreign = tmp_path / "recipes.db"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    before = digest(foreign)
    result = srs("--db", str(foreign), *command, home=tmp_path)
    assert result.returncode == 1
    assert "another application" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(foreign) == before


def test_import_checks_first_then_writes_all_or_nothing(db_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("client,date,relationship,goals,approach,overall\nAna,2026-11-03,9,9,9,9\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "client,date,relationship,goals,approach,overall\n"
        "Ana,2026-11-03,9,9,9,9\nBen,2026-11-04,9,10.5,9,9\n"
    )
    refused = srs("--db", str(db_path), "import", str(bad), home=tmp_path)
    assert refused.returncode == 1
    assert "line 3, goals: 10.5 is above 10.0" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not db_path.exists()  # nothing at all is made for a file with errors
    dry = srs("--db", str(db_path), "import", str(good), "--dry-run", home=tmp_path)
    assert dry.returncode == 0
    assert "Would import: 1 rating to add, 1 new client" in dry.stdout
    assert not db_path.exists()
    done = srs("--db", str(db_path), "import", str(good), home=tmp_path)
    assert done.returncode == 0, done.stderr
    again = srs("--db", str(db_path), "import", str(good), home=tmp_path)
    assert "already stored, skipped" in again.stdout
    assert count(db_path, "administrations") == 1


def test_an_encrypted_backup_restores_exactly_and_refuses_any_change(
    demo_db: Path, tmp_path: Path
) -> None:
    sealed = tmp_path / "backup.db.enc"
    env_home = tmp_path

    def run_with(secret: str, *args: str) -> subprocess.CompletedProcess[str]:
        os.environ["SRS_TUI_PASSPHRASE"] = secret
        try:
            return srs("--db", str(demo_db), *args, home=env_home)
        finally:
            del os.environ["SRS_TUI_PASSPHRASE"]

    made = run_with("long enough secret", "backup", "--encrypt", "--to", str(sealed))
    assert made.returncode == 0, made.stderr
    data = sealed.read_bytes()
    assert b"SQLite format 3" not in data
    assert b"Blake" not in data
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    before = export_of(demo_db, tmp_path)
    with Store.open(demo_db) as store:
        store.add_client("Added after the backup", now=NOW)
    wrong = run_with("wrong secret", "restore", str(sealed))
    assert wrong.returncode == 1
    assert "wrong passphrase, or the file was changed" in wrong.stderr
    flipped = tmp_path / "flipped.db.enc"
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    flipped.write_bytes(bytes(changed))
    tampered = run_with("long enough secret", "restore", str(flipped))
    assert tampered.returncode == 1
    with Store.open(demo_db) as store:
        assert store.find_client("Added after the backup") is not None  # nothing changed
    right = run_with("long enough secret", "restore", str(sealed))
    assert right.returncode == 0, right.stderr
    assert export_of(demo_db, tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def export_of(db: Path, home: Path) -> str:
    result = srs("--db", str(db), "export", "--format", "csv", home=home)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_report_is_one_self_contained_html_file(demo_db: Path, tmp_path: Path) -> None:
    with Store.open(demo_db) as store:
        client = store.add_client("<script>alert(1)</script>", now=NOW)
        store.record(client.id, Scores.srs(80, 80, 80, 80), administered_at=NOW, mode="oral",
                     setting="telehealth", note="[bold] & <b>", now=NOW)  # fmt: skip
    out = tmp_path / "report.html"
    made = srs("--db", str(demo_db), "report", "--client", "Casey (demo)", "-o", str(out),
               home=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    html = out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "<svg" in html
    assert "cutoff 36.0" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "src=" not in html
    assert html.count("<tr>") == 5  # Casey's five sessions (the heading rows have a class)
    assert "falling" in html
    tricky = tmp_path / "tricky.html"
    srs("--db", str(demo_db), "report", "--client", "<script>alert(1)</script>",
        "-o", str(tricky), home=tmp_path)  # fmt: skip
    text = tricky.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "&lt;b&gt;" in text


def test_daily_backups_keep_only_the_newest(tmp_path: Path) -> None:
    from datetime import timedelta

    from srs_tui.exchange.backup import daily_backup

    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        store.add_client("Ana", now=NOW)
    folder = tmp_path / "backups"
    for day in range(10):
        made = daily_backup(db, folder, NOW - timedelta(days=10 - day), keep=7)
        assert made is not None
    assert daily_backup(db, folder, NOW - timedelta(days=1), keep=7) is None  # already today's
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 7
    assert kept[-1] == f"daily-{(NOW - timedelta(days=1)).strftime('%Y-%m-%d')}.db"
    assert all(stat.S_IMODE((folder / name).stat().st_mode) == 0o600 for name in kept)


async def test_the_app_makes_todays_backup_when_it_starts(db_path: Path) -> None:
    from conftest import build_app

    app = build_app(db_path, daily_backup=True)
    async with app.run_test() as pilot:
        # The backup starts after the first frame, in a worker of its own: wait for it.
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            folder = db_path.parent / "backups"
            if folder.is_dir() and not list(folder.glob(".*.tmp")) and list(folder.iterdir()):
                break
    (made,) = (db_path.parent / "backups").iterdir()
    assert made.name == f"daily-{NOW.strftime('%Y-%m-%d')}.db"


async def test_erase_and_report_from_the_app(demo_db: Path) -> None:
    from textual.widgets import Input

    from conftest import build_app
    from srs_tui.screens.erase import EraseScreen
    from srs_tui.screens.history import HistoryScreen

    app = build_app(demo_db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        first = app.screen.selected_client()  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("p", "enter")
        await pilot.pause()
        (report,) = (demo_db.parent / "reports").iterdir()
        assert first.alias not in report.name
        assert stat.S_IMODE(report.stat().st_mode) == 0o600
        await pilot.press("escape", "escape")  # the report's dialog, then the history
        await pilot.pause()
        await pilot.press("ctrl+x")
        assert isinstance(app.screen, EraseScreen)
        app.screen.query_one("#confirm-alias", Input).value = "not it"
        await pilot.press("enter")
        assert isinstance(app.screen, EraseScreen)
        app.screen.query_one("#confirm-alias", Input).value = first.alias
        app.screen.query_one("#confirm-alias", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
    with Store.open(demo_db) as store:
        assert store.find_client(first.alias) is None


@pytest.mark.parametrize("kind", ["garbage", "truncated", "newer"])
@pytest.mark.parametrize(
    "command", [["export"], ["import", "x.csv"], ["check"], ["backup", "--to", "b.db"]]
)
def test_every_command_refuses_a_bad_database_and_leaves_it_alone(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    db = tmp_path / "srs.db"
    if kind == "garbage":
        db.write_bytes(b"garbage " * 200)
    else:
        with Store.open(db) as store:
            store.add_client("Ana", now=NOW)
        if kind == "truncated":
            db.write_bytes(db.read_bytes()[:150])
        else:
            conn = sqlite3.connect(db)
            conn.execute("PRAGMA user_version = 99")
            conn.commit()
            conn.close()
    (tmp_path / "x.csv").write_text("client,date,relationship,goals,approach,overall\n")
    before = digest(db)
    result = srs("--db", str(db), *command, home=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert digest(db) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anyway")
def test_a_read_only_database_is_a_clear_message(demo_db: Path, tmp_path: Path) -> None:
    os.chmod(demo_db, 0o400)
    try:
        result = srs("--db", str(demo_db), "erase", "Blake (demo)", "--yes", home=tmp_path)
    finally:
        os.chmod(demo_db, 0o600)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
