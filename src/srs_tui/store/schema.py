"""The schema, as numbered migrations. Each runs in one transaction with its version bump.

A file is opened only if its schema is exactly the one these migrations make for its version:
an extra trigger, view, table or index in a backup could change what is stored (a planted
trigger once stored a total of 5.0 as 40.0) or delete other clients' records.
"""

from __future__ import annotations

import sqlite3
from functools import cache

# The current version's schema and lookup rows as canonical_text() writes them: a file of the
# current version is compared with it first, and the expected schema is built in memory (all
# the migrations, some 6 ms of every start) only when they differ, to say how. Written by
# scripts/current_schema.py; tests/test_migration.py checks that the migrations make exactly it.
from srs_tui.store.current_schema import TEXT as CURRENT_TEXT

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

# A random UUID (version 4), written by SQLite, for the rows a migration makes.
_NEW_UUID = (
    "lower(printf('%s-%s-4%s-%s%s-%s', hex(randomblob(4)), hex(randomblob(2)), "
    "substr(hex(randomblob(2)), 2), substr('89ab', 1 + abs(random() % 4), 1), "
    "substr(hex(randomblob(2)), 2), hex(randomblob(6))))"
)

# Version 4: sessions in time. A client has episodes of care; an episode has sessions (a visit:
# when, how, where, one note); a session has administrations (one measure, one form, one rater).
# Session numbers are no longer stored: they are a session's place in time within its episode.
# Measures, forms, raters, languages, modes and settings are lookup tables, so a later version
# adds one with an INSERT instead of rebuilding the tables that use them.
_V4 = (
    # Out of the way first: renaming a table also renames it where others refer to it.
    "ALTER TABLE administrations RENAME TO administrations_v3",
    "ALTER TABLE clients RENAME TO clients_v3",
    "CREATE TABLE languages (code TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID",
    "INSERT INTO languages (code) VALUES ('en'), ('es')",
    """
CREATE TABLE measures (
    name TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('alliance', 'outcome'))
) STRICT, WITHOUT ROWID
""",
    "INSERT INTO measures (name, kind) VALUES ('SRS', 'alliance')",
    "CREATE TABLE forms (name TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID",
    "INSERT INTO forms (name) VALUES "
    "('adult'), ('adolescent'), ('child'), ('young child'), ('group')",
    "CREATE TABLE raters (name TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID",
    "INSERT INTO raters (name) VALUES "
    "('client'), ('parent'), ('teacher'), ('partner'), ('group member'), ('other')",
    "CREATE TABLE modes (name TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID",
    "INSERT INTO modes (name) VALUES ('oral'), ('self'), ('paper')",
    "CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID",
    "INSERT INTO settings (name) VALUES ('telehealth'), ('in-person')",
    """
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    alias TEXT NOT NULL UNIQUE COLLATE NOCASE
        CHECK (length(alias) BETWEEN 1 AND 80 AND alias = trim(alias)),
    created_at TEXT NOT NULL,
    archived_at TEXT,
    language TEXT NOT NULL DEFAULT 'en' REFERENCES languages (code),
    display_name TEXT
        CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 40)
) STRICT
""",
    """
CREATE TABLE episodes (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    client_id TEXT NOT NULL REFERENCES clients (id),
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    ending TEXT CHECK ((closed_at IS NULL) = (ending IS NULL)
        AND (ending IS NULL OR ending IN ('planned', 'unplanned'))),
    created_at TEXT NOT NULL
) STRICT
""",
    # A client has at most one open episode.
    "CREATE UNIQUE INDEX one_open_episode ON episodes (client_id) WHERE closed_at IS NULL",
    "CREATE INDEX episodes_of_client ON episodes (client_id, opened_at)",
    # held_at keeps the offset it was given in; `instant` is the same moment in UTC, the one
    # order of sessions (text times with different offsets do not sort as the moments do).
    """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    episode_id TEXT NOT NULL REFERENCES episodes (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    held_at TEXT NOT NULL,
    instant TEXT GENERATED ALWAYS AS (coalesce(datetime(held_at), held_at)) VIRTUAL,
    mode TEXT NOT NULL REFERENCES modes (name),
    setting TEXT NOT NULL REFERENCES settings (name),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 20000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT
""",
    "CREATE INDEX sessions_in_time ON sessions (client_id, instant, created_at)",
    "CREATE INDEX sessions_of_episode ON sessions (episode_id, instant, created_at)",
    """
CREATE TABLE administrations (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    session_id TEXT NOT NULL REFERENCES sessions (id),
    measure TEXT NOT NULL REFERENCES measures (name),
    form TEXT NOT NULL DEFAULT 'adult' REFERENCES forms (name),
    rater TEXT NOT NULL DEFAULT 'client' REFERENCES raters (name),
    item1 INTEGER NOT NULL CHECK (item1 BETWEEN 0 AND 100),
    item2 INTEGER NOT NULL CHECK (item2 BETWEEN 0 AND 100),
    item3 INTEGER NOT NULL CHECK (item3 BETWEEN 0 AND 100),
    item4 INTEGER NOT NULL CHECK (item4 BETWEEN 0 AND 100),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (session_id, measure, rater)
) STRICT
""",
    "INSERT INTO clients SELECT * FROM clients_v3",
    # One open episode a client, from intake or the earliest session, whichever came first.
    f"""
INSERT INTO episodes (id, client_id, opened_at, created_at)
SELECT {_NEW_UUID}, c.id,
    (SELECT t FROM (
        SELECT c.created_at AS t
        UNION ALL SELECT administered_at FROM administrations_v3 WHERE client_id = c.id
    ) ORDER BY coalesce(datetime(t), t) LIMIT 1),
    c.created_at
FROM clients AS c
""",
    # Each schema-3 row was one visit: its session keeps the administration's id.
    """
INSERT INTO sessions (id, episode_id, client_id, held_at, mode, setting, note, created_at,
    updated_at)
SELECT a.id, e.id, a.client_id, a.administered_at, a.mode, a.setting, a.note, a.created_at,
    a.updated_at
FROM administrations_v3 AS a JOIN episodes AS e ON e.client_id = a.client_id
""",
    """
INSERT INTO administrations (id, session_id, measure, form, rater, item1, item2, item3, item4,
    created_at, updated_at)
SELECT id, id, measure, 'adult', 'client', relationship, goals, approach, overall, created_at,
    updated_at
FROM administrations_v3
""",
    "DROP TABLE administrations_v3",
    "DROP TABLE clients_v3",
)

# Version 5: the outcome side. The ORS joins the measures, and each client has an age band
# (kept instead of a birth date: the least that chooses the form a session uses). Every client
# of an older file was rated on the adult forms, so each starts as an adult.
_V5 = (
    "INSERT INTO measures (name, kind) VALUES ('ORS', 'outcome')",
    "ALTER TABLE clients ADD COLUMN age_band TEXT NOT NULL DEFAULT 'adult' "
    "CHECK (age_band IN ('adult', 'adolescent', 'child', 'young child'))",
)

# Version 6: a total without its items. Old paper logs often kept only the total; such an
# administration stores the total it had and no items, never four made-up equal items. SQLite
# cannot change a column's constraints in place, so the table is rebuilt (nothing refers to it).
_V6 = (
    "ALTER TABLE administrations RENAME TO administrations_v5",
    """
CREATE TABLE administrations (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    session_id TEXT NOT NULL REFERENCES sessions (id),
    measure TEXT NOT NULL REFERENCES measures (name),
    form TEXT NOT NULL DEFAULT 'adult' REFERENCES forms (name),
    rater TEXT NOT NULL DEFAULT 'client' REFERENCES raters (name),
    item1 INTEGER CHECK (item1 BETWEEN 0 AND 100),
    item2 INTEGER CHECK (item2 BETWEEN 0 AND 100),
    item3 INTEGER CHECK (item3 BETWEEN 0 AND 100),
    item4 INTEGER CHECK (item4 BETWEEN 0 AND 100),
    total INTEGER CHECK (total BETWEEN 0 AND 400),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((total IS NULL AND item1 IS NOT NULL AND item2 IS NOT NULL AND item3 IS NOT NULL
            AND item4 IS NOT NULL)
        OR (total IS NOT NULL AND item1 IS NULL AND item2 IS NULL AND item3 IS NULL
            AND item4 IS NULL)),
    UNIQUE (session_id, measure, rater)
) STRICT
""",
    """
INSERT INTO administrations (rowid, id, session_id, measure, form, rater, item1, item2, item3,
    item4, created_at, updated_at)
SELECT rowid, id, session_id, measure, form, rater, item1, item2, item3, item4, created_at,
    updated_at
FROM administrations_v5
""",
    "DROP TABLE administrations_v5",
)

# Version 7: what the caseload shows of each client, kept beside the records. Reading it from the
# sessions took a walk of every client's episode on each opening (70 ms at 1,000 clients, ten
# times that at 10,000, twice that in a vault); now each write that can change a client's row
# computes that one row again, in the same transaction, so it is never behind the records.
# The caseload's read falls back on the same statement (summary_rows) for a row it cannot
# read; a later change to the statement is a new version, which computes every row again.
#
# A row: the current episode (the open one, else the one opened last) and whether it is
# closed; up to 12 of its latest SRS totals by the client, latest first; its latest SRS, first
# ORS and latest ORS, each packed in one text: items and total ('' for NULL), form, its
# session's number (0 where not needed), the length of held_at, then held_at and instant.
_V7_CURRENT_EPISODE = (
    "coalesce("
    "(SELECT id FROM episodes WHERE client_id = c.id AND closed_at IS NULL), "
    "(SELECT id FROM episodes WHERE client_id = c.id "
    "ORDER BY coalesce(datetime(opened_at), opened_at) DESC LIMIT 1))"
)
_V7_PACK = (
    "printf('%s|%s|%s|%s|%s|%s|{number}|%d|', a.item1, a.item2, a.item3, a.item4, a.total, "
    "a.form, length(s2.held_at)) || s2.held_at || s2.instant"
)
_V7_WALK = (
    "FROM sessions AS s2 JOIN administrations AS a ON a.session_id = s2.id "
    "AND a.measure = '{measure}' AND a.rater = 'client' "
    "WHERE s2.episode_id = cur.episode_id "
    "ORDER BY s2.instant{order}, s2.created_at{order}, s2.rowid{order}"
)
_V7_KEY = "{0}.instant, {0}.created_at, {0}.rowid"
# The intake's number: the sessions up to it in time order. The latest ORS's: all the
# episode's sessions (the index alone) less the few after it.
_V7_UP_TO = (
    "(SELECT count(*) FROM sessions AS s3 WHERE s3.episode_id = s2.episode_id "
    f"AND ({_V7_KEY.format('s3')}) <= ({_V7_KEY.format('s2')}))"
)
_V7_ALL_LESS_AFTER = (
    "((SELECT count(*) FROM sessions AS s3 WHERE s3.episode_id = s2.episode_id) - "
    "(SELECT count(*) FROM sessions AS s3 WHERE s3.episode_id = s2.episode_id "
    f"AND ({_V7_KEY.format('s3')}) > ({_V7_KEY.format('s2')})))"
)


# How many of the latest SRS totals a row keeps: twice what the caseload's rules look back by
# default. Each is a step of every recomputation (fifty would double its cost); a caseload
# set to look back further computes its rows from the records instead.
SUMMARY_TOTALS = 12


def summary_rows(who: str, totals: str = str(SUMMARY_TOTALS)) -> str:
    """The caseload rows of the clients whose id is in (who), computed from the records, with
    up to totals SRS totals: the columns of client_summaries, in its order."""
    srs_desc = _V7_WALK.format(measure="SRS", order=" DESC")
    return f"""
SELECT cur.id AS client_id, cur.closed, cur.episode_id,
    (SELECT group_concat(total) FROM (
        SELECT coalesce(a.total, a.item1 + a.item2 + a.item3 + a.item4, 'damaged') AS total
        {srs_desc} LIMIT {totals})) AS srs_totals,
    (SELECT {_V7_PACK.format(number="0")} {srs_desc} LIMIT 1) AS last_srs,
    (SELECT {_V7_PACK.format(number="' || " + _V7_UP_TO + " || '")}
        {_V7_WALK.format(measure="ORS", order="")} LIMIT 1) AS intake_ors,
    (SELECT {_V7_PACK.format(number="' || " + _V7_ALL_LESS_AFTER + " || '")}
        {_V7_WALK.format(measure="ORS", order=" DESC")} LIMIT 1) AS latest_ors
FROM (
    SELECT c.id,
        NOT EXISTS (SELECT 1 FROM episodes WHERE client_id = c.id AND closed_at IS NULL)
        AND EXISTS (SELECT 1 FROM episodes WHERE client_id = c.id) AS closed,
        ({_V7_CURRENT_EPISODE}) AS episode_id
    FROM clients AS c
    WHERE c.id IN ({who})
) AS cur
"""


def _v7_summaries(who: str) -> str:
    return f"INSERT INTO client_summaries {summary_rows(who)}"


def _v7_trigger(name: str, event: str, who: str, when: str = "") -> str:
    """A trigger that computes again the rows of the clients (who) a change touches. The
    old row goes first and a plain INSERT follows: an INSERT OR REPLACE here would take on
    the conflict policy of the statement that fired it (an OR IGNORE would skip it)."""
    return (
        f"CREATE TRIGGER {name} AFTER {event} FOR EACH ROW {when}BEGIN "
        f"DELETE FROM client_summaries WHERE client_id IN ({who}); "
        f"{_v7_summaries(who)}; END"
    )


# Where a session's administration belongs: its session's client.
_V7_ADMIN_CLIENT = "SELECT client_id FROM sessions WHERE id = {0}.session_id"
_V7 = (
    """
CREATE TABLE client_summaries (
    client_id TEXT PRIMARY KEY NOT NULL,
    closed INTEGER NOT NULL,
    episode_id TEXT,
    srs_totals TEXT,
    last_srs TEXT,
    intake_ors TEXT,
    latest_ors TEXT
) STRICT, WITHOUT ROWID
""",
    _v7_summaries("SELECT id FROM clients"),
    _v7_trigger("client_added", "INSERT ON clients", "NEW.id"),
    "CREATE TRIGGER client_removed AFTER DELETE ON clients FOR EACH ROW BEGIN "
    "DELETE FROM client_summaries WHERE client_id = OLD.id; END",
    _v7_trigger("episode_added", "INSERT ON episodes", "NEW.client_id"),
    _v7_trigger(
        "episode_changed",
        "UPDATE OF client_id, opened_at, closed_at ON episodes",
        "OLD.client_id, NEW.client_id",
    ),
    _v7_trigger("episode_removed", "DELETE ON episodes", "OLD.client_id"),
    # A new session has no ratings yet: it changes a row only through the numbers of the
    # sessions after it, so one entered last in its episode (nearly every one) changes none.
    _v7_trigger(
        "session_added",
        "INSERT ON sessions",
        "NEW.client_id",
        "WHEN EXISTS (SELECT 1 FROM sessions AS later WHERE later.episode_id = NEW.episode_id "
        "AND (later.instant, later.created_at, later.rowid) "
        "> (NEW.instant, NEW.created_at, NEW.rowid)) ",
    ),
    # Not on a change of note, mode or setting: the caseload shows none of them.
    _v7_trigger(
        "session_changed",
        "UPDATE OF episode_id, client_id, held_at, created_at ON sessions",
        "OLD.client_id, NEW.client_id",
    ),
    _v7_trigger("session_removed", "DELETE ON sessions", "OLD.client_id"),
    _v7_trigger("rating_added", "INSERT ON administrations", _V7_ADMIN_CLIENT.format("NEW")),
    _v7_trigger(
        "rating_changed",
        "UPDATE OF session_id, measure, form, rater, item1, item2, item3, item4, total "
        "ON administrations",
        f"{_V7_ADMIN_CLIENT.format('OLD')} UNION {_V7_ADMIN_CLIENT.format('NEW')}",
    ),
    _v7_trigger("rating_removed", "DELETE ON administrations", _V7_ADMIN_CLIENT.format("OLD")),
)

# The lookup tables: their rows are part of the schema, checked like it when a file is opened.
LOOKUPS = ("languages", "measures", "forms", "raters", "modes", "settings")

# The tables of the current schema, each after the ones it refers to.
TABLES = (*LOOKUPS, "clients", "episodes", "sessions", "administrations", "audit")

# The item columns of an administration, in the form's order of the measure's items.
ITEM_COLUMNS = ("item1", "item2", "item3", "item4")

# What an administration's values are stored in: its items, then a total given without them
# (NULL when the items were recorded; the items are NULL when it is given).
SCORE_COLUMNS = (*ITEM_COLUMNS, "total")

# MIGRATIONS[n] takes a database from version n - 1 to version n.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: _V1,
    2: _V2,
    3: _V3,
    4: _V4,
    5: _V5,
    6: _V6,
    7: _V7,
}
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


def _lookup_rows(conn: sqlite3.Connection) -> dict[str, frozenset[tuple[object, ...]]]:
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema")}
    return {
        table: frozenset(conn.execute(f"SELECT * FROM {table}"))
        for table in LOOKUPS
        if table in present
    }


@cache
def _built(version: int) -> tuple[frozenset[_Entry], dict[str, frozenset[tuple[object, ...]]]]:
    conn = sqlite3.connect(":memory:")
    try:
        for target in range(1, version + 1):
            for statement in MIGRATIONS[target]:
                conn.execute(statement)
        return frozenset(_entries(conn)), _lookup_rows(conn)
    finally:
        conn.close()


def expected_schema(version: int) -> frozenset[_Entry]:
    """The schema the migrations make for version, built in memory."""
    return _built(version)[0]


def expected_lookups(version: int) -> dict[str, frozenset[tuple[object, ...]]]:
    """The rows of the lookup tables the migrations make for version."""
    return _built(version)[1]


def canonical_text(
    entries: frozenset[_Entry] | set[_Entry], lookups: dict[str, frozenset[tuple[object, ...]]]
) -> str:
    """A schema and its lookup rows as one text, each entry and row as its repr on a line of
    its own, sorted: two texts are equal only if the schemas are, and the rows too (a repr
    tells apart what the file could make look alike, a tab or a newline in a name)."""
    lines = {repr(entry) for entry in entries}
    lines.update(f"{table} {row!r}" for table, rows in lookups.items() for row in rows)
    return "".join(f"{line}\n" for line in sorted(lines))


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether the schema and the lookup rows of an open database are exactly the current
    version's, without building it: False also when they cannot be read (schema_problem and
    lookup_problem then say why)."""
    try:
        found = canonical_text(_entries(conn), _lookup_rows(conn))
    except sqlite3.Error:
        return False
    return found == CURRENT_TEXT


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


def lookup_problem(conn: sqlite3.Connection, version: int) -> str:
    """Why the lookup tables of an open database are not exactly ours ('' if they are): a
    measure, a form or a rater this version does not know would reach every screen."""
    try:
        found = _lookup_rows(conn)
    except sqlite3.Error:
        return "its lookup tables cannot be read"
    for table, rows in expected_lookups(version).items():
        if found.get(table) != rows:
            return f"its list of {table} is not srs-tui's"
    return ""
