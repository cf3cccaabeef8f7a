"""The store on real SQLite files: round trips, constraints, refusals, permissions."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from conftest import NOW
from srs_tui.measures import Scores
from srs_tui.store import Store, StoreError
from srs_tui.store.schema import APPLICATION_ID, SCHEMA_VERSION

SCORES = Scores.srs(91, 85, 70, 99)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(store: Store, client_id: str, scores: Scores = SCORES, note: str = "") -> int:
    saved = store.record(
        client_id,
        scores,
        administered_at=NOW,
        mode="oral",
        setting="telehealth",
        note=note,
        now=NOW,
    )
    return saved.session


def test_client_and_session_round_trip(db_path: Path) -> None:
    with Store.open(db_path) as store:
        client = store.add_client("  Ana   Example ", now=NOW)
        record(store, client.id, note="talked about pace")
    with Store.open(db_path) as again:
        (summary,) = again.clients()
        assert summary.client.alias == "Ana Example"
        assert summary.client.created_at == NOW
        assert again.next_session(client.id) == 2
        assert summary.last_total == 345
        (saved,) = again.history(client.id)
    assert saved.scores == SCORES
    assert saved.session == 1
    assert saved.administered_at == NOW
    assert (saved.mode, saved.setting, saved.note) == ("oral", "telehealth", "talked about pace")
    assert saved.measure == "SRS"
    assert len(saved.id) == 36


def test_ratings_are_stored_as_integer_tenths_with_iso_times(store: Store, db_path: Path) -> None:
    client = store.add_client("Ana", now=NOW)
    record(store, client.id)
    row = (
        sqlite3.connect(db_path)
        .execute(
            "SELECT item1, item2, item3, item4, typeof(item2), held_at "
            "FROM administrations JOIN sessions ON sessions.id = session_id"
        )
        .fetchone()
    )
    assert row == (91, 85, 70, 99, "integer", "2026-12-01T14:05:00+01:00")


def test_sessions_are_counted_per_client(store: Store) -> None:
    ana = store.add_client("Ana", now=NOW)
    ben = store.add_client("Ben", now=NOW)
    assert [record(store, ana.id), record(store, ana.id), record(store, ben.id)] == [1, 2, 1]
    assert store.next_session(ana.id) == 3


def test_two_connections_writing_at_once_both_succeed(db_path: Path) -> None:
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
    errors: list[BaseException] = []

    def window() -> None:
        try:
            with Store.open(db_path) as own:
                for _ in range(10):
                    record(own, client.id)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=window) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(db_path) as store:
        assert [a.session for a in store.history(client.id)] == list(range(1, 21))


def test_duplicate_alias_is_refused_whatever_the_case(store: Store) -> None:
    store.add_client("Ana", now=NOW)
    with pytest.raises(StoreError, match="already exists"):
        store.add_client("ana", now=NOW)
    assert len(store.clients()) == 1


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("", "Type an alias"),
        ("   ", "Type an alias"),
        ("x" * 81, "at most 80"),
        ("a\x1bb", "control"),
    ],
)
def test_bad_aliases_are_refused(store: Store, alias: str, reason: str) -> None:
    with pytest.raises(StoreError, match=reason):
        store.add_client(alias, now=NOW)
    assert store.clients() == []


def test_markup_like_alias_is_kept_as_typed(store: Store) -> None:
    store.add_client("[/]", now=NOW)
    assert store.find_client("[/]") is not None


def test_get_or_add_client_finds_then_adds(store: Store) -> None:
    first = store.get_or_add_client("Ana", now=NOW)
    assert store.get_or_add_client("ANA", now=NOW) == first
    assert len(store.clients()) == 1


@pytest.mark.parametrize("bad", [101, -1, "abc", 7.5])
def test_check_constraints_refuse_bad_ratings(store: Store, db_path: Path, bad: object) -> None:
    client = store.add_client("Ana", now=NOW)
    record(store, client.id)
    (saved,) = store.history(client.id)
    raw = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO administrations (id, session_id, measure, rater, item1, item2, item3, "
            "item4, created_at, updated_at) VALUES (?, ?, 'SRS', 'parent', ?, 50, 50, 50, ?, ?)",
            ("0" * 36, saved.session_id, bad, NOW.isoformat(), NOW.isoformat()),
        )
    raw.close()
    assert store.history(client.id, rater="parent") == []


@pytest.mark.parametrize(
    ("column", "value"), [("measure", "XYZ"), ("mode", "telepathy"), ("setting", "moon")]
)
def test_check_constraints_refuse_unknown_names(
    store: Store, db_path: Path, column: str, value: str
) -> None:
    client = store.add_client("Ana", now=NOW)
    (episode,) = store.episodes(client.id)
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA foreign_keys = ON")  # as every srs-tui connection has it
    values = {"measure": "SRS", "mode": "oral", "setting": "telehealth", column: value}

    def insert() -> None:
        raw.execute(
            "INSERT INTO sessions (id, episode_id, client_id, held_at, mode, setting, "
            "created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?, 'x', 'x')",
            ("1" * 36, episode.id, client.id, values["mode"], values["setting"]),
        )
        raw.execute(
            "INSERT INTO administrations (id, session_id, measure, item1, item2, item3, item4, "
            "created_at, updated_at) VALUES (?, ?, ?, 50, 50, 50, 50, 'x', 'x')",
            ("0" * 36, "1" * 36, values["measure"]),
        )

    with pytest.raises(sqlite3.IntegrityError):
        insert()
    raw.close()


def test_a_session_needs_an_existing_client(store: Store) -> None:
    with pytest.raises(StoreError, match="no longer in the database"):
        record(store, "0" * 36)


def test_unknown_mode_is_refused_before_the_database(store: Store) -> None:
    client = store.add_client("Ana", now=NOW)
    with pytest.raises(StoreError, match="mode"):
        store.record(
            client.id, SCORES, administered_at=NOW, mode="email", setting="telehealth", now=NOW
        )
    assert store.history(client.id) == []


def test_note_can_be_set_after_saving(store: Store) -> None:
    client = store.add_client("Ana", now=NOW)
    record(store, client.id)
    (saved,) = store.history(client.id)
    later = NOW.replace(minute=10)
    updated = store.set_note(saved.id, "  what would make it higher: slower pace ", now=later)
    assert updated.note == "what would make it higher: slower pace"
    assert updated.updated_at == later
    assert updated.created_at == NOW


def test_pragmas_of_every_connection(store: Store, db_path: Path) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_tables_are_strict(store: Store) -> None:
    tables = {t.name: t for t in store.utils.tables}
    assert set(tables) == {
        *("clients", "episodes", "sessions", "administrations", "audit"),
        *("languages", "measures", "forms", "raters", "modes", "settings"),
        "client_summaries",
    }
    assert all(table.strict for table in tables.values())


def test_new_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "srs.db"
    with Store.open(path, create_parents=True) as store:
        store.add_client("Ana", now=NOW)
        for suffix in ("", "-wal", "-shm"):
            sibling = path.with_name(path.name + suffix)
            if sibling.exists():
                assert stat.S_IMODE(sibling.stat().st_mode) == 0o600, suffix
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_missing_folder_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such folder"):
        Store.open(tmp_path / "typo" / "srs.db")
    assert not (tmp_path / "typo").exists()


def test_reopening_keeps_the_data_and_the_version(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Ana", now=NOW)
    with Store.open(db_path) as store:
        assert [s.client.alias for s in store.clients()] == ["Ana"]


def test_an_empty_file_becomes_a_database(db_path: Path) -> None:
    db_path.touch()
    with Store.open(db_path) as store:
        assert store.clients() == []


@pytest.mark.parametrize(
    "content",
    [
        b"this is my thesis, not a database\n" * 10,
        b"SQLite format 3\x00" + b"\xff" * 40,
        b"\x00" * 4096,
    ],
    ids=["text", "truncated-header", "zeros"],
)
def test_a_non_database_is_refused_and_left_byte_identical(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    before = digest(db_path)
    with pytest.raises(StoreError, match="left untouched"):
        Store.open(db_path)
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_a_corrupt_database_is_refused_and_left_byte_identical(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Ana", now=NOW)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, overwritten
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(StoreError, match="left untouched"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_another_apps_sqlite_file_is_refused_and_left_byte_identical(db_path: Path) -> None:
    other = sqlite3.connect(db_path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.execute("INSERT INTO recipes VALUES ('bread')")
    other.commit()
    other.close()
    before = digest(db_path)
    with pytest.raises(StoreError, match="another application"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_a_file_with_another_application_id_is_refused(db_path: Path) -> None:
    other = sqlite3.connect(db_path)
    other.execute("PRAGMA application_id = 1234")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    before = digest(db_path)
    with pytest.raises(StoreError, match="another application"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_a_newer_schema_is_refused_and_left_byte_identical(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Ana", now=NOW)
    newer = sqlite3.connect(db_path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.commit()
    newer.close()
    before = digest(db_path)
    with pytest.raises(StoreError, match="newer srs-tui"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_caseload_gives_the_latest_sessions_oldest_first(store: Store) -> None:
    ana = store.add_client("Ana", now=NOW)
    store.add_client("Ben", now=NOW)
    for total in range(10):
        record(store, ana.id, Scores.srs(total, 0, 0, 0))
    summaries = store.clients(recent=3)
    assert [s.client.alias for s in summaries] == ["Ana", "Ben"]
    ana_row, ben_row = summaries
    assert store.next_session(ana.id) == 11
    assert ana_row.totals == (7, 8, 9)
    assert ana_row.last == Scores.srs(9, 0, 0, 0)
    assert ana_row.last_total == 9
    assert (ben_row.totals, ben_row.last, ben_row.last_at) == (
        (),
        None,
        None,
    )


def test_archived_clients_are_hidden_unless_asked_for(store: Store) -> None:
    ana = store.add_client("Ana", now=NOW)
    record(store, ana.id)
    store.add_client("Ben", now=NOW)
    archived = store.set_archived(ana.id, True, now=NOW)
    assert archived.archived_at == NOW
    assert [s.client.alias for s in store.clients()] == ["Ben"]
    everyone = store.clients(include_archived=True)
    assert [s.client.alias for s in everyone] == ["Ana", "Ben"]
    assert everyone[0].totals == (345,)  # archiving keeps every record
    store.set_archived(ana.id, False, now=NOW)
    assert [s.client.alias for s in store.clients()] == ["Ana", "Ben"]


def test_correcting_a_session_changes_the_row_and_records_when(store: Store) -> None:
    client = store.add_client("Ana", now=NOW)
    record(store, client.id)
    (saved,) = store.history(client.id)
    later = NOW.replace(hour=16)
    earlier = NOW.replace(day=24, month=11)
    corrected = store.correct(
        saved.id, Scores.srs(91, 85, 80, 99), administered_at=earlier, now=later
    )
    assert corrected.scores == Scores.srs(91, 85, 80, 99)
    assert corrected.administered_at == earlier
    assert corrected.updated_at == later
    assert corrected.created_at == NOW
    assert corrected.session == 1


def test_deleting_a_session_moves_the_later_ones_up(store: Store) -> None:
    client = store.add_client("Ana", now=NOW)
    for value in (10, 20, 30, 40):
        record(store, client.id, Scores.srs(value, 0, 0, 0))
    second = store.history(client.id)[1]
    store.delete_administration(second.id)
    history = store.history(client.id)
    assert [(a.session, a.scores.total) for a in history] == [(1, 10), (2, 30), (3, 40)]
    assert store.next_session(client.id) == 4
    with pytest.raises(StoreError, match="no longer"):
        store.delete_administration(second.id)


def test_a_version_1_database_is_migrated_in_place(db_path: Path) -> None:
    from srs_tui.store.schema import MIGRATIONS

    old = sqlite3.connect(db_path)
    for statement in MIGRATIONS[1]:
        old.execute(statement)
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("PRAGMA user_version = 1")
    old.execute(
        "INSERT INTO clients (id, alias, created_at) VALUES (?, 'Ana', ?)",
        ("1" * 36, NOW.isoformat()),
    )
    old.commit()
    old.close()
    with Store.open(db_path) as store:
        (summary,) = store.clients()
        assert (summary.client.alias, summary.client.language) == ("Ana", "en")
        assert summary.client.display_name is None
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_client_has_a_language_and_a_name_for_sharing(store: Store) -> None:
    client = store.add_client("R-0417", now=NOW, language="es", display_name=" M. ")
    assert (client.language, client.display_name) == ("es", "M.")
    edited = store.edit_client(client.id, alias="R-0417", language="en", display_name="")
    assert (edited.language, edited.display_name) == ("en", None)
    with pytest.raises(StoreError, match="language"):
        store.edit_client(client.id, alias="R-0417", language="fr", display_name="")
    store.add_client("Other", now=NOW)
    with pytest.raises(StoreError, match="already exists"):
        store.edit_client(client.id, alias="other", language="en", display_name="")
    assert store.client(client.id).alias == "R-0417"


def test_an_administration_read_back_is_the_one_the_dataclass_makes(
    store: Store, db_path: Path
) -> None:
    # Read without the dataclass's __init__: every field there, the note made safe as
    # __post_init__ makes it (a note written past the app, with control characters).
    from dataclasses import fields, replace

    client = store.add_client("Robin", now=NOW)
    record(store, client.id, note="first line")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE sessions SET note = ?", ("a\r\nb\x1b[2J\tc",))
    conn.close()
    (read,) = store.history(client.id, measure=SCORES.measure)
    assert set(vars(read)) == {field.name for field in fields(read)}
    assert read.note == "a\nb\\x1b[2J\tc"
    assert replace(read) == read  # made again through __init__ and __post_init__
