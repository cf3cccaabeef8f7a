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
from srs_tui.store.errors import StoreError, describe
from srs_tui.store.files import put_in_place, temporary_beside, write_private
from srs_tui.store.schema import SCHEMA_VERSION, migrate
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
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
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
        raise StoreError("the copy failed its integrity check; nothing was kept.")


def _write_copy(source: sqlite3.Connection, target: Path, *, force: bool) -> None:
    make_private_folder(target.parent)
    temporary = temporary_beside(target)
    try:
        _copy_to_file(source, temporary)
    except sqlite3.Error as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(
            f"{target}: the backup failed ({describe(error)}); nothing was kept."
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    put_in_place(temporary, target, force=force)


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


def restore(
    backup_path: Path,
    db_path: Path,
    now: datetime,
    passphrase: Callable[[], str] = lambda: "",
    *,
    create_parents: bool = False,
) -> Path | None:
    """Put a checked backup in place of the database's records, through SQLite into the live
    file; the records as they were are kept aside first (that copy's path is returned)."""
    if is_database_file(backup_path, db_path):
        raise StoreError(f"{backup_path}: that is the database itself; nothing was restored.")
    memory = open_backup(backup_path, passphrase)
    try:
        target = connect(db_path, create_parents=create_parents)
        try:
            aside = None
            if _has_records(target):
                aside = db_path.with_name(
                    f"{db_path.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}"
                )
                _write_copy(target, aside, force=False)
            page_size = target.execute("PRAGMA page_size").fetchone()[0]
            if memory.execute("PRAGMA page_size").fetchone()[0] != page_size:
                # A database in WAL mode cannot change its page size: give the copy ours.
                memory.execute(f"PRAGMA page_size = {int(page_size)}")
                memory.execute("VACUUM")
            # One step, under the live database's write lock: another window sees the old
            # records or the restored ones, never a mixture, and goes on with the same file.
            memory.backup(target)
            if _integrity(target) != "ok":
                raise StoreError(f"{db_path}: the restore failed its integrity check.")
        finally:
            target.close()
    except sqlite3.Error as error:
        raise StoreError(f"{db_path}: the restore failed ({describe(error)}).") from None
    finally:
        memory.close()
    return aside


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


def health(db_path: Path) -> Health:
    """Paths, schema version, integrity, every row, permissions and size of a database."""
    facts = [f"database: {db_path}"]
    problems: list[str] = []
    try:
        missing = check_file(db_path)
    except StoreError as error:
        return Health(facts, [str(error)])
    if missing:
        facts.append("no records yet: the database is made when the first client is added")
        return Health(facts, problems)
    try:
        conn = read_only(db_path)
    except sqlite3.Error as error:
        return Health(facts, [f"{db_path}: cannot be read ({describe(error)})."])
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        result = _integrity(conn)
        clients = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
        sessions = conn.execute("SELECT count(*) FROM administrations").fetchone()[0]
        rows = row_problems(conn) if version == SCHEMA_VERSION and result == "ok" else []
    except sqlite3.Error as error:
        return Health(facts, [f"{db_path}: cannot be read ({describe(error)})."])
    finally:
        conn.close()
    facts.append(f"schema version: {version} (this srs-tui reads up to {SCHEMA_VERSION})")
    facts.append(f"integrity check: {result}")
    facts.append(f"records checked one by one: {'ok' if not rows else f'{len(rows)} problems'}")
    facts.append(f"size: {db_path.stat().st_size:,} bytes; {clients} clients, {sessions} sessions")
    if result != "ok":
        problems.append("integrity check: the file is damaged; restore a backup")
    problems += rows
    if os.name != "posix":
        facts.append(
            "file modes: Windows has none; the data folder is private through your user "
            "account's permissions (and full-disk encryption, if it is on)"
        )
        return Health(facts, problems)
    for path, wanted in ((db_path, 0o600), (db_path.parent, 0o700)):
        mode = stat.S_IMODE(path.stat().st_mode)
        facts.append(f"mode of {path}: {mode:o}")
        if mode & ~wanted:
            problems.append(f"{path}: readable by others (mode {mode:o}); run chmod {wanted:o}")
    return Health(facts, problems)
