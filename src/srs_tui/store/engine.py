"""Which SQLite opens a file: Python's own, or SQLCipher's for a vault, behind one face.

A vault is a database encrypted by SQLCipher (through `sqlcipher3`, SQLite with SQLCipher built
in). Its connections are wrapped so that the rest of the store sees a `sqlite3` connection: the
same methods, and errors raised as `sqlite3`'s own classes with the same result codes. So every
`except sqlite3.Error` and every worded error (errors.describe) holds for a vault unchanged.

The data key of each vault this process has unlocked is kept here, in memory only, by the
database's absolute path: once `vault.unlock` found it, every connection to that file (the app's,
a read-only probe, a backup's) is keyed without the key being handed around. sqlcipher3 is
imported only when a vault is opened: a plain database never loads it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

# The key file beside a vault: what wraps its data key (see vault.py).
KEY_FILE_SUFFIX = ".vault"
KEY_BYTES = 32
# A vault connection's page cache, in SQLite's terms (negative: KiB): SQLite's default.
PAGE_CACHE_KIB = -2000

_UNLOCKED: dict[str, bytes] = {}


def key_file(db_path: Path) -> Path:
    """The vault's key file for the database at db_path."""
    return Path(db_path).with_name(Path(db_path).name + KEY_FILE_SUFFIX)


def is_vault(db_path: Path) -> bool:
    """Whether db_path is a vault: its key file exists (os.stat: nothing is opened)."""
    return os.path.lexists(key_file(db_path))


def _slot(db_path: Path) -> str:
    return os.path.normcase(os.path.abspath(db_path))


def key_for(db_path: Path) -> bytes | None:
    """The data key this process unlocked for db_path, if any."""
    return _UNLOCKED.get(_slot(db_path))


def keep_key(db_path: Path, key: bytes) -> None:
    """Keep an unlocked data key for db_path, for this process's life (or forget_keys)."""
    if len(key) != KEY_BYTES:
        raise ValueError("a vault's data key is 32 bytes")
    _UNLOCKED[_slot(db_path)] = key


def unlocked_keys() -> tuple[bytes, ...]:
    """Every data key this process has unlocked (to open a sealed copy without asking)."""
    return tuple(_UNLOCKED.values())


def forget_keys() -> None:
    """Forget every unlocked key (the tests, between cases)."""
    _UNLOCKED.clear()


def _translated(error: BaseException) -> sqlite3.Error:
    """A sqlcipher3 error as the sqlite3 error of the same class name and result code."""
    kind = getattr(sqlite3, type(error).__name__, None)
    if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
        kind = sqlite3.DatabaseError
    new = kind(*error.args)
    new.sqlite_errorcode = getattr(error, "sqlite_errorcode", 0)
    new.sqlite_errorname = getattr(error, "sqlite_errorname", "")
    return new


def _module() -> Any:
    from sqlcipher3 import dbapi2  # type: ignore[import-untyped]

    return dbapi2


def _unwrapped(value: Any) -> Any:
    return object.__getattribute__(value, "_inner") if isinstance(value, _Wrapped) else value


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    errors = _module().Error
    try:
        result = function(*map(_unwrapped, args), **kwargs)
    except errors as error:
        raise _translated(error) from None
    module = _module()
    if isinstance(result, module.Cursor | module.Connection):
        return _Wrapped(result)
    return result


class _Wrapped:
    """A sqlcipher3 connection or cursor, raising sqlite3's errors."""

    __slots__ = ("_inner",)

    def __init__(self, inner: Any) -> None:
        object.__setattr__(self, "_inner", inner)

    def __getattr__(self, name: str) -> Any:
        value = getattr(object.__getattribute__(self, "_inner"), name)
        if callable(value):
            return lambda *args, **kwargs: _call(value, *args, **kwargs)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_inner"), name, value)

    def __iter__(self) -> Iterator[Any]:
        inner = iter(object.__getattribute__(self, "_inner"))
        while True:
            try:
                row = _call(next, inner)
            except StopIteration:
                return
            yield row

    def __enter__(self) -> _Wrapped:
        return self

    def __exit__(self, *exc: object) -> None:
        _call(object.__getattribute__(self, "_inner").__exit__, *exc)


def is_keyed(conn: object) -> bool:
    """Whether conn is a vault's (SQLCipher) connection."""
    return isinstance(conn, _Wrapped)


def connect_keyed(target: str, key: bytes, **kwargs: Any) -> sqlite3.Connection:
    """A SQLCipher connection to target keyed with the raw data key (no key derivation per
    connection: the key was derived once, at unlocking). sqlite3.Error if it fails; a wrong key
    shows at the first read, as SQLITE_NOTADB."""
    raw = _call(_module().connect, target, **kwargs)
    conn = cast(sqlite3.Connection, raw)
    try:
        # SQLCipher logs a wrong key or a damaged page to stderr, several timestamped lines
        # (over the app's screen, after a command's one line): errors reach the user as
        # sqlite3 errors, worded by the store, and nowhere else. The level is the process's.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        # Sorts and temporary tables stay in memory: no temporary file is ever written.
        conn.execute("PRAGMA temp_store = MEMORY")
        # SQLite's own default page cache (2 MB), which a plain database gets: sqlcipher3's
        # build defaults to 8 MB, up to 6 MB more held by a vault once its reads have filled it
        # (the caseload's read of schema 6 did, by the first frame).
        conn.execute(f"PRAGMA cache_size = {PAGE_CACHE_KIB}")
    except BaseException:
        conn.close()
        raise
    return conn


def connect(path: Path | str, target: str | None = None, **kwargs: Any) -> sqlite3.Connection:
    """A connection to the database at path (target: the name or URI SQLite is given, default
    the path): SQLCipher keyed with the unlocked key for a vault, else Python's sqlite3.

    StoreError (VaultLocked) for a vault this process has not unlocked."""
    name = target if target is not None else str(path)
    if is_vault(Path(path)):
        key = key_for(Path(path))
        if key is None:
            from srs_tui.store.errors import VaultLocked

            raise VaultLocked(
                f"{path}: the records are encrypted (a vault); the passphrase is needed."
            )
        return connect_keyed(name, key, **kwargs)
    return cast(sqlite3.Connection, sqlite3.connect(name, **kwargs))
