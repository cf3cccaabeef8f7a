"""Bringing records in: the CSV srs-tui exports (or a spreadsheet's), or a JSON bundle.

A CSV holds one session by one rater a row, each measure under its own columns (`ors_...`,
`srs_...`, as exported; a measure left empty was not given); a file without those columns is
read as srs-tui wrote it before the ORS and as a spreadsheet of SRS forms is typed: one
measure a row (the SRS unless a `measure` column names another) under the bare item keys.
Only `client`, `date` and the items given are needed.

The whole file is checked first. Any error means nothing is written, and each error names the
line, the column and why. Records already in the database are reported and skipped, so importing
the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import sqlite3
import stat
import string
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

from srs_tui.details import EARLIEST
from srs_tui.exchange.export import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    item_column,
    total_column,
    unescape_cell,
)
from srs_tui.exchange.spreadsheet import IGNORED, DateReader, read_header, sniff_delimiter
from srs_tui.measures import (
    AGE_BANDS,
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
    ENDINGS,
    LANGUAGES,
    clean_alias,
    clean_display_name,
    clean_note,
    timestamp,
)
from srs_tui.store.sessions import Planned, instant_of, open_episode, put_planned
from srs_tui.store.store import Store

T = TypeVar("T")
# A file repeats the same few hundred ratings (0.0 to 10.0, totals to 40.0) over and over:
# each text is parsed once. A refused one raises every time (exceptions are not cached).
_rating = functools.lru_cache(maxsize=4096)(parse_rating)
REQUIRED = ("client", "date")
MAX_ERRORS = 20
MAX_LISTED = 1000  # duplicates named one by one; beyond, counted
# Far above a million sessions as CSV (about 100 MB), far below what is sure to fit in memory.
MAX_FILE_BYTES = 2 * 1024**3
BUNDLE_KEYS = ("format", "version", "exported_at", "clients", "administrations")
# Version 3 carries the episodes of care; before it, a new client's sessions went into one
# episode opened when the client was created, as they still do for a bundle without them.
BUNDLE_KEYS_BY_VERSION = {
    1: BUNDLE_KEYS, 2: BUNDLE_KEYS, 3: (*BUNDLE_KEYS, "episodes"), 4: (*BUNDLE_KEYS, "episodes")
}  # fmt: skip
EPISODE_KEYS = ("id", "client_id", "opened_at", "closed_at", "ending")
CLIENT_KEYS = ("id", "alias", "created_at", "archived_at", "language", "display_name")
# Version 3 gives each client's age band; an older bundle's clients are adults, as every
# client was before age bands.
CLIENT_KEYS_BY_VERSION = {
    1: CLIENT_KEYS, 2: CLIENT_KEYS, 3: (*CLIENT_KEYS, "age_band"), 4: (*CLIENT_KEYS, "age_band")
}  # fmt: skip
ADMINISTRATION_KEYS = (
    "id", "client_id", "measure", "session", "administered_at", "ratings_tenths", "mode",
    "setting", "note", "created_at", "updated_at",
)  # fmt: skip
# Version 2 of the bundle names each administration's session, form and rater. In version 1
# each administration was a session of its own, and the session keeps its id (as schema 4's
# migration does).
ADMINISTRATION_KEYS_BY_VERSION = {
    1: ADMINISTRATION_KEYS,
    2: (*ADMINISTRATION_KEYS, "session_id", "form", "rater"),
    3: (*ADMINISTRATION_KEYS, "session_id", "form", "rater"),
    4: (*ADMINISTRATION_KEYS, "session_id", "form", "rater"),
}
# Version 4: an administration that kept only its total (an old paper log) has `total_tenths`
# in place of `ratings_tenths`.
TOTAL_ONLY_KEYS = tuple(
    "total_tenths" if key == "ratings_tenths" else key for key in ADMINISTRATION_KEYS_BY_VERSION[4]
)
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
    age_band: str = "adult"
    # The bundle's episodes of the client: (id, opened_at, closed_at, ending); none: one
    # episode opened when the client was created.
    episodes: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)


@dataclass
class Tally:
    """What a plan adds, for a person to read before the real run: the clients new and
    already there (by alias), the ratings per measure, and the span of their dates."""

    known: dict[str, str] = field(default_factory=dict)  # client id -> alias
    measures: dict[str, int] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    ignored: tuple[str, ...] = ()  # the headers of columns left out

    def moment(self, when: datetime) -> None:
        """Note the moment of a rating the plan adds."""
        self.first = when if self.first is None else min(self.first, when)
        self.last = when if self.last is None else max(self.last, when)

    def lines(self, plan: ImportPlan) -> list[str]:
        """The plan in a few lines, one a subject (the new clients come from the plan)."""
        lines = [
            f"clients: {len(plan.clients)} new{_names([c.alias for c in plan.clients])}, "
            f"{len(self.known)} already there{_names(list(self.known.values()))}",
        ]
        given = ", ".join(
            f"{self.measures[name]} {name}" for name in MEASURES if name in self.measures
        )
        span = ""
        if self.first is not None and self.last is not None:
            span = f", from {self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}"
        lines.append(f"ratings: {given or 'none'}{span}")
        lines.append(f"already stored, skipped: {len(plan.duplicates) + plan.repeated}")
        if self.ignored:
            shown = ", ".join(repr(header) for header in self.ignored)
            lines.append(f"columns left out (not srs-tui's): {shown}")
        return lines


MAX_NAMED = 10  # aliases named in a dry run's summary; beyond, counted


def _names(aliases: Sequence[str]) -> str:
    if not aliases:
        return ""
    shown = ", ".join(aliases[:MAX_NAMED])
    more = f" and {len(aliases) - MAX_NAMED} more" if len(aliases) > MAX_NAMED else ""
    return f" ({shown}{more})"


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until apply().

    A bundle's plan holds its records. A CSV file is read row by row, twice: once to check
    and count (sessions stays empty; to_add counts), once more to write, so that memory stays
    flat however many rows it has; source names it for the second reading."""

    clients: list[NewClient] = field(default_factory=list)
    sessions: list[Planned] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    source: Path | str | None = None  # the CSV: its file, or its text
    now: datetime | None = None
    to_add: int = 0
    repeated: int = 0  # duplicates not listed one by one
    # A CSV's new clients' age bands, found while checking (by _alias_key()): the form
    # of each one's latest row, for the second reading to create them with.
    bands: dict[str, str] = field(default_factory=dict)
    # The order of a CSV's dates (dmy, mdy, ymd); None: the only one a date allows.
    dates: str | None = None
    tally: Tally = field(default_factory=Tally)

    @property
    def adding(self) -> int:
        """How many administrations (one measure by one rater in a session) the plan adds."""
        return len(self.sessions) + self.to_add

    def duplicate(self, message: str) -> None:
        """Note a record already there: listed up to MAX_LISTED, then only counted."""
        if len(self.duplicates) < MAX_LISTED:
            self.duplicates.append(message)
        else:
            self.repeated += 1

    def summary(self, *, done: bool = False) -> str:
        """One line a person can read, before (would add) or after (added) the import."""
        verb = "added" if done else "to add"
        # "already there" would read as the clients' count just before it, which the dry
        # run gives apart ("clients: 1 new, 1 already there"): these are records.
        return (
            f"{_count(self.adding, 'rating')} {verb}, {_count(len(self.clients), 'new client')}, "
            f"{len(self.duplicates) + self.repeated} already stored (skipped)"
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _alias_key(alias: str) -> str:
    """An alias as the UNIQUE COLLATE NOCASE column compares it: ASCII case only. casefold()
    would make "Ä" and "ä", two clients to the store, one, and give one's ratings to the other."""
    return alias.translate(_ASCII_LOWER)


class _Clients:
    """The file's clients matched to the database's: by id, else by alias, else new."""

    def __init__(self, store: Store, plan: ImportPlan, now: datetime) -> None:
        self.store = store
        self.plan = plan
        self.now = now
        self.by_alias: dict[str, str] = {}
        self.bands: dict[str, str] = {}  # client id -> age band, of the clients met so far
        self.new: dict[str, NewClient] = {}  # the file's new clients, by id
        self.latest: dict[str, datetime] = {}  # new client id -> their latest row's moment
        self.unwritten = 0  # new clients not yet written (while an import is being written)

    def resolve(self, client_id: str, alias: str) -> str:
        if client_id:
            _id(client_id)  # ValueError for anything but the form the store keeps
            known = self._known_id(client_id)
            if known is not None:
                return known
        key = _alias_key(alias)
        if key in self.by_alias:
            return self.by_alias[key]
        found = self.store.find_client(alias)
        if found is not None:
            self.by_alias[key] = found.id
            self.bands[found.id] = found.age_band
            self.plan.tally.known[found.id] = found.alias
            return found.id
        new_id = client_id or str(uuid.uuid4())
        # On the second reading the band found by the first is known from the start.
        band = self.plan.bands.get(key, AGE_BANDS[0])
        client = NewClient(new_id, alias, timestamp(self.now), age_band=band)
        self.plan.clients.append(client)
        self.new[new_id] = client
        self.bands[new_id] = band
        self.unwritten += 1
        self.by_alias[key] = new_id
        return new_id

    def _known_id(self, client_id: str) -> str | None:
        if client_id in self.new:
            return client_id
        try:
            found = self.store.client(client_id)
        except StoreError:
            return None
        self.bands[found.id] = found.age_band
        self.plan.tally.known[found.id] = found.alias
        return found.id

    def band(self, client_id: str) -> str:
        """The client's age band: the database's, or for a new client the one the file gives."""
        return self.bands.get(client_id, AGE_BANDS[0])

    def note_form(self, client_id: str, form: str | None, moment: datetime) -> None:
        """A new client's age band follows the form of their latest row that names one (a
        file without forms: adult, as every client was before age bands)."""
        client = self.new.get(client_id)
        if client is None or form not in AGE_BANDS:
            return
        if client_id in self.latest and moment < self.latest[client_id]:
            return
        self.latest[client_id] = moment
        client.age_band = form
        self.plan.bands[_alias_key(client.alias)] = form


def _existing(store: Store, client_id: str) -> set[tuple[str, str, str]]:
    """The client's sessions already stored, as (instant, measure, rater): a session is
    known by its client, its time, the measure and the rater, never by its number."""
    try:
        return store.session_keys(client_id)
    except StoreError:
        return set()


@dataclass(frozen=True)
class _Row:
    """One CSV row, checked: one session by one rater, with every measure given in it."""

    alias: str
    client_id: str
    moment: datetime
    given: tuple[Scores, ...]  # in the registry's order, at least one
    form: str | None  # None: the client's age band's form
    rater: str
    mode: str
    setting: str
    note: str


@dataclass(frozen=True)
class _Columns:
    """Where one measure's items and total are in a CSV's rows."""

    measure: Measure | None  # None: the row's own `measure` cell names it (today's files)
    items: tuple[str, ...]  # the columns, in the order of the measure's keys
    total: str


# Today's SRS-only files: the items under their bare keys, the measure named in a `measure`
# column (or the SRS without it), the total in `total`.
_BARE = _Columns(None, SRS.keys, "total")


def _layout(fields: Sequence[str] | None) -> list[_Columns] | str:
    """Where the CSV keeps each measure (first line's columns), or what its first line lacks.

    A file with any `ors_...`/`srs_...` column holds one session by one rater a row, each
    measure under its own columns (all of a measure's item columns, or none); a file
    without holds one measure a row under the bare item keys, as srs-tui wrote before the
    ORS and as a spreadsheet of SRS forms is typed."""
    present = list(fields or [])
    missing = [column for column in REQUIRED if column not in present]
    prefixed = [
        (measure, tuple(item_column(measure, key) for key in measure.keys))
        for measure in MEASURES.values()
    ]
    named = {
        column
        for measure, items in prefixed
        for column in (*items, total_column(measure))
        if column in present
    }
    if not named:
        lacking = [key for key in SRS.keys if key not in present]
        # A file of totals alone (an old paper log) has no item columns at all.
        totals_only = "total" in present and len(lacking) == len(SRS.keys)
        if not missing and "measure" not in present and not totals_only:
            missing = lacking
        return f"line 1: missing columns: {', '.join(missing)}" if missing else [_BARE]
    layout = []
    for measure, items in prefixed:
        found = [column for column in (*items, total_column(measure)) if column in present]
        if found:
            # Every item column, or none: a measure with only its total column is a log of
            # totals alone.
            if any(column in present for column in items):
                missing += [column for column in items if column not in present]
            layout.append(_Columns(measure, items, total_column(measure)))
    if missing:
        return f"line 1: missing columns: {', '.join(missing)}"
    bare = sorted({key for m in MEASURES.values() for key in m.keys} & set(present))
    if bare:
        return (
            f"line 1: {', '.join(bare)}: a column of items must name its measure "
            f"({', '.join(column for _, items in prefixed for column in items[:1])}, ...)"
        )
    return layout


def _measure_in(
    columns: _Columns, cell: Callable[[str], str], line: int
) -> tuple[Measure, tuple[str, ...]] | list[str]:
    """The measure a row gives in these columns, with its item columns; [] when it gives
    none there, or the problems of one given in part. A total with no items is given: an
    old paper log kept only the total."""
    if columns.measure is None:  # today's files: one measure a row, named by its `measure` cell
        name = cell("measure").strip() or SRS.name
        if name not in MEASURES:
            return [f"line {line}, measure: {name!r} is not one of {', '.join(MEASURES)}"]
        if not any(cell(column).strip() for column in (*MEASURES[name].keys, columns.total)):
            # A row with nothing rated: said once as such, not as four empty items that a
            # paper log of `client,date,total` has no columns for.
            return []
        return MEASURES[name], MEASURES[name].keys
    measure, items = columns.measure, columns.items
    filled = [column for column in items if cell(column).strip()]
    if not filled:
        return (measure, items) if cell(columns.total).strip() else []
    if len(filled) < len(items):
        empty = [column for column in items if column not in filled]
        return [
            f"line {line}, {', '.join(empty)}: the {measure.name} is only partly given "
            f"({len(filled)} of {len(items)} items); give every item or none"
        ]
    return measure, items


def _total_alone(
    measure: Measure, column: str, given: str, line: int
) -> tuple[Scores | None, list[str]]:
    """A total given without items (an old paper log), stored as such: never spread into
    made-up items."""
    try:
        return Scores.total_only(measure, _rating(given, measure.total_max)), []
    except RatingError as error:
        return None, [f"line {line}, {column}: {error}"]


def _scores(
    columns: _Columns, cell: Callable[[str], str], line: int
) -> tuple[Scores | None, list[str]]:
    """One measure of a row: its scores (None when not given) or its problems."""
    found = _measure_in(columns, cell, line)
    if isinstance(found, list):
        return None, found
    measure, items = found
    given = cell(columns.total)
    if given.strip() and not any(cell(column).strip() for column in items):
        return _total_alone(measure, columns.total, given, line)
    problems = []
    values: dict[str, int] = {}
    for key, column in zip(measure.keys, items, strict=True):
        try:
            values[key] = _rating(cell(column), measure.item_max)
        except RatingError as error:
            problems.append(f"line {line}, {column}: {error}")
    if problems or not given.strip():
        return (None, problems) if problems else (Scores.of(measure, values), [])
    try:
        stated = _rating(given, measure.total_max)
    except RatingError as error:
        return None, [f"line {line}, {columns.total}: {error}"]
    total = sum(values.values())
    if stated != total:
        return None, [
            f"line {line}, {columns.total}: {given} is not the sum of the items "
            f"({format_tenths(total)})"
        ]
    return Scores.of(measure, values), []


def _check_row(
    row: dict[str, str | None],
    line: int,
    now: datetime,
    layout: Sequence[_Columns],
    dates: DateReader | None = None,
) -> _Row | list[str]:
    """The row's values, or every problem it has (line, column and why)."""

    # Each cell unescaped once: a measure's cells are read more than once.
    cells = {name: unescape_cell(value or "") for name, value in row.items() if name}

    def cell(name: str) -> str:
        return cells.get(name, "")

    problems = _stray(row, line)
    given: list[Scores] = []
    for columns in layout:
        scores, found = _scores(columns, cell, line)
        problems += found
        if scores is not None:
            given.append(scores)
    if not given and not problems:
        names = " or ".join(
            c.measure.name if c.measure is not None else cell("measure").strip() or SRS.name
            for c in layout
        )
        problems.append(f"line {line}: no ratings; fill in the {names}, or delete the row")
    moment = now
    try:
        moment = (dates or DateReader(None)).read(cell("date"), cell("utc_offset"), line, now)
    except ValueError as error:
        problems.append(f"line {line}, date: {error}")
    alias = ""
    try:
        alias = clean_alias(cell("client"))
    except StoreError as error:
        problems.append(f"line {line}, client: {error}")
    form = cell("form").strip() or None
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
    for scores in given:
        forms = MEASURES[scores.measure].form_names
        if form is not None and form not in forms:
            problems.append(f"line {line}, form: {form!r} is not one of {', '.join(forms)}")
            break
    for ok, problem in (
        (rater in RATERS, f"rater: {rater!r} is not one of {', '.join(RATERS)}"),
        (mode in MODES, f"mode: {mode!r} is not one of {', '.join(MODES)}"),
        (setting in SETTINGS, f"setting: {setting!r} is not one of {', '.join(SETTINGS)}"),
    ):
        if not ok:
            problems.append(f"line {line}, {problem}")
    if problems:
        return problems
    return _Row(alias, cell("client_id").strip(), moment, tuple(given), form, rater, mode,
                setting, note)  # fmt: skip


_UNNAMED = " "


def _filled(value: object) -> bool:
    """Whether a cell (or the list of cells past the last column) holds anything."""
    if isinstance(value, list):
        return any(_filled(cell) for cell in value)
    return isinstance(value, str) and bool(value.strip())


def _stray(row: Mapping[Any, object], line: int) -> list[str]:
    """Values a row holds outside the header's columns: under an empty header, or past the
    last column (csv.DictReader puts those in a list under None)."""
    problems = []
    for name, value in row.items():
        if (name is None or name.startswith(_UNNAMED)) and _filled(value):
            if name is None:
                where = ": a value after the last column"
            else:
                where = f", column {name.strip()}: a value under an empty header"
            problems.append(f"line {line}{where}; give the column a header in line 1 or delete it")
    return problems


def _checked_rows(
    reader: csv.DictReader[str],
    layout: Sequence[_Columns],
    clients: _Clients,
    plan: ImportPlan,
    now: datetime,
) -> Iterator[tuple[int, _Row, str]]:
    """Each good row of the CSV with its line and its client's id; the errors go to plan."""
    dates = DateReader(plan.dates)
    before = len(plan.errors)
    full = False
    for line, raw in enumerate(reader, start=2):
        if not full and len(plan.errors) >= MAX_ERRORS:
            plan.errors.append("... and more; fix these first.")
            full = True
        if not any(_filled(value) for value in raw.values()):
            continue  # a row a spreadsheet writes as `,,,,` after the last one filled in
        row = _check_row(raw, line, now, layout, dates)
        if full:
            # Past the listed errors, the rows are still read for the order their dates
            # imply: a long file whose first rows all have dates like 2/3/2025 would
            # otherwise end on twenty of them and no word of which --dates it needs.
            continue
        if isinstance(row, list):
            plan.errors += row
            continue
        try:
            client_id = clients.resolve(row.client_id, row.alias)
        except ValueError as error:
            plan.errors.append(f"line {line}: {error}")
            continue
        yield line, row, client_id
    hint = dates.hint()
    if hint is not None:
        # First: one option fixes every date it is about, however many lines those are.
        plan.errors.insert(before, hint)


def _planned(row: _Row, scores: Scores, client_id: str, band: str, stamp: str) -> Planned:
    form = row.form or MEASURES[scores.measure].form_for(band).name
    return Planned(
        admin_id=str(uuid.uuid4()), client_id=client_id, held_at=row.moment, scores=scores,
        form=form, rater=row.rater, mode=row.mode, setting=row.setting, note=row.note,
        created_at=stamp, updated_at=stamp,
    )  # fmt: skip


def _reader(
    lines: Iterable[str] | str,
) -> tuple[csv.DictReader[str], list[_Columns] | list[str], tuple[str, ...]]:
    """The CSV's rows under srs-tui's own column names, with where each measure is kept, or
    what is wrong with its header line: the delimiter found in the header line (`,` `;` or
    tabs), each header matched to a column whatever its case, spacing or spelling out."""
    rows = iter(io.StringIO(lines) if isinstance(lines, str) else lines)
    first = next(rows, "")
    delimiter = sniff_delimiter(first)
    cells = next(csv.reader([first], delimiter=delimiter), []) if first.strip() else []
    header = read_header(cells)
    # A column without a header is named by its place (after a space, as no column of ours
    # is), so a value under it is found and refused rather than dropped unseen.
    # A column left out (another program's, such as "Therapist") is named by its place too,
    # after IGNORED, and its cells are never read.
    names = [
        f"{_UNNAMED}{place}" if not column else f"{IGNORED}{place}" if column == IGNORED else column
        for place, column in enumerate(header.columns, 1)
    ]
    reader = csv.DictReader(rows, fieldnames=names, delimiter=delimiter)
    if header.problems:
        return reader, list(header.problems), header.ignored
    layout = _layout([column for column in header.columns if column and column != IGNORED])
    return reader, [layout] if isinstance(layout, str) else layout, header.ignored


def plan_csv(
    store: Store, lines: Iterable[str] | str, now: datetime, dates: str | None = None
) -> ImportPlan:
    """Check every row of a CSV (an open file, or its whole text) and count what its import
    would add, row by row; the rows themselves are read again by apply(). dates: the order
    of the file's dates (dmy, mdy, ymd), None for the only one possible.

    A measure already stored is known by a query per measure in a row; one repeated in the
    file by an 8-byte fingerprint, compared once all are read, so memory stays nearly flat."""
    plan = ImportPlan(now=now, source=lines if isinstance(lines, str) else None, dates=dates)
    reader, layout, plan.tally.ignored = _reader(lines)
    if not all(isinstance(columns, _Columns) for columns in layout):
        plan.errors += [str(problem) for problem in layout]
        return plan
    columns = [c for c in layout if isinstance(c, _Columns)]
    clients = _Clients(store, plan, now)
    fingerprints: dict[str, array[int]] = {}
    for line, row, client_id in _checked_rows(reader, columns, clients, plan, now):
        clients.note_form(client_id, row.form, row.moment)
        for scores in row.given:
            key = (instant_of(row.moment), scores.measure, row.rater)
            if store.has_session(client_id, *key):
                # The same client, time, measure and rater: the same session, in any row order.
                # The date as the app and `export --excel` show it, not the stored ISO form.
                plan.duplicate(
                    f"line {line}: {row.alias} on {row.moment:%Y-%m-%d %H:%M}, {scores.measure}"
                )
                continue
            fingerprints.setdefault(scores.measure, array("q")).append(hash((client_id, *key)))
            plan.tally.moment(row.moment)
    for measure, found in fingerprints.items():
        ordered = sorted(found)
        repeated = sum(1 for before, after in itertools.pairwise(ordered) if before == after)
        plan.repeated += repeated
        plan.to_add += len(found) - repeated
        plan.tally.measures[measure] = len(found) - repeated
    return plan


def _apply_csv(store: Store, plan: ImportPlan, source: Path | str, now: datetime) -> None:
    """Read the checked CSV again and write it, row by row, in one transaction."""
    stamp = timestamp(now)
    again = ImportPlan(now=now, bands=plan.bands, dates=plan.dates)
    clients = _Clients(store, again, now)
    added = 0
    with _open_text(source) as handle, store.write() as conn:
        reader, found, _ = _reader(handle)
        layout = [columns for columns in found if isinstance(columns, _Columns)]
        if len(layout) < len(found):
            again.errors.append("changed")
        for _, row, client_id in _checked_rows(reader, layout, clients, again, now):
            if again.errors:
                break
            _insert_clients(conn, again.clients[len(again.clients) - clients.unwritten :])
            clients.unwritten = 0
            planned = [
                _planned(row, scores, client_id, clients.band(client_id), stamp)
                for scores in row.given
                # Already stored: counted as already there when the file was checked.
                if not store.has_session(
                    client_id, instant_of(row.moment), scores.measure, row.rater
                )
            ]
            # The measures of a row are one session: the first makes it, the others join it.
            put_planned(conn, planned, [])
            added += len(planned)
        if again.errors:
            raise StoreError(
                f"{source}: the file changed after it was checked; nothing was imported."
            )
    plan.to_add = added


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


def _total_tenths(value: object, measure: Measure) -> Scores:
    return Scores.total_only(measure, _integer(value, 0, measure.total_max))


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


def _episode_problem(opened: str, closed: str | None, ending: str | None) -> str:
    """What makes an episode's times and ending disagree ('' if nothing)."""
    if (closed is None) != (ending is None):
        return "ending: an ending is given with closed_at, and only then"
    if closed is not None and datetime.fromisoformat(closed) < datetime.fromisoformat(opened):
        return "closed_at: before opened_at"
    return ""


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
        self.sessions: dict[tuple[str, str, str], str] = {}  # (session, measure, rater) -> where
        self.session_clients: dict[str, str] = {}  # session id -> its client
        self.new_clients: dict[str, NewClient] = {}  # the clients the bundle adds, by id
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
            raw = _record(value, CLIENT_KEYS_BY_VERSION[self.version])
        except _Refused as error:
            self.error(f"{where}: {error}")
            return
        raw.setdefault("age_band", AGE_BANDS[0])
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
        age_band = self.field(where, raw, "age_band", lambda v: _choice(v, AGE_BANDS))
        if client_id is not None:
            self.clients.add(client_id)
        if self.refused > errors:
            return
        if (
            client_id is None or alias is None or created_at is None or language is None
            or age_band is None
        ):  # fmt: skip
            return
        key = _alias_key(alias)
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
        new = NewClient(client_id, alias, created_at, archived_at, language, display_name, age_band)
        self.plan.clients.append(new)
        self.new_clients[client_id] = new

    def episode(self, where: str, value: object) -> None:
        try:
            raw = _record(value, EPISODE_KEYS)
        except _Refused as error:
            self.error(f"{where}: {error}")
            return
        errors = self.refused
        episode_id = self.new_id(where, raw)
        client_id = self.field(where, raw, "client_id", _id)
        if client_id is not None and client_id not in self.clients:
            self.error(f"{where}, client_id: {client_id} is not among the bundle's clients")
        opened = self.field(where, raw, "opened_at", lambda v: _when(v, self.skewed))
        closed = self.field(
            where, raw, "closed_at", lambda v: None if v is None else _when(v, self.skewed)
        )
        ending = self.field(
            where, raw, "ending", lambda v: None if v is None else _choice(v, ENDINGS)
        )
        if self.refused > errors or episode_id is None or client_id is None or opened is None:
            return
        problem = _episode_problem(opened, closed, ending)
        if problem:
            self.error(f"{where}, {problem}")
            return
        if self.store.episode_client(episode_id) is not None:
            self.plan.duplicates.append(f"{where}: already there")
            return
        new = self.new_clients.get(client_id)
        if new is None:
            # Episodes are put in place with a new client only: an existing client's episodes
            # stay as they are, and the bundle's sessions go to them by their time.
            self.plan.duplicate(f"{where}: the client is already there; their episodes are kept")
            return
        if closed is None and any(other[2] is None for other in new.episodes):
            self.error(f"{where}, closed_at: the client has another open episode in the bundle")
            return
        new.episodes.append((episode_id, opened, closed, ending))

    def _session_of(
        self, where: str, session_id: str, client_id: str, given: tuple[str, str]
    ) -> bool:
        """Whether a session id is the client's, in the file and in the database, and the
        measure by that rater (given) is not in it twice in the file."""
        known = self.session_clients.setdefault(session_id, client_id)
        if known == client_id:
            known = self.store.session_client(session_id) or client_id
        if known != client_id:
            self.error(f"{where}, session_id: {session_id} is another client's session")
            return False
        other = self.sessions.get((session_id, *given))
        if other is not None:
            self.error(f"{where}: the same session, measure and rater as {other}")
            return False
        self.sessions[session_id, *given] = where
        return True

    def _administration_keys(self, value: object) -> tuple[str, ...]:
        """The keys an administration must have: a total alone's from version 4 on."""
        alone = (
            isinstance(value, dict) and "total_tenths" in value and "ratings_tenths" not in value
        )
        if not alone:
            return ADMINISTRATION_KEYS_BY_VERSION[self.version]
        if self.version < 4:
            raise _Refused(
                "a total alone (total_tenths) needs a bundle of version 4; this one says "
                f"version {self.version}"
            )
        return TOTAL_ONLY_KEYS

    def administration(self, where: str, value: object) -> None:
        try:
            raw = _record(value, self._administration_keys(value))
        except _Refused as error:
            self.error(f"{where}: {error}")
            return
        raw.setdefault("form", None)
        raw.setdefault("rater", CLIENT)
        raw.setdefault("session_id", raw.get("id"))
        errors = self.refused
        admin_id = self.new_id(where, raw)
        session_id = self.field(where, raw, "session_id", _id)
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
        scores: Scores | None = (
            self.field(where, raw, "ratings_tenths", lambda v: _ratings(v, measure))
            if "ratings_tenths" in raw
            else self.field(where, raw, "total_tenths", lambda v: _total_tenths(v, measure))
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
            or updated_at is None or session_id is None
        ):  # fmt: skip
            return  # each was named when it was refused
        held_at = datetime.fromisoformat(administered_at)
        if not self._session_of(where, session_id, client_id, (scores.measure, rater)):
            return
        key = (client_id, instant_of(held_at), scores.measure, rater)
        # By its key alone: reading it whole would number its whole episode, once a row.
        if self.store.has_administration(admin_id):
            self.plan.duplicates.append(f"{where}: already there")
            return
        if key[1:] in self.stored.get(client_id, set()):
            self.plan.duplicates.append(f"{where}: that session is already there")
            return
        self.plan.sessions.append(
            Planned(
                admin_id=admin_id, client_id=client_id, held_at=held_at, scores=scores,
                form=form, rater=rater, mode=mode, setting=setting, note=note,
                created_at=created_at, updated_at=updated_at, session_id=session_id,
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
    except ValueError:  # a number of more than 4,300 digits
        raise _Refused("not a bundle srs-tui can read (a number with too many digits)") from None


def plan_bundle(store: Store, text: str, now: datetime) -> ImportPlan:
    """Check every field of a JSON bundle and plan its import, keeping every id as it is.

    Every key the exporter writes is required and no other is accepted: a misspelt or unknown
    key would otherwise be dropped without a word. Times are kept as the moments they are,
    written the way the store writes them.
    """
    plan = ImportPlan()
    try:
        parsed = _parse_bundle(text)
        version = parsed.get("version") if isinstance(parsed, dict) else None
        # bool is an int to Python: only a true JSON integer is a version.
        number = version if isinstance(version, int) and not isinstance(version, bool) else 0
        known = number in BUNDLE_KEYS_BY_VERSION
        if isinstance(parsed, dict) and "version" in parsed and not known:
            raise _Refused("not an srs-tui bundle of a version this srs-tui reads")
        bundle = _record(parsed, BUNDLE_KEYS_BY_VERSION.get(number, BUNDLE_KEYS))
        if bundle["format"] != BUNDLE_FORMAT or not known:
            raise _Refused("not an srs-tui bundle of a version this srs-tui reads")
        bundle.setdefault("episodes", [])
        for key in ("clients", "episodes", "administrations"):
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
    for index, raw in enumerate(bundle["episodes"], start=1):
        checker.episode(f"episode {index}", raw)
    for index, raw in enumerate(bundle["administrations"], start=1):
        checker.administration(f"administration {index}", raw)
    new = {client.id for client in plan.clients}
    for planned in plan.sessions:
        plan.tally.measures[planned.scores.measure] = (
            plan.tally.measures.get(planned.scores.measure, 0) + 1
        )
        plan.tally.moment(planned.held_at)
        if planned.client_id not in new and planned.client_id not in plan.tally.known:
            with suppress(StoreError):
                plan.tally.known[planned.client_id] = store.client(planned.client_id).alias
    return plan


# How the files of Excel (.xlsx: a zip; .xls: an OLE2 file) and LibreOffice (.ods) begin.
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _csv_problem(error: csv.Error) -> str:
    """What Python's csv module found wrong, in a person's words."""
    found = str(error)
    if "NUL" in found:
        return "it holds NUL characters, as binary files do"
    if "field limit" in found:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return 'a quote (") is opened and never closed'


@contextmanager
def _open_text(path: Path | str) -> Iterator[TextIO]:
    """The file as UTF-8 text (a spreadsheet's byte order mark skipped), or StoreError; a
    text given whole is read as it is."""
    if isinstance(path, str):
        yield io.StringIO(path)
        return
    try:
        facts = path.stat()
        # A device (/dev/zero) or a pipe would be read for ever, or hang.
        if not stat.S_ISREG(facts.st_mode):
            raise StoreError(f"{path}: not a regular file; nothing was imported.")
        if facts.st_size > MAX_FILE_BYTES:
            raise StoreError(f"{path}: too large for srs-tui to import; nothing was imported.")
        with path.open("rb") as raw:
            start = raw.read(len(_WORKBOOKS[0]))
        if start in _WORKBOOKS:
            raise StoreError(
                f"{path}: a spreadsheet's own file (.xlsx, .ods, .xls), not CSV; save it from "
                "the spreadsheet as CSV UTF-8 and import that; nothing was imported."
            )
        # newline="": a line break inside a quoted cell stays exactly as it was written.
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file.") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    try:
        yield handle
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise StoreError(
            f"{path}: cannot be read: it is not UTF-8 text (a spreadsheet's plain 'CSV' is "
            "often in another encoding); save it as CSV UTF-8."
        ) from None
    except MemoryError:
        raise StoreError(f"{path}: too large to read into memory.") from None
    except csv.Error as error:  # a NUL byte, an unclosed quote at the end, ...
        raise StoreError(
            f"{path}: not a CSV file srs-tui can read ({_csv_problem(error)})."
        ) from None
    finally:
        handle.close()


def plan_file(store: Store, path: Path, now: datetime, dates: str | None = None) -> ImportPlan:
    """The plan for a CSV or a JSON bundle (by its first character); dates: the order of a
    CSV's dates, as plan_csv() takes it."""
    with _open_text(path) as handle:
        start = handle.read(4096)
        if start.lstrip().startswith("{"):
            return plan_bundle(store, start + handle.read(), now)
        handle.seek(0)
        try:
            plan = plan_csv(store, handle, now, dates)
        except StoreError:
            raise
        except csv.Error as error:  # a NUL byte, an unclosed quote at the end, ...
            problem = _csv_problem(error)
            return ImportPlan(errors=[f"{path}: not a CSV file srs-tui can read ({problem})"])
    plan.source = path
    return plan


def apply(store: Store, plan: ImportPlan) -> None:
    """Write a plan without errors, all of it in one transaction or none of it. Each session
    goes to its place in time: older ones renumber the later ones."""
    if plan.errors:
        raise StoreError("the file has errors; nothing was imported.")
    if plan.source is not None and plan.now is not None:
        _apply_csv(store, plan, plan.source, plan.now)
        return
    with store.write() as conn:
        _insert_clients(conn, plan.clients)
        put_planned(conn, plan.sessions, [])


def _insert_clients(conn: sqlite3.Connection, clients: Sequence[NewClient]) -> None:
    """New clients (inside the caller's write), each with the bundle's episodes of care, or
    one from intake."""
    conn.executemany(
        "INSERT INTO clients (id, alias, created_at, archived_at, language, display_name, "
        "age_band) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.id, c.alias, c.created_at, c.archived_at, c.language, c.display_name, c.age_band)
         for c in clients],
    )  # fmt: skip
    for client in clients:
        if not client.episodes:
            open_episode(conn, client.id, client.created_at, client.created_at)
        conn.executemany(
            "INSERT INTO episodes (id, client_id, opened_at, closed_at, ending, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(episode_id, client.id, opened, closed, ending, opened)
             for episode_id, opened, closed, ending in client.episodes],
        )  # fmt: skip
