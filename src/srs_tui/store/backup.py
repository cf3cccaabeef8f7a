"""Backups through SQLite's online backup API, never a file copy of a live database.

The live database is only ever read and written through SQLite (see database.py). An encrypted
backup is made in memory, so no plaintext copy ever lands where it goes (a USB stick, a cloud
folder), not even for a moment.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from srs_tui.store.database import (
    check_file,
    check_versions,
    is_database_file,
    make_private_folder,
    read_only,
)
from srs_tui.store.errors import DamagedError, StoreError, code_of, describe
from srs_tui.store.files import put_in_place, temporary_beside, write_private

BACKUP_FOLDER = "backups"
DAILY_PREFIX = "daily-"
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_backup_path(data_dir: Path, now: datetime) -> Path:
    """backups/srs-tui-2026-12-01-140500.db in the data folder."""
    return data_dir / BACKUP_FOLDER / f"srs-tui-{now.strftime('%Y-%m-%d-%H%M%S')}.db"


def integrity(conn: sqlite3.Connection) -> str:
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError:  # damaged beyond what the check can walk
        return "failed"
    # Its words can quote the file (object names): only "ok" is passed on as it is.
    return "ok" if result == "ok" else "failed"


def _refuse_database_target(target: Path, db_path: Path) -> None:
    if is_database_file(target, db_path):
        raise StoreError(f"{target}: that is the database itself; choose another file.")


def _open_source(db_path: Path) -> sqlite3.Connection:
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


def backup(db_path: Path, target: Path, *, force: bool = False) -> Path:
    """Copy the database at db_path to target while the app may be running."""
    _refuse_database_target(target, db_path)
    source = _open_source(db_path)
    try:
        write_copy(source, target, force=force)
    finally:
        source.close()
    return target


def plain_header(data: bytearray) -> None:
    """Mark an image as a rollback-journal database (bytes 18 and 19 of the header: 1, not
    WAL's 2): an image in memory or a single file has no write-ahead log beside it."""
    if data.startswith(SQLITE_MAGIC) and len(data) >= 100:
        data[18:20] = b"\x01\x01"


def snapshot(db_path: Path) -> bytes:
    """The whole database as one checked image in memory; no file is written."""
    source = _open_source(db_path)
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


def encrypted_backup(db_path: Path, target: Path, passphrase: str, *, force: bool = False) -> Path:
    """An encrypted backup: a checked image made in memory, sealed, written whole as 0600.

    Only ciphertext ever reaches the target's folder."""
    from srs_tui.store.crypto import encrypt

    _refuse_database_target(target, db_path)
    if target.exists() and not force:
        raise StoreError(f"{target}: already exists; choose another name or add --force.")
    sealed = encrypt(snapshot(db_path), passphrase)
    make_private_folder(target.parent)
    write_private(target, sealed, force=force)
    return target


def daily_backup(db_path: Path, folder: Path, today: datetime, keep: int) -> Path | None:
    """Today's automatic backup if there is none yet; only the newest `keep` are kept."""
    if keep <= 0:
        return None
    target = folder / f"{DAILY_PREFIX}{today.strftime('%Y-%m-%d')}.db"
    made = None
    if not target.exists():
        made = backup(db_path, target)
    dailies = sorted(folder.glob(f"{DAILY_PREFIX}????-??-??.db"))
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)
    return made
