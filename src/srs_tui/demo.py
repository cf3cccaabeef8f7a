"""Fictional sample data for --demo and the screenshots. Every name here is invented."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from srs_tui.measures import ORS, SRS, Measure
from srs_tui.store import Store
from srs_tui.store.records import timestamp
from srs_tui.store.schema import ITEM_COLUMNS


@dataclass(frozen=True)
class DemoClient:
    """A fictional client and their sessions' totals, in points: the ORS given at the start of
    each session (none if empty) and the SRS at its end."""

    alias: str
    totals: tuple[float, ...]  # the SRS, session by session
    weak_item: str | None = None  # an SRS item the client rates lower than the others
    outcome: tuple[float, ...] = ()  # the ORS, session by session; empty: no ORS given
    age_band: str = "adult"
    language: str = "en"  # of what the client sees (their share mode's words)
    weeks_away: int = 0  # weeks since their last session, beyond the usual week

    def __post_init__(self) -> None:
        assert not self.outcome or len(self.outcome) == len(self.totals), self.alias


# The SRS stories come first, in the order the demo always drew them; the ORS values are drawn
# from a stream of their own, so each SRS keeps the items it always had.
DEMO_CLIENTS = (
    # Recovered: an ORS intake below the cutoff, now above it; a good alliance throughout.
    DemoClient(
        "Avery (demo)",
        (37.8, 38.5, 39.0, 38.6, 39.2, 39.4),
        outcome=(18.2, 20.5, 23.1, 25.9, 28.4, 30.2),
    ),
    # A low alliance staying low, and a low outcome barely moving.
    DemoClient(
        "Blake (demo)", (33.0, 32.4, 34.1, 33.2, 32.8), outcome=(16.0, 17.4, 15.8, 16.9, 17.2)
    ),
    # The alliance falling and the outcome with it: reliable deterioration.
    DemoClient(
        "Casey (demo)", (39.4, 39.0, 38.2, 37.1, 35.6), outcome=(24.1, 25.6, 23.0, 21.2, 18.4)
    ),
    # A low alliance rising; the outcome improving reliably but still in the clinical range.
    # Spanish-speaking: what the client sees (share mode) is in Spanish.
    DemoClient(
        "Devon (demo)",
        (29.5, 31.8, 33.9, 35.2, 36.8),
        outcome=(9.8, 12.6, 15.1, 17.9, 19.6),
        language="es",
    ),
    DemoClient("Emery (demo)", (38.0, 38.6, 38.9, 33.7), outcome=(26.2, 27.5, 28.8, 28.1)),
    # Only the SRS: a client seen before the ORS was given, who has not come back for five
    # weeks after a session whose approach item was low: not seen lately.
    DemoClient("Gray (demo)", (37.2, 37.0, 37.6, 37.3), weak_item="approach", weeks_away=5),
    # A drop in the alliance above its cutoff; a high ORS intake (above the usual range).
    DemoClient("Harper (demo)", (38.8, 39.2, 37.9), outcome=(34.6, 35.1, 34.2)),
    DemoClient("Finley (demo)", ()),  # new: no session yet
    # Adolescent (13-17, ORS cutoff 28): no reliable change by the sixth session.
    DemoClient(
        "Kai (demo)",
        (36.4, 37.1, 36.8, 37.5, 37.0, 37.9, 38.1),
        outcome=(21.4, 22.8, 21.9, 23.6, 22.5, 24.0, 23.1),
        age_band="adolescent",
    ),
    # A child (6-12, child forms; ORS cutoff 32): recovered in four sessions.
    DemoClient(
        "Robin (demo)", (35.2, 37.4, 38.3, 38.9), outcome=(24.5, 27.8, 31.0, 33.6), age_band="child"
    ),
    # A young child (under 6): forms without norms, recorded and shown, never judged.
    DemoClient(
        "Sky (demo)", (30.0, 34.5, 38.0), outcome=(20.0, 26.5, 31.0), age_band="young child"
    ),
)

# An ORS at a session's start, its SRS this long after, at its end.
SESSION_LENGTH = timedelta(minutes=50)


def _items(
    total: int, rng: random.Random, weak_item: str | None, measure: Measure = SRS
) -> dict[str, int]:
    """Four items in tenths that add up to total, varied a little as real ratings are."""
    keys = list(measure.keys)
    weights = {key: rng.uniform(0.95, 1.05) for key in keys}
    if weak_item is not None:
        weights[weak_item] = 0.86
    scale = total / sum(weights.values())
    values = {key: min(measure.item_max, round(weights[key] * scale)) for key in keys}
    # Give any rounding remainder to the items with room, largest first.
    remainder = total - sum(values.values())
    for key in sorted(keys, key=lambda k: -values[k] if remainder < 0 else values[k]):
        if remainder == 0:
            break
        step = 1 if remainder > 0 else -1
        room = measure.item_max - values[key] if step > 0 else values[key]
        change = step * min(abs(remainder), room)
        values[key] += change
        remainder -= change
    return values


def seed(store: Store, now: datetime) -> None:
    """Fill an empty store with the fictional clients, one session a week up to yesterday:
    each client one open episode of care, each session an ORS at its start (for most) and an
    SRS at its end, on the forms of the client's age band."""
    rng = random.Random(2003)
    # Episodes and sessions take their ids from a stream of their own, and the ORS its values
    # from another, so the SRS ratings drawn from rng stay those the demo always had.
    more = random.Random(2004)
    outcome_rng = random.Random(2005)

    def new_id(source: random.Random = rng) -> str:
        return str(uuid.UUID(int=source.getrandbits(128), version=4))

    def administration(
        session_id: str,
        measure: Measure,
        *,
        form: str,
        items: dict[str, int],
        when: str,
        admin_id: str,
    ) -> dict[str, object]:
        return {
            "id": admin_id,
            "session_id": session_id,
            "measure": measure.name,
            "form": form,
            **{column: items[key] for column, key in zip(ITEM_COLUMNS, measure.keys, strict=True)},
            "created_at": when,
            "updated_at": when,
        }

    clients: list[dict[str, object]] = []
    episodes: list[dict[str, object]] = []
    sessions: list[dict[str, object]] = []
    administrations: list[dict[str, object]] = []
    for demo in DEMO_CLIENTS:
        client_id = new_id()
        episode_id = new_id(more)
        weeks = len(demo.totals) + demo.weeks_away
        first = now - timedelta(days=1 + 7 * weeks, hours=rng.randint(0, 6))
        intake = timestamp(first)
        clients.append(
            {
                "id": client_id,
                "alias": demo.alias,
                "created_at": intake,
                "age_band": demo.age_band,
                "language": demo.language,
            }
        )
        episodes.append(
            {"id": episode_id, "client_id": client_id, "opened_at": intake, "created_at": intake}
        )
        for index, points in enumerate(demo.totals):
            start = first + timedelta(days=7 * (index + 1))
            when = timestamp(start)
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
            if demo.outcome:
                items = _items(round(demo.outcome[index] * 10), outcome_rng, None, ORS)
                form = ORS.form_for(demo.age_band).name
                administrations.append(
                    administration(
                        session_id,
                        ORS,
                        form=form,
                        items=items,
                        when=when,
                        admin_id=new_id(outcome_rng),
                    )
                )
            admin_id = new_id()  # drawn before the items, as the demo always drew them
            items = _items(round(points * 10), rng, demo.weak_item)
            end = timestamp(start + SESSION_LENGTH)
            form = SRS.form_for(demo.age_band).name
            administrations.append(
                administration(session_id, SRS, form=form, items=items, when=end, admin_id=admin_id)
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
