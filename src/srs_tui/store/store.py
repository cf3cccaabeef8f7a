"""The Store: clients and their SRS administrations in one SQLite file.

The hot paths (open, the caseload, saving a rating) use the standard library's sqlite3
directly: importing sqlite-utils costs more start-up time than the whole first screen may.
sqlite-utils wraps the same connection, imported on first use, for bulk work.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs_tui.measures import SRS, Scores
from srs_tui.store.database import connect, identity, immediate
from srs_tui.store.errors import StoreError, code_of, describe
from srs_tui.store.records import (
    Administration,
    Client,
    ClientSummary,
    check_session_fields,
    clean_alias,
    clean_display_name,
    clean_language,
    clean_note,
    timestamp,
)

if TYPE_CHECKING:
    import sqlite_utils

_OUT_OF_THE_WAY = 1_000_000_000  # beyond any real session number
ADMIN_COLUMNS = (
    "id, client_id, measure, session, administered_at, relationship, goals, approach, "
    "overall, mode, setting, note, created_at, updated_at"
)


_CLIENT_COLUMNS = "id, alias, created_at, archived_at, language, display_name"


def _client(row: Sequence[Any]) -> Client:
    return Client(
        id=row[0],
        alias=row[1],
        created_at=datetime.fromisoformat(row[2]),
        archived_at=datetime.fromisoformat(row[3]) if row[3] else None,
        language=row[4],
        display_name=row[5],
    )


def _administration(row: Sequence[Any]) -> Administration:
    return Administration(
        id=row[0],
        client_id=row[1],
        measure=row[2],
        session=row[3],
        administered_at=datetime.fromisoformat(row[4]),
        scores=Scores.trusted(SRS.name, (row[5], row[6], row[7], row[8])),
        mode=row[9],
        setting=row[10],
        note=row[11],
        created_at=datetime.fromisoformat(row[12]),
        updated_at=datetime.fromisoformat(row[13]),
    )


def _failure(error: sqlite3.Error) -> StoreError:
    """The words for a failed write, from the error's code alone (never SQLite's text,
    which can quote a record, and may be read on a shared screen)."""
    code = getattr(error, "sqlite_errorname", "")
    if code == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return StoreError(
            "That client is no longer in the database (erased or restored in another "
            "window?); nothing was saved."
        )
    words = {
        "SQLITE_BUSY": "The database is busy in another window; nothing was saved. Try again.",
        "SQLITE_LOCKED": "The database is busy in another window; nothing was saved. Try again.",
        "SQLITE_FULL": "The disk is full; nothing was saved.",
        # A full disk can show as an I/O error too (a file-size limit, a quota).
        "SQLITE_IOERR": "The disk could not be written (full, over a quota, or removed?); "
        "nothing was saved.",
        "SQLITE_READONLY": "The database file is read-only; nothing was saved.",
        "SQLITE_CORRUPT": "The database file is damaged; nothing was saved. Run srs-tui check.",
    }
    found = words.get(code_of(error))
    if found:
        return StoreError(found)
    return StoreError(f"The database refused the change ({describe(error)}); nothing was saved.")


_GONE = (
    "The database file was moved, replaced or deleted while srs-tui was open, so nothing was "
    "saved. Quit srs-tui, start it again and run srs-tui check."
)


@contextmanager
def _reading() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as error:
        raise StoreError(f"The database could not be read ({describe(error)}).") from None
    except (ValueError, TypeError):
        # A record another program wrote in a form ours never have (a date that is not one).
        raise StoreError(
            "A record in the database is damaged and could not be read; run srs-tui check."
        ) from None


class Store:
    """An open srs-tui database."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._utils: sqlite_utils.Database | None = None
        # The files the connection has open, to notice one deleted or replaced under it.
        self._identity = identity(path)
        self.abandoned = False  # the file was deleted or replaced, and this one let go of it

    @classmethod
    def open(cls, path: Path, *, create_parents: bool = False, create: bool = True) -> Store:
        """Open the database at path, creating it if missing (unless create is False);
        StoreError if it is not ours, or ("no records yet") missing and not to be created."""
        return cls(connect(path, create_parents=create_parents, create=create), Path(path))

    @classmethod
    def open_read_only(cls, path: Path) -> Store:
        """The database at path for reading alone (an export, a report): nothing is created
        or written, so a read-only file or medium works. StoreError ("no records yet") if it
        does not exist. A file of an older schema is opened as usual, to be migrated."""
        from srs_tui.store.database import check_file, check_versions, read_only
        from srs_tui.store.schema import SCHEMA_VERSION

        if check_file(path):
            raise StoreError(f"no records yet: there is no database at {path}.")
        try:
            conn = read_only(path)
            version = check_versions(conn, str(path))
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot be read ({describe(error)}).") from None
        if version == SCHEMA_VERSION:
            return cls(conn, Path(path))
        conn.close()
        if version == 0:
            raise StoreError(f"no records yet: {path} is an empty file.")
        return cls.open(path, create=False)

    @classmethod
    def empty(cls) -> Store:
        """An empty database in memory, to plan against when there is no file yet."""
        from srs_tui.store.schema import migrate

        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        with immediate(conn):
            migrate(conn, 0)
        return cls(conn, Path(":memory:"))

    def moved(self) -> bool:
        """Whether the database file was deleted or replaced since it was opened."""
        return identity(self.path) != self._identity

    def abandon(self, rescue: Path) -> bool:
        """Let go of a database file that was deleted or replaced under this connection.

        What the connection still sees is copied into memory, and from there to rescue (False
        if that file could not be written). The window goes on reading that copy, so every
        screen still shows what it showed; every write is refused. The file's connection is
        closed at once, and, since SQLite keeps the write-ahead log of a file that has moved
        (applied to whatever file is at the path now, it would show a mixture of two
        databases), the log and its index are removed too, if they are still the very files
        this connection had (os.stat, never open)."""
        from srs_tui.store.copies import write_copy

        self.abandoned = True
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self._conn.backup(memory)
        except sqlite3.Error:
            memory.close()
            memory = Store.empty()._conn
        try:
            write_copy(memory, rescue, force=False)
            kept = True
        except (StoreError, OSError):
            kept = False
        self._conn.close()
        self._conn = memory
        self._utils = None
        if os.name == "posix":
            now_there = identity(self.path)
            for index, suffix in ((1, "-wal"), (2, "-shm")):
                if self._identity[index] is not None and now_there[index] == self._identity[index]:
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return kept

    def close(self) -> None:
        """Close the connection; SQLite then folds the write-ahead log into the file."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def utils(self) -> sqlite_utils.Database:
        """The same connection through sqlite-utils, for bulk inserts and introspection."""
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self._conn, execute_plugins=False)
        return self._utils

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE transaction; a database error becomes a StoreError."""
        if self.abandoned:
            raise StoreError(_GONE)
        try:
            with immediate(self._conn) as conn:
                # Under the write lock: a save must never be confirmed into a file that is no
                # longer the database (deleted, moved, or replaced by another program).
                if self.moved():
                    raise StoreError(_GONE)
                yield conn
        except sqlite3.Error as error:
            raise _failure(error) from None

    # Clients

    def add_client(
        self,
        alias: str,
        *,
        now: datetime,
        language: str = "en",
        display_name: str = "",
    ) -> Client:
        """Add a client under a new alias."""
        client = Client(
            id=str(uuid.uuid4()),
            alias=clean_alias(alias),
            created_at=now,
            archived_at=None,
            language=clean_language(language),
            display_name=clean_display_name(display_name),
        )
        with self.write() as conn:
            if self._find(conn, client.alias) is not None:
                raise StoreError("A client with this alias already exists.")
            conn.execute(
                "INSERT INTO clients (id, alias, created_at, language, display_name) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    client.id,
                    client.alias,
                    timestamp(now),
                    client.language,
                    client.display_name,
                ),
            )
        return client

    def edit_client(
        self, client_id: str, *, alias: str, language: str, display_name: str
    ) -> Client:
        """Change a client's alias, language or name for sharing."""
        cleaned = clean_alias(alias)
        with self.write() as conn:
            other = self._find(conn, cleaned)
            if other is not None and other.id != client_id:
                raise StoreError("A client with this alias already exists.")
            changed = conn.execute(
                "UPDATE clients SET alias = ?, language = ?, display_name = ? WHERE id = ?",
                (cleaned, clean_language(language), clean_display_name(display_name), client_id),
            ).rowcount
            if changed != 1:
                raise StoreError("That client is no longer in the database.")
        return self.client(client_id)

    def set_display_name(self, client_id: str, name: str) -> Client:
        """Change only the name a client is shown by while the screen is shared."""
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE clients SET display_name = ? WHERE id = ?",
                (clean_display_name(name), client_id),
            ).rowcount
            if changed != 1:
                raise StoreError("That client is no longer in the database.")
        return self.client(client_id)

    def find_client(self, alias: str) -> Client | None:
        """The client with this alias (any case), if there is one."""
        return self._find(self._conn, " ".join(alias.split()))

    def get_or_add_client(self, alias: str, *, now: datetime) -> Client:
        """The client with this alias, added first if new."""
        found = self.find_client(alias)
        return found if found is not None else self.add_client(alias, now=now)

    @staticmethod
    def _find(conn: sqlite3.Connection, alias: str) -> Client | None:
        with _reading():
            row = conn.execute(
                f"SELECT {_CLIENT_COLUMNS} FROM clients WHERE alias = ?", (alias,)
            ).fetchone()
            return _client(row) if row else None

    def client(self, client_id: str) -> Client:
        """The client with this id."""
        with _reading():
            row = self._conn.execute(
                f"SELECT {_CLIENT_COLUMNS} FROM clients WHERE id = ?", (client_id,)
            ).fetchone()
            if row is None:
                raise StoreError("That client is no longer in the database.")
            return _client(row)

    def clients(self, *, include_archived: bool = False, recent: int = 8) -> list[ClientSummary]:
        """The clients with their latest sessions, alphabetically.

        Two queries for the whole caseload, never one per client: the latest sessions come
        through the (client_id, measure, session) index, `recent` rows a client, fetched by
        rowid (half the time of going through the id index).
        """
        with _reading():
            clients = self._conn.execute(
                """
                SELECT c.id, c.alias, c.created_at, c.archived_at, c.language, c.display_name
                FROM clients AS c
                WHERE ? OR c.archived_at IS NULL
                ORDER BY c.alias COLLATE NOCASE
                """,
                (include_archived,),
            ).fetchall()
            # Only totals for the older sessions: the rules need just the last one's items.
            latest = self._conn.execute(
                """
                SELECT a.client_id, a.session, a.administered_at,
                       a.relationship, a.goals, a.approach, a.overall
                FROM clients AS c
                JOIN administrations AS a ON a.rowid IN (
                    SELECT rowid FROM administrations
                    WHERE client_id = c.id AND measure = 'SRS'
                    ORDER BY session DESC LIMIT ?
                )
                WHERE ? OR c.archived_at IS NULL
                ORDER BY a.client_id, a.session
                """,
                (recent, include_archived),
            ).fetchall()
            totals: dict[str, list[int]] = {}
            last: dict[str, tuple[Any, ...]] = {}
            for row in latest:
                totals.setdefault(row[0], []).append(row[3] + row[4] + row[5] + row[6])
                last[row[0]] = row
            summaries = []
            for row in clients:
                final = last.get(row[0])
                summaries.append(
                    ClientSummary(
                        client=_client(row),
                        last_session=final[1] if final else 0,  # the latest fetched is last
                        last_at=datetime.fromisoformat(final[2]) if final else None,
                        totals=tuple(totals.get(row[0], ())),
                        last=Scores.trusted(SRS.name, tuple(final[3:7])) if final else None,
                    )
                )
        return summaries

    def erase_client(self, client_id: str, *, now: datetime) -> bool:
        """Erase every record of a client, on their request; the audit keeps only the date.

        secure_delete overwrites the freed pages, so the records do not linger in the file.
        The write-ahead log, which still holds the pages as they were before, is then folded
        into the file and truncated. True when it was; False when another window is reading
        the database, so the log cannot be emptied now (it is when the last window closes).
        """
        from srs_tui.store.erasure import delete_client_rows

        self._conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.write() as conn:
                if delete_client_rows(conn, client_id) != 1:
                    raise StoreError("That client is no longer in the database.")
                conn.execute(
                    "INSERT INTO audit (at, event) VALUES (?, 'client erased')", (timestamp(now),)
                )
        finally:
            self._conn.execute("PRAGMA secure_delete = OFF")
        return self.empty_wal()

    def empty_wal(self) -> bool:
        """Fold the write-ahead log into the file and truncate it; False if a reader held it."""
        try:
            busy, log, done = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error:
            return False
        # busy: another connection's read kept the checkpoint from finishing; log is -1 when
        # the file is not in WAL mode at all.
        return busy == 0 and log in (0, -1) and done in (0, -1)

    def set_archived(self, client_id: str, archived: bool, *, now: datetime) -> Client:
        """Archive a client (hidden from the caseload, nothing deleted) or bring them back."""
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE clients SET archived_at = ? WHERE id = ?",
                (timestamp(now) if archived else None, client_id),
            ).rowcount
            if changed != 1:
                raise StoreError("That client is no longer in the database.")
        return self.client(client_id)

    # Administrations

    def record(
        self,
        client_id: str,
        scores: Scores,
        *,
        administered_at: datetime,
        mode: str,
        setting: str,
        note: str = "",
        now: datetime,
    ) -> Administration:
        """Save one SRS as the client's next session."""
        check_session_fields(mode, setting, administered_at)
        cleaned_note = clean_note(note)
        row = (
            str(uuid.uuid4()),
            client_id,
            SRS.name,
            0,  # the session number, counted under the write lock below
            timestamp(administered_at),
            *scores.as_dict().values(),
            mode,
            setting,
            cleaned_note,
            timestamp(now),
            timestamp(now),
        )
        with self.write() as conn:
            # Counted under the write lock, so two windows never take the same number.
            session = conn.execute(
                "SELECT coalesce(max(session), 0) + 1 FROM administrations "
                "WHERE client_id = ? AND measure = ?",
                (client_id, SRS.name),
            ).fetchone()[0]
            row = (*row[:3], session, *row[4:])
            conn.execute(
                f"INSERT INTO administrations ({ADMIN_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        # What was written, not read back: a save that committed is never reported as failed
        # because a damaged page elsewhere could not be read afterwards.
        return _administration(row)

    def set_note(self, admin_id: str, note: str, *, now: datetime) -> Administration:
        """Replace the note of a saved session."""
        cleaned = clean_note(note)
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE administrations SET note = ?, updated_at = ? WHERE id = ?",
                (cleaned, timestamp(now), admin_id),
            ).rowcount
            if changed != 1:
                raise StoreError("That session is no longer in the database.")
        return self.administration(admin_id)

    def correct(
        self, admin_id: str, scores: Scores, *, administered_at: datetime, now: datetime
    ) -> Administration:
        """Correct a mistaken session's ratings or date; updated_at records when."""
        if administered_at.tzinfo is None:
            raise StoreError("The session time needs a time zone.")
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE administrations SET relationship = ?, goals = ?, approach = ?, "
                "overall = ?, administered_at = ?, updated_at = ? WHERE id = ?",
                (
                    *scores.as_dict().values(),
                    timestamp(administered_at),
                    timestamp(now),
                    admin_id,
                ),
            ).rowcount
            if changed != 1:
                raise StoreError("That session is no longer in the database.")
        return self.administration(admin_id)

    def delete_administration(self, admin_id: str) -> None:
        """Delete a session entered by mistake; the client's later sessions move up one."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT client_id, measure, session FROM administrations WHERE id = ?",
                (admin_id,),
            ).fetchone()
            if row is None:
                raise StoreError("That session is no longer in the database.")
            conn.execute("DELETE FROM administrations WHERE id = ?", (admin_id,))
            # Two steps, out of the way and back, so that no row ever meets an equal number
            # (SQLite checks UNIQUE row by row, in no promised order).
            conn.execute(
                "UPDATE administrations SET session = session + ? "
                "WHERE client_id = ? AND measure = ? AND session > ?",
                (_OUT_OF_THE_WAY, *row),
            )
            conn.execute(
                "UPDATE administrations SET session = session - ? "
                "WHERE client_id = ? AND measure = ? AND session > ?",
                (_OUT_OF_THE_WAY + 1, row[0], row[1], _OUT_OF_THE_WAY),
            )

    def administration(self, admin_id: str) -> Administration:
        """One administration by id."""
        with _reading():
            row = self._conn.execute(
                f"SELECT {ADMIN_COLUMNS} FROM administrations WHERE id = ?", (admin_id,)
            ).fetchone()
            if row is None:
                raise StoreError("That session is no longer in the database.")
            return _administration(row)

    def history(self, client_id: str) -> list[Administration]:
        """A client's SRS administrations in session order."""
        with _reading():
            rows = self._conn.execute(
                f"SELECT {ADMIN_COLUMNS} FROM administrations "
                "WHERE client_id = ? AND measure = ? ORDER BY session",
                (client_id, SRS.name),
            ).fetchall()
            return [_administration(row) for row in rows]

    def next_session(self, client_id: str) -> int:
        """The number the client's next session will get."""
        row = self._conn.execute(
            "SELECT coalesce(max(session), 0) + 1 FROM administrations "
            "WHERE client_id = ? AND measure = ?",
            (client_id, SRS.name),
        ).fetchone()
        return int(row[0])
