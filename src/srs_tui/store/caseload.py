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
from typing import Any

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


def _scores(measure: str, packed: str) -> tuple[Scores, list[str]]:
    """The scores out of a _PACK value, and the rest of it split: the form, the number, the
    length of held_at, then held_at and instant together."""
    item1, item2, item3, item4, total, *rest = packed.split("|", 8)
    if total:
        return Scores.trusted(measure, (), int(total)), rest
    if item1 and item2 and item3 and item4:
        return Scores.trusted(measure, (int(item1), int(item2), int(item3), int(item4))), rest
    raise ValueError("neither four items nor a total")  # as Scores.stored says it


def summary_of(row: Sequence[Any]) -> ClientSummary:
    """A ClientSummary from a row of CASELOAD_QUERY.

    A caseload makes one a client, so the packed values are read straight into it: no record
    of each administration on the way, and of the times only the latest session's is parsed."""
    totals_text, last_text, intake_text, latest_text = row[9:13]
    last = last_form = held = instant = None
    if totals_text:
        totals = tuple(map(int, totals_text.split(",")))[::-1]
        last, (last_form, _, length, times) = _scores(SRS.name, last_text)
        size = int(length)
        held, instant = times[:size], times[size:]
    else:
        totals = ()
    intake = ors = ors_form = None
    intake_session = ors_session = 0
    if intake_text:
        intake, rest = _scores(ORS.name, intake_text)
        intake_session = int(rest[1])
    if latest_text:
        ors, (ors_form, number, length, times) = _scores(ORS.name, latest_text)
        ors_session = int(number)
        size = int(length)
        # The latest session by instant; the SRS's of two at the same instant.
        if instant is None or times[size:] > instant:
            held = times[:size]
    return ClientSummary(
        Client.of_row(row),
        datetime.fromisoformat(held) if held is not None else None,
        totals,
        last,
        bool(row[7]),
        last_form,
        intake,
        intake_session,
        ors,
        ors_session,
        ors_form,
    )


def read_caseload(
    conn: sqlite3.Connection, *, include_archived: bool, recent: int
) -> list[ClientSummary]:
    """Every client (archived too with include_archived), alphabetically, with up to recent
    of their latest SRS totals: one statement, whatever the number of clients."""
    rows = conn.execute(CASELOAD_QUERY, {"archived": include_archived, "recent": recent})
    return [summary_of(row) for row in rows]
