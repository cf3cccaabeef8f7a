"""`srs-tui check`: paths, schema, integrity, every row, permissions and size."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from srs_tui.store.copies import integrity
from srs_tui.store.database import check_file, read_only
from srs_tui.store.errors import StoreError, describe
from srs_tui.store.schema import SCHEMA_VERSION
from srs_tui.store.verify import row_problems


@dataclass(frozen=True)
class Health:
    """What `srs-tui check` found."""

    facts: list[str]
    problems: list[str]


def _modes(db_path: Path, health: Health) -> None:
    if os.name != "posix":
        health.facts.append(
            "file modes: Windows has none; the data folder is private through your user "
            "account's permissions (and full-disk encryption, if it is on)"
        )
        return
    from srs_tui.store.engine import is_vault, key_file

    checked = [(db_path, 0o600), (db_path.parent, 0o700)]
    if is_vault(db_path):
        checked.insert(1, (key_file(db_path), 0o600))
    for path, wanted in checked:
        mode = stat.S_IMODE(path.stat().st_mode)
        health.facts.append(f"mode of {path}: {mode:o}")
        if mode & ~wanted:
            health.problems.append(
                f"{path}: readable by others (mode {mode:o}); run chmod {wanted:o}"
            )


# Which check ran, said beside its result.
QUICK = "quick: every page read; srs-tui check --full also matches each index to its table"
FULL = "full: every page read, each index matched to its table"


def _contents(conn: sqlite3.Connection, db_path: Path, health: Health, *, full: bool) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        health.facts.append("no records yet: an empty file, made ready when srs-tui opens it")
        return
    # quick_check finds what a bad disk, a cut-off copy or a torn write does to pages, in a
    # sixth to a tenth of the time; the full check also looks each row up in every index.
    result = integrity(conn, quick=not full)
    clients = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
    sessions = conn.execute("SELECT count(*) FROM administrations").fetchone()[0]
    rows = row_problems(conn) if version == SCHEMA_VERSION and result == "ok" else []
    health.facts.extend(
        [
            f"schema version: {version} (this srs-tui reads up to {SCHEMA_VERSION})",
            f"integrity check: {result} ({FULL if full else QUICK})",
            f"records checked one by one: {'ok' if not rows else f'{len(rows)} problems'}",
            f"size: {db_path.stat().st_size:,} bytes; {clients} clients, {sessions} sessions",
        ]
    )
    if result != "ok":
        health.problems.append("integrity check: the file is damaged; restore a backup")
    health.problems.extend(rows)


def health(db_path: Path, *, full: bool = False) -> Health:
    """Paths, schema version, integrity (SQLite's quick_check, or with full its whole
    integrity_check), every row, permissions and size of a database."""
    from srs_tui.store.engine import is_vault

    found = Health([f"database: {db_path}"], [])
    if is_vault(db_path):
        found.facts.append("the vault is on: the database is encrypted (SQLCipher)")
    try:
        if check_file(db_path):
            found.facts.append(
                "no records yet: the database is made when the first client is added"
            )
            return found
        conn = read_only(db_path)
    except StoreError as error:
        return Health(found.facts, [str(error)])
    except sqlite3.Error as error:
        return Health(found.facts, [f"{db_path}: cannot be read ({describe(error)})."])
    try:
        _contents(conn, db_path, found, full=full)
    except sqlite3.Error as error:
        return Health(found.facts, [f"{db_path}: cannot be read ({describe(error)})."])
    finally:
        conn.close()
    _modes(db_path, found)
    return found
