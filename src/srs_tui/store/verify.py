"""Every row read and checked, for `srs-tui check` and before a restore.

The CHECK constraints keep ratings in range, but another program can still write what ours
never does: text that is not valid UTF-8, a date that is not one, control characters in an
alias. Each would break a later read (an export, the caseload) or reach the terminal. The
problems are told by table, row number and field, never by the text found there.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from srs_tui.measures import AGE_BANDS, FORMS, MEASURES, MODES, RATERS, SETTINGS
from srs_tui.store.caseload import differing_rows
from srs_tui.store.errors import StoreError, describe
from srs_tui.store.records import (
    ENDINGS,
    LANGUAGES,
    NOTE_MAX,
    clean_alias,
    clean_display_name,
)
from srs_tui.store.schema import ITEM_COLUMNS
from srs_tui.terminal_text import control_characters

MAX_PROBLEMS = 20
# What a row of a table refers to, in words: foreign_key_check names the parent table.
_PARENT = {
    "clients": "client",
    "episodes": "episode",
    "sessions": "session",
    "measures": "measure",
    "forms": "form",
    "raters": "rater",
    "languages": "language",
    "modes": "mode",
    "settings": "setting",
}


# An id as the store writes it, str(uuid.uuid4()): 32 lowercase hex digits, hyphens at 8-4-4-4-12.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(value: object) -> bool:
    """Whether value is an id in the one form str(uuid.UUID(...)) gives: the same answer as
    parsing it and writing it back, at a fifth of the cost (a check reads every row's ids)."""
    return isinstance(value, str) and _CANONICAL_UUID.fullmatch(value) is not None


def _moment(value: object) -> bool:
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


def _same_when_cleaned(clean: Callable[[str], object]) -> Callable[[object], bool]:
    def ok(value: object) -> bool:
        try:
            return isinstance(value, str) and clean(value) == value
        except StoreError:
            return False

    return ok


def _tenths(value: object) -> bool:
    return isinstance(value, int) and 0 <= value <= 100


def _total(value: object) -> bool:
    return isinstance(value, int) and 0 <= value <= max(m.total_max for m in MEASURES.values())


def _note(value: object) -> bool:
    # Line ends as CR LF came in from spreadsheets before notes were made LF on the way in.
    return (
        isinstance(value, str)
        and len(value) <= NOTE_MAX
        and not control_characters(value, allowed="\t\n\r")
    )


def _optional(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda value: value is None or check(value)


_ITEMS_OR_TOTAL = (
    f"(total IS NULL AND {' AND '.join(f'{c} IS NOT NULL' for c in ITEM_COLUMNS)}) OR "
    f"(total IS NOT NULL AND {' AND '.join(f'{c} IS NULL' for c in ITEM_COLUMNS)})"
)

# table -> column -> the check its value must pass
_CHECKS: dict[str, dict[str, Callable[[object], bool]]] = {
    "clients": {
        "id": _uuid,
        "alias": _same_when_cleaned(clean_alias),
        "created_at": _moment,
        "archived_at": _optional(_moment),
        "language": lambda value: value in LANGUAGES,
        "display_name": _optional(_same_when_cleaned(clean_display_name)),
        "age_band": lambda value: value in AGE_BANDS,
    },
    "episodes": {
        "id": _uuid,
        "client_id": _uuid,
        "opened_at": _moment,
        "closed_at": _optional(_moment),
        "ending": lambda value: value is None or value in ENDINGS,
        "created_at": _moment,
    },
    "sessions": {
        "id": _uuid,
        "episode_id": _uuid,
        "client_id": _uuid,
        "held_at": _moment,
        "mode": lambda value: value in MODES,
        "setting": lambda value: value in SETTINGS,
        "note": _note,
        "created_at": _moment,
        "updated_at": _moment,
    },
    "administrations": {
        "id": _uuid,
        "session_id": _uuid,
        "measure": lambda value: value in MEASURES,
        "form": lambda value: value in FORMS,
        "rater": lambda value: value in RATERS,
        **dict.fromkeys(ITEM_COLUMNS, _optional(_tenths)),
        "total": _optional(_total),
        "created_at": _moment,
        "updated_at": _moment,
    },
    "audit": {"at": _moment},
}


def _scan(
    rows: Iterator[Any],
    table: str,
    checks: dict[str, Callable[[object], bool]],
    problems: list[str],
) -> bool:
    """Each row's fields through their checks, the problems added to problems; True once
    there are MAX_PROBLEMS of them (the rest is not read)."""
    named = list(checks.items())
    for rowid, *values in rows:
        for (column, check), raw in zip(named, values, strict=True):
            value = raw
            if isinstance(raw, bytes):
                try:
                    value = raw.decode("utf-8")
                except UnicodeDecodeError:
                    problems.append(f"{table}, row {rowid}, {column}: not valid UTF-8")
                    continue
            try:
                ok = check(value)
            except (ValueError, TypeError):
                ok = False
            if not ok:
                problems.append(f"{table}, row {rowid}, {column}: not a value srs-tui writes")
        if len(problems) >= MAX_PROBLEMS:
            return True
    return False


def _table_problems(
    conn: sqlite3.Connection,
    table: str,
    checks: dict[str, Callable[[object], bool]],
    problems: list[str],
) -> bool:
    """A table's rows checked (as _scan()). The text is decoded by sqlite3 itself, the fast
    way; only a table with text that is not valid UTF-8, on which sqlite3 raises (quoting
    it), is read again as bytes, each value decoded here to name the field."""
    query = f"SELECT rowid, {', '.join(checks)} FROM {table}"
    before = len(problems)
    try:
        return _scan(conn.execute(query), table, checks, problems)
    except sqlite3.Error:
        del problems[before:]  # read again whole; a real error is raised again below
    previous = conn.text_factory
    conn.text_factory = bytes
    try:
        return _scan(conn.execute(query), table, checks, problems)
    finally:
        conn.text_factory = previous


def row_problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with any row of an srs-tui database at the current schema."""
    problems: list[str] = []
    try:
        for table, checks in _CHECKS.items():
            if _table_problems(conn, table, checks, problems):
                return [*problems, "... and more"]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table}, row {rowid}: its {_PARENT.get(parent, parent)} is not "
                            "in the database")  # fmt: skip
        # A session's client is its episode's: a row that says otherwise would show one
        # client's session in another's history.
        for (rowid,) in conn.execute(
            "SELECT s.rowid FROM sessions AS s JOIN episodes AS e ON e.id = s.episode_id "
            "WHERE e.client_id != s.client_id LIMIT ?",
            (MAX_PROBLEMS,),
        ):
            problems.append(f"sessions, row {rowid}: its client is not its episode's client")
        # Four items, or a total alone (an old paper log): a file written with its CHECKs
        # ignored could hold a part of each, which no screen can show honestly.
        for (rowid,) in conn.execute(
            f"SELECT rowid FROM administrations WHERE NOT ({_ITEMS_OR_TOTAL}) LIMIT ?",
            (MAX_PROBLEMS,),
        ):
            problems.append(
                f"administrations, row {rowid}: not four items, nor a total without items"
            )
        # The caseload's kept rows: a program that wrote to them directly (no write of
        # records can leave them behind) would show a caseload that is not the records'.
        if not problems and (differing := differing_rows(conn)):
            problems.append(
                f"client_summaries: the caseload rows of {differing} clients are not what "
                "their records say (another program changed them); restoring a backup "
                "computes them again"
            )
    except sqlite3.Error as error:
        problems.append(f"the records could not be read ({describe(error)})")
    return problems
