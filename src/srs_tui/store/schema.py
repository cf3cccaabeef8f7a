"""The schema, as numbered migrations. Each runs in one transaction with its version bump."""

from __future__ import annotations

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

# MIGRATIONS[n] takes a database from version n - 1 to version n.
MIGRATIONS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2, 3: _V3}
SCHEMA_VERSION = max(MIGRATIONS)
