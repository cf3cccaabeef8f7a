"""Copies of the database made through SQLite's online backup API, never a file copy.

The live database is only ever read and written through SQLite (see database.py): a copy is
made from a read-only SQLite connection into a new private file, or into memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from srs_tui.store.database import (
    check_file,
    check_versions,
    is_database_file,
    make_private_folder,
    read_only,
)
from srs_tui.store.errors import DamagedError, StoreError, code_of, describe
from srs_tui.store.files import put_in_place, temporary_beside

SQLITE_MAGIC = b"SQLite format 3\x00"


def integrity(conn: sqlite3.Connection, *, quick: bool = False) -> str:
    """ "ok", or "failed": never SQLite's own words, which can quote the file.

    quick: PRAGMA quick_check, which walks every page of every table and index as the full
    integrity_check does (each page used once, well formed, keys in order, NOT NULL and CHECK
    constraints) but does not look up each row's entries in every index of its table, nor
    UNIQUE constraints: six to ten times faster, and all a copy made page by page needs."""
    try:
        result = conn.execute(f"PRAGMA {'quick_check' if quick else 'integrity_check'}")
        result = result.fetchone()[0]
    except sqlite3.DatabaseError:  # damaged beyond what the check can walk
        return "failed"
    # Its words can quote the file (object names): only "ok" is passed on as it is.
    return "ok" if result == "ok" else "failed"


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows each table holds, in one statement."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    if not names:
        return {}
    # The names are the schema's own, checked to be srs-tui's before any copy is made.
    each = ", ".join(f'(SELECT count(*) FROM "{name}")' for name in names)
    counts = conn.execute(f"SELECT {each}").fetchone()
    return dict(zip(names, counts, strict=True))


@contextmanager
def _one_snapshot(source: sqlite3.Connection) -> Iterator[None]:
    """One read transaction on source (unless one is open already): the copy and the counts
    it is compared with see the same records, whatever another window saves meanwhile."""
    if source.in_transaction:
        yield
        return
    source.execute("BEGIN")
    try:
        yield
    finally:
        source.execute("ROLLBACK")


def copy_checked(copy: sqlite3.Connection, held: dict[str, int]) -> str:
    """ "ok" if a copy made with SQLite's backup API is whole and holds what its source
    held, else "failed".

    Whole: quick_check reads every page of every table and index of the copy, so a page lost,
    cut short, doubled or left unreadable on the way is found. The full integrity_check would
    also compare each index with its table, row by row; but the backup API copies the
    source's pages as they are, so the copy's indexes match its tables exactly when the
    source's do: that is the source's health, which `srs-tui check --full` reads, not the
    copy's. What the source held: every table's rows counted in the copy and in the source,
    in the one snapshot the copy was made from."""
    if integrity(copy, quick=True) != "ok":
        return "failed"
    try:
        return "ok" if row_counts(copy) == held else "failed"
    except sqlite3.DatabaseError:
        return "failed"


def refuse_database_target(target: Path, db_path: Path) -> None:
    if is_database_file(target, db_path):
        raise StoreError(f"{target}: that is the database itself; choose another file.")


def open_source(db_path: Path) -> sqlite3.Connection:
    """A read-only connection to the live database, checked to be ours."""
    if check_file(db_path):
        raise StoreError(f"no records yet: there is no database at {db_path}.")
    try:
        source = read_only(db_path)
    except sqlite3.Error as error:
        raise StoreError(f"{db_path}: cannot be read ({describe(error)}).") from None
    try:
        check_versions(source, str(db_path))
    except BaseException:
        source.close()
        raise
    return source


def _copy_to_file(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of source into target (a fresh private file), checked after."""
    destination = sqlite3.connect(target)
    try:
        with _one_snapshot(source):
            source.backup(destination)
            held = row_counts(source)
        destination.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        result = copy_checked(destination, held)
    finally:
        destination.close()
    if result != "ok":
        raise DamagedError("the copy failed its integrity check; nothing was kept.")


def write_copy(source: sqlite3.Connection, target: Path, *, force: bool) -> None:
    """What an open connection sees, copied whole to target: a new private file, put in
    place only once it is complete and checked."""
    make_private_folder(target.parent)
    temporary = temporary_beside(target)
    try:
        _copy_to_file(source, temporary)
    except sqlite3.Error as error:
        temporary.unlink(missing_ok=True)
        kind = DamagedError if code_of(error) == "SQLITE_CORRUPT" else StoreError
        raise kind(f"{target}: the backup failed ({describe(error)}); nothing was kept.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    put_in_place(temporary, target, force=force)


def keep_copy(db_path: Path, source: sqlite3.Connection, target: Path, *, force: bool) -> None:
    """A copy of what source sees (the database at db_path, or what a window kept of it) at
    target: as write_copy, or sealed with the vault's keys when db_path is a vault, so that no
    plaintext copy of a vault's records is ever written."""
    from srs_tui.store import engine

    if not engine.is_vault(db_path):
        write_copy(source, target, force=force)
        return
    from srs_tui.store.files import write_private
    from srs_tui.store.vault import seal

    memory = checked_memory_copy(source)
    try:
        image = bytearray(memory.serialize())
    finally:
        memory.close()
    plain_header(image)
    make_private_folder(target.parent)
    write_private(target, seal(bytes(image), db_path), force=force)


def plain_header(data: bytearray) -> None:
    """Mark an image as a rollback-journal database (bytes 18 and 19 of the header: 1, not
    WAL's 2): an image in memory or a single file has no write-ahead log beside it."""
    if data.startswith(SQLITE_MAGIC) and len(data) >= 100:
        data[18:20] = b"\x01\x01"


def replace_records(target: sqlite3.Connection, source: sqlite3.Connection) -> None:
    """Every record of target replaced by source's, inside the caller's transaction.

    Row by row, so it works between Python's SQLite and SQLCipher's (the backup API does not):
    both must have the same schema version. Generated columns are left to SQLite."""
    from srs_tui.store.schema import TABLES

    for table in reversed(TABLES):  # children first, for the foreign keys
        target.execute(f"DELETE FROM {table}")
    for table in TABLES:
        names = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
        columns = ", ".join(names)
        marks = ", ".join("?" * len(names))
        target.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            source.execute(f"SELECT {columns} FROM {table}"),
        )


def to_memory(source: sqlite3.Connection) -> sqlite3.Connection:
    """What source sees, copied into a database in memory (Python's SQLite, unencrypted:
    memory is never written to disk). The backup API for a plain source; row by row into the
    same schema for a vault's, whose SQLCipher connection the backup API cannot copy from."""
    from srs_tui.store.database import immediate
    from srs_tui.store.engine import is_keyed
    from srs_tui.store.schema import SCHEMA_VERSION, migrate

    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        if not is_keyed(source):
            source.backup(memory)
            return memory
        if check_versions(source, "the database") != SCHEMA_VERSION:
            raise StoreError("the vault is of an older schema: open it in the app once first.")
        with _one_snapshot(source), immediate(memory):  # one snapshot for every table
            migrate(memory, 0)
            replace_records(memory, source)
    except BaseException:
        memory.close()
        raise
    return memory


def checked_memory_copy(source: sqlite3.Connection) -> sqlite3.Connection:
    """to_memory(), checked as copy_checked() checks a copy; StoreError if it fails.

    A vault's copy is made row by row, not page by page: SQLite builds its indexes from the
    rows as they go in, so they match its tables by construction, and the quick check with
    the counts proves the same of it."""
    with _one_snapshot(source):
        memory = to_memory(source)
        try:
            held = row_counts(source)
        except BaseException:
            memory.close()
            raise
    if copy_checked(memory, held) != "ok":
        memory.close()
        raise StoreError("the copy failed its integrity check; nothing was kept.")
    return memory


def image_of(path: Path) -> bytes:
    """A plain srs-tui database file (a backup, never the live one) as one checked image."""
    try:
        source = read_only(path)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be read ({describe(error)}).") from None
    try:
        check_versions(source, str(path))
        memory = to_memory(source)
        try:
            if integrity(memory) != "ok":
                raise StoreError(f"{path}: fails its integrity check.")
            image = bytearray(memory.serialize())
        finally:
            memory.close()
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be read ({describe(error)}).") from None
    finally:
        source.close()
    plain_header(image)
    return bytes(image)


def snapshot(db_path: Path) -> bytes:
    """The whole database as one checked image in memory; no file is written."""
    source = open_source(db_path)
    memory: sqlite3.Connection | None = None
    try:
        memory = checked_memory_copy(source)
        image = bytearray(memory.serialize())
    except sqlite3.Error as error:
        raise StoreError(
            f"{db_path}: the backup failed ({describe(error)}); nothing was kept."
        ) from None
    finally:
        if memory is not None:
            memory.close()
        source.close()
    plain_header(image)
    return bytes(image)
