"""The caseload's read: every client with what the caseload shows of their current episode,
in one statement and one row a client.

From the clients out, each client's current episode once; then, by short walks of the
(episode_id, instant) index, its latest SRS sessions (their totals), the latest SRS, and the
first and latest ORS, each as one value of the client's row. A walk stops as soon as it has
what it needs, and nothing is read twice: the three queries this replaced each found the
current episodes again, found their sessions by rowid and read them a second time, and sorted
every row they returned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from srs_tui.measures import CLIENT, ORS, SRS, Scores
from srs_tui.store.records import Client, ClientSummary
from srs_tui.store.sessions import CURRENT_EPISODE

# One administration with its session's time, as one text value: the items and the total
# ('' for NULL), the form, its session's number when asked for (else 0), then held_at (its
# length first) and instant. The free texts come last and are cut by length, so no character
# in them can be taken for a separator; the form is one of the forms table's names.
_PACK = (
    "printf('%s|%s|%s|%s|%s|%s|{number}|%d|', a.item1, a.item2, a.item3, a.item4, a.total, "
    "a.form, length(s2.held_at)) || s2.held_at || s2.instant"
)

# The sessions of the client's current episode (cur) with the measure by the client, in time
# order ({order} "") or latest first (" DESC").
_WALK = """
FROM sessions AS s2 JOIN administrations AS a ON a.session_id = s2.id
    AND a.measure = '{measure}' AND a.rater = '{rater}'
WHERE s2.episode_id = cur.episode_id
ORDER BY s2.instant{order}, s2.created_at{order}, s2.rowid{order}
"""

# A session's place in time order (TIME_ORDER) as a row value, for a table alias.
_TIME_KEY = "{0}.instant, {0}.created_at, {0}.rowid"

# The number of the intake: the sessions up to it in time order. Of the latest ORS: all of the
# episode's sessions (the index alone) less the few after it, since a count that compares the
# generated `instant` reads every session's row, three times the cost.
_UP_TO = (
    "(SELECT count(*) FROM sessions AS s3 WHERE s3.episode_id = s2.episode_id "
    f"AND ({_TIME_KEY.format('s3')}) <= ({_TIME_KEY.format('s2')}))"
)
_ALL_LESS_AFTER = (
    "((SELECT count(*) FROM sessions AS s3 WHERE s3.episode_id = s2.episode_id) - "
    "(SELECT count(*) FROM sessions AS s3 WHERE s3.episode_id = s2.episode_id "
    f"AND ({_TIME_KEY.format('s3')}) > ({_TIME_KEY.format('s2')})))"
)


def _walk(measure: str, order: str) -> str:
    return _WALK.format(measure=measure, rater=CLIENT, order=order)


CASELOAD_QUERY = f"""
WITH cur AS MATERIALIZED (
    SELECT c.id, c.alias, c.created_at, c.archived_at, c.language, c.display_name,
        c.age_band,
        NOT EXISTS (SELECT 1 FROM episodes WHERE client_id = c.id AND closed_at IS NULL)
        AND EXISTS (SELECT 1 FROM episodes WHERE client_id = c.id),
        ({CURRENT_EPISODE}) AS episode_id
    FROM clients AS c
    WHERE :archived OR c.archived_at IS NULL
)
SELECT cur.*,
    -- The latest SRS sessions' totals, latest first: the walk's order is the order the
    -- rows reach group_concat in (a co-routine, read in ORDER BY order).
    (SELECT group_concat(total) FROM (
        SELECT coalesce(a.total, a.item1 + a.item2 + a.item3 + a.item4, 'damaged') AS total
        {_walk(SRS.name, " DESC")} LIMIT :recent)),
    (SELECT {_PACK.format(number="0")} {_walk(SRS.name, " DESC")} LIMIT 1),
    (SELECT {_PACK.format(number="' || " + _UP_TO + " || '")} {_walk(ORS.name, "")} LIMIT 1),
    (SELECT {_PACK.format(number="' || " + _ALL_LESS_AFTER + " || '")}
        {_walk(ORS.name, " DESC")} LIMIT 1)
FROM cur
ORDER BY cur.alias COLLATE NOCASE
"""


class _Taken(NamedTuple):
    """One administration out of a _PACK value."""

    scores: Scores
    form: str
    number: int
    held_at: str
    instant: str


def _taken(measure: str, packed: str) -> _Taken:
    item1, item2, item3, item4, total, form, number, length, times = packed.split("|", 8)
    if total:
        scores = Scores.trusted(measure, (), int(total))
    elif item1 and item2 and item3 and item4:
        scores = Scores.trusted(measure, (int(item1), int(item2), int(item3), int(item4)))
    else:
        raise ValueError("neither four items nor a total")  # as Scores.stored says it
    size = int(length)
    return _Taken(scores, form, int(number), times[:size], times[size:])


def _latest_held(*taken: _Taken | None) -> datetime | None:
    """When the latest of these sessions (by instant; the first of equals) was held."""
    held = [entry for entry in taken if entry is not None]
    if not held:
        return None
    return datetime.fromisoformat(max(held, key=lambda entry: entry.instant).held_at)


def summary_of(row: Sequence[Any]) -> ClientSummary:
    """A ClientSummary from a row of CASELOAD_QUERY."""
    totals_text, last_text, intake_text, latest_text = row[9:13]
    totals = tuple(map(int, totals_text.split(",")))[::-1] if totals_text else ()
    last = _taken(SRS.name, last_text) if totals else None
    intake = _taken(ORS.name, intake_text) if intake_text else None
    latest = _taken(ORS.name, latest_text) if latest_text else None
    return ClientSummary(
        client=Client(
            id=row[0],
            alias=row[1],
            created_at=datetime.fromisoformat(row[2]),
            archived_at=datetime.fromisoformat(row[3]) if row[3] else None,
            language=row[4],
            display_name=row[5],
            age_band=row[6],
        ),
        last_at=_latest_held(last, latest),
        totals=totals,
        last=last.scores if last else None,
        episode_closed=bool(row[7]),
        last_form=last.form if last else None,
        intake=intake.scores if intake else None,
        intake_session=intake.number if intake else 0,
        ors=latest.scores if latest else None,
        ors_session=latest.number if latest else 0,
        ors_form=latest.form if latest else None,
    )


def read_caseload(
    conn: sqlite3.Connection, *, include_archived: bool, recent: int
) -> list[ClientSummary]:
    """Every client (archived too with include_archived), alphabetically, with up to recent
    of their latest SRS totals: one statement, whatever the number of clients."""
    rows = conn.execute(CASELOAD_QUERY, {"archived": include_archived, "recent": recent})
    return [summary_of(row) for row in rows]
