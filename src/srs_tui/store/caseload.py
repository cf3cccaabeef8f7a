"""The caseload's read: every client with what the caseload shows of their current episode,
one row a client.

Each client's row is kept in client_summaries by the writes themselves (schema version 7: a
trigger on every table the row depends on computes it again in the same transaction), so
opening the caseload reads two small tables instead of walking every episode. A row that is
missing or cannot be read (a file edited by hand) is computed from the records instead, the
way the triggers compute it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from srs_tui.measures import ORS, SRS, Scores
from srs_tui.store.records import Client, ClientSummary
from srs_tui.store.schema import SUMMARY_TOTALS, summary_rows

_CLIENT = "c.id, c.alias, c.created_at, c.archived_at, c.language, c.display_name, c.age_band"
_SRS, _ORS = SRS.name, ORS.name  # looked up once, not once a row
_SUMMARY = "s.closed, s.episode_id, s.srs_totals, s.last_srs, s.intake_ors, s.latest_ors"

# The clients in alphabetical order (through the alias's own index), each with its row; a
# client whose row is missing comes with NULLs (s.client_id among them), never left out.
CASELOAD_QUERY = f"""
SELECT {_CLIENT}, {_SUMMARY}, s.client_id IS NULL
FROM clients AS c LEFT JOIN client_summaries AS s ON s.client_id = c.id
WHERE :archived OR c.archived_at IS NULL
ORDER BY c.alias COLLATE NOCASE
"""

# The same, every row computed from the records, with up to :recent SRS totals: what `check`
# compares the kept rows with, and what a caseload falls back on.
COMPUTED_QUERY = f"""
SELECT {_CLIENT}, {_SUMMARY}, 0
FROM clients AS c
JOIN ({summary_rows("SELECT id FROM clients", ":recent")}) AS s ON s.client_id = c.id
WHERE :archived OR c.archived_at IS NULL
ORDER BY c.alias COLLATE NOCASE
"""


def _scores(measure: str, parts: list[str]) -> Scores:
    """The scores out of a _PACK value split at its first eight bars (the items, the total,
    then the form, the number, the length of held_at, and held_at with instant together)."""
    total = parts[4]
    if total:
        return Scores.trusted(measure, (), int(total))
    item1, item2, item3, item4 = parts[:4]
    if item1 and item2 and item3 and item4:
        return Scores.trusted(measure, (int(item1), int(item2), int(item3), int(item4)))
    raise ValueError("neither four items nor a total")  # as Scores.stored says it


def summary_of(row: Sequence[Any], recent: int) -> ClientSummary:
    """A ClientSummary from a row of CASELOAD_QUERY, with up to recent SRS totals.

    A caseload makes one a client, so the packed values are read straight into it: no record
    of each administration on the way, and of the times only the latest session's is parsed."""
    totals_text, last_text, intake_text, latest_text = row[9:13]
    last = last_form = held = instant = None
    if totals_text:
        totals = tuple(map(int, totals_text.split(",", recent)[:recent]))[::-1]
        parts = last_text.split("|", 8)
        last, last_form = _scores(_SRS, parts), parts[5]
        size = int(parts[7])
        times = parts[8]
        held, instant = times[:size], times[size:]
    else:
        totals = ()
    intake = ors = ors_form = None
    intake_session = ors_session = 0
    if intake_text:
        parts = intake_text.split("|", 8)
        intake, intake_session = _scores(_ORS, parts), int(parts[6])
    if latest_text:
        parts = latest_text.split("|", 8)
        ors, ors_form, ors_session = _scores(_ORS, parts), parts[5], int(parts[6])
        size = int(parts[7])
        times = parts[8]
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


def _kept(
    conn: sqlite3.Connection, params: dict[str, object], recent: int
) -> list[ClientSummary] | None:
    """The caseload from the kept rows; None when a row is missing or cannot be read (a file
    changed by another program), and then none of them is trusted."""
    summaries = []
    try:
        for row in conn.execute(CASELOAD_QUERY, params):
            if row[13]:
                return None
            summaries.append(summary_of(row, recent))
    except (ValueError, TypeError, IndexError, AttributeError):
        return None
    return summaries


def read_caseload(
    conn: sqlite3.Connection, *, include_archived: bool, recent: int
) -> list[ClientSummary]:
    """Every client (archived too with include_archived), alphabetically, with up to recent
    of their latest SRS totals: one statement, whatever the number of clients. The kept rows
    serve unless the rules look back further than they keep, or one cannot serve."""
    params: dict[str, object] = {"archived": include_archived, "recent": recent}
    if recent <= SUMMARY_TOTALS:
        kept = _kept(conn, params, recent)
        if kept is not None:
            return kept
    return [summary_of(row, recent) for row in conn.execute(COMPUTED_QUERY, params)]


# Every client's row as computed from the records, beside the kept one: those that differ
# either way (a row missing, extra, or not the records').
_DIFFERING = f"""
SELECT count(*) FROM (
    SELECT * FROM client_summaries EXCEPT {summary_rows("SELECT id FROM clients")}
    UNION ALL
    SELECT * FROM ({summary_rows("SELECT id FROM clients")}) EXCEPT SELECT * FROM client_summaries
)
"""


def differing_rows(conn: sqlite3.Connection) -> int:
    """How many kept caseload rows are not what the records say: none, unless another program
    wrote to client_summaries (the triggers keep it in every write of ours and of theirs)."""
    return int(conn.execute(_DIFFERING).fetchone()[0])


def compute_rows(conn: sqlite3.Connection) -> None:
    """Every client's row computed again from the records (inside the caller's transaction):
    for a file whose kept rows cannot be trusted, such as a backup being restored."""
    conn.execute("DELETE FROM client_summaries")
    conn.execute(f"INSERT INTO client_summaries {summary_rows('SELECT id FROM clients')}")
