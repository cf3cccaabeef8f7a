"""Build large fictional databases for the benchmarks, fast (one transaction, executemany)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from srs_tui.store import Store
from srs_tui.store.records import timestamp

COLUMNS = (
    "id, client_id, measure, session, administered_at, relationship, goals, approach, "
    "overall, mode, setting, note, created_at, updated_at"
)


def build(path: Path, clients: int, sessions: int, now: datetime, seed: int = 7) -> list[str]:
    """A database of clients, each with sessions weekly SRS administrations; their ids."""
    rng = random.Random(seed)
    ids = []
    client_rows = []
    rows = []
    for number in range(clients):
        client_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        ids.append(client_id)
        start = now - timedelta(days=7 * sessions + 1)
        client_rows.append((client_id, f"Client {number:04d}", timestamp(start)))
        level = rng.uniform(30.0, 39.5)
        for session in range(1, sessions + 1):
            level = min(40.0, max(20.0, level + rng.uniform(-1.2, 1.2)))
            items = [min(100, max(0, round(level * 10 / 4) + rng.randint(-4, 4))) for _ in range(4)]
            when = timestamp(start + timedelta(days=7 * session))
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    client_id,
                    "SRS",
                    session,
                    when,
                    *items,
                    "oral",
                    "telehealth",
                    "",
                    when,
                    when,
                )
            )
    with Store.open(path) as store, store.write() as conn:
        conn.executemany(
            "INSERT INTO clients (id, alias, created_at) VALUES (?, ?, ?)", client_rows
        )
        conn.executemany(
            f"INSERT INTO administrations ({COLUMNS}) VALUES ({', '.join('?' * 14)})", rows
        )
    return ids
