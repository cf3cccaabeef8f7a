"""Every record out, in open formats: CSV for spreadsheets, a JSON bundle for moving machines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from srs_tui.measures import MEASURES, format_tenths
from srs_tui.rules import Profiles
from srs_tui.store.records import Administration, Client, timestamp
from srs_tui.store.store import Store

# Every registered measure's item keys, each once: a row fills those of its own measure.
ITEM_KEYS = tuple(dict.fromkeys(key for measure in MEASURES.values() for key in measure.keys))
CSV_COLUMNS = (
    "client_id",
    "client",
    "episode",
    "session",
    "date",
    "measure",
    "form",
    "rater",
    *ITEM_KEYS,
    "total",
    "alerts",
    "mode",
    "setting",
    "note",
)
BUNDLE_FORMAT = "srs-tui"
BUNDLE_VERSION = 2  # 2: each administration names its form and rater
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


def _records(
    store: Store, clients: Sequence[Client]
) -> Iterator[tuple[Client, list[Administration]]]:
    """Each client with their administrations, one client read at a time: an export holds
    one client's records in memory, never the whole database's."""
    for client in clients:
        yield client, store.all_administrations(client.id)


def _fired(history: Sequence[Administration], profiles: Profiles) -> list[str]:
    """The rule ids that fire for each administration, each series judged on its own: one
    measure, the client's own ratings, one episode, in time order."""
    return [";".join(alert.rule_id for alert in found) for found in profiles.judge(history)]


def write_csv(store: Store, clients: Sequence[Client], profiles: Profiles, out: TextIO) -> None:
    """One row per administration, in time order, with the rule ids that fire for it,
    written to out as each client is read (out opened with newline="")."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for client, history in _records(store, clients):
        episodes = {episode_id: n for n, episode_id in enumerate(
            dict.fromkeys(a.episode_id for a in history), start=1)}  # fmt: skip
        alias = escape_cell(client.alias)
        rows = []
        for administration, alerts in zip(history, _fired(history, profiles), strict=True):
            values = administration.scores.as_dict()
            rows.append(
                [
                    client.id,
                    alias,
                    episodes[administration.episode_id],
                    administration.session,
                    timestamp(administration.administered_at),
                    administration.measure,
                    administration.form,
                    administration.rater,
                    *(format_tenths(values[key]) if key in values else "" for key in ITEM_KEYS),
                    format_tenths(administration.scores.total),
                    alerts,
                    administration.mode,
                    administration.setting,
                    escape_cell(administration.note),
                ]
            )
        writer.writerows(rows)


def export_csv(store: Store, clients: Sequence[Client], profiles: Profiles) -> str:
    """The CSV of write_csv() as one string, for small exports."""
    out = io.StringIO(newline="")
    write_csv(store, clients, profiles, out)
    return out.getvalue()


def _client_record(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "alias": client.alias,
        "created_at": timestamp(client.created_at),
        "archived_at": timestamp(client.archived_at) if client.archived_at else None,
        "language": client.language,
        "display_name": client.display_name,
    }


def _administration_record(client: Client, administration: Administration) -> dict[str, Any]:
    return {
        "id": administration.id,
        "client_id": client.id,
        "session_id": administration.session_id,
        "measure": administration.measure,
        "form": administration.form,
        "rater": administration.rater,
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


# The bundle is written piece by piece, exactly as json.dumps(bundle, indent=2) would write it
# whole: each record is dumped alone and indented to its place, two levels down.
_INDENT = "    "


def _records_list(out: TextIO, records: Iterator[dict[str, Any]]) -> None:
    """A list of records as the value of a top-level key, without holding the list."""
    first = True
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n" + _INDENT)
        out.write(("[\n" if first else ",\n") + _INDENT + text)
        first = False
    out.write("[]" if first else "\n  ]")


def write_json(store: Store, clients: Sequence[Client], now: datetime, out: TextIO) -> None:
    """A bundle of the clients and their administrations, complete enough to import again,
    written to out as each client is read."""
    head = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "exported_at": timestamp(now)}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('  "clients": ')
    _records_list(out, (_client_record(client) for client in clients))
    out.write(',\n  "administrations": ')
    _records_list(
        out,
        (
            _administration_record(client, administration)
            for client, history in _records(store, clients)
            for administration in history
        ),
    )
    out.write("\n}\n")


def export_json(store: Store, clients: Sequence[Client], now: datetime) -> str:
    """The bundle of write_json() as one string, for small exports."""
    out = io.StringIO()
    write_json(store, clients, now, out)
    return out.getvalue()
