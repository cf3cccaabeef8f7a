"""Turning the vault on and off: the database rebuilt in the other form, checked record by
record, then put in place.

Both run only with no other srs-tui window or command on the file: SQLite proves it, as
switching the file out of write-ahead logging needs every other connection closed. The new file
is built beside the old one, every table compared row by row with the old, and only then
renamed over it, so a crash at any moment leaves one whole database:
- on: the key file is written first. A crash after that and before the rename leaves the
  plain database and a key file that does not open it; `unlock` says so and `vault on` again
  starts over.
- off: the plain file is put in place, then the key file removed.
The plaintext database that `vault on` replaces is overwritten with zeros before it is
removed. What no program can reach is said plainly by the command: copies the file system or
the disk keep on their own (journals, snapshots, an SSD's spare blocks), and any copy made
before, elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from srs_tui.store import engine
from srs_tui.store.copies import SQLITE_MAGIC, replace_records
from srs_tui.store.database import check_file, check_versions, immediate
from srs_tui.store.errors import StoreError, describe
from srs_tui.store.schema import SCHEMA_VERSION, TABLES, migrate
from srs_tui.store.vault import (
    RECOVERY_BYTES,
    format_recovery,
    new_key_file,
    write_key_file,
)

ALONE_TIMEOUT_S = 1.0
BULK_CACHE_KIB = -8000  # SQLite's terms: negative, KiB


@dataclass(frozen=True)
class Switched:
    """What a switch did."""

    recovery_key: str | None  # `on`: to show once
    sealed: tuple[Path, ...] = ()  # plain backups sealed with the vault's keys
    overwritten: bool = False  # the old plaintext database overwritten before removal


def _alone(conn: sqlite3.Connection, db_path: Path) -> None:
    """Take the file out of write-ahead logging, which SQLite allows only with no other
    connection open, and keep it so: no other window can open it until this one is done.

    Out of write-ahead logging a window starting now could still open the file, put it back
    into it and save: a save acknowledged after the records were compared and before the new
    file took the old one's place would be lost. So the write lock is taken at once and held
    until the switch is over (the caller ends it by closing the connection): a window starting
    meanwhile cannot put the file back into write-ahead logging, and says it is busy."""
    conn.execute(f"PRAGMA busy_timeout = {int(ALONE_TIMEOUT_S * 1000)}")
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() == "delete":
            conn.execute("BEGIN IMMEDIATE")
            # Read again under the lock: a window may have opened it between the two.
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    except sqlite3.Error:
        mode = ""
    if str(mode).lower() != "delete":
        raise StoreError(
            f"{db_path}: another srs-tui window or command has the database open; close it "
            "and try again. Nothing was changed."
        )


def _digest(conn: sqlite3.Connection, table: str) -> str:
    names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    columns = ", ".join(names)
    digest = hashlib.sha256()
    for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}"):
        digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def same_records(one: sqlite3.Connection, other: sqlite3.Connection) -> bool:
    """Whether the two databases hold the very same rows in every table."""
    return all(_digest(one, table) == _digest(other, table) for table in TABLES)


def _build(source: sqlite3.Connection, target: sqlite3.Connection, where: Path) -> None:
    """target (empty) made srs-tui's schema and filled with source's records, then checked."""
    target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file until in place
    # A larger page cache for the copy alone (the connection is closed after it): through
    # SQLite's default 2 MB, the indexes on random ids spill and are read again, and a million
    # rows take 20 s to encrypt against 12 s.
    target.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    with immediate(target):
        migrate(target, 0)
        replace_records(target, source)
    if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise StoreError(
            f"{where}: the new database failed its integrity check; nothing was changed."
        )
    check_versions(target, str(where))
    if not same_records(source, target):
        raise StoreError(f"{where}: the new database differs from the old; nothing was changed.")


def _open_source(db_path: Path) -> sqlite3.Connection:
    from srs_tui.store.database import connect

    if check_file(db_path):
        raise StoreError(f"no records yet: there is no database at {db_path}.")
    conn = connect(db_path, create=False)  # migrated to this version, as the new file will be
    try:
        _alone(conn, db_path)
        if check_versions(conn, str(db_path)) != SCHEMA_VERSION:
            raise StoreError(f"{db_path}: not at this version's schema; nothing was changed.")
    except BaseException:
        conn.close()
        raise
    return conn


def _overwrite(path: Path) -> bool:
    """Overwrite a file with zeros, synced, then remove it. Only for a file no SQLite
    connection in any process holds (it was just replaced, with every other window closed)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            block = b"\0" * 65536
            left = size
            while left > 0:
                left -= handle.write(block[: min(left, len(block))])
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except OSError:
        path.unlink(missing_ok=True)
        return False
    return True


def _let_go_before_rename(source: sqlite3.Connection) -> None:
    """Where a file open anywhere cannot be renamed over (Windows), the source's connection,
    and its lock, must go first. Elsewhere it is held until the new file is in place."""
    if os.name != "posix":
        source.close()


def clean_leftovers(db_path: Path) -> int:
    """What a switch killed half-way left beside the database, removed: the old plaintext
    database's link (overwritten first) and a half-built new file. The number removed."""
    removed = 0
    for path in db_path.parent.glob(f".{db_path.name}.*-????????"):
        kind = path.name[len(db_path.name) + 2 :].rsplit("-", 1)[0]
        if kind == "old":
            if not db_path.exists():
                continue  # the records themselves, between a switch's two renames: kept
            if os.path.samefile(path, db_path):
                # A second name of the database (a switch whose rename failed, or one between
                # its link and its rename right now): overwriting it would zero the records.
                path.unlink(missing_ok=True)
            else:
                _overwrite(path)
        elif kind in ("vault", "plain"):
            path.unlink(missing_ok=True)
        else:
            continue
        removed += 1
    return removed


def drop_stale_key(db_path: Path) -> bool:
    """Remove a key file that sits beside a plain database: a `vault on` stopped before the new
    file was put in place. Its key opens nothing; the plain database is the truth."""
    from srs_tui.store.engine import key_file
    from srs_tui.store.vault import is_plain

    if engine.is_vault(db_path) and is_plain(db_path):
        key_file(db_path).unlink(missing_ok=True)
        return True
    return False


def _put_in_place(new: Path, db_path: Path) -> Path:
    """The new file renamed over the database; the old one kept under a hidden name (a hard
    link where the file system has them), returned for overwriting."""
    old = db_path.with_name(f".{db_path.name}.old-{secrets.token_hex(4)}")
    try:
        os.link(db_path, old)
    except OSError:
        os.replace(db_path, old)  # no hard links here: a moment with no file at the path
        try:
            os.replace(new, db_path)
        except OSError:
            os.replace(old, db_path)  # the records back where they were
            raise
        return old
    try:
        os.replace(new, db_path)
    except OSError:
        old.unlink(missing_ok=True)  # a second name of the database, which stays as it was
        raise
    return old


def turn_on(
    db_path: Path, passphrase: str, *, cost: tuple[int, int, int] | None = None
) -> Switched:
    """Encrypt the database at db_path into a vault; returns the recovery key, to show once."""
    from srs_tui.key_cost import N, P, R
    from srs_tui.store.engine import key_file

    clean_leftovers(db_path)
    drop_stale_key(db_path)
    if engine.is_vault(db_path):
        raise StoreError(f"{db_path}: the vault is already on; nothing was changed.")
    source = _open_source(db_path)
    new = db_path.with_name(f".{db_path.name}.vault-{secrets.token_hex(4)}")
    data_key = secrets.token_bytes(engine.KEY_BYTES)
    recovery = secrets.token_bytes(RECOVERY_BYTES)
    keys = new_key_file(data_key, passphrase, recovery, cost=cost or (N, R, P))
    try:
        # Made private before SQLCipher opens it, whatever the umask of the calling process.
        fd = os.open(new, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        target = engine.connect_keyed(str(new), data_key, isolation_level=None)
        try:
            _build(source, target, db_path)
        finally:
            target.close()
        write_key_file(key_file(db_path), keys)
        _let_go_before_rename(source)
        old = _put_in_place(new, db_path)
    except sqlite3.Error as error:
        raise StoreError(f"{db_path}: the vault could not be made ({describe(error)}).") from None
    except OSError as error:
        raise StoreError(
            f"{db_path}: the vault could not be put in place ({error.strerror}); the database "
            "is as it was."
        ) from None
    finally:
        source.close()
        new.unlink(missing_ok=True)
    engine.keep_key(db_path, data_key)
    overwritten = _overwrite(old)
    sealed = seal_plain_copies(db_path)
    return Switched(format_recovery(recovery), sealed, overwritten)


def turn_off(db_path: Path) -> Switched:
    """Decrypt the unlocked vault at db_path into a plain database, and remove its key file."""
    from srs_tui.store.engine import key_file
    from srs_tui.store.vault import forget

    if not engine.is_vault(db_path):
        raise StoreError(f"{db_path}: the vault is not on; nothing was changed.")
    clean_leftovers(db_path)
    source = _open_source(db_path)
    new = db_path.with_name(f".{db_path.name}.plain-{secrets.token_hex(4)}")
    try:
        fd = os.open(new, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        target = sqlite3.connect(new, isolation_level=None)
        try:
            _build(source, target, db_path)
        finally:
            target.close()
        _let_go_before_rename(source)
        old = _put_in_place(new, db_path)
    except sqlite3.Error as error:
        raise StoreError(
            f"{db_path}: the vault could not be opened up ({describe(error)})."
        ) from None
    except OSError as error:
        raise StoreError(
            f"{db_path}: the plain database could not be put in place ({error.strerror}); the "
            "vault is as it was."
        ) from None
    finally:
        source.close()
        new.unlink(missing_ok=True)
    key_file(db_path).unlink(missing_ok=True)
    forget(db_path)
    old.unlink(missing_ok=True)  # ciphertext: nothing to overwrite
    return Switched(None)


def plain_copies(db_path: Path) -> list[Path]:
    """The plaintext copies srs-tui keeps in the data folder: backups, copies kept aside by a
    restore or a rescue (the same list erase looks through)."""
    from srs_tui.store.erasure import copies_of

    found = []
    for path in copies_of(db_path):
        # A .tmp in plain text is a backup killed before its rename: one being written now
        # would hold a connection, and the switch runs only with none (a vault's is sealed).
        try:
            with path.open("rb") as handle:
                if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
                    found.append(path)
        except OSError:
            continue
    return found


def seal_plain_copies(db_path: Path) -> tuple[Path, ...]:
    """Each plaintext copy in the data folder sealed with the vault's keys, in place, and the
    plaintext overwritten. A copy that cannot be read as ours is left and not counted."""
    from srs_tui.store.copies import image_of
    from srs_tui.store.files import temporary_beside
    from srs_tui.store.vault import seal

    sealed = []
    for path in plain_copies(db_path):
        if path.name.endswith(".tmp"):
            _overwrite(path)  # never finished: not a backup anyone can restore
            continue
        try:
            image = image_of(path)
        except StoreError:
            continue
        temporary = temporary_beside(path)
        try:
            with temporary.open("wb") as handle:
                handle.write(seal(image, db_path))
                handle.flush()
                os.fsync(handle.fileno())
            old = path.with_name(f".{path.name}.old-{secrets.token_hex(4)}")
            os.replace(path, old)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _overwrite(old)
        sealed.append(path)
    return tuple(sealed)
