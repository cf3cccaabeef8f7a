"""Every record out, in open formats: CSV for spreadsheets, a JSON bundle for moving machines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from srs_tui.measures import SRS, format_tenths
from srs_tui.rules import Profiles
from srs_tui.store.records import Administration, Client, timestamp
from srs_tui.store.store import Store

CSV_COLUMNS = (
    "client_id",
    "client",
    "session",
    "date",
    "measure",
    "relationship",
    "goals",
    "approach",
    "overall",
    "total",
    "alerts",
    "mode",
    "setting",
    "note",
)
BUNDLE_FORMAT = "srs-tui"
BUNDLE_VERSION = 1
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote before it.

    A number such as -1 is never written (ratings are 0 to 10), so only text is ever escaped.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """The cell as it was before escape_cell()."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _records(store: Store, clients: Sequence[Client]) -> list[tuple[Client, list[Administration]]]:
    return [(client, store.history(client.id)) for client in clients]


def export_csv(store: Store, clients: Sequence[Client], profiles: Profiles) -> str:
    """One row per administration, with the rule ids that fire for it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for client, history in _records(store, clients):
        fired = profiles.alerts_by_session([a.scores for a in history])
        for administration, alerts in zip(history, fired, strict=True):
            values = administration.scores.as_dict()
            writer.writerow(
                [
                    client.id,
                    escape_cell(client.alias),
                    administration.session,
                    timestamp(administration.administered_at),
                    administration.measure,
                    *(format_tenths(values[key]) for key in SRS.keys),
                    format_tenths(administration.scores.total),
                    ";".join(alert.rule_id for alert in alerts),
                    administration.mode,
                    administration.setting,
                    escape_cell(administration.note),
                ]
            )
    return out.getvalue()


def export_json(store: Store, clients: Sequence[Client], now: datetime) -> str:
    """A bundle of the clients and their administrations, complete enough to import again."""
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "exported_at": timestamp(now),
        "clients": [],
        "administrations": [],
    }
    for client, history in _records(store, clients):
        bundle["clients"].append(
            {
                "id": client.id,
                "alias": client.alias,
                "created_at": timestamp(client.created_at),
                "archived_at": timestamp(client.archived_at) if client.archived_at else None,
                "language": client.language,
                "display_name": client.display_name,
            }
        )
        for administration in history:
            bundle["administrations"].append(
                {
                    "id": administration.id,
                    "client_id": client.id,
                    "measure": administration.measure,
                    "session": administration.session,
                    "administered_at": timestamp(administration.administered_at),
                    # Integer tenths, as stored: no decimal ever rounds on the way out.
                    "ratings_tenths": administration.scores.as_dict(),
                    "mode": administration.mode,
                    "setting": administration.setting,
                    "note": administration.note,
                    "created_at": timestamp(administration.created_at),
                    "updated_at": timestamp(administration.updated_at),
                }
            )
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
