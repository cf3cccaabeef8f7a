"""Bringing records in: the CSV srs-tui exports (or a spreadsheet's), or a JSON bundle.

The whole file is checked first. Any error means nothing is written, and each error names the
line, the column and why. Records already in the database are reported and skipped, so importing
the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
import stat
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from srs_tui.details import EARLIEST, parse_session_time
from srs_tui.exchange.export import BUNDLE_FORMAT, BUNDLE_VERSION, unescape_cell
from srs_tui.measures import (
    CLIENT,
    MEASURES,
    MODES,
    RATERS,
    SETTINGS,
    SRS,
    Measure,
    RatingError,
    Scores,
    format_tenths,
    parse_rating,
)
from srs_tui.store.errors import StoreError
from srs_tui.store.records import (
    LANGUAGES,
    clean_alias,
    clean_display_name,
    clean_note,
    timestamp,
)
from srs_tui.store.sessions import Planned, instant_of, put_planned
from srs_tui.store.store import Store

T = TypeVar("T")
REQUIRED = ("client", "date")
MAX_ERRORS = 20
# Far above a million sessions as CSV (about 100 MB), far below what is sure to fit in memory.
MAX_FILE_BYTES = 2 * 1024**3
BUNDLE_KEYS = ("format", "version", "exported_at", "clients", "administrations")
CLIENT_KEYS = ("id", "alias", "created_at", "archived_at", "language", "display_name")
ADMINISTRATION_KEYS = (
    "id", "client_id", "measure", "session", "administered_at", "ratings_tenths", "mode",
    "setting", "note", "created_at", "updated_at",
)  # fmt: skip
# Version 2 of the bundle names the form and the rater of each administration.
ADMINISTRATION_KEYS_BY_VERSION = {
    1: ADMINISTRATION_KEYS,
    2: (*ADMINISTRATION_KEYS, "form", "rater"),
}
# Far beyond any real count. A session's number in a file is only checked, never kept: the
# number is the session's place in time.
SESSION_MAX = 1_000_000
# A bundle's bookkeeping times may come from a machine whose clock runs a little ahead.
CLOCK_SKEW = timedelta(days=1)
# SQLite's NOCASE folds ASCII letters only; the aliases must be unique the same way.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
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
    sessions: list[Planned] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self, *, done: bool = False) -> str:
        """One line a person can read, before (would add) or after (added) the import."""
        verb = "added" if done else "to add"
        return (
            f"{len(self.sessions)} sessions {verb}, {len(self.clients)} new clients, "
            f"{len(self.duplicates)} already there (skipped)"
        )


class _Clients:
    """The file's clients matched to the database's: by id, else by alias, else new."""

    def __init__(self, store: Store, plan: ImportPlan, now: datetime) -> None:
        self.store = store
        self.plan = plan
        self.now = now
        self.by_alias: dict[str, str] = {}

    def resolve(self, client_id: str, alias: str) -> str:
        if client_id:
            _id(client_id)  # ValueError for anything but the form the store keeps
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


def _existing(store: Store, client_id: str) -> set[tuple[str, str, str]]:
    """The client's sessions already stored, as (instant, measure, rater): a session is
    known by its client, its time, the measure and the rater, never by its number."""
    try:
        return store.session_keys(client_id)
    except StoreError:
        return set()


@dataclass(frozen=True)
class _Row:
    """One CSV row, checked."""

    alias: str
    client_id: str
    moment: datetime
    scores: Scores
    form: str
    rater: str
    mode: str
    setting: str
    note: str


def _check_row(row: dict[str, str | None], line: int, now: datetime) -> _Row | list[str]:
    """The row's values, or every problem it has (line, column and why)."""

    def cell(name: str) -> str:
        return unescape_cell(row.get(name) or "")

    problems = []
    measure_name = cell("measure").strip() or SRS.name
    measure: Measure = MEASURES.get(measure_name, SRS)
    values: dict[str, int] = {}
    for key in measure.keys:
        try:
            values[key] = parse_rating(cell(key), measure.item_max)
        except RatingError as error:
            problems.append(f"line {line}, {key}: {error}")
    moment = now
    try:
        moment = parse_session_time(cell("date"), now)
    except ValueError as error:
        problems.append(f"line {line}, date: {error}")
    alias = ""
    try:
        alias = clean_alias(cell("client"))
    except StoreError as error:
        problems.append(f"line {line}, client: {error}")
    form = cell("form").strip() or measure.default_form.name
    rater = cell("rater").strip() or CLIENT
    mode = cell("mode") or IMPORT_MODE
    setting = cell("setting") or IMPORT_SETTING
    note = ""
    try:
        # The one rule for notes, as typed in the app: line ends made LF, no other control
        # character, at most NOTE_MAX characters.
        note = clean_note(cell("note"))
    except StoreError as error:
        problems.append(f"line {line}, note: {error}")
    for ok, problem in (
        (
            measure_name in MEASURES,
            f"measure: {measure_name!r} is not one of {', '.join(MEASURES)}",
        ),
        (
            form in measure.form_names,
            f"form: {form!r} is not one of {', '.join(measure.form_names)}",
        ),
        (rater in RATERS, f"rater: {rater!r} is not one of {', '.join(RATERS)}"),
        (mode in MODES, f"mode: {mode!r} is not one of {', '.join(MODES)}"),
        (setting in SETTINGS, f"setting: {setting!r} is not one of {', '.join(SETTINGS)}"),
    ):
        if not ok:
            problems.append(f"line {line}, {problem}")
    if not problems and cell("total").strip():
        try:
            given = parse_rating(cell("total"), measure.total_max)
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
    return _Row(alias, cell("client_id").strip(), moment, Scores.of(measure, values), form,
                rater, mode, setting, note)  # fmt: skip


def plan_csv(store: Store, text: str, now: datetime) -> ImportPlan:
    """Check every row of a CSV and plan its import."""
    plan = ImportPlan()
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        plan.errors.append(f"line 1: missing columns: {', '.join(missing)}")
        return plan
    if "measure" not in (reader.fieldnames or []):
        absent = [key for key in SRS.keys if key not in (reader.fieldnames or [])]
        if absent:
            plan.errors.append(f"line 1: missing columns: {', '.join(absent)}")
            return plan
    clients = _Clients(store, plan, now)
    stored: dict[str, set[tuple[str, str, str]]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    stamp = timestamp(now)
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
        except ValueError as error:
            plan.errors.append(f"line {line}: {error}")
            continue
        known = stored.setdefault(client_id, _existing(store, client_id))
        key = (instant_of(row.moment), row.scores.measure, row.rater)
        if key in known or (client_id, *key) in seen:
            # The same client, time, measure and rater: the same session, in any row order.
            plan.duplicates.append(f"line {line}: {row.alias} on {when}")
            continue
        seen.add((client_id, *key))
        plan.sessions.append(
            Planned(
                admin_id=str(uuid.uuid4()), client_id=client_id, held_at=row.moment,
                scores=row.scores, form=row.form, rater=row.rater, mode=row.mode,
                setting=row.setting, note=row.note, created_at=stamp, updated_at=stamp,
            )
        )  # fmt: skip
    return plan


class _Refused(ValueError):
    """One field's value refused, with the reason; the caller adds the record and the field."""


class _DuplicateKey(ValueError):
    """A JSON object with the same key twice: which value was meant is anyone's guess."""


def _objects(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(f"the key {_shown(key)} appears twice in one object")
        found[key] = value
    return found


def _shown(value: object) -> str:
    """A short, safe picture of a value for a message: never its whole text, never a repr of a
    container (a deeply nested one would exhaust the stack all over again)."""
    if isinstance(value, str):
        # repr() escapes what is not printable: no escape sequence reaches the terminal.
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"a {value.bit_length()}-bit number"
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)  # NaN and Infinity included, which json.loads lets through
    return "a list" if isinstance(value, list) else "an object"  # all that json.loads makes


def _text(value: object, what: str = "text") -> str:
    if not isinstance(value, str):
        raise _Refused(f"{_shown(value)} is not {what}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # json.loads accepts a lone surrogate such as "\ud800"; SQLite cannot store it.
        raise _Refused("contains a character that is not valid Unicode") from None
    return value


def _choice(value: object, allowed: tuple[str, ...] | dict[str, str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _Refused(f"{_shown(value)} is not one of {', '.join(allowed)}")
    return value


def _integer(value: object, low: int, high: int) -> int:
    # bool is an int to Python and 1.0 == 1 to json: only a true JSON integer is a number here.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(f"{_shown(value)} is not an integer")
    if not low <= value <= high:
        raise _Refused(f"{_shown(value)} is outside {low}..{high}")
    return value


def _id(value: object) -> str:
    text = _text(value, "an id")
    try:
        canonical = str(uuid.UUID(text)) if len(text) == 36 else ""
    except ValueError:
        canonical = ""
    if canonical != text:
        raise _Refused(f"{_shown(text)} is not an id like {uuid.UUID(int=0)} (lowercase)")
    return text


def _when(value: object, latest: datetime) -> str:
    """A timestamp as the store keeps it: ISO 8601 with an offset, to the second."""
    text = _text(value, "a date and time")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Refused(f"{_shown(text)} is not an ISO 8601 date and time") from None
    offset = moment.utcoffset()
    if offset is None:
        raise _Refused(f"{_shown(text)} has no offset")
    if offset % timedelta(minutes=1):
        # ISO 8601 offsets are hours and minutes; Python reads seconds too, other tools may not.
        raise _Refused(f"{_shown(text)} has an offset that is not whole minutes")
    if moment.replace(tzinfo=None) < EARLIEST:
        raise _Refused(f"{_shown(text)} is before {EARLIEST.year}; check the year")
    if moment > latest:
        raise _Refused(f"{_shown(text)} is in the future")
    return timestamp(moment)


def _note(value: object) -> str:
    # Refused, never cut: a shortened note is a record changed without anyone knowing.
    try:
        return clean_note(_text(value))
    except StoreError as error:
        raise _Refused(str(error)) from None


def _ratings(value: object, measure: Measure) -> Scores:
    if not isinstance(value, dict):
        raise _Refused(f"{_shown(value)} is not an object")
    if set(value) != set(measure.keys):
        raise _Refused(f"needs exactly the keys {', '.join(measure.keys)}")
    for key in measure.keys:
        try:
            _integer(value[key], 0, measure.item_max)
        except _Refused as error:
            raise _Refused(f"{key}: {error}") from None
    return Scores.of(measure, value)


def _record(value: object, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Refused(f"{_shown(value)} is not an object")
    missing = [key for key in keys if key not in value]
    unknown = [key for key in value if key not in keys]
    if missing:
        raise _Refused(f"missing {', '.join(missing)}")
    if unknown:
        raise _Refused(f"unknown keys: {', '.join(_shown(key) for key in unknown[:5])}")
    return value


class _Bundle:
    """Checks a parsed bundle record by record, field by field, and plans what is new."""

    def __init__(self, store: Store, plan: ImportPlan, now: datetime) -> None:
        self.store = store
        self.plan = plan
        self.now = now
        # Another machine's clock a little ahead must not refuse its bookkeeping times.
        self.skewed = now + CLOCK_SKEW
        self.ids: dict[str, str] = {}  # every id in the file -> where it was first seen
        self.aliases: dict[str, str] = {}  # as SQLite's NOCASE compares them -> where
        self.clients: set[str] = set()  # the file's client ids
        self.stored: dict[str, set[tuple[str, str, str]]] = {}  # sessions already stored
        self.sessions: dict[tuple[str, str, str, str], str] = {}  # (client, *key) -> where
        self.version = BUNDLE_VERSION
        self.refused = 0  # every error, also those past MAX_ERRORS that are not listed

    def error(self, message: str) -> None:
        self.refused += 1
        if len(self.plan.errors) < MAX_ERRORS:
            self.plan.errors.append(message)
        elif len(self.plan.errors) == MAX_ERRORS:
            self.plan.errors.append("... and more; fix these first.")

    def field(
        self, where: str, raw: dict[str, Any], key: str, check: Callable[[Any], T]
    ) -> T | None:
        """raw[key] through check, or None after naming the record, the field and why."""
        try:
            return check(raw[key])
        except (_Refused, StoreError) as error:
            self.error(f"{where}, {key}: {error}")
            return None

    def new_id(self, where: str, raw: dict[str, Any]) -> str | None:
        found: str | None = self.field(where, raw, "id", _id)
        if found is None:
            return None
        if found in self.ids:
            self.error(f"{where}, id: {found} is used twice (first by {self.ids[found]})")
            return None
        self.ids[found] = where
        return found

    def client(self, where: str, value: object) -> None:
        try:
            raw = _record(value, CLIENT_KEYS)
        except _Refused as error:
            self.error(f"{where}: {error}")
            return
        errors = self.refused
        client_id = self.new_id(where, raw)
        alias: str | None = self.field(where, raw, "alias", lambda v: clean_alias(_text(v)))
        created_at = self.field(where, raw, "created_at", lambda v: _when(v, self.skewed))
        archived_at = self.field(
            where, raw, "archived_at", lambda v: None if v is None else _when(v, self.skewed)
        )
        language = self.field(where, raw, "language", lambda v: _choice(v, LANGUAGES))
        display_name = self.field(
            where, raw, "display_name",
            lambda v: None if v is None else clean_display_name(_text(v)),
        )  # fmt: skip
        if client_id is not None:
            self.clients.add(client_id)
        if self.refused > errors:
            return
        if client_id is None or alias is None or created_at is None or language is None:
            return
        key = alias.translate(_ASCII_LOWER)  # what the UNIQUE COLLATE NOCASE column compares
        if key in self.aliases:
            self.error(f"{where}, alias: {_shown(alias)} is also the alias of {self.aliases[key]}")
            return
        self.aliases[key] = where
        try:
            self.store.client(client_id)
        except StoreError:
            pass
        else:
            self.plan.duplicates.append(f"{where}: {alias} is already there")
            self.stored[client_id] = _existing(self.store, client_id)
            return
        if self.store.find_client(alias) is not None:
            self.error(f"{where}, alias: another client already has the alias {_shown(alias)}")
            return
        self.stored[client_id] = set()
        self.plan.clients.append(
            NewClient(client_id, alias, created_at, archived_at, language, display_name)
        )

    def administration(self, where: str, value: object) -> None:
        try:
            raw = _record(value, ADMINISTRATION_KEYS_BY_VERSION[self.version])
        except _Refused as error:
            self.error(f"{where}: {error}")
            return
        raw.setdefault("form", None)
        raw.setdefault("rater", CLIENT)
        errors = self.refused
        admin_id = self.new_id(where, raw)
        client_id = self.field(where, raw, "client_id", _id)
        if client_id is not None and client_id not in self.clients:
            self.error(f"{where}, client_id: {client_id} is not among the bundle's clients")
        measure_name = self.field(where, raw, "measure", lambda v: _choice(v, tuple(MEASURES)))
        measure = MEASURES.get(measure_name or "", SRS)
        form = self.field(
            where, raw, "form",
            lambda v: measure.default_form.name if v is None
            else _choice(v, measure.form_names),
        )  # fmt: skip
        rater = self.field(where, raw, "rater", lambda v: _choice(v, RATERS))
        self.field(where, raw, "session", lambda v: _integer(v, 1, SESSION_MAX))
        administered_at = self.field(where, raw, "administered_at", lambda v: _when(v, self.now))
        scores: Scores | None = self.field(
            where, raw, "ratings_tenths", lambda v: _ratings(v, measure)
        )
        mode = self.field(where, raw, "mode", lambda v: _choice(v, MODES))
        setting = self.field(where, raw, "setting", lambda v: _choice(v, SETTINGS))
        note = self.field(where, raw, "note", _note)
        created_at = self.field(where, raw, "created_at", lambda v: _when(v, self.skewed))
        updated_at = self.field(where, raw, "updated_at", lambda v: _when(v, self.skewed))
        if self.refused > errors or admin_id is None or client_id is None:
            return
        if (
            scores is None or administered_at is None or form is None or rater is None
            or mode is None or setting is None or note is None or created_at is None
            or updated_at is None
        ):  # fmt: skip
            return  # each was named when it was refused
        held_at = datetime.fromisoformat(administered_at)
        key = (client_id, instant_of(held_at), scores.measure, rater)
        other = self.sessions.get(key)
        if other is not None:
            self.error(f"{where}: the same session, measure and rater as {other}")
            return
        self.sessions[key] = where
        try:
            self.store.administration(admin_id)
        except StoreError:
            pass
        else:
            self.plan.duplicates.append(f"{where}: already there")
            return
        if key[1:] in self.stored.get(client_id, set()):
            self.plan.duplicates.append(f"{where}: that session is already there")
            return
        self.plan.sessions.append(
            Planned(
                admin_id=admin_id, client_id=client_id, held_at=held_at, scores=scores,
                form=form, rater=rater, mode=mode, setting=setting, note=note,
                created_at=created_at, updated_at=updated_at,
            )
        )  # fmt: skip


def _parse_bundle(text: str) -> object:
    """The bundle's JSON, or _Refused saying in one line why it cannot be read."""
    try:
        return json.loads(text, object_pairs_hook=_objects)
    except RecursionError:
        raise _Refused("the file is too deeply nested to be a bundle") from None
    except MemoryError:
        raise _Refused("the file is too large to read into memory") from None
    except _DuplicateKey as error:
        raise _Refused(str(error)) from None
    except json.JSONDecodeError as error:
        raise _Refused(f"not valid JSON ({error})") from None
    except ValueError as error:  # a number of more than 4,300 digits
        raise _Refused(f"not a bundle srs-tui can read ({error})") from None


def plan_bundle(store: Store, text: str, now: datetime) -> ImportPlan:
    """Check every field of a JSON bundle and plan its import, keeping every id as it is.

    Every key the exporter writes is required and no other is accepted: a misspelt or unknown
    key would otherwise be dropped without a word. Times are kept as the moments they are,
    written the way the store writes them.
    """
    plan = ImportPlan()
    try:
        bundle = _record(_parse_bundle(text), BUNDLE_KEYS)
        if bundle["format"] != BUNDLE_FORMAT or not (
            type(bundle["version"]) is int and bundle["version"] in ADMINISTRATION_KEYS_BY_VERSION
        ):
            raise _Refused("not an srs-tui bundle of a version this srs-tui reads")
        for key in ("clients", "administrations"):
            if not isinstance(bundle[key], list):
                raise _Refused(f"{key}: {_shown(bundle[key])} is not a list")
    except _Refused as error:
        plan.errors.append(f"bundle: {error}")
        return plan
    checker = _Bundle(store, plan, now)
    checker.version = bundle["version"]
    checker.field("bundle", bundle, "exported_at", lambda v: _when(v, checker.skewed))
    for index, raw in enumerate(bundle["clients"], start=1):
        checker.client(f"client {index}", raw)
    for index, raw in enumerate(bundle["administrations"], start=1):
        checker.administration(f"administration {index}", raw)
    return plan


def plan_file(store: Store, path: Path, now: datetime) -> ImportPlan:
    """The plan for a CSV or a JSON bundle (by its first character)."""
    try:
        facts = path.stat()
        # A device (/dev/zero) or a pipe would be read for ever, or hang.
        if not stat.S_ISREG(facts.st_mode):
            raise StoreError(f"{path}: not a regular file; nothing was imported.")
        if facts.st_size > MAX_FILE_BYTES:
            raise StoreError(f"{path}: too large for srs-tui to import; nothing was imported.")
        # newline="": a line break inside a quoted cell stays exactly as it was written.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file.") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    except UnicodeDecodeError as error:
        raise StoreError(f"{path}: cannot be read ({error.reason}; save it as UTF-8).") from None
    except MemoryError:
        raise StoreError(f"{path}: too large to read into memory.") from None
    if text.lstrip().startswith("{"):
        return plan_bundle(store, text, now)
    try:
        return plan_csv(store, text, now)
    except csv.Error as error:  # a NUL byte, an unclosed quote at the end, ...
        return ImportPlan(errors=[f"{path}: not a CSV file srs-tui can read ({error})"])


def apply(store: Store, plan: ImportPlan) -> None:
    """Write a plan without errors, all of it in one transaction or none of it. Each session
    goes to its place in time: older ones renumber the later ones."""
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
        put_planned(conn, plan.sessions, [(c.id, c.created_at) for c in plan.clients])
