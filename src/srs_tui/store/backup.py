"""Backups through SQLite's online backup API (never a file copy of a live database), restore,
and the health check.

The live database is only ever read and written through SQLite (see database.py). An encrypted
backup is made and opened in memory, so no plaintext copy ever lands beside it (on a USB stick,
in a cloud folder) nor needs a writable folder there. A restore checks the backup whole in
memory (integrity, exact schema, every row), migrates it there, then writes it into the live
file with the backup API, under the database's own locks: a running app sees the restored
records at its next read, and never goes on writing to a file that is no longer the database.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from srs_tui.store.database import (
    check_file,
    check_versions,
    connect,
    is_database_file,
    make_private_folder,
    read_only,
)
from srs_tui.store.errors import DamagedError, StoreError, code_of, describe
from srs_tui.store.files import put_in_place, temporary_beside, write_private
from srs_tui.store.schema import SCHEMA_VERSION, TABLES, migrate
from srs_tui.store.verify import row_problems

BACKUP_FOLDER = "backups"
DAILY_PREFIX = "daily-"
# A backup is read whole into memory to be checked; a solo practice's database is a few MB.
MAX_BACKUP_BYTES = 2 * 1024**3
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_backup_path(data_dir: Path, now: datetime) -> Path:
    """backups/srs-tui-2026-12-01-140500.db in the data folder."""
    return data_dir / BACKUP_FOLDER / f"srs-tui-{now.strftime('%Y-%m-%d-%H%M%S')}.db"


def _integrity(conn: sqlite3.Connection) -> str:
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
        result = _integrity(destination)
    finally:
        destination.close()
    if result != "ok":
        raise DamagedError("the copy failed its integrity check; nothing was kept.")


def _write_copy(source: sqlite3.Connection, target: Path, *, force: bool) -> None:
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


def copy_connection(source: sqlite3.Connection, target: Path) -> None:
    """What an open connection sees, copied whole to target (a new private file)."""
    _write_copy(source, target, force=False)


def backup(db_path: Path, target: Path, *, force: bool = False) -> Path:
    """Copy the database at db_path to target while the app may be running."""
    _refuse_database_target(target, db_path)
    source = _open_source(db_path)
    try:
        _write_copy(source, target, force=force)
    finally:
        source.close()
    return target


def _plain_header(data: bytearray) -> None:
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
        if _integrity(memory) != "ok":
            raise StoreError("the copy failed its integrity check; nothing was kept.")
        image = bytearray(memory.serialize())
    except sqlite3.Error as error:
        raise StoreError(
            f"{db_path}: the backup failed ({describe(error)}); nothing was kept."
        ) from None
    finally:
        memory.close()
        source.close()
    _plain_header(image)
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


def _read_backup(path: Path, passphrase: Callable[[], str]) -> bytearray:
    """The backup's bytes, decrypted in memory if it is encrypted."""
    from srs_tui.store.crypto import decrypt, is_encrypted

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
        data = decrypt(data, passphrase())
    return bytearray(data)


def open_backup(path: Path, passphrase: Callable[[], str] = lambda: "") -> sqlite3.Connection:
    """A backup checked whole (integrity, exact schema, every row) and migrated to this
    version's schema, as a database in memory; StoreError saying why it cannot be restored."""
    image = _read_backup(path, passphrase)
    if not image.startswith(SQLITE_MAGIC) or len(image) < 100:
        raise StoreError(f"{path}: not an srs-tui backup; nothing was restored.")
    _plain_header(image)
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        memory.deserialize(bytes(image))
        memory.execute("PRAGMA trusted_schema = OFF")
        if _integrity(memory) != "ok":
            raise StoreError(f"{path}: fails its integrity check; nothing was restored.")
        version = check_versions(memory, str(path))
        if version < 1:
            raise StoreError(f"{path}: not an srs-tui backup; nothing was restored.")
        memory.execute("BEGIN")
        migrate(memory, version)
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


def _replace_records(target: sqlite3.Connection, memory: sqlite3.Connection) -> None:
    """Every record of target replaced by memory's, inside the caller's transaction."""
    for table in reversed(TABLES):  # children first, for the foreign keys
        target.execute(f"DELETE FROM {table}")
    for table in TABLES:
        columns = ", ".join(row[1] for row in memory.execute(f"PRAGMA table_info({table})"))
        marks = ", ".join("?" * len(columns.split(", ")))
        target.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            memory.execute(f"SELECT {columns} FROM {table}"),
        )


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
                _write_copy(reader, aside, force=False)
            finally:
                reader.close()
        _replace_records(target, memory)
    except BaseException:
        target.execute("ROLLBACK")
        raise
    target.execute("COMMIT")
    return Restored(aside)


def _overwrite_damaged(target: sqlite3.Connection, memory: sqlite3.Connection) -> Restored:
    """A damaged database cannot be copied aside nor have its rows deleted: every page is
    overwritten with the backup's instead, with the backup API, under the database's lock."""
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
                if _integrity(target) == "ok":
                    raise
                # The live file is damaged: that, not the backup, is why it failed.
                restored = _overwrite_damaged(target, memory)
            if _integrity(target) != "ok":
                raise StoreError(f"{db_path}: the restore failed its integrity check.")
        finally:
            target.close()
    except sqlite3.Error as error:
        raise StoreError(f"{db_path}: the restore failed ({describe(error)}).") from None
    finally:
        memory.close()
    return restored


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


@dataclass(frozen=True)
class Health:
    """What `srs-tui check` found."""

    facts: list[str]
    problems: list[str]


def _modes(db_path: Path, health: Health) -> None:
    if os.name != "posix":
        health.facts.append(
            "file modes: Windows has none; the data folder is private through your user "
            "account's permissions (and full-disk encryption, if it is on)"
        )
        return
    for path, wanted in ((db_path, 0o600), (db_path.parent, 0o700)):
        mode = stat.S_IMODE(path.stat().st_mode)
        health.facts.append(f"mode of {path}: {mode:o}")
        if mode & ~wanted:
            health.problems.append(
                f"{path}: readable by others (mode {mode:o}); run chmod {wanted:o}"
            )


def _contents(conn: sqlite3.Connection, db_path: Path, health: Health) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        health.facts.append("no records yet: an empty file, made ready when srs-tui opens it")
        return
    result = _integrity(conn)
    clients = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
    sessions = conn.execute("SELECT count(*) FROM administrations").fetchone()[0]
    rows = row_problems(conn) if version == SCHEMA_VERSION and result == "ok" else []
    health.facts.extend(
        [
            f"schema version: {version} (this srs-tui reads up to {SCHEMA_VERSION})",
            f"integrity check: {result}",
            f"records checked one by one: {'ok' if not rows else f'{len(rows)} problems'}",
            f"size: {db_path.stat().st_size:,} bytes; {clients} clients, {sessions} sessions",
        ]
    )
    if result != "ok":
        health.problems.append("integrity check: the file is damaged; restore a backup")
    health.problems.extend(rows)


def health(db_path: Path) -> Health:
    """Paths, schema version, integrity, every row, permissions and size of a database."""
    found = Health([f"database: {db_path}"], [])
    try:
        if check_file(db_path):
            found.facts.append(
                "no records yet: the database is made when the first client is added"
            )
            return found
        conn = read_only(db_path)
    except StoreError as error:
        return Health(found.facts, [str(error)])
    except sqlite3.Error as error:
        return Health(found.facts, [f"{db_path}: cannot be read ({describe(error)})."])
    try:
        _contents(conn, db_path, found)
    except sqlite3.Error as error:
        return Health(found.facts, [f"{db_path}: cannot be read ({describe(error)})."])
    finally:
        conn.close()
    _modes(db_path, found)
    return found
