"""Opening the SQLite file: refuse what is not ours, set the pragmas, migrate.

The file is only ever opened through SQLite. Closing any other descriptor of it (a Python
`open()` of the header, say) would drop every POSIX lock this process holds on it, and another
process closing its connection would then delete the write-ahead log under a running app:
saves shown as saved, then lost. So the file is checked through a read-only SQLite connection
before anything can write to it, and a foreign, newer, corrupt or non-database file, or one whose
schema is not exactly ours, is refused byte-identical.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import quote

from srs_tui.store import engine
from srs_tui.store.errors import StoreError, describe
from srs_tui.store.schema import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    is_current,
    lookup_problem,
    migrate,
    schema_problem,
)

BUSY_TIMEOUT_S = 5.0
# The files SQLite keeps beside a database: writing over any of them is writing over it.
COMPANIONS = ("-wal", "-shm", "-journal", ".vault")  # .vault: a vault's key file


def _refuse(path: Path, why: str) -> StoreError:
    return StoreError(f"{path}: {why}; the file was left untouched.")


def uri_path(absolute: PurePath) -> str:
    """The path part of a file: URI for SQLite, with an empty authority.

    Built by hand rather than with Path.resolve().as_uri(): resolve() turns a mapped network
    drive on Windows (Z:) into a UNC path, which as_uri() makes file://server/share/..., a URI
    whose authority SQLite refuses. A UNC path keeps its two slashes inside the path part.
    """
    text = absolute.as_posix()
    if isinstance(absolute, PureWindowsPath) and absolute.drive and not text.startswith("//"):
        text = "/" + text  # file:///C:/folder/srs-tui.db
    return "//" + quote(text, safe="/:")


def sqlite_uri(path: Path, **params: str) -> str:
    """A file: URI for path (made absolute, links not resolved) with query parameters."""
    absolute = PurePath(os.path.abspath(path))
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file:{uri_path(absolute)}" + (f"?{query}" if query else "")


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to path (nor create it); sqlite3.Error if it fails."""
    conn = engine.connect(path, sqlite_uri(path, mode="ro"), uri=True, timeout=BUSY_TIMEOUT_S)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def check_versions(conn: sqlite3.Connection, where: str) -> int:
    """The schema version of an open srs-tui database (0 for an empty file), or StoreError
    saying why it is not one this version may open: foreign, newer, or not exactly our schema."""
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    except sqlite3.Error as error:
        raise StoreError(f"{where}: {describe(error)}") from None
    if application_id == 0 and version == 0 and objects == 0:
        return 0  # an empty SQLite file: ours to set up
    if application_id != APPLICATION_ID:
        raise StoreError(f"{where}: another application's SQLite database, not an srs-tui one")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{where}: made by a newer srs-tui (schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}). Update srs-tui to open it"
        )
    if version == SCHEMA_VERSION and is_current(conn):
        return int(version)  # exactly the current schema and lookups: nothing to build
    problem = schema_problem(conn, version) or lookup_problem(conn, version)
    if problem:
        raise StoreError(f"{where}: {problem}; srs-tui opens only its own schema")
    return int(version)


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
    if not stat.S_ISREG(mode):
        raise _refuse(path, "not a regular file")
    try:
        probe = read_only(path)
    except sqlite3.Error as error:
        raise _refuse(path, f"cannot be read ({describe(error)})") from None
    try:
        check_versions(probe, str(path))
    except StoreError as error:
        if not engine.is_vault(path) and "not an SQLite database" in str(error):
            raise StoreError(
                f"{error}; the file was left untouched. If it is an srs-tui vault, its key "
                f"file {engine.key_file(path).name} is missing: put it back beside it."
            ) from None
        raise StoreError(f"{error}; the file was left untouched.") from None
    finally:
        probe.close()
    return False


def _refuse_orphaned_log(path: Path) -> None:
    """Refuse to make a new database where the old one's -wal or -shm are still there.

    They belong to a database that was deleted, which a running window may still hold open:
    a new file would share that window's write-ahead log, and the two would lose each other's
    saves."""
    left = [
        path.with_name(path.name + s) for s in ("-wal", "-shm") if os.path.lexists(f"{path}{s}")
    ]
    if left:
        raise StoreError(
            f"{path}: the database is gone but its {left[0].name} is still there, so an srs-tui "
            "window may still hold the deleted database. Close every srs-tui window; if none "
            f"is open, move {path.name}-wal and {path.name}-shm elsewhere. Then start again."
        )


def _create_private_file(path: Path, create_parents: bool) -> None:
    parent = path.parent
    if not parent.exists():
        if not create_parents:
            raise StoreError(f"{parent}: no such folder; create it first or choose another path.")
        make_private_folder(parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another window created it a moment ago; it is checked as it is
    except OSError as error:
        raise StoreError(f"{path}: cannot create the database ({error.strerror}).") from None
    # No connection to this new, empty file exists yet anywhere: closing this descriptor
    # drops no lock.
    os.close(fd)
    os.chmod(path, 0o600)  # the mode is masked by the umask at creation; make it exact


def make_private_folder(folder: Path) -> None:
    """Create folder (and its parents) readable by the user alone."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask; the data is private
    except OSError as error:
        raise StoreError(f"{folder}: cannot create the folder ({error.strerror}).") from None


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


def _migrate(conn: sqlite3.Connection, where: str) -> None:
    with immediate(conn):
        # Read again under the write lock: another window may have migrated, or the file may
        # have been replaced, since it was checked.
        version = check_versions(conn, where)
        migrate(conn, version)


def connect(path: Path, *, create_parents: bool = False, create: bool = True) -> sqlite3.Connection:
    """Open (creating if missing, unless create is False) and migrate an srs-tui database,
    or raise StoreError."""
    path = Path(path)
    if check_file(path):
        if not create:
            raise StoreError(f"no records yet: there is no database at {path}.")
        _refuse_orphaned_log(path)
        _create_private_file(path, create_parents)
        check_file(path)
    try:
        # isolation_level=None: transactions are begun explicitly, always BEGIN IMMEDIATE.
        conn = engine.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open the database ({describe(error)}).") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA trusted_schema = OFF")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: the file system does not support a write-ahead log.")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, str(path))
    except sqlite3.Error as error:
        conn.close()
        raise StoreError(f"{path}: cannot open the database ({describe(error)}).") from None
    except BaseException:
        conn.close()
        raise
    return conn


def identity(path: Path) -> tuple[tuple[int, int] | None, ...]:
    """Which files are at path and its -wal and -shm now (device and inode; None if absent).

    Taken with os.stat, which opens nothing. While a connection is open SQLite keeps all three,
    so a change means the database was deleted or replaced under it. Windows cannot delete or
    replace a file SQLite holds open, and its file ids are not stable on every file system
    (FAT): there only the files' presence is compared."""
    found: list[tuple[int, int] | None] = []
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        try:
            facts = os.stat(path.with_name(name))
        except OSError:
            found.append(None)
        else:
            found.append((facts.st_dev, facts.st_ino) if os.name == "posix" else (0, 0))
    return tuple(found)


def is_database_file(target: Path, db_path: Path) -> bool:
    """Whether writing target would write over the database or one of its companion files,
    however the path is spelled (a link to the folder, another letter case)."""
    base = os.path.abspath(db_path)
    companions = [base + suffix for suffix in ("", *COMPANIONS)]
    target_text = os.path.abspath(target)
    if target_text in companions or os.path.normcase(target_text) in map(
        os.path.normcase, companions
    ):
        return True
    for companion in companions:
        try:
            if os.path.samefile(target, companion):
                return True
        except OSError:
            continue
    # A companion that does not exist yet, in the same folder reached another way.
    try:
        same_folder = os.path.samefile(os.path.dirname(target_text), os.path.dirname(base))
    except OSError:
        return False
    names = {os.path.basename(c).casefold() for c in companions}
    return same_folder and os.path.basename(target_text).casefold() in names
