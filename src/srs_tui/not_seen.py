"""Not seen lately: a client still in care with no session for some weeks. Pure, no Textual.

Dropping out unnoticed is what asking for feedback every session is there to prevent: a
client who stopped coming has no alert to raise, so the caseload marks the silence itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from srs_tui.store.records import ClientSummary

WEEK = timedelta(weeks=1)


def weeks_not_seen(summary: ClientSummary, now: datetime, weeks: int) -> int | None:
    """The whole weeks since the client's latest session (since they were added, if none yet),
    when that is weeks or more; None when less, when weeks is 0 (turned off), and for a client
    archived or whose episode of care has ended (not expected back)."""
    if weeks <= 0 or summary.client.archived_at is not None or summary.episode_closed:
        return None
    since = summary.last_at if summary.last_at is not None else summary.client.created_at
    gone = (now - since) // WEEK
    return gone if gone >= weeks else None


def not_seen(summaries: Iterable[ClientSummary], now: datetime, weeks: int) -> dict[str, int]:
    """The weeks not seen by client id, of the clients not seen for weeks or more."""
    found = {}
    for summary in summaries:
        gone = weeks_not_seen(summary, now, weeks)
        if gone is not None:
            found[summary.client.id] = gone
    return found
