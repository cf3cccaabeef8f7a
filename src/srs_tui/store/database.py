"""Opening the SQLite file: refuse what is not ours, set the pragmas, migrate.

A file is checked from its header bytes and then through a read-only connection before anything
can write to it, so a foreign, newer, corrupt or non-database file is refused byte-identical.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from srs_tui.store.errors import StoreError
from srs_tui.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
BUSY_TIMEOUT_S = 5.0


def _refuse(path: Path, why: str) -> StoreError:
    return StoreError(f"{path}: {why}; the file was left untouched.")


def _header_versions(path: Path) -> tuple[int, int] | None:
    """(application_id, user_version) from the file header, None for an empty file."""
    with path.open("rb") as handle:
        header = handle.read(HEADER_SIZE)
    if not header:
        return None
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise _refuse(path, "not an SQLite database")
    user_version = int.from_bytes(header[60:64], "big")
    application_id = int.from_bytes(header[68:72], "big", signed=True)
    return application_id, user_version


def _check_versions(path: Path, application_id: int, user_version: int, tables: int) -> None:
    if application_id == 0 and user_version == 0 and tables == 0:
        return  # an empty SQLite file: ours to set up
    if application_id != APPLICATION_ID:
        raise _refuse(path, "another application's SQLite database, not an srs-tui one")
    if user_version > SCHEMA_VERSION:
        raise _refuse(
            path,
            f"made by a newer srs-tui (schema {user_version}; this version reads up to "
            f"{SCHEMA_VERSION}). Update srs-tui to open it",
        )


def _inspect_read_only(path: Path) -> None:
    """Check an existing file through a connection that cannot write to it."""
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise _refuse(path, f"cannot be read ({error})") from None
    try:
        application_id = probe.execute("PRAGMA application_id").fetchone()[0]
        user_version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = probe.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise _refuse(path, f"damaged or not a database ({error})") from None
    finally:
        probe.close()
    _check_versions(path, application_id, user_version, tables)


def _create_private_file(path: Path, create_parents: bool) -> None:
    parent = path.parent
    if not parent.exists():
        if not create_parents:
            raise StoreError(f"{parent}: no such folder; create it first or choose another path.")
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(parent, 0o700)  # mkdir's mode is masked by the umask; the data is private
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another window created it a moment ago; it is checked as it is
    except OSError as error:
        raise StoreError(f"{path}: cannot create the database ({error.strerror}).") from None
    os.close(fd)
    os.chmod(path, 0o600)  # the mode is masked by the umask at creation; make it exact


def check_file(path: Path) -> bool:
    """Refuse an existing file that is not an srs-tui database; True when it does not exist."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return True
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise StoreError(f"{path}: is a folder, not a database file.")
    try:
        versions = _header_versions(path)
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    if versions is not None:
        application_id, user_version = versions
        # The header can lag behind a write-ahead log, so the read-only check has the last word.
        if application_id not in (0, APPLICATION_ID):
            _check_versions(path, application_id, user_version, tables=1)
        _inspect_read_only(path)
    return False


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock up front, so it never fails half-way
    because another window started writing first; the busy timeout makes it wait instead."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def _migrate(conn: sqlite3.Connection) -> None:
    with immediate(conn):
        # Read again under the write lock: another window may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target:d}")
        if version < SCHEMA_VERSION:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")


def connect(path: Path, *, create_parents: bool = False) -> sqlite3.Connection:
    """Open (creating if missing) and migrate an srs-tui database, or raise StoreError."""
    path = Path(path)
    if check_file(path):
        _create_private_file(path, create_parents)
        check_file(path)
    try:
        # isolation_level=None: transactions are begun explicitly, always BEGIN IMMEDIATE.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open the database ({error}).") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: the file system does not support a write-ahead log.")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA trusted_schema = OFF")
        _migrate(conn)
    except sqlite3.Error as error:
        conn.close()
        raise StoreError(f"{path}: cannot open the database ({error}).") from None
    except BaseException:
        conn.close()
        raise
    return conn
