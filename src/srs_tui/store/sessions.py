"""Sessions in time: where a session goes (its episode), and its number (its place in time).

A client has episodes of care; an episode has sessions; a session has administrations. Time
order is the truth: sessions are ordered by the moment they were held (`instant`, the same
moment in UTC), then by when they were entered, then by id, and a session's number is its
place in that order within its episode, derived on every read and never stored. An older
session entered later (a back-dated paper form, an import) therefore renumbers the later ones,
and every rule judges them in that order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from srs_tui.measures import CLIENT, Scores
from srs_tui.store.records import Administration, Episode, timestamp
from srs_tui.store.schema import SCORE_COLUMNS

# The one order of sessions, for ORDER BY and window functions: the moment held, then the
# moment entered, then the order of entry (two forms typed in the same second).
TIME_ORDER = "instant, created_at, rowid"

_SCORES = ", ".join(f"a.{column}" for column in SCORE_COLUMNS)

# An administration with its session, numbered within its episode. {where} filters the
# numbered sessions (by client or by id); the numbering always sees the whole episode.
ADMINISTRATION_QUERY = f"""
WITH numbered AS (
    SELECT s.*, s.rowid AS seq,
        row_number() OVER (PARTITION BY episode_id ORDER BY {TIME_ORDER}) AS number
    FROM sessions AS s
    WHERE s.episode_id IN ({{episodes}})
)
SELECT a.id, s.client_id, a.measure, s.number, s.held_at, {_SCORES}, s.mode, s.setting,
       s.note, a.created_at, a.updated_at, s.id, s.episode_id, a.form, a.rater
FROM numbered AS s JOIN administrations AS a ON a.session_id = s.id
WHERE {{where}}
ORDER BY s.instant, s.created_at, s.seq
"""


def administration_of(row: Sequence[Any]) -> Administration:
    """An Administration from a row of ADMINISTRATION_QUERY (or the same columns)."""
    return Administration.read(
        {
            "id": row[0],
            "client_id": row[1],
            "measure": row[2],
            "session": row[3],
            "administered_at": datetime.fromisoformat(row[4]),
            "scores": Scores.stored(row[2], row[5:10]),
            "mode": row[10],
            "setting": row[11],
            "note": row[12],
            "created_at": datetime.fromisoformat(row[13]),
            "updated_at": datetime.fromisoformat(row[14]),
            "session_id": row[15],
            "episode_id": row[16],
            "form": row[17],
            "rater": row[18],
        }
    )


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# A client's current episode, for a query over clients AS c: the open one (through the
# partial index of open episodes, no sort), else the one opened last.
CURRENT_EPISODE = (
    "coalesce("
    "(SELECT id FROM episodes WHERE client_id = c.id AND closed_at IS NULL), "
    "(SELECT id FROM episodes WHERE client_id = c.id "
    "ORDER BY coalesce(datetime(opened_at), opened_at) DESC LIMIT 1))"
)


def current_episode(conn: sqlite3.Connection, client_id: str) -> str | None:
    """The client's open episode, else the one opened last; None for a client with none."""
    row = conn.execute(
        f"SELECT {CURRENT_EPISODE} FROM (SELECT ? AS id) AS c", (client_id,)
    ).fetchone()
    return row[0] if row else None


def open_episode(conn: sqlite3.Connection, client_id: str, opened_at: str, now: str) -> str:
    """A new open episode for the client (inside the caller's transaction)."""
    import uuid  # here, not at the top: a command that only reads never loads it (nor platform)

    episode_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO episodes (id, client_id, opened_at, created_at) VALUES (?, ?, ?, ?)",
        (episode_id, client_id, opened_at, now),
    )
    return episode_id


def episode_for(conn: sqlite3.Connection, client_id: str, held_at: datetime, now: str) -> str:
    """The episode a session held at held_at belongs to (inside the caller's write).

    The latest episode opened at or before it. A session before every episode belongs to the
    first, which then opened with it (the intake was entered after the first sessions). A
    session after a closed episode, with no episode open, starts a new one: the client came
    back. A session at the very second an episode ended is after it: the screen that
    ended it has already said "session 1"."""
    rows = conn.execute(
        "SELECT id, opened_at, closed_at FROM episodes WHERE client_id = ?", (client_id,)
    ).fetchall()
    known = sorted(
        ((_moment(opened), episode_id, closed) for episode_id, opened, closed in rows),
        key=lambda entry: (entry[0] is not None, entry[0] or held_at),
    )
    if not known:
        return open_episode(conn, client_id, timestamp(held_at), now)
    chosen: tuple[str, str | None] | None = None
    for opened, episode_id, closed in known:
        if opened is None or opened <= held_at:
            chosen = (str(episode_id), closed)
    if chosen is None:
        first = str(known[0][1])
        conn.execute("UPDATE episodes SET opened_at = ? WHERE id = ?", (timestamp(held_at), first))
        return first
    episode_id, closed = chosen
    ended = _moment(closed) if closed is not None else None
    if ended is not None and held_at >= ended:
        if any(other_closed is None for _, _, other_closed in known):
            return episode_id  # an episode is open already, opened later: keep to this one
        return open_episode(conn, client_id, timestamp(held_at), now)
    return episode_id


def add_session(
    conn: sqlite3.Connection,
    client_id: str,
    held_at: datetime,
    *,
    mode: str,
    setting: str,
    note: str,
    now: str,
    session_id: str | None = None,
) -> tuple[str, str]:
    """A new session (inside the caller's write): its id and its episode's."""
    import uuid

    episode_id = episode_for(conn, client_id, held_at, now)
    session_id = session_id or str(uuid.uuid4())
    conn.execute(
        "INSERT INTO sessions (id, episode_id, client_id, held_at, mode, setting, note, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, episode_id, client_id, timestamp(held_at), mode, setting, note, now, now),
    )
    return session_id, episode_id


def session_to_join(
    conn: sqlite3.Connection, client_id: str, held_at: datetime, measure: str, rater: str
) -> str | None:
    """The session a measure given at held_at joins: the client's latest session held on the
    same day (in the time's own offset) that does not have this measure by this rater yet.

    The ORS at the start and the SRS at the end of a visit are one session, whichever is saved
    first and however long the visit ran; a measure given twice in a day starts a second visit.
    """
    row = conn.execute(
        f"SELECT s.id FROM sessions AS s WHERE s.client_id = ? AND substr(s.held_at, 1, 10) = ? "
        f"AND NOT EXISTS (SELECT 1 FROM administrations AS a WHERE a.session_id = s.id "
        f"AND a.measure = ? AND a.rater = ?) "
        f"ORDER BY {', '.join(f'{column} DESC' for column in TIME_ORDER.split(', '))} LIMIT 1",
        (client_id, held_at.date().isoformat(), measure, rater),
    ).fetchone()
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class Visit:
    """A client's latest session held on one day: what it has been given so far."""

    session_id: str
    number: int  # its place in its episode
    held_at: datetime
    measures: frozenset[str]  # the measures the client rated in it


def visit_on(conn: sqlite3.Connection, client_id: str, day: str) -> Visit | None:
    """The client's latest session held on day (YYYY-MM-DD, in each session's own offset)."""
    row = conn.execute(
        f"SELECT s.id, s.held_at, s.episode_id, "
        f"(SELECT group_concat(a.measure) FROM administrations AS a "
        f" WHERE a.session_id = s.id AND a.rater = ?) "
        f"FROM sessions AS s WHERE s.client_id = ? AND substr(s.held_at, 1, 10) = ? "
        f"ORDER BY {', '.join(f'{column} DESC' for column in TIME_ORDER.split(', '))} LIMIT 1",
        (CLIENT, client_id, day),
    ).fetchone()
    if row is None:
        return None
    number = conn.execute(
        f"SELECT count(*) FROM sessions WHERE episode_id = ? "
        f"AND ({TIME_ORDER}) <= (SELECT {TIME_ORDER} FROM sessions WHERE id = ?)",
        (row[2], row[0]),
    ).fetchone()[0]
    return Visit(
        session_id=row[0],
        number=int(number),
        held_at=datetime.fromisoformat(row[1]),
        measures=frozenset((row[3] or "").split(",")) - {""},
    )


def add_administration(
    conn: sqlite3.Connection,
    session_id: str,
    scores: Scores,
    *,
    form: str,
    rater: str = CLIENT,
    now: str,
    created_at: str | None = None,
    admin_id: str | None = None,
) -> str:
    """One measure given in a session (inside the caller's write); its id."""
    import uuid

    admin_id = admin_id or str(uuid.uuid4())
    conn.execute(
        f"INSERT INTO administrations (id, session_id, measure, form, rater, "
        f"{', '.join(SCORE_COLUMNS)}, created_at, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, {', '.join('?' * len(SCORE_COLUMNS))}, ?, ?)",
        (admin_id, session_id, scores.measure, form, rater, *scores.columns,
         created_at or now, now),
    )  # fmt: skip
    return admin_id


def read_administrations(
    conn: sqlite3.Connection, *, episodes: str, where: str, params: Sequence[Any]
) -> list[Administration]:
    """Administrations through ADMINISTRATION_QUERY, in time order."""
    rows = conn.execute(ADMINISTRATION_QUERY.format(episodes=episodes, where=where), params)
    return [administration_of(row) for row in rows]


def episodes_of(conn: sqlite3.Connection, client_id: str) -> list[Episode]:
    """A client's episodes, oldest first, with how many sessions each holds."""
    rows = conn.execute(
        "SELECT e.id, e.client_id, e.opened_at, e.closed_at, e.ending, "
        "(SELECT count(*) FROM sessions WHERE episode_id = e.id) "
        "FROM episodes AS e WHERE e.client_id = ? "
        "ORDER BY coalesce(datetime(e.opened_at), e.opened_at)",
        (client_id,),
    ).fetchall()
    return [
        Episode(
            id=row[0],
            client_id=row[1],
            opened_at=datetime.fromisoformat(row[2]),
            closed_at=datetime.fromisoformat(row[3]) if row[3] else None,
            ending=row[4],
            sessions=row[5],
        )
        for row in rows
    ]


def place_in_time(
    conn: sqlite3.Connection, client_id: str, held_at: datetime
) -> tuple[int, int, datetime | None]:
    """Where a session held at held_at would go in the client's current episode: its number,
    how many sessions would come after it, and the latest session's time."""
    episode_id = current_episode(conn, client_id)
    if episode_id is None:
        return 1, 0, None
    closed = conn.execute("SELECT closed_at FROM episodes WHERE id = ?", (episode_id,)).fetchone()
    ended = _moment(closed[0]) if closed and closed[0] else None
    if ended is not None and held_at >= ended:
        return 1, 0, None  # the client came back: a new episode, as episode_for opens it
    before, after = conn.execute(
        "SELECT count(*) FILTER (WHERE instant <= datetime(?)), "
        "count(*) FILTER (WHERE instant > datetime(?)) "
        "FROM sessions WHERE episode_id = ?",
        (timestamp(held_at), timestamp(held_at), episode_id),
    ).fetchone()
    last = conn.execute(
        # DESC on each column: after the whole TIME_ORDER it would turn only the last around.
        "SELECT held_at FROM sessions WHERE episode_id = ? "
        "ORDER BY instant DESC, created_at DESC, rowid DESC LIMIT 1",
        (episode_id,),
    ).fetchone()
    return before + 1, after, datetime.fromisoformat(last[0]) if last else None


def instant_of(moment: datetime) -> str:
    """A moment as the schema's `instant` column holds it: UTC, to the second, as SQLite's
    datetime() writes it. Two entries of one session compare equal by it, whatever offset
    each was typed in."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def session_keys(conn: sqlite3.Connection, client_id: str) -> set[tuple[str, str, str]]:
    """Every (instant, measure, rater) the client has, in every episode."""
    rows = conn.execute(
        "SELECT s.instant, a.measure, a.rater FROM sessions AS s "
        "JOIN administrations AS a ON a.session_id = s.id WHERE s.client_id = ?",
        (client_id,),
    )
    return {(row[0], row[1], row[2]) for row in rows}


@dataclass(frozen=True)
class Planned:
    """An administration an import will add: its session is found or made by time."""

    admin_id: str
    client_id: str
    held_at: datetime
    scores: Scores
    form: str
    rater: str
    mode: str
    setting: str
    note: str
    created_at: str
    updated_at: str
    session_id: str | None = None  # the session's id when the file names it


def put_planned(
    conn: sqlite3.Connection, planned: Sequence[Planned], new_clients: Sequence[tuple[str, str]]
) -> None:
    """Add planned administrations (inside the caller's write), each into the session of its
    client at its time (made if there is none), in any order the file had them."""
    for client_id, created_at in new_clients:
        open_episode(conn, client_id, created_at, created_at)
    for entry in sorted(planned, key=lambda p: p.held_at):
        if entry.session_id is not None:
            found = conn.execute(
                "SELECT id FROM sessions WHERE id = ?", (entry.session_id,)
            ).fetchone()
        else:
            found = conn.execute(
                "SELECT id FROM sessions WHERE client_id = ? AND instant = ? LIMIT 1",
                (entry.client_id, instant_of(entry.held_at)),
            ).fetchone()
        if found is not None:
            session_id = found[0]
        else:
            session_id, _ = add_session(
                conn, entry.client_id, entry.held_at, mode=entry.mode, setting=entry.setting,
                note=entry.note, now=entry.created_at, session_id=entry.session_id,
            )  # fmt: skip
        add_administration(
            conn, session_id, entry.scores, form=entry.form, rater=entry.rater,
            now=entry.updated_at, created_at=entry.created_at, admin_id=entry.admin_id,
        )  # fmt: skip
