"""Reads for the files that hold every record (exports): whole tables in a stable order,
without the caseload's summaries of each client's latest sessions."""

from __future__ import annotations

import sqlite3

from srs_tui.store.errors import StoreError, describe
from srs_tui.store.records import Client
from srs_tui.store.store import Store, client_of


def all_clients(store: Store, *, include_archived: bool = True) -> list[Client]:
    """Every client, alphabetically (archived ones too unless include_archived is False).

    One plain scan of the clients: an export needs no latest sessions, which the caseload's
    Store.clients() reads for every client.
    """
    try:
        rows = store._conn.execute(
            "SELECT id, alias, created_at, archived_at, language, display_name, age_band "
            "FROM clients "
            "WHERE ? OR archived_at IS NULL ORDER BY alias COLLATE NOCASE",
            (include_archived,),
        ).fetchall()
        return [client_of(row) for row in rows]
    except sqlite3.Error as error:
        raise StoreError(f"The database could not be read ({describe(error)}).") from None
    except (ValueError, TypeError):
        raise StoreError(
            "A record in the database is damaged and could not be read; run srs-tui check."
        ) from None
