"""The one error the store raises: a message fit to show a user as it is.

SQLite's own messages can carry data (a decode error quotes the text it could not decode, a
trigger's RAISE() says what its author wrote, a damaged schema names its objects), and a
message may be shown on a shared screen. So errors are told apart by their code, never by
their text, and no SQLite message is ever passed on.
"""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """Something about the database file or a write that the user needs to know."""


class VaultLocked(StoreError):
    """The database is a vault this process has not unlocked: the passphrase is needed."""


class DamagedError(StoreError):
    """The database file is damaged: `srs-tui check` says where, a backup can be restored."""


# SQLite's primary result codes by name, in the words a user needs.
_WORDS = {
    "SQLITE_BUSY": "busy in another window",
    "SQLITE_LOCKED": "busy in another window",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "the disk could not be read or written (full, over a quota, or removed?)",
    "SQLITE_READONLY": "the file is read-only",
    "SQLITE_CORRUPT": "the file is damaged",
    "SQLITE_NOTADB": "not an SQLite database",
    "SQLITE_CANTOPEN": "the file cannot be opened",
    "SQLITE_PERM": "permission denied",
    "SQLITE_NOMEM": "out of memory",
    "SQLITE_TOOBIG": "a value is too large",
    "SQLITE_CONSTRAINT": "a record broke one of the database's rules",
}


def code_of(error: sqlite3.Error) -> str:
    """The primary result code's name (SQLITE_BUSY for SQLITE_BUSY_SNAPSHOT), or ''."""
    name = getattr(error, "sqlite_errorname", None) or ""
    parts = name.split("_")
    return "_".join(parts[:2]) if len(parts) >= 2 else name


def describe(error: sqlite3.Error) -> str:
    """What went wrong, in words, from the error's code alone; never SQLite's own text."""
    if isinstance(error, sqlite3.ProgrammingError):
        return "the database is no longer open"
    code = code_of(error)
    if code in _WORDS:
        return _WORDS[code]
    if isinstance(error, sqlite3.DataError | sqlite3.OperationalError) and not code:
        # Raised by Python's sqlite3 itself, e.g. text that is not valid UTF-8.
        return "a record could not be read"
    return f"SQLite error {code or type(error).__name__}"
