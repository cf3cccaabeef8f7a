"""Copies of the database made through SQLite's online backup API, never a file copy.

The live database is only ever read and written through SQLite (see database.py): a copy is
made from a read-only SQLite connection into a new private file, or into memory.
"""

from __future__ import annotations

import sqlite3
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


def integrity(conn: sqlite3.Connection) -> str:
    """ "ok", or "failed": never SQLite's own words, which can quote the file."""
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError:  # damaged beyond what the check can walk
        return "failed"
    # Its words can quote the file (object names): only "ok" is passed on as it is.
    return "ok" if result == "ok" else "failed"


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
        source.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        result = integrity(destination)
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


def plain_header(data: bytearray) -> None:
    """Mark an image as a rollback-journal database (bytes 18 and 19 of the header: 1, not
    WAL's 2): an image in memory or a single file has no write-ahead log beside it."""
    if data.startswith(SQLITE_MAGIC) and len(data) >= 100:
        data[18:20] = b"\x01\x01"


def snapshot(db_path: Path) -> bytes:
    """The whole database as one checked image in memory; no file is written."""
    source = open_source(db_path)
    memory = sqlite3.connect(":memory:")
    try:
        source.backup(memory)
        if integrity(memory) != "ok":
            raise StoreError("the copy failed its integrity check; nothing was kept.")
        image = bytearray(memory.serialize())
    except sqlite3.Error as error:
        raise StoreError(
            f"{db_path}: the backup failed ({describe(error)}); nothing was kept."
        ) from None
    finally:
        memory.close()
        source.close()
    plain_header(image)
    return bytes(image)
