"""Build large fictional databases for the benchmarks, fast (one transaction, executemany)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from srs_tui.store import Store
from srs_tui.store.records import timestamp


def build(path: Path, clients: int, sessions: int, now: datetime, seed: int = 7) -> list[str]:
    """A database of clients, each with sessions weekly sessions; their ids.

    Every session has both measures, as a session of feedback-informed care does: the ORS at
    the start, the SRS at the end.
    """
    rng = random.Random(seed)
    # The ORS from a generator of its own, so the SRS values (and the ids) are those the
    # SRS-only databases had: figures before and after stay comparable.
    outcome = random.Random(seed + 1)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    ids = []
    client_rows = []
    episode_rows = []
    session_rows = []
    rows = []
    for number in range(clients):
        client_id = new_id()
        episode_id = new_id()
        ids.append(client_id)
        start = now - timedelta(days=7 * sessions + 1)
        client_rows.append((client_id, f"Client {number:04d}", timestamp(start)))
        episode_rows.append((episode_id, client_id, timestamp(start), timestamp(start)))
        level = rng.uniform(30.0, 39.5)
        # From an intake in or near the clinical range, some rise, some stall, some fall.
        well = outcome.uniform(12.0, 30.0)
        course = outcome.choice((0.6, 0.3, 0.0, -0.3))
        for session in range(1, sessions + 1):
            level = min(40.0, max(20.0, level + rng.uniform(-1.2, 1.2)))
            items = [min(100, max(0, round(level * 10 / 4) + rng.randint(-4, 4))) for _ in range(4)]
            when = timestamp(start + timedelta(days=7 * session))
            session_id = new_id()
            session_rows.append(
                (session_id, episode_id, client_id, when, "oral", "telehealth", "", when, when)
            )
            well = min(40.0, max(0.0, well + course + outcome.uniform(-1.5, 1.5)))
            ors = [
                min(100, max(0, round(well * 10 / 4) + outcome.randint(-6, 6))) for _ in range(4)
            ]
            rows.append(
                (
                    str(uuid.UUID(int=outcome.getrandbits(128), version=4)),
                    session_id,
                    "ORS",
                    *ors,
                    when,
                    when,
                )
            )
            rows.append((new_id(), session_id, "SRS", *items, when, when))
    with Store.open(path) as store, store.write() as conn:
        # A cache that holds the indexes of random ids: a million rows inserted through the
        # default 2 MB one spill and reread pages for minutes.
        conn.execute("PRAGMA cache_size = -524288")
        conn.executemany(
            "INSERT INTO clients (id, alias, created_at) VALUES (?, ?, ?)", client_rows
        )
        conn.executemany(
            "INSERT INTO episodes (id, client_id, opened_at, created_at) VALUES (?, ?, ?, ?)",
            episode_rows,
        )
        # Each session with its ratings, in time order, as the app and the import write
        # them: the kept caseload row of each client is computed as each rating lands.
        session_sql = (
            "INSERT INTO sessions (id, episode_id, client_id, held_at, mode, setting, note, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        rating_sql = (
            "INSERT INTO administrations (id, session_id, measure, item1, item2, item3, item4, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for index, session_row in enumerate(session_rows):
            conn.execute(session_sql, session_row)
            conn.executemany(rating_sql, rows[2 * index : 2 * index + 2])
    return ids
