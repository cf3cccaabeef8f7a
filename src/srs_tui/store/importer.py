"""Bringing records in: the CSV srs-tui exports (or a spreadsheet's), or a JSON bundle.

The whole file is checked first. Any error means nothing is written, and each error names the
line, the column and why. Records already in the database are reported and skipped, so importing
the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from srs_tui.measures import (
    MODES,
    SETTINGS,
    SRS,
    RatingError,
    Scores,
    format_tenths,
    parse_rating,
)
from srs_tui.store.errors import StoreError
from srs_tui.store.export import BUNDLE_FORMAT, BUNDLE_VERSION, unescape_cell
from srs_tui.store.records import (
    LANGUAGES,
    NOTE_MAX,
    clean_alias,
    clean_display_name,
    timestamp,
)
from srs_tui.store.store import ADMIN_COLUMNS, Store

REQUIRED = ("client", "date", *SRS.keys)
MAX_ERRORS = 20
# An imported row without these is most likely a paper form typed in later.
IMPORT_MODE = "paper"
IMPORT_SETTING = "in-person"


@dataclass
class NewClient:
    id: str
    alias: str
    created_at: str
    archived_at: str | None = None
    language: str = "en"
    display_name: str | None = None


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until apply()."""

    clients: list[NewClient] = field(default_factory=list)
    sessions: list[tuple[Any, ...]] = field(default_factory=list)  # rows in ADMIN_COLUMNS order
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self, *, done: bool = False) -> str:
        """One line a person can read, before (would add) or after (added) the import."""
        verb = "added" if done else "to add"
        return (
            f"{len(self.sessions)} sessions {verb}, {len(self.clients)} new clients, "
            f"{len(self.duplicates)} already there (skipped)"
        )


def _moment(text: str, now: datetime) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a spreadsheet's date: the local time of that date
    if moment > now:
        raise ValueError(f"{text.strip()} is in the future")
    return moment


class _Clients:
    """The file's clients matched to the database's: by id, else by alias, else new."""

    def __init__(self, store: Store, plan: ImportPlan, now: datetime) -> None:
        self.store = store
        self.plan = plan
        self.now = now
        self.by_alias: dict[str, str] = {}
        self.next_session: dict[str, int] = {}

    def resolve(self, client_id: str, alias: str) -> str:
        if client_id:
            uuid.UUID(client_id)  # ValueError for anything else
            known = self._known_id(client_id)
            if known is not None:
                return known
        key = alias.casefold()
        if key in self.by_alias:
            return self.by_alias[key]
        found = self.store.find_client(alias)
        if found is not None:
            self.by_alias[key] = found.id
            return found.id
        new_id = client_id or str(uuid.uuid4())
        self.plan.clients.append(NewClient(new_id, alias, timestamp(self.now)))
        self.by_alias[key] = new_id
        return new_id

    def _known_id(self, client_id: str) -> str | None:
        if any(c.id == client_id for c in self.plan.clients):
            return client_id
        try:
            return self.store.client(client_id).id
        except StoreError:
            return None

    def session_number(self, client_id: str, given: str) -> int:
        if given.strip():
            number = int(given)
            if number < 1:
                raise ValueError(f"{number} is not a session number")
            self.next_session[client_id] = max(self.next_session.get(client_id, 1), number + 1)
            return number
        number = self.next_session.get(client_id) or self.store.next_session(client_id)
        self.next_session[client_id] = number + 1
        return number


def _existing(store: Store, client_id: str) -> dict[int, str]:
    """The client's sessions already stored: number -> date."""
    try:
        return {a.session: timestamp(a.administered_at) for a in store.history(client_id)}
    except StoreError:
        return {}


@dataclass(frozen=True)
class _Row:
    """One CSV row, checked."""

    alias: str
    client_id: str
    session: str
    moment: datetime
    values: dict[str, int]
    mode: str
    setting: str
    note: str


def _check_row(row: dict[str, str | None], line: int, now: datetime) -> _Row | list[str]:
    """The row's values, or every problem it has (line, column and why)."""

    def cell(name: str) -> str:
        return unescape_cell(row.get(name) or "")

    problems = []
    values: dict[str, int] = {}
    for key in SRS.keys:
        try:
            values[key] = parse_rating(cell(key))
        except RatingError as error:
            problems.append(f"line {line}, {key}: {error}")
    moment = now
    try:
        moment = _moment(cell("date"), now)
    except ValueError as error:
        problems.append(f"line {line}, date: {error}")
    alias = ""
    try:
        alias = clean_alias(cell("client"))
    except StoreError as error:
        problems.append(f"line {line}, client: {error}")
    measure = cell("measure") or SRS.name
    mode = cell("mode") or IMPORT_MODE
    setting = cell("setting") or IMPORT_SETTING
    note = cell("note").strip()
    for ok, problem in (
        (measure == SRS.name, f"measure: {measure!r} is not SRS"),
        (mode in MODES, f"mode: {mode!r} is not one of {', '.join(MODES)}"),
        (setting in SETTINGS, f"setting: {setting!r} is not one of {', '.join(SETTINGS)}"),
        (len(note) <= NOTE_MAX, f"note: longer than {NOTE_MAX} characters"),
    ):
        if not ok:
            problems.append(f"line {line}, {problem}")
    if not problems and cell("total").strip():
        try:
            given = parse_rating(cell("total"), SRS.total_max)
        except RatingError as error:
            return [f"line {line}, total: {error}"]
        total = sum(values.values())
        if given != total:
            return [
                f"line {line}, total: {cell('total')} is not the sum of the items "
                f"({format_tenths(total)})"
            ]
    if problems:
        return problems
    return _Row(alias, cell("client_id").strip(), cell("session"), moment, values, mode,
                setting, note)  # fmt: skip


def plan_csv(store: Store, text: str, now: datetime) -> ImportPlan:
    """Check every row of a CSV and plan its import."""
    plan = ImportPlan()
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        plan.errors.append(f"line 1: missing columns: {', '.join(missing)}")
        return plan
    clients = _Clients(store, plan, now)
    stored: dict[str, dict[int, str]] = {}
    seen: set[tuple[str, int]] = set()
    for line, raw in enumerate(reader, start=2):
        if len(plan.errors) >= MAX_ERRORS:
            plan.errors.append("... and more; fix these first.")
            break
        row = _check_row(raw, line, now)
        if isinstance(row, list):
            plan.errors += row
            continue
        when = timestamp(row.moment)
        try:
            client_id = clients.resolve(row.client_id, row.alias)
            known = stored.setdefault(client_id, _existing(store, client_id))
            if not row.session.strip() and when in known.values():
                # No session number: the same client at the same time is the same session.
                plan.duplicates.append(f"line {line}: {row.alias} on {when}")
                continue
            session = clients.session_number(client_id, row.session)
        except ValueError as error:
            plan.errors.append(f"line {line}: {error}")
            continue
        if (client_id, session) in seen or known.get(session) == when:
            plan.duplicates.append(f"line {line}: session {session} of {row.alias} on {when}")
            continue
        if session in known:
            plan.errors.append(
                f"line {line}, session: {session} of this client is already stored, "
                "with another date"
            )
            continue
        seen.add((client_id, session))
        plan.sessions.append(
            (str(uuid.uuid4()), client_id, SRS.name, session, when, *row.values.values(),
             row.mode, row.setting, row.note, timestamp(now), timestamp(now))
        )  # fmt: skip
    return plan


def plan_bundle(store: Store, text: str) -> ImportPlan:
    """Check a JSON bundle and plan its import, keeping every id and time as it is."""
    plan = ImportPlan()
    try:
        bundle = json.loads(text)
        if bundle.get("format") != BUNDLE_FORMAT or bundle.get("version") != BUNDLE_VERSION:
            raise ValueError("not an srs-tui bundle of a version this srs-tui reads")
        known_ids = set()
        for index, raw in enumerate(bundle["clients"], start=1):
            where = f"client {index}"
            found = _bundle_client(store, raw, where, plan)
            known_ids.add(found)
        for index, raw in enumerate(bundle["administrations"], start=1):
            _bundle_session(store, raw, f"administration {index}", known_ids, plan)
    except (ValueError, KeyError, TypeError, AttributeError, StoreError) as error:
        plan.errors.append(f"bundle: {error}")
    return plan


def _bundle_client(store: Store, raw: dict[str, Any], where: str, plan: ImportPlan) -> str:
    client_id = str(uuid.UUID(raw["id"]))
    alias = clean_alias(raw["alias"])
    try:
        existing = store.client(client_id)
    except StoreError:
        existing = None
    if existing is not None:
        plan.duplicates.append(f"{where}: {alias} is already there")
        return client_id
    other = store.find_client(alias)
    if other is not None:
        raise ValueError(f"{where}: another client already has the alias {alias!r}")
    language = raw.get("language", "en")
    if language not in LANGUAGES:
        raise ValueError(f"{where}: unknown language {language!r}")
    datetime.fromisoformat(raw["created_at"])
    plan.clients.append(
        NewClient(
            client_id,
            alias,
            raw["created_at"],
            raw.get("archived_at"),
            language,
            clean_display_name(raw.get("display_name") or ""),
        )
    )
    return client_id


def _bundle_session(
    store: Store, raw: dict[str, Any], where: str, clients: set[str], plan: ImportPlan
) -> None:
    if raw["client_id"] not in clients:
        raise ValueError(f"{where}: its client is not in the bundle")
    ratings = raw["ratings_tenths"]
    scores = Scores(**{key: ratings[key] for key in SRS.keys})  # checks 0..100 integers
    if raw["measure"] != SRS.name or raw["mode"] not in MODES or raw["setting"] not in SETTINGS:
        raise ValueError(f"{where}: unknown measure, mode or setting")
    for key in ("administered_at", "created_at", "updated_at"):
        datetime.fromisoformat(raw[key])
    try:
        store.administration(raw["id"])
    except StoreError:
        pass
    else:
        plan.duplicates.append(f"{where}: already there")
        return
    plan.sessions.append(
        (raw["id"], raw["client_id"], raw["measure"], int(raw["session"]),
         raw["administered_at"], *scores.as_dict().values(), raw["mode"], raw["setting"],
         str(raw["note"])[:NOTE_MAX], raw["created_at"], raw["updated_at"])
    )  # fmt: skip


def plan_file(store: Store, path: Path, now: datetime) -> ImportPlan:
    """The plan for a CSV or a JSON bundle (by its first character)."""
    try:
        # newline="": a line break inside a quoted cell stays exactly as it was written.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{path}: cannot be read ({error}).") from None
    if text.lstrip().startswith("{"):
        return plan_bundle(store, text)
    try:
        return plan_csv(store, text, now)
    except csv.Error as error:  # a NUL byte, an unclosed quote at the end, ...
        return ImportPlan(errors=[f"{path}: not a CSV file srs-tui can read ({error})"])


def apply(store: Store, plan: ImportPlan) -> None:
    """Write a plan without errors, all of it in one transaction or none of it."""
    if plan.errors:
        raise StoreError("the file has errors; nothing was imported.")
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO clients (id, alias, created_at, archived_at, language, display_name) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (c.id, c.alias, c.created_at, c.archived_at, c.language, c.display_name)
                for c in plan.clients
            ],
        )
        conn.executemany(
            f"INSERT INTO administrations ({ADMIN_COLUMNS}) VALUES ({', '.join('?' * 14)})",
            plan.sessions,
        )
