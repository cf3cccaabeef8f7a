"""Fictional sample data for --demo and the screenshots. Every name here is invented."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from srs_tui.measures import SRS
from srs_tui.store import Store
from srs_tui.store.records import timestamp
from srs_tui.store.schema import ITEM_COLUMNS


@dataclass(frozen=True)
class DemoClient:
    """A fictional client and the SRS totals of their sessions, in points."""

    alias: str
    totals: tuple[float, ...]
    weak_item: str | None = None  # an item the client rates lower than the others


DEMO_CLIENTS = (
    DemoClient("Avery (demo)", (37.8, 38.5, 39.0, 38.6, 39.2, 39.4)),
    DemoClient("Blake (demo)", (33.0, 32.4, 34.1, 33.2, 32.8)),  # low and staying low
    DemoClient("Casey (demo)", (39.4, 39.0, 38.2, 37.1, 35.6)),  # high, then falling
    DemoClient("Devon (demo)", (29.5, 31.8, 33.9, 35.2, 36.8)),  # low, then rising
    DemoClient("Emery (demo)", (38.0, 38.6, 38.9, 33.7)),  # one low score
    DemoClient("Gray (demo)", (37.2, 37.0, 37.6, 37.3), weak_item="approach"),
    DemoClient("Harper (demo)", (38.8, 39.2, 37.9)),  # a drop above the cutoff
    DemoClient("Finley (demo)", ()),  # new: no session yet
)


def _items(total: int, rng: random.Random, weak_item: str | None) -> dict[str, int]:
    """Four items in tenths that add up to total, varied a little as real ratings are."""
    keys = list(SRS.keys)
    weights = {key: rng.uniform(0.95, 1.05) for key in keys}
    if weak_item is not None:
        weights[weak_item] = 0.86
    scale = total / sum(weights.values())
    values = {key: min(SRS.item_max, round(weights[key] * scale)) for key in keys}
    # Give any rounding remainder to the items with room, largest first.
    remainder = total - sum(values.values())
    for key in sorted(keys, key=lambda k: -values[k] if remainder < 0 else values[k]):
        if remainder == 0:
            break
        step = 1 if remainder > 0 else -1
        room = SRS.item_max - values[key] if step > 0 else values[key]
        change = step * min(abs(remainder), room)
        values[key] += change
        remainder -= change
    return values


def seed(store: Store, now: datetime) -> None:
    """Fill an empty store with the fictional clients, one session a week up to yesterday:
    each client one open episode of care, each session one SRS."""
    rng = random.Random(2003)
    # Episodes and sessions take their ids from a stream of their own, so the ratings drawn
    # from rng stay those the demo always had.
    more = random.Random(2004)

    def new_id(source: random.Random = rng) -> str:
        return str(uuid.UUID(int=source.getrandbits(128), version=4))

    clients: list[dict[str, object]] = []
    episodes: list[dict[str, object]] = []
    sessions: list[dict[str, object]] = []
    administrations: list[dict[str, object]] = []
    for demo in DEMO_CLIENTS:
        client_id = new_id()
        episode_id = new_id(more)
        first = now - timedelta(days=1 + 7 * len(demo.totals), hours=rng.randint(0, 6))
        intake = timestamp(first)
        clients.append({"id": client_id, "alias": demo.alias, "created_at": intake})
        episodes.append(
            {"id": episode_id, "client_id": client_id, "opened_at": intake, "created_at": intake}
        )
        for index, points in enumerate(demo.totals):
            when = timestamp(first + timedelta(days=7 * (index + 1)))
            session_id = new_id(more)
            sessions.append(
                {
                    "id": session_id,
                    "episode_id": episode_id,
                    "client_id": client_id,
                    "held_at": when,
                    "mode": "oral",
                    "setting": "telehealth" if index % 3 else "in-person",
                    "note": "",
                    "created_at": when,
                    "updated_at": when,
                }
            )
            admin_id = new_id()  # drawn before the items, as the demo always drew them
            items = _items(round(points * 10), rng, demo.weak_item)
            administrations.append(
                {
                    "id": admin_id,
                    "session_id": session_id,
                    "measure": SRS.name,
                    **{
                        column: items[key]
                        for column, key in zip(ITEM_COLUMNS, SRS.keys, strict=True)
                    },
                    "created_at": when,
                    "updated_at": when,
                }
            )
    db = store.utils
    with store.write():
        for table, rows in (
            ("clients", clients),
            ("episodes", episodes),
            ("sessions", sessions),
            ("administrations", administrations),
        ):
            db.table(table).insert_all(rows)
