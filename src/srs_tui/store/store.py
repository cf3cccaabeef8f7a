"""The Store: clients and their SRS administrations in one SQLite file.

The hot paths (open, the caseload, saving a rating) use the standard library's sqlite3
directly: importing sqlite-utils costs more start-up time than the whole first screen may.
sqlite-utils wraps the same connection, imported on first use, for bulk work.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs_tui.measures import CLIENT, ORS, SRS, Scores, measure_named
from srs_tui.store.caseload import read_caseload
from srs_tui.store.database import connect, identity, immediate
from srs_tui.store.errors import StoreError, code_of, describe
from srs_tui.store.records import (
    ENDINGS,
    Administration,
    Client,
    ClientSummary,
    Episode,
    check_session_fields,
    clean_age_band,
    clean_alias,
    clean_display_name,
    clean_language,
    clean_note,
    timestamp,
)
from srs_tui.store.schema import SCORE_COLUMNS
from srs_tui.store.sessions import (
    TIME_ORDER,
    Visit,
    add_administration,
    add_session,
    current_episode,
    episode_for,
    episodes_of,
    open_episode,
    place_in_time,
    read_administrations,
    session_keys,
    session_to_join,
    visit_on,
)

if TYPE_CHECKING:
    import sqlite_utils


_CLIENT_COLUMNS = "id, alias, created_at, archived_at, language, display_name, age_band"


def client_of(row: Sequence[Any]) -> Client:
    """A Client from a row of its columns, in _CLIENT_COLUMNS order."""
    return Client.of_row(row)


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
        from srs_tui.store.copies import keep_copy, to_memory

        self.abandoned = True
        try:
            memory = to_memory(self._conn)
        except (sqlite3.Error, StoreError):
            memory = Store.empty()._conn
        try:
            keep_copy(self.path, memory, rescue, force=False)
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

    def change_stamp(self) -> tuple[bool, int, int]:
        """What changes whenever the records this Store reads may have: a commit by another
        connection (SQLite's data_version), a row changed through this one (total_changes),
        the file let go of. Equal stamps: nothing read since could differ."""
        with _reading():
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        return self.abandoned, int(version), self._conn.total_changes

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
        age_band: str = "adult",
    ) -> Client:
        """Add a client under a new alias."""
        import uuid  # here, not at the top: a command that only reads never loads it

        client = Client(
            id=str(uuid.uuid4()),
            alias=clean_alias(alias),
            created_at=now,
            archived_at=None,
            language=clean_language(language),
            display_name=clean_display_name(display_name),
            age_band=clean_age_band(age_band),
        )
        with self.write() as conn:
            if self._find(conn, client.alias) is not None:
                raise StoreError("A client with this alias already exists.")
            conn.execute(
                "INSERT INTO clients (id, alias, created_at, language, display_name, age_band) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    client.id,
                    client.alias,
                    timestamp(now),
                    client.language,
                    client.display_name,
                    client.age_band,
                ),
            )
            open_episode(conn, client.id, timestamp(now), timestamp(now))
        return client

    def edit_client(
        self,
        client_id: str,
        *,
        alias: str,
        language: str,
        display_name: str,
        age_band: str | None = None,
    ) -> Client:
        """Change a client's alias, language, name for sharing or age band (None: kept).

        A new age band chooses the forms of the sessions to come; each saved administration
        keeps the form it was given in."""
        cleaned = clean_alias(alias)
        band = None if age_band is None else clean_age_band(age_band)
        with self.write() as conn:
            other = self._find(conn, cleaned)
            if other is not None and other.id != client_id:
                raise StoreError("A client with this alias already exists.")
            changed = conn.execute(
                "UPDATE clients SET alias = ?, language = ?, display_name = ?, "
                "age_band = coalesce(?, age_band) WHERE id = ?",
                (cleaned, clean_language(language), clean_display_name(display_name), band,
                 client_id),
            ).rowcount  # fmt: skip
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

    def aliases(self) -> list[tuple[str, bool]]:
        """Every client's alias, and whether the client is archived: one query, no records."""
        with _reading():
            rows = self._conn.execute(
                "SELECT alias, archived_at IS NOT NULL FROM clients ORDER BY alias COLLATE NOCASE"
            ).fetchall()
        return [(alias, bool(archived)) for alias, archived in rows]

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
            return client_of(row) if row else None

    def client(self, client_id: str) -> Client:
        """The client with this id."""
        with _reading():
            row = self._conn.execute(
                f"SELECT {_CLIENT_COLUMNS} FROM clients WHERE id = ?", (client_id,)
            ).fetchone()
            if row is None:
                raise StoreError("That client is no longer in the database.")
            return client_of(row)

    def clients(self, *, include_archived: bool = False, recent: int = 8) -> list[ClientSummary]:
        """The clients with what the caseload shows of their current episode, alphabetically:
        the latest SRS sessions (up to recent), the ORS intake and the latest ORS.

        One statement for the whole caseload, never one per client (store.caseload). No
        session count is shown; the outcome rules need the number of the ORS's two sessions.
        """
        with _reading():
            return read_caseload(self._conn, include_archived=include_archived, recent=recent)

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

    # Sessions and administrations

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
        form: str | None = None,
        rater: str = CLIENT,
        join: bool = True,
    ) -> Administration:
        """Save one measure given in a session, placed by its time in its episode.

        With join (the default), a measure the client's session of that day does not have yet
        joins it (the SRS at the end of the visit whose ORS opened it), keeping the session's
        time, mode and setting, and adding the note to its note; otherwise a new session is
        made. The form is the client's age band's unless one is given."""
        check_session_fields(mode, setting, administered_at)
        measure = measure_named(scores.measure)
        if form is not None and form not in measure.form_names:
            raise StoreError(f"The {measure.name} has no {form} form.")
        cleaned_note = clean_note(note)
        stamp = timestamp(now)
        with self.write() as conn:
            band = conn.execute("SELECT age_band FROM clients WHERE id = ?", (client_id,))
            found = band.fetchone()
            if found is None:
                raise StoreError("That client is no longer in the database.")
            form = form or measure.form_for(found[0]).name
            joined = (
                session_to_join(conn, client_id, administered_at, measure.name, rater)
                if join
                else None
            )
            if joined is None:
                session_id, episode_id = add_session(
                    conn, client_id, administered_at, mode=mode, setting=setting,
                    note=cleaned_note, now=stamp,
                )  # fmt: skip
                held_at, mode_held, setting_held = timestamp(administered_at), mode, setting
                note_held = cleaned_note
            else:
                session_id = joined
                if cleaned_note:
                    conn.execute(
                        "UPDATE sessions SET note = CASE WHEN note = '' THEN ? "
                        "ELSE note || char(10) || ? END, updated_at = ? WHERE id = ?",
                        (cleaned_note, cleaned_note, stamp, session_id),
                    )
                episode_id, held_at, mode_held, setting_held, note_held = conn.execute(
                    "SELECT episode_id, held_at, mode, setting, note FROM sessions WHERE id = ?",
                    (session_id,),
                ).fetchone()
            admin_id = add_administration(
                conn, session_id, scores, form=form, rater=rater, now=stamp
            )
            number = conn.execute(
                f"SELECT count(*) FROM sessions WHERE episode_id = ? "
                f"AND ({TIME_ORDER}) <= (SELECT {TIME_ORDER} FROM sessions WHERE id = ?)",
                (episode_id, session_id),
            ).fetchone()[0]
        # What was written, not read back: a save that committed is never reported as failed
        # because a damaged page elsewhere could not be read afterwards.
        return Administration(
            id=admin_id, client_id=client_id, measure=scores.measure, session=number,
            administered_at=datetime.fromisoformat(held_at), scores=scores, mode=mode_held,
            setting=setting_held, note=note_held, created_at=now, updated_at=now,
            session_id=session_id, episode_id=episode_id, form=form, rater=rater,
        )  # fmt: skip

    def visit(self, client_id: str, day: date) -> Visit | None:
        """The client's latest session held on this day, with the measures they rated in it."""
        with _reading():
            return visit_on(self._conn, client_id, day.isoformat())

    def measure_to_offer(self, client_id: str, day: date) -> str:
        """Which measure opening a client offers: the SRS when the day's session has an ORS
        and no SRS yet (the end of that visit), else the ORS (the start of one)."""
        found = self.visit(client_id, day)
        if found is not None and ORS.name in found.measures and SRS.name not in found.measures:
            return SRS.name
        return ORS.name

    def set_note(self, admin_id: str, note: str, *, now: datetime) -> Administration:
        """Replace the note of a saved session."""
        cleaned = clean_note(note)
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE sessions SET note = ?, updated_at = ? "
                "WHERE id = (SELECT session_id FROM administrations WHERE id = ?)",
                (cleaned, timestamp(now), admin_id),
            ).rowcount
            if changed != 1:
                raise StoreError("That session is no longer in the database.")
            conn.execute(
                "UPDATE administrations SET updated_at = ? WHERE id = ?",
                (timestamp(now), admin_id),
            )
        return self.administration(admin_id)

    def correct(
        self, admin_id: str, scores: Scores, *, administered_at: datetime, now: datetime
    ) -> Administration:
        """Correct a mistaken session's ratings or date; updated_at records when. A new date
        moves the session in time (and into the episode of that time): numbers follow."""
        if administered_at.tzinfo is None:
            raise StoreError("The session time needs a time zone.")
        stamp = timestamp(now)
        with self.write() as conn:
            row = conn.execute(
                "SELECT s.id, s.client_id FROM administrations AS a "
                "JOIN sessions AS s ON s.id = a.session_id WHERE a.id = ?",
                (admin_id,),
            ).fetchone()
            if row is None:
                raise StoreError("That session is no longer in the database.")
            session_id, client_id = row
            conn.execute(
                f"UPDATE administrations SET "
                f"{', '.join(f'{column} = ?' for column in SCORE_COLUMNS)}, updated_at = ? "
                f"WHERE id = ?",
                (*scores.columns, stamp, admin_id),
            )
            conn.execute(
                "UPDATE sessions SET held_at = ?, updated_at = ? WHERE id = ?",
                (timestamp(administered_at), stamp, session_id),
            )
            episode_id = episode_for(conn, client_id, administered_at, stamp)
            conn.execute(
                "UPDATE sessions SET episode_id = ? WHERE id = ?", (episode_id, session_id)
            )
        return self.administration(admin_id)

    def delete_administration(self, admin_id: str) -> None:
        """Delete a measure entered by mistake, and its session if nothing else was given in
        it; the later sessions' numbers follow by themselves."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT session_id FROM administrations WHERE id = ?", (admin_id,)
            ).fetchone()
            if row is None:
                raise StoreError("That session is no longer in the database.")
            conn.execute("DELETE FROM administrations WHERE id = ?", (admin_id,))
            conn.execute(
                "DELETE FROM sessions WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM administrations WHERE session_id = ?)",
                (row[0], row[0]),
            )

    def administration(self, admin_id: str) -> Administration:
        """One administration by id, numbered in its episode."""
        with _reading():
            found = read_administrations(
                self._conn,
                episodes="SELECT s2.episode_id FROM sessions AS s2 JOIN administrations AS a2 "
                "ON a2.session_id = s2.id WHERE a2.id = ?",
                where="a.id = ?",
                params=(admin_id, admin_id),
            )
            if not found:
                raise StoreError("That session is no longer in the database.")
            return found[0]

    def has_administration(self, admin_id: str) -> bool:
        """Whether an administration with this id is stored: one row by its key, where
        administration() would number the whole episode around it."""
        with _reading():
            row = self._conn.execute(
                "SELECT 1 FROM administrations WHERE id = ?", (admin_id,)
            ).fetchone()
        return row is not None

    def history(
        self,
        client_id: str,
        *,
        measure: str = SRS.name,
        rater: str = CLIENT,
        episode_id: str | None = None,
    ) -> list[Administration]:
        """A client's administrations of one measure by one rater, in time order, in one
        episode (the current one unless another is named)."""
        with _reading():
            episode_id = episode_id or current_episode(self._conn, client_id)
            if episode_id is None:
                return []
            return read_administrations(
                self._conn,
                episodes="?",
                where="a.measure = ? AND a.rater = ?",
                params=(episode_id, measure, rater),
            )

    def episode_history(
        self, client_id: str, episode_id: str, *, rater: str = CLIENT
    ) -> dict[str, list[Administration]]:
        """Every measure's history (as history gives each) of one episode of a client, in
        one query: numbering the episode's sessions once, not once a measure, is most of the
        cost of reading a long one."""
        by_measure: dict[str, list[Administration]] = {}
        with _reading():
            for given in read_administrations(
                self._conn,
                episodes="?",
                where="a.rater = ? AND s.client_id = ?",
                params=(episode_id, rater, client_id),
            ):
                by_measure.setdefault(given.measure, []).append(given)
        return by_measure

    def all_administrations(self, client_id: str) -> list[Administration]:
        """Every administration of a client, every measure, rater and episode, in time
        order, each numbered within its episode (for exports and reports)."""
        with _reading():
            return read_administrations(
                self._conn,
                episodes="SELECT id FROM episodes WHERE client_id = ?",
                where="1",
                params=(client_id,),
            )

    def next_session(self, client_id: str) -> int:
        """The number a session held now would get in the client's current episode."""
        with _reading():
            episode_id = current_episode(self._conn, client_id)
            if episode_id is None:
                return 1
            # After an ended episode a session held now starts the next one, at 1.
            row = self._conn.execute(
                "SELECT count(*) FROM sessions WHERE episode_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM episodes WHERE id = ? AND closed_at IS NOT NULL)",
                (episode_id, episode_id),
            ).fetchone()
        return int(row[0]) + 1

    def place(self, client_id: str, held_at: datetime) -> tuple[int, int, datetime | None]:
        """Where a session held at held_at would go: its number, how many sessions would
        come after it, and the time of the latest session (None before the first)."""
        with _reading():
            return place_in_time(self._conn, client_id, held_at)

    def session_keys(self, client_id: str) -> set[tuple[str, str, str]]:
        """Every (instant in UTC, measure, rater) the client has: how an import knows a
        session that is already stored."""
        with _reading():
            return session_keys(self._conn, client_id)

    def has_session(self, client_id: str, instant: str, measure: str, rater: str) -> bool:
        """Whether the client has that measure by that rater at that moment (UTC, as the
        schema's instant): how an import knows a session already stored."""
        with _reading():
            row = self._conn.execute(
                "SELECT 1 FROM sessions AS s JOIN administrations AS a ON a.session_id = s.id "
                "WHERE s.client_id = ? AND s.instant = ? AND a.measure = ? AND a.rater = ? "
                "LIMIT 1",
                (client_id, instant, measure, rater),
            ).fetchone()
        return row is not None

    def episode_client(self, episode_id: str) -> str | None:
        """The client whose episode this is, if it is in the database."""
        with _reading():
            row = self._conn.execute(
                "SELECT client_id FROM episodes WHERE id = ?", (episode_id,)
            ).fetchone()
        return row[0] if row else None

    def session_client(self, session_id: str) -> str | None:
        """The client whose session this is, if it is in the database."""
        with _reading():
            row = self._conn.execute(
                "SELECT client_id FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return row[0] if row else None

    # Episodes of care

    def episodes(self, client_id: str) -> list[Episode]:
        """A client's episodes of care, oldest first."""
        with _reading():
            return episodes_of(self._conn, client_id)

    def closed_series(self, measure: str, rater: str = CLIENT) -> list[list[Administration]]:
        """Every closed episode's administrations of one measure by one rater, an episode's in
        time order, numbered within it (the practice's own comparison band reads them)."""
        with _reading():
            found = read_administrations(
                self._conn,
                episodes="SELECT id FROM episodes WHERE closed_at IS NOT NULL",
                where="a.measure = ? AND a.rater = ?",
                params=(measure, rater),
            )
        by_episode: dict[str, list[Administration]] = {}
        for administration in found:
            by_episode.setdefault(administration.episode_id, []).append(administration)
        return list(by_episode.values())

    def close_episode(self, client_id: str, ending: str, *, at: datetime) -> Episode:
        """End the client's open episode, as planned or unplanned."""
        if ending not in ENDINGS:
            raise StoreError(f"An episode ends as one of {', '.join(ENDINGS)}.")
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE episodes SET closed_at = ?, ending = ? "
                "WHERE client_id = ? AND closed_at IS NULL",
                (timestamp(at), ending, client_id),
            ).rowcount
            if changed != 1:
                raise StoreError("This client has no open episode of care to end.")
        return self.episodes(client_id)[-1]

    def start_episode(self, client_id: str, *, at: datetime) -> Episode:
        """Open a new episode of care: the client came back. Numbers start again at 1."""
        with self.write() as conn:
            if conn.execute(
                "SELECT 1 FROM episodes WHERE client_id = ? AND closed_at IS NULL", (client_id,)
            ).fetchone():
                raise StoreError("This client's episode of care is still open; end it first.")
            if not conn.execute("SELECT 1 FROM clients WHERE id = ?", (client_id,)).fetchone():
                raise StoreError("That client is no longer in the database.")
            open_episode(conn, client_id, timestamp(at), timestamp(at))
        return self.episodes(client_id)[-1]
