"""Backups through SQLite's online backup API (never a file copy of a live database), restore,
and the health check."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from srs_tui.store.database import check_file
from srs_tui.store.errors import StoreError
from srs_tui.store.files import put_in_place, temporary_beside
from srs_tui.store.schema import APPLICATION_ID, SCHEMA_VERSION

BACKUP_FOLDER = "backups"


def default_backup_path(data_dir: Path, now: datetime) -> Path:
    """backups/srs-tui-2026-12-01-140500.db in the data folder."""
    return data_dir / BACKUP_FOLDER / f"srs-tui-{now.strftime('%Y-%m-%d-%H%M%S')}.db"


def _integrity(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of source into target (a fresh private file), checked after."""
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        result = _integrity(destination)
    finally:
        destination.close()
    if result != "ok":
        raise StoreError(f"the copy failed its integrity check ({result}); nothing was kept.")


def backup(db_path: Path, target: Path, *, force: bool = False) -> Path:
    """Copy the database at db_path to target while the app may be running."""
    if check_file(db_path):
        raise StoreError(f"{db_path}: no such database.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = temporary_beside(target)
    try:
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            _copy(source, temporary)
        finally:
            source.close()
    except sqlite3.Error as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{db_path}: the backup failed ({error}); nothing was kept.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    put_in_place(temporary, target, force=force)
    return target


def encrypted_backup(db_path: Path, target: Path, passphrase: str, *, force: bool = False) -> Path:
    """An encrypted backup: a checked copy, sealed, written whole as 0600."""
    from srs_tui.store.crypto import encrypt
    from srs_tui.store.files import write_private

    if target.exists() and not force:
        raise StoreError(f"{target}: already exists; choose another name or add --force.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    plain = temporary_beside(target)
    try:
        plain.unlink()
        backup(db_path, plain)
        write_private(target, encrypt(plain.read_bytes(), passphrase), force=force)
    finally:
        plain.unlink(missing_ok=True)
    return target


def opened_backup(path: Path, passphrase: Callable[[], str]) -> tuple[Path, bool]:
    """The backup to restore from: path itself, or a private decrypted copy (True) to remove."""
    from srs_tui.store.crypto import decrypt, is_encrypted

    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    if not is_encrypted(head):
        return path, False
    plain = decrypt(path.read_bytes(), passphrase())
    copy = temporary_beside(path.with_name("restore.db"))
    copy.write_bytes(plain)
    return copy, True


DAILY_PREFIX = "daily-"


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


def verify(path: Path) -> None:
    """Refuse a backup that is not a whole srs-tui database this version can read."""
    if check_file(path):
        raise StoreError(f"{path}: no such backup.")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = _integrity(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: damaged, not restored ({error}).") from None
    finally:
        conn.close()
    if result != "ok":
        raise StoreError(f"{path}: fails its integrity check ({result}); not restored.")
    if application_id != APPLICATION_ID or version < 1:
        raise StoreError(f"{path}: not an srs-tui backup; not restored.")


def restore(
    backup_path: Path,
    db_path: Path,
    now: datetime,
    passphrase: Callable[[], str] = lambda: "",
) -> Path | None:
    """Replace the database with a checked backup (decrypted first if it is encrypted); the
    previous database is kept aside (returned)."""
    source_path, temporary = opened_backup(backup_path, passphrase)
    try:
        return _restore(source_path, db_path, now)
    finally:
        if temporary:
            source_path.unlink(missing_ok=True)


def _restore(backup_path: Path, db_path: Path, now: datetime) -> Path | None:
    verify(backup_path)
    aside = None
    if not check_file(db_path):
        aside = db_path.with_name(f"{db_path.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}")
        backup(db_path, aside)
    try:
        source = sqlite3.connect(f"{backup_path.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(db_path, timeout=5)
        try:
            # The backup API writes the pages under the database's own lock, so a reader in
            # another window sees the old database or the new one, never a mixture.
            source.backup(target)
        finally:
            source.close()
            target.close()
    except sqlite3.Error as error:
        raise StoreError(f"{db_path}: the restore failed ({error}).") from None
    os.chmod(db_path, 0o600)
    return aside


@dataclass(frozen=True)
class Health:
    """What `srs-tui check` found."""

    facts: list[str]
    problems: list[str]


def health(db_path: Path) -> Health:
    """Paths, schema version, integrity, permissions and size of a database."""
    facts = [f"database: {db_path}"]
    problems: list[str] = []
    try:
        missing = check_file(db_path)
    except StoreError as error:
        return Health(facts, [str(error)])
    if missing:
        return Health(facts, [f"{db_path}: no such database."])
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        result = _integrity(conn)
        clients = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
        sessions = conn.execute("SELECT count(*) FROM administrations").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return Health(facts, [f"{db_path}: cannot be read ({error})."])
    finally:
        conn.close()
    facts.append(f"schema version: {version} (this srs-tui reads up to {SCHEMA_VERSION})")
    facts.append(f"integrity check: {result}")
    facts.append(f"size: {db_path.stat().st_size:,} bytes; {clients} clients, {sessions} sessions")
    if result != "ok":
        problems.append(f"integrity check: {result}")
    for path, wanted in ((db_path, 0o600), (db_path.parent, 0o700)):
        mode = stat.S_IMODE(path.stat().st_mode)
        facts.append(f"mode of {path}: {mode:o}")
        if os.name == "posix" and mode & ~wanted:
            problems.append(f"{path}: readable by others (mode {mode:o}); run chmod {wanted:o}")
    return Health(facts, problems)
