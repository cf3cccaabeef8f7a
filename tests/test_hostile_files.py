"""Files an attacker, another program or a bad disk hands us: refused in one line, nothing
changed, no plaintext left behind, no database text in a message, nothing obeyed on a terminal."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from conftest import NOW, cli_env, run_cli
from srs_tui.exchange.backup import backup
from srs_tui.exchange.restore import restore
from srs_tui.measures import Scores
from srs_tui.store import Store, StoreError
from srs_tui.store.database import sqlite_uri, uri_path
from srs_tui.store.files import put_in_place, temporary_beside


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path) -> str:
    """A database with one client (Ana) and one session; returns the client's id."""
    with Store.open(path, create_parents=True) as store:
        client = store.add_client("Ana", now=NOW)
        store.record(
            client.id,
            Scores.srs(50, 50, 50, 50),
            administered_at=NOW,
            mode="oral",
            setting="telehealth",
            note="private words",
            now=NOW,
        )
        store.add_client("Bea", now=NOW)
    return client.id


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def ids_in(bundle: str) -> set[str]:
    data = json.loads(bundle)
    return {record["id"] for key in ("clients", "administrations") for record in data[key]}


PLANTS = {
    "trigger that inflates totals": "CREATE TRIGGER lift AFTER INSERT ON administrations "
    "BEGIN UPDATE administrations SET relationship = 100, goals = 100, approach = 100, "
    "overall = 100 WHERE id = new.id; END",
    "trigger that deletes others": "CREATE TRIGGER wipe AFTER UPDATE OF note ON administrations "
    "BEGIN DELETE FROM administrations WHERE client_id != new.client_id; END",
    "view": "CREATE VIEW everyone AS SELECT alias FROM clients",
    "table": "CREATE TABLE extra (x)",
    "index": "CREATE INDEX by_note ON sessions (note)",
    "no tables": "DROP TABLE audit",
}


@pytest.mark.parametrize("plant", list(PLANTS))
def test_a_database_with_a_foreign_schema_is_refused_untouched(tmp_path: Path, plant: str) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    tamper(db, PLANTS[plant])
    before = digest(db)
    with pytest.raises(StoreError, match="schema is not srs-tui's"):
        Store.open(db)
    assert digest(db) == before
    result = run_cli("--db", str(db), "check", home=tmp_path)
    assert result.returncode == 1
    assert "schema is not srs-tui's" in result.stderr
    assert digest(db) == before


@pytest.mark.parametrize("plant", list(PLANTS))
def test_a_backup_with_a_foreign_schema_restores_nothing(tmp_path: Path, plant: str) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    bad = tmp_path / "bad.db"
    backup(db, bad)
    tamper(bad, PLANTS[plant])
    with Store.open(db) as store:
        store.add_client("Cy", now=NOW)
    before = run_cli("--db", str(db), "export", "--format", "json", home=tmp_path).stdout
    result = run_cli("--db", str(db), "restore", str(bad), home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "nothing was restored" in result.stderr or "schema is not" in result.stderr
    after = run_cli("--db", str(db), "export", "--format", "json", home=tmp_path).stdout
    assert ids_in(after) == ids_in(before)
    assert len(ids_in(after)) == 4  # Ana, Bea, Cy and Ana's session


def test_a_planted_trigger_never_changes_what_is_stored(tmp_path: Path) -> None:
    """The attack: a backup whose trigger stores a total of 5.0 as 40.0, so no alert fires."""
    db = tmp_path / "srs.db"
    make_db(db)
    bad = tmp_path / "bad.db"
    backup(db, bad)
    tamper(bad, PLANTS["trigger that inflates totals"])
    with pytest.raises(StoreError):
        restore(bad, db, NOW)
    with Store.open(db) as store:
        ana = store.find_client("Ana")
        assert ana is not None
        saved = store.record(
            ana.id,
            Scores.srs(10, 10, 10, 20),
            administered_at=NOW,
            mode="oral",
            setting="telehealth",
            now=NOW,
        )
        assert store.administration(saved.id).scores.total == 50


def write_raw(db: Path, sql: str, *params: object) -> None:
    """What another tool can write into a file with our exact schema."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("sql", "params", "words"),
    [
        ("UPDATE sessions SET note = CAST(? AS TEXT)", (b"private \xff words",), "UTF-8"),
        ("UPDATE clients SET alias = ? WHERE alias = 'Ana'", ("An\x1b]0;x\x07a",), "alias"),
        ("UPDATE clients SET created_at = ? WHERE alias = 'Ana'", ("last tuesday",), "created"),
        ("UPDATE sessions SET held_at = ?", ("2026-12-01T10:00:00",), "held_at"),
        ("UPDATE administrations SET item2 = ?", (250,), "item2"),
    ],
    ids=["not-utf8", "control-chars", "not-a-date", "no-offset", "out-of-range"],
)
def test_check_reads_every_row(tmp_path: Path, sql: str, params: tuple[object], words: str) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    write_raw(db, sql, *params)
    result = run_cli("--db", str(db), "check", home=tmp_path)
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    # Never the text found there: it may be a client's words, on a shared screen.
    assert "private" not in result.stderr
    assert "\x1b" not in result.stderr + result.stdout


def test_a_record_that_cannot_be_decoded_is_never_quoted(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    client_id = make_db(db)
    write_raw(db, "UPDATE sessions SET note = CAST(? AS TEXT)", b"private \xff words")
    with Store.open(db) as store, pytest.raises(StoreError) as caught:
        store.history(client_id)
    assert "private" not in str(caught.value)
    result = run_cli("--db", str(db), "export", home=tmp_path)
    assert result.returncode == 1
    assert "private" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_whose_schema_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    bad = tmp_path / "bad.db"
    backup(db, bad)
    conn = sqlite3.connect(bad)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_schema SET sql = CAST(? AS TEXT) WHERE name = 'audit'",
        (b"CREATE TABLE audit (\xff\xfe)",),
    )
    conn.commit()
    conn.close()
    result = run_cli("--db", str(db), "restore", str(bad), home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


AUDIT = textwrap.dedent(
    """
    import os, sys
    folder = os.path.abspath(sys.argv[1])
    seen = []

    def hook(event, args):
        if event == "sqlite3.connect" and args and isinstance(args[0], (str, os.PathLike)):
            path = os.fsdecode(args[0])
            if path.startswith("file:"):
                path = path[5:].split("?")[0].lstrip("/")
                path = "/" + path
            if os.path.abspath(path).startswith(folder):
                seen.append(("sqlite", path))
        if event == "open" and args and isinstance(args[0], (str, os.PathLike)):
            path = os.path.abspath(os.fsdecode(args[0]))
            mode = args[1] if len(args) > 1 else "r"
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(args[2] if len(args) > 2 else 0, int)
                and (args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            )
            if path.startswith(folder) and writing:
                seen.append(("write", path))

    sys.addaudithook(hook)
    from srs_tui.__main__ import main
    code = main(sys.argv[2:])
    for kind, path in seen:
        print(kind, path, file=sys.stderr)
    sys.exit(code)
    """
)


def audited(tmp_path: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "audited.py"
    script.write_text(AUDIT, encoding="utf-8")
    env = cli_env(tmp_path, SRS_TUI_PASSPHRASE="correct horse battery")
    return subprocess.run(
        [sys.executable, str(script), str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_an_encrypted_backup_never_writes_plaintext_at_its_destination(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    stick = tmp_path / "stick"
    stick.mkdir()
    result = audited(tmp_path, stick, "--db", str(db), "backup", "--encrypt", "--to",
                     str(stick / "srs.enc"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Nothing on the stick was ever an SQLite database, and only one file was written: the
    # ciphertext (through one temporary name, then renamed).
    assert "sqlite" not in result.stderr
    written = [line for line in result.stderr.splitlines() if line.startswith("write")]
    assert len(set(written)) == 1
    assert [p.name for p in stick.iterdir()] == ["srs.enc"]
    sealed = (stick / "srs.enc").read_bytes()
    # Long enough never to turn up in ciphertext by chance (three bytes such as the alias
    # "Ana" do, about once in 150 backups of this size).
    for plaintext in (b"SQLite format 3", b"private words", b"telehealth"):
        assert plaintext not in sealed


def test_an_encrypted_backup_restores_from_a_folder_it_never_writes_to(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    stick = tmp_path / "stick"
    stick.mkdir()
    made = audited(tmp_path, tmp_path / "nowhere", "--db", str(db), "backup", "--encrypt",
                   "--to", str(stick / "srs2.enc"))  # fmt: skip
    assert made.returncode == 0, made.stderr
    fresh = tmp_path / "fresh" / "srs.db"
    fresh.parent.mkdir()
    result = audited(tmp_path, stick, "--db", str(fresh), "restore", str(stick / "srs2.enc"))
    assert result.returncode == 0, result.stderr
    assert "write" not in result.stderr
    assert "sqlite" not in result.stderr
    with Store.open(fresh) as store:
        assert store.find_client("Ana") is not None


def test_export_to_a_full_disk_is_one_line(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    db = tmp_path / "srs.db"
    make_db(db)
    with open("/dev/full", "wb") as full:  # a device, not a path we own
        result = subprocess.run(
            [sys.executable, "-m", "srs_tui", "--db", str(db), "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HOME": str(tmp_path)},
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "standard output could not be written" in result.stderr


def test_a_console_in_cp1252_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    csv = tmp_path / "in.csv"
    csv.write_text(
        "client,date,relationship,goals,approach,overall\nŁukasz ✓,2026-11-02,9,9,9,9\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONIOENCODING": "cp1252"}
    for _ in range(2):  # the second time prints the alias: "already stored, skipped"
        result = subprocess.run(
            [sys.executable, "-m", "srs_tui", "--db", str(db), "import", str(csv)],
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
    assert b"already stored" in result.stdout


def test_control_characters_in_a_file_name_are_shown_not_obeyed(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b]0;PWNED\x07.csv"
    result = run_cli("--db", str(tmp_path / "srs.db"), "import", str(name), home=tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr
    assert "\\x1b" in result.stderr


def test_force_never_replaces_what_is_not_a_file(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for command in (("export", "-o", str(pipe), "--force"), ("backup", "--to", str(pipe))):
        result = run_cli("--db", str(db), *command, home=tmp_path)
        assert result.returncode == 1
        assert "not a regular file" in result.stderr
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


@pytest.mark.parametrize(
    "command",
    [
        ("export", "-o", "DB", "--force"),
        ("backup", "--to", "DB"),
        ("backup", "--to", "DB-wal"),
        ("report", "--client", "Ana", "-o", "DB", "--force"),
        ("restore", "DB"),
    ],
    ids=["export", "backup", "backup-wal", "report", "restore"],
)
def test_nothing_is_written_over_the_database(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = tmp_path / "srs.db"
    make_db(db)
    before = digest(db)
    args = [str(db) if a == "DB" else str(db) + "-wal" if a == "DB-wal" else a for a in command]
    result = run_cli("--db", str(db), *args, home=tmp_path)
    assert result.returncode == 1
    assert "database itself" in result.stderr
    assert digest(db) == before


def test_a_stick_without_hard_links_still_gets_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FAT and exFAT sticks and SMB shares refuse link() (EPERM); a loop-mounted FAT image
    # needs privileges CI may not have, so the refusal is what the file system would say.
    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "export.csv"
    temporary = temporary_beside(target)
    temporary.write_bytes(b"new")
    put_in_place(temporary, target, force=False)
    assert target.read_bytes() == b"new"
    assert not temporary.exists()
    again = temporary_beside(target)
    again.write_bytes(b"other")
    with pytest.raises(StoreError, match="already exists"):
        put_in_place(again, target, force=False)
    assert target.read_bytes() == b"new"
    assert not again.exists()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (PureWindowsPath("Z:/srs-tui/srs-tui.db"), "///Z:/srs-tui/srs-tui.db"),
        (
            PureWindowsPath("C:/Users/Zoë/AppData/srs-tui.db"),
            "///C:/Users/Zo%C3%AB/AppData/srs-tui.db",
        ),
        (PureWindowsPath("//server/share/srs-tui.db"), "////server/share/srs-tui.db"),
        (PurePosixPath("/home/a?b#c%d/srs.db"), "///home/a%3Fb%23c%25d/srs.db"),
    ],
    ids=["mapped-drive", "non-ascii", "unc", "posix-specials"],
)
def test_sqlite_uris_keep_drive_letters_and_escape_what_sqlite_parses(
    path: PureWindowsPath | PurePosixPath, expected: str
) -> None:
    assert uri_path(path) == expected


def test_a_folder_named_with_uri_characters_opens(tmp_path: Path) -> None:
    folder = tmp_path / "a?b#c%d"
    folder.mkdir(mode=0o700)
    db = folder / "srs.db"
    make_db(db)
    conn = sqlite3.connect(sqlite_uri(db, mode="ro"), uri=True)
    assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 2
    conn.close()
    assert run_cli("--db", str(db), "check", home=tmp_path).returncode == 0


def test_a_fresh_machine(tmp_path: Path) -> None:
    data = tmp_path / "data" / "srs-tui"
    for command in (("export",), ("report", "--client", "Ana", "-o", str(tmp_path / "r.html")),
                    ("backup",), ("erase", "Ana", "--yes")):  # fmt: skip
        result = run_cli(*command, home=tmp_path)
        assert result.returncode == 1, command
        assert "no records yet" in result.stderr
        assert result.stderr.count("\n") == 1
        assert not data.exists()
    result = run_cli("check", home=tmp_path)
    assert result.returncode == 0
    assert "no records yet" in result.stdout
    assert not data.exists()
    csv = tmp_path / "in.csv"
    csv.write_text(
        "client,date,relationship,goals,approach,overall\nAna,2026-11-02,9,9,9,9\n",
        encoding="utf-8",
    )
    result = run_cli("import", str(csv), "--dry-run", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not data.exists()
    result = run_cli("import", str(csv), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "srs-tui.db").stat().st_mode) == 0o600
    assert run_cli("check", home=tmp_path).returncode == 0


def test_restore_onto_a_fresh_machine(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_db(old)
    copy = tmp_path / "copy.db"
    backup(old, copy)
    result = run_cli("restore", str(copy), home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = tmp_path / "data" / "srs-tui"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    with Store.open(data / "srs-tui.db") as store:
        assert store.find_client("Ana") is not None


async def test_an_unreadable_record_is_never_quoted_on_screen(tmp_path: Path) -> None:
    from conftest import build_app

    db = tmp_path / "srs.db"
    make_db(db)
    write_raw(db, "UPDATE sessions SET note = CAST(? AS TEXT)", b"private \xff words")
    app = build_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "up", "h")  # Ana's history
        await pilot.pause()
        shown = [str(notification.message) for notification in app._notifications]
        assert any("damaged" in message or "could not be read" in message for message in shown)
        assert not any("private" in message for message in shown)


def test_the_log_is_never_written_over_by_another_spelling_of_its_path(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    make_db(db)
    link = tmp_path / "link"
    link.symlink_to(db.parent)
    with Store.open(db):  # a window is open: the -wal is there
        for target in ("srs.db-wal", "SRS.db-wal", "srs.db-shm", "srs.db-journal"):
            if target.startswith("SRS") and not (link / target).exists():
                continue  # a file system that tells letter cases apart: another file
            result = run_cli("--db", str(db), "export", "-o", str(link / target), "--force",
                             home=tmp_path)  # fmt: skip
            assert result.returncode == 1, target
            assert "database itself" in result.stderr


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_import_refuses_what_is_not_a_file(tmp_path: Path, kind: str) -> None:
    if kind == "device":
        source = Path("/dev/zero")
        if not source.exists():
            pytest.skip("no /dev/zero here")
    else:
        source = tmp_path / "pipe"
        os.mkfifo(source)
    result = run_cli("--db", str(tmp_path / "srs.db"), "import", str(source), "--dry-run",
                     home=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert "not a regular file" in result.stderr


def test_export_only_reads(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    os.chmod(empty, 0o600)
    result = run_cli("--db", str(empty), "export", home=tmp_path)
    assert result.returncode == 1
    assert "no records yet" in result.stderr
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("empty")) == ["empty.db"]
    check = run_cli("--db", str(empty), "check", home=tmp_path)
    assert check.returncode == 0
    assert "no records yet" in check.stdout
    db = tmp_path / "srs.db"
    make_db(db)
    with Store.open(db):
        before = digest(db)
    os.chmod(db, 0o400)
    assert run_cli("--db", str(db), "export", home=tmp_path).returncode == 0
    assert digest(db) == before


async def test_sharing_never_writes_back_an_alias_shown_escaped(tmp_path: Path) -> None:
    from conftest import build_app

    db = tmp_path / "srs.db"
    make_db(db)
    write_raw(db, "UPDATE clients SET alias = ? WHERE alias = 'Ana'", "Eve\x1b]0;PWNED\x07")
    app = build_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("home", "ctrl+o")
        await pilot.pause()
        await pilot.press(*"E.", "enter")
        await pilot.pause()
        assert app.share.active
    conn = sqlite3.connect(db)
    aliases = {row[0] for row in conn.execute("SELECT alias FROM clients")}
    names = {row[0] for row in conn.execute("SELECT display_name FROM clients")}
    conn.close()
    assert "Eve\x1b]0;PWNED\x07" in aliases
    assert "E." in names
