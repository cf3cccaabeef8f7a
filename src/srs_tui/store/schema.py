"""The schema, as numbered migrations. Each runs in one transaction with its version bump.

A file is opened only if its schema is exactly the one these migrations make for its version:
an extra trigger, view, table or index in a backup could change what is stored (a planted
trigger once stored a total of 5.0 as 40.0) or delete other clients' records.
"""

from __future__ import annotations

import sqlite3
from functools import cache

# "SRST" in ASCII: marks the file as ours in SQLite's header (PRAGMA application_id).
APPLICATION_ID = 0x53525354

_ITEM_COLUMNS = "\n".join(
    f"    {key} INTEGER NOT NULL CHECK ({key} BETWEEN 0 AND 100),"
    for key in ("relationship", "goals", "approach", "overall")
)

_V1 = (
    """
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    alias TEXT NOT NULL UNIQUE COLLATE NOCASE
        CHECK (length(alias) BETWEEN 1 AND 80 AND alias = trim(alias)),
    created_at TEXT NOT NULL,
    archived_at TEXT
) STRICT
""",
    f"""
CREATE TABLE administrations (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    client_id TEXT NOT NULL REFERENCES clients (id),
    measure TEXT NOT NULL CHECK (measure IN ('SRS')),
    session INTEGER NOT NULL CHECK (session >= 1),
    administered_at TEXT NOT NULL,
{_ITEM_COLUMNS}
    mode TEXT NOT NULL CHECK (mode IN ('oral', 'self', 'paper')),
    setting TEXT NOT NULL CHECK (setting IN ('telehealth', 'in-person')),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 20000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (client_id, measure, session)
) STRICT
""",
)

# Version 2: the language of the client-facing text, and a name to show while sharing.
_V2 = (
    "ALTER TABLE clients ADD COLUMN language TEXT NOT NULL DEFAULT 'en' "
    "CHECK (language IN ('en', 'es'))",
    "ALTER TABLE clients ADD COLUMN display_name TEXT "
    "CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 40)",
)

# Version 3: an audit of erasures, which says that a client was erased and when, nothing more.
_V3 = (
    """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('client erased'))
) STRICT
""",
)

# The tables of the current schema, each after the ones it refers to.
TABLES = ("clients", "administrations", "audit")

# MIGRATIONS[n] takes a database from version n - 1 to version n.
MIGRATIONS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2, 3: _V3}
SCHEMA_VERSION = max(MIGRATIONS)


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Take a database at version (inside the caller's transaction) to SCHEMA_VERSION."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[target]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {target:d}")
    if version < SCHEMA_VERSION:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")


_Entry = tuple[str, str, str, str]  # type, name, table, SQL with its spacing normalised


def _entries(conn: sqlite3.Connection) -> set[_Entry]:
    rows = conn.execute("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema")
    return {(kind, name, table, " ".join(sql.split())) for kind, name, table, sql in rows}


@cache
def expected_schema(version: int) -> frozenset[_Entry]:
    """The schema the migrations make for version, built in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        for target in range(1, version + 1):
            for statement in MIGRATIONS[target]:
                conn.execute(statement)
        return frozenset(_entries(conn))
    finally:
        conn.close()


def schema_problem(conn: sqlite3.Connection, version: int) -> str:
    """Why the schema of an open database is not exactly ours for its version ('' if it is).

    The words name kinds of object, never their names: those come from the file."""
    found = _entries(conn)
    expected = expected_schema(version)
    if version < 1 or found == expected:
        return "" if version >= 1 or not found else "it holds tables but no schema version"
    extra = sorted({kind for kind, *_ in found - expected})
    names = {(kind, name) for kind, name, *_ in expected}
    changed = sorted({kind for kind, name, *_ in found - expected if (kind, name) in names})
    missing = sorted({kind for kind, *_ in expected - found})
    if changed:
        return f"its schema is not srs-tui's (a changed {changed[0]})"
    if extra:
        return f"its schema is not srs-tui's (an extra {extra[0]})"
    return f"its schema is not srs-tui's (a missing {missing[0]})"
