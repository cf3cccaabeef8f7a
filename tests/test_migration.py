"""Files made by schema 3 (committed fixtures, made by that version's own code) open in schema
4 with every record, alias, language, display name, archive flag and erasure audit as it was,
and their sessions numbered by time."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import FLAT, run_cli
from srs_tui.store import Store, schema
from srs_tui.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = ("schema3-varied", "schema3-demo", "schema3-empty", "schema2-paper", "schema1-paper")


def fixture_copy(name: str, folder: Path) -> tuple[Path, dict[str, list[list[object]]]]:
    target = folder / f"{name}.db"
    shutil.copyfile(FIXTURES / f"{name}.db", target)
    target.chmod(0o600)
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return target, expected


@pytest.mark.parametrize("name", NAMES)
def test_an_older_file_migrates_with_nothing_lost(name: str, tmp_path: Path) -> None:
    db, before = fixture_copy(name, tmp_path)
    assert before["user_version"] == int(name[len("schema")])
    Store.open(db).close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        clients = [list(row) for row in conn.execute("SELECT * FROM clients ORDER BY 1")]
        # Every client, alias, language, display name and archive date, unchanged (a file
        # from before languages and names for sharing: English, and none).
        known = before["columns"]["clients"]
        added = {"language": "en", "display_name": None, "age_band": "adult"}
        later = ("language", "display_name", "age_band")[len(known) - 4 :]
        assert clients == [
            [*row, *(added[column] for column in later)] for row in before["clients"]
        ]
        audit = [list(r) for r in conn.execute("SELECT * FROM audit ORDER BY 1")]
        assert audit == before.get("audit", [])
        migrated = {
            row[0]: row[1:]
            for row in conn.execute(
                f"SELECT id, client_id, measure, administered_at, relationship, goals, approach, "
                f"overall, mode, setting, note, created_at, updated_at, form, rater FROM {FLAT}"
            )
        }
        # Every administration: the same id, client, time, ratings, mode, setting, note and
        # bookkeeping times; the SRS by the client, adult form.
        columns = before["columns"]["administrations"]
        assert len(migrated) == len(before["administrations"])
        for old in before["administrations"]:
            row = dict(zip(columns, old, strict=True))
            assert migrated[row["id"]] == (
                row["client_id"], row["measure"], row["administered_at"], row["relationship"],
                row["goals"], row["approach"], row["overall"], row["mode"], row["setting"],
                row["note"], row["created_at"], row["updated_at"], "adult", "client",
            )  # fmt: skip
        # One open episode a client, and every session in its client's episode.
        episodes = conn.execute(
            "SELECT client_id, count(*), count(closed_at) FROM episodes GROUP BY client_id"
        ).fetchall()
        assert sorted(episodes) == sorted((client[0], 1, 0) for client in clients)
        assert conn.execute(
            "SELECT count(*) FROM sessions AS s JOIN episodes AS e ON e.id = s.episode_id "
            "WHERE e.client_id != s.client_id"
        ).fetchone() == (0,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert check.returncode == 0, check.stderr


def test_sessions_typed_out_of_order_in_schema_3_are_numbered_by_time(tmp_path: Path) -> None:
    db, before = fixture_copy("schema3-varied", tmp_path)
    columns = before["columns"]["administrations"]
    rows = [dict(zip(columns, old, strict=True)) for old in before["administrations"]]
    with Store.open(db) as store:
        sam = store.find_client("[bold]Sam[/] (fixture)")
        assert sam is not None
        history = store.history(sam.id)
    # Schema 3 numbered them as typed: the back-dated paper form was session 3.
    typed = {row["id"]: row["session"] for row in rows if row["client_id"] == sam.id}
    assert [typed[a.id] for a in history] == [3, 1, 2, 4]
    # Now: by the time they were held, and two at the same minute in the order typed.
    assert [a.session for a in history] == [1, 2, 3, 4]
    assert [a.scores.total for a in history] == [15, 360, 266, 198]
    assert history[0].note == "paper form, typed late"


def test_a_migrated_file_keeps_working_for_new_sessions(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from srs_tui.measures import Scores

    db, _ = fixture_copy("schema3-varied", tmp_path)
    later = datetime(2025, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    with Store.open(db) as store:
        robin = store.find_client("Robin (fixture)")
        assert robin is not None
        saved = store.record(robin.id, Scores.srs(90, 90, 90, 90), administered_at=later,
                             mode="oral", setting="telehealth", now=later)  # fmt: skip
        assert saved.session == 4
        assert store.client(robin.id).language == "es"
        assert store.client(robin.id).display_name == "R."


def test_the_app_opens_a_migrated_file(tmp_path: Path) -> None:
    db, _ = fixture_copy("schema3-demo", tmp_path)
    result = run_cli("--db", str(db), "export", "--format", "csv", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Blake (demo)" in result.stdout


@pytest.mark.parametrize("name", ["schema1-paper", "schema2-paper"])
def test_a_paper_form_typed_late_in_an_old_file_comes_first(name: str, tmp_path: Path) -> None:
    db, _ = fixture_copy(name, tmp_path)
    with Store.open(db) as store:
        mar = store.find_client("Mar (fixture)")
        assert mar is not None
        history = store.history(mar.id)
    assert [(a.session, a.scores.total, a.mode) for a in history] == [
        (1, 260, "paper"), (2, 300, "oral"), (3, 340, "oral"), (4, 380, "oral"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "tamper",
    [
        "INSERT INTO measures (name, kind) VALUES ('XYZ', 'outcome')",
        "DELETE FROM raters WHERE name = 'teacher'",
        "UPDATE measures SET kind = 'outcome' WHERE name = 'SRS'",
    ],
    ids=["extra-measure", "missing-rater", "changed-kind"],
)
def test_a_file_whose_lookup_tables_are_not_ours_is_refused_untouched(
    tamper: str, tmp_path: Path
) -> None:
    db = tmp_path / "srs.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(tamper)
    conn.commit()
    conn.close()
    before = db.read_bytes()
    result = run_cli("--db", str(db), "export", home=tmp_path)
    assert result.returncode == 1
    assert "is not srs-tui's" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_erasing_a_client_reaches_a_backup_made_before_schema_4(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "backups").mkdir(parents=True)
    data.chmod(0o700)
    live, _ = fixture_copy("schema3-varied", data)
    old_backup = data / "backups" / "daily-2025-04-01.db"
    shutil.copyfile(FIXTURES / "schema3-varied.db", old_backup)
    old_backup.chmod(0o600)
    alias = "Kit (fixture)"
    result = run_cli("--db", str(live), "erase", alias, stdin=f"{alias}\ny\n", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"erased from {old_backup}" in result.stdout
    conn = sqlite3.connect(old_backup)
    try:
        # Still a schema-3 file, without the client, with the audit row that says when.
        assert conn.execute("PRAGMA user_version").fetchone() == (3,)
        assert conn.execute(
            "SELECT count(*) FROM clients WHERE alias = ?", (alias,)
        ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM audit").fetchone() == (2,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    assert b"Kit (fixture)" not in old_backup.read_bytes()
    with Store.open(live) as store:
        assert store.find_client(alias) is None


@pytest.mark.parametrize("name", ["schema4-varied", "schema4-demo"])
def test_a_schema_4_file_keeps_every_row_and_its_clients_are_adults(
    name: str, tmp_path: Path
) -> None:
    db, before = fixture_copy(name, tmp_path)
    assert before["user_version"] == 4
    Store.open(db).close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for table in ("episodes", "sessions", "audit"):
            rows = [list(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
            assert rows == before[table], table
        columns = ", ".join(before["columns"]["administrations"])
        rows = [list(r) for r in conn.execute(f"SELECT {columns} FROM administrations ORDER BY 1")]
        assert rows == before["administrations"]
        clients = [list(r) for r in conn.execute("SELECT * FROM clients ORDER BY 1")]
        assert clients == [[*row, "adult"] for row in before["clients"]]
        assert ("ORS", "outcome") in conn.execute("SELECT name, kind FROM measures").fetchall()
    finally:
        conn.close()
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("name", ["schema5-varied", "schema5-demo"])
def test_a_schema_5_file_keeps_every_row_and_takes_totals_alone(name: str, tmp_path: Path) -> None:
    db, before = fixture_copy(name, tmp_path)
    assert before["user_version"] == 5
    Store.open(db).close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for table in ("clients", "episodes", "sessions", "audit"):
            rows = [list(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
            assert rows == before[table], table
        # Every administration as it was (the same rowid too), with no total of its own: its
        # items are its values.
        columns = before["columns"]["administrations"]
        rows = [
            list(r)
            for r in conn.execute(
                f"SELECT {', '.join(columns)}, total FROM administrations ORDER BY 1"
            )
        ]
        assert rows == [[*row, None] for row in before["administrations"]]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The rebuilt table still refuses a total beside items, and part of the items.
        session = before["administrations"][0][1]
        for values in (
            "50, 50, 50, 50, 200",
            "50, NULL, NULL, NULL, 200",
            "NULL, 50, 50, 50, NULL",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(
                    "INSERT INTO administrations (id, session_id, measure, rater, item1, item2, "
                    f"item3, item4, total, created_at, updated_at) VALUES ('{'a' * 36}', ?, "
                    f"'SRS', 'teacher', {values}, 'x', 'x')",
                    (session,),
                )
        conn.execute(
            "INSERT INTO administrations (id, session_id, measure, rater, total, created_at, "
            f"updated_at) VALUES ('{'a' * 36}', ?, 'SRS', 'teacher', 200, 'x', 'x')",
            (session,),
        )
        conn.rollback()
    finally:
        conn.close()
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert check.returncode == 0, check.stderr
    with Store.open(db) as store:
        histories = [
            store.all_administrations(c.client.id) for c in store.clients(include_archived=True)
        ]
    assert sum(len(h) for h in histories) == len(before["administrations"])
    assert all(a.scores.has_items for h in histories for a in h)


def test_the_current_schema_text_is_exactly_what_the_migrations_make() -> None:
    """A file of the current version is compared with current_schema.py before anything is
    built in memory: it must be what the migrations make, or a file of our exact schema would
    take the long way (after adding a migration: scripts/current_schema.py)."""
    made = schema.canonical_text(
        schema.expected_schema(SCHEMA_VERSION), schema.expected_lookups(SCHEMA_VERSION)
    )
    assert made == schema.CURRENT_TEXT


def test_a_file_of_our_exact_schema_opens_without_building_it(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    Store.open(db).close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert schema.is_current(conn)
    finally:
        conn.close()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TRIGGER planted AFTER INSERT ON clients BEGIN SELECT 1; END")
    conn.commit()
    try:
        assert not schema.is_current(conn)
    finally:
        conn.close()
