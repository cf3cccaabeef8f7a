"""Every record out, in open formats: CSV for spreadsheets, a JSON bundle for moving machines."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from srs_tui.measures import MEASURES, RATERS, Measure, format_tenths
from srs_tui.rules import Alerts, Profiles
from srs_tui.store.records import Administration, Client, Episode, timestamp
from srs_tui.store.store import Store


def item_column(measure: Measure, key: str) -> str:
    """A measure's item as a CSV column: `ors_individually`, `srs_goals`."""
    return f"{measure.name.lower()}_{key}"


def total_column(measure: Measure) -> str:
    """A measure's total as a CSV column: `ors_total`, `srs_total`."""
    return f"{measure.name.lower()}_total"


def measure_columns(measure: Measure) -> tuple[str, ...]:
    """A measure's columns: its items in the order the form asks them, then its total."""
    return (*(item_column(measure, key) for key in measure.keys), total_column(measure))


# One row per session and rater: every registered measure's items and total side by side, in
# the order a session gives them (the ORS first), each left empty when it was not given.
CSV_COLUMNS = (
    "client_id",
    "client",
    "episode",
    "session",
    "date",
    "rater",
    "form",
    *(column for measure in MEASURES.values() for column in measure_columns(measure)),
    "alerts",
    "mode",
    "setting",
    "note",
)
# `export --excel`: the date as a spreadsheet reads a date and time (the session's own local
# time, without its offset, which no spreadsheet reads), the offset in a column of its own.
EXCEL_COLUMNS = tuple(
    part
    for column in CSV_COLUMNS
    for part in ((column, "utc_offset") if column == "date" else (column,))
)
# A spreadsheet's byte order mark: without it Excel reads UTF-8 as the machine's code page.
BOM = "\ufeff"
BUNDLE_FORMAT = "srs-tui"
# 2: each administration names its form and rater; 3: each client's age band, and the
# episodes of care (a session goes to its episode by its time, as in the store); 4: an
# administration that kept only its total has `total_tenths` instead of `ratings_tenths`.
BUNDLE_VERSION = 4
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


def _excel_date(moment: datetime) -> list[object]:
    """A session's time as two cells: the local date and time a spreadsheet reads as one
    ("2026-01-14 14:30", seconds only when there are any), and its offset ("+01:00")."""
    shown = moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")
    offset = timestamp(moment)[len("2026-01-14T14:30:00") :]
    return [shown, offset]


def _rows(
    client: Client,
    history: Sequence[Administration],
    profiles: Profiles,
    *,
    excel: bool = False,
    notes: bool = True,
) -> Iterator[list[object]]:
    """The client's rows: one per session and rater, in time order, the client's own first.

    Each row's alerts are those of its administrations, each series judged on its own (one
    measure, the client's own ratings, one episode, in time order), in the registry's order
    (the ORS's, then the SRS's); another rater's row has none."""
    fired = profiles.judge(history)
    episodes = {episode_id: n for n, episode_id in enumerate(
        dict.fromkeys(a.episode_id for a in history), start=1)}  # fmt: skip
    alias = escape_cell(client.alias)
    # A session's administrations come together in the time order: gathered one session at a
    # time, so only one session's are ever held apart from the client's history.
    for _, session in itertools.groupby(
        zip(history, fired, strict=True), key=lambda pair: pair[0].session_id
    ):
        by_rater: dict[str, dict[str, tuple[Administration, Alerts]]] = {}
        for administration, found in session:
            by_rater.setdefault(administration.rater, {})[administration.measure] = (
                administration,
                found,
            )
        for rater in sorted(by_rater, key=RATERS.index):
            given = by_rater[rater]
            first = next(iter(given.values()))[0]
            # Both measures of a session follow the client's age band, so they share a form;
            # should they differ (a form chosen by hand, an import), the row names the form of
            # the first measure given in it, the ORS's.
            form = next(given[name][0].form for name in MEASURES if name in given)
            when = (
                _excel_date(first.administered_at) if excel
                else [timestamp(first.administered_at)]
            )  # fmt: skip
            cells: list[object] = [
                client.id, alias, episodes[first.episode_id], first.session, *when, rater, form,
            ]  # fmt: skip
            rule_ids: list[str] = []
            for name, measure in MEASURES.items():
                if name not in given:
                    cells += [""] * (len(measure.keys) + 1)
                    continue
                administration, alerts = given[name]
                # A total kept without its items: the item cells stay empty, never made up.
                values = administration.scores.values
                cells += [format_tenths(value) for value in values] or [""] * len(measure.keys)
                cells.append(format_tenths(administration.scores.total))
                rule_ids += (alert.rule_id for alert in alerts)
            # A spreadsheet set to `;` as its list separator splits a cell at `;`: the rule
            # ids of --excel are apart by spaces.
            joined = (" " if excel else ";").join(rule_ids)
            note = escape_cell(first.note) if notes else ""
            cells += [joined, first.mode, first.setting, note]
            yield cells


def write_csv(
    store: Store,
    clients: Sequence[Client],
    profiles: Profiles,
    out: TextIO,
    *,
    excel: bool = False,
    notes: bool = True,
) -> None:
    """One row per session and rater, in time order, with the rule ids that fire in it,
    written to out as each client is read (out opened with newline="").

    excel: as a spreadsheet opens it: a byte order mark, the date a spreadsheet reads as a
    date with its offset in `utc_offset`, rule ids apart by spaces; ratings keep their
    decimal point, and import reads it back as it is. notes=False: the note column stays,
    empty, so that the file imports the same way."""
    writer = csv.writer(out, lineterminator="\r\n")
    if excel:
        out.write(BOM)
    writer.writerow(EXCEL_COLUMNS if excel else CSV_COLUMNS)
    for client, history in _records(store, clients):
        writer.writerows(_rows(client, history, profiles, excel=excel, notes=notes))


def export_csv(
    store: Store, clients: Sequence[Client], profiles: Profiles, *, excel: bool = False
) -> str:
    """The CSV of write_csv() as one string, for small exports."""
    out = io.StringIO(newline="")
    write_csv(store, clients, profiles, out, excel=excel)
    return out.getvalue()


def _client_record(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "alias": client.alias,
        "created_at": timestamp(client.created_at),
        "archived_at": timestamp(client.archived_at) if client.archived_at else None,
        "language": client.language,
        "display_name": client.display_name,
        "age_band": client.age_band,
    }


def _episode_record(episode: Episode) -> dict[str, Any]:
    return {
        "id": episode.id,
        "client_id": episode.client_id,
        "opened_at": timestamp(episode.opened_at),
        "closed_at": timestamp(episode.closed_at) if episode.closed_at else None,
        "ending": episode.ending,
    }


def _administration_record(
    client: Client, administration: Administration, *, notes: bool = True
) -> dict[str, Any]:
    scores = administration.scores
    # Integer tenths, as stored: no decimal ever rounds on the way out.
    values: dict[str, Any] = (
        {"ratings_tenths": scores.as_dict()} if scores.has_items
        else {"total_tenths": scores.total}
    )  # fmt: skip
    return {
        "id": administration.id,
        "client_id": client.id,
        "session_id": administration.session_id,
        "measure": administration.measure,
        "form": administration.form,
        "rater": administration.rater,
        "session": administration.session,
        "administered_at": timestamp(administration.administered_at),
        **values,
        "mode": administration.mode,
        "setting": administration.setting,
        "note": administration.note if notes else "",
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


def write_json(
    store: Store, clients: Sequence[Client], now: datetime, out: TextIO, *, notes: bool = True
) -> None:
    """A bundle of the clients, their episodes and their administrations, complete enough to
    import again, written to out as each client is read. notes=False: every note empty (an
    import of it leaves the notes already there as they are)."""
    head = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "exported_at": timestamp(now)}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('  "clients": ')
    _records_list(out, (_client_record(client) for client in clients))
    out.write(',\n  "episodes": ')
    _records_list(
        out,
        (_episode_record(episode) for client in clients for episode in store.episodes(client.id)),
    )
    out.write(',\n  "administrations": ')
    _records_list(
        out,
        (
            _administration_record(client, administration, notes=notes)
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
