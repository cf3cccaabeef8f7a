"""A caseload with both measures, for the caseload's and triage's tests: each client seen
weekly, the ORS at the start of a session and the SRS at its end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from conftest import NOW
from srs_tui.measures import Scores
from srs_tui.store import Client, Store

WEEK = timedelta(weeks=1)


def spread(total: int) -> tuple[int, int, int, int]:
    """Four items (tenths) that add up to total, as even as can be."""
    base, extra = divmod(total, 4)
    first, second, third, fourth = (base + (1 if i < extra else 0) for i in range(4))
    return first, second, third, fourth


def seen(
    store: Store,
    alias: str,
    ors: Sequence[int | None],
    srs: Sequence[int | tuple[int, int, int, int] | None],
    *,
    band: str = "adult",
    weeks_ago: int = 0,
) -> Client:
    """A client seen weekly, the last session weeks_ago before NOW; each session the ORS total
    given (None: not given) at 9:00 and the SRS (a total, four items, or None) at 9:50."""
    client = store.add_client(alias, now=NOW - WEEK * 52, age_band=band)
    sessions = max(len(ors), len(srs))
    for index in range(sessions):
        day = (NOW - WEEK * (weeks_ago + sessions - 1 - index)).replace(hour=9, minute=0)
        outcome = ors[index] if index < len(ors) else None
        alliance = srs[index] if index < len(srs) else None
        if outcome is not None:
            store.record(
                client.id,
                Scores("ORS", spread(outcome)),
                administered_at=day,
                mode="oral",
                setting="in-person",
                now=NOW,
            )
        if alliance is not None:
            items = alliance if isinstance(alliance, tuple) else spread(alliance)
            store.record(
                client.id,
                Scores("SRS", items),
                administered_at=day + timedelta(minutes=50),
                mode="oral",
                setting="in-person",
                now=NOW,
            )
    return client


def both_measures(store: Store) -> None:
    """Clients whose alerts come from either side, or none (adult forms: ORS cutoff 25.0,
    reliable change 5.0; SRS cutoff 36.0)."""
    # 24.0 to 18.0: reliable deterioration (needs attention); the SRS steady and high.
    seen(store, "Cruz", [240, 225, 205, 180], [390, 390, 390, 390])
    # Six sessions within 5.0 of intake: not on track (needs attention).
    seen(store, "Ben", [200, 205, 198, 202, 199, 203], [390] * 6)
    # Session 3 within 5.0 of intake: no early change, a note only.
    seen(store, "Dee", [200, 210, 205], [390, 390, 390])
    # One ORS above 32.0: high intake, a note only; no SRS.
    seen(store, "Eli", [345], [])
    # No ORS; the SRS below its cutoff and falling (needs attention).
    seen(store, "Fay", [], [372, 351, 342])
    # No ORS; one SRS item low, the total above the cutoff: worth a look, a note only.
    seen(store, "Lou", [], [(95, 95, 95, 85)])
    # 18.0 to 30.0 from the clinical range out of it: recovered, a good sign.
    seen(store, "Ana", [180, 240, 300], [380, 385, 390])
    # Worse, but the episode has ended: no call to act.
    gus = seen(store, "Gus", [240, 150], [380, 330], weeks_ago=3)
    store.close_episode(gus.id, "unplanned", at=NOW - WEEK * 3 + timedelta(hours=2))
    store.add_client("Ivy", now=NOW - WEEK)  # never seen
