"""Restore: a backup checked whole in memory, then its records put in place in one transaction.

The backup is read into memory (decrypted there if sealed: nothing is written beside it, so
read-only media work), checked (integrity, exact schema, every row) and migrated there. Its
records then replace the database's inside one write transaction on the live file, through
SQLite and under its locks, with the records as they were copied aside under the same lock: a
running app reads the restored records at its next read and goes on saving into the same file,
and no save from another window can fall between the copy and the replacement.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from srs_tui.store.caseload import compute_rows
from srs_tui.store.copies import (
    SQLITE_MAGIC,
    integrity,
    keep_copy,
    plain_header,
    replace_records,
)
from srs_tui.store.database import check_versions, connect, is_database_file, read_only
from srs_tui.store.errors import StoreError, describe
from srs_tui.store.schema import migrate
from srs_tui.store.verify import row_problems

# A backup is read whole into memory to be checked; a solo practice's database is a few MB.
MAX_BACKUP_BYTES = 2 * 1024**3


def _read_backup(path: Path, passphrase: Callable[[], str]) -> bytearray:
    """The backup's bytes, decrypted in memory if it is encrypted."""
    from srs_tui.exchange.crypto import decrypt, is_encrypted

    try:
        size = path.stat().st_size
        if not stat.S_ISREG(path.stat().st_mode):
            raise StoreError(f"{path}: not a regular file; nothing was restored.")
        if size > MAX_BACKUP_BYTES:
            raise StoreError(f"{path}: too large to be an srs-tui backup; nothing was restored.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such backup.") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    if is_encrypted(data):
        from srs_tui.store.vault import is_sealed, unseal

        # A copy sealed by a vault this process has unlocked opens without asking again.
        opened = unseal(data, None) if is_sealed(data) else None
        data = opened if opened is not None else decrypt(data, passphrase())
    return bytearray(data)


def open_backup(path: Path, passphrase: Callable[[], str] = lambda: "") -> sqlite3.Connection:
    """A backup checked whole (integrity, exact schema, every row) and migrated to this
    version's schema, as a database in memory; StoreError saying why it cannot be restored."""
    image = _read_backup(path, passphrase)
    if not image.startswith(SQLITE_MAGIC) or len(image) < 100:
        raise StoreError(f"{path}: not an srs-tui backup; nothing was restored.")
    plain_header(image)
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        memory.deserialize(bytes(image))
        memory.execute("PRAGMA trusted_schema = OFF")
        if integrity(memory) != "ok":
            raise StoreError(f"{path}: fails its integrity check; nothing was restored.")
        version = check_versions(memory, str(path))
        if version < 1:
            raise StoreError(f"{path}: not an srs-tui backup; nothing was restored.")
        memory.execute("BEGIN")
        migrate(memory, version)
        # The backup's kept caseload rows are not trusted: computed again from its records.
        compute_rows(memory)
        memory.execute("COMMIT")
        problems = row_problems(memory)
        if problems:
            raise StoreError(
                f"{path}: {len(problems)} damaged records ({problems[0]}); nothing was restored."
            )
    except sqlite3.Error as error:
        memory.close()
        raise StoreError(f"{path}: damaged, nothing was restored ({describe(error)}).") from None
    except BaseException:
        memory.close()
        raise
    return memory


def _has_records(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM clients)").fetchone()[0])


def _aside_path(db_path: Path, now: datetime) -> Path:
    """srs-tui.db.before-restore-20261201-140500, with -2, -3 ... if one is there already."""
    base = f"{db_path.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}"
    candidate, number = db_path.with_name(base), 1
    while candidate.exists():
        number += 1
        candidate = db_path.with_name(f"{base}-{number}")
    return candidate


@dataclass(frozen=True)
class Restored:
    """What a restore did: where the records as they were are kept, if anywhere."""

    aside: Path | None
    damaged: bool = False  # the database was damaged: not copied aside, overwritten whole


def _restore_into(
    target: sqlite3.Connection, memory: sqlite3.Connection, db_path: Path, now: datetime
) -> Restored:
    """The copy aside and the replacement under one write lock: no save made by another
    window in between can be in neither."""
    target.execute("BEGIN IMMEDIATE")
    try:
        aside = None
        if _has_records(target):
            aside = _aside_path(db_path, now)
            reader = read_only(db_path)  # sees what is committed; nobody else can commit now
            try:
                keep_copy(db_path, reader, aside, force=False)
            finally:
                reader.close()
        replace_records(target, memory)
    except BaseException:
        target.execute("ROLLBACK")
        raise
    target.execute("COMMIT")
    return Restored(aside)


def _overwrite_damaged(target: sqlite3.Connection, memory: sqlite3.Connection) -> Restored:
    """A damaged database cannot be copied aside nor have its rows deleted: every page is
    overwritten with the backup's instead, with the backup API, under the database's lock."""
    from srs_tui.store.engine import is_keyed

    if is_keyed(target):
        raise StoreError(
            "the vault is damaged: move it (and its -wal and -shm, never its .vault key file) "
            "elsewhere with every srs-tui window closed, then restore again."
        )
    page_size = target.execute("PRAGMA page_size").fetchone()[0]
    if memory.execute("PRAGMA page_size").fetchone()[0] != page_size:
        raise StoreError(
            "the database is damaged and its page size differs from the backup's: move the "
            "damaged file (and its -wal and -shm) elsewhere with every srs-tui window closed, "
            "then restore again."
        )
    memory.backup(target)
    return Restored(None, damaged=True)


def restore(
    backup_path: Path,
    db_path: Path,
    now: datetime,
    passphrase: Callable[[], str] = lambda: "",
    *,
    create_parents: bool = False,
) -> Restored:
    """Put a checked backup's records in place of the database's, through SQLite into the
    live file in one transaction; the records as they were are kept aside first."""
    if is_database_file(backup_path, db_path):
        raise StoreError(f"{backup_path}: that is the database itself; nothing was restored.")
    memory = open_backup(backup_path, passphrase)
    try:
        target = connect(db_path, create_parents=create_parents)
        try:
            try:
                restored = _restore_into(target, memory, db_path, now)
            except (sqlite3.DatabaseError, StoreError):
                if integrity(target) == "ok":
                    raise
                # The live file is damaged: that, not the backup, is why it failed.
                restored = _overwrite_damaged(target, memory)
            if integrity(target) != "ok":
                raise StoreError(f"{db_path}: the restore failed its integrity check.")
        finally:
            target.close()
    except sqlite3.Error as error:
        raise StoreError(f"{db_path}: the restore failed ({describe(error)}).") from None
    finally:
        memory.close()
    return restored
