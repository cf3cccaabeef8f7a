"""A CSV as spreadsheets write it: its delimiter, its headers and its dates, read as meant.

Excel, LibreOffice and Google Sheets each write a different CSV: `,` or `;` or tabs, a byte
order mark, headers in Title Case with an item's full name ("Goals and Topics"), dates in the
order of the machine's language (1/14/2026, 14/01/2026, 14.01.2026) and a decimal comma. This
module turns those into the columns and dates srs-tui reads; every refusal says in plain words
what was found and what to do.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from srs_tui.details import parse_session_time
from srs_tui.measures import MEASURES, SRS, Measure
from srs_tui.wording import built_in

DELIMITERS = (",", ";", "\t")
# The columns srs-tui reads besides the measures' (the export's, and `measure` and `total`
# of the files written before the ORS); `utc_offset` goes with the date of `export --excel`.
PLAIN_COLUMNS = (
    "client_id", "client", "episode", "session", "date", "utc_offset", "measure", "rater",
    "form", "alerts", "mode", "setting", "note",
)  # fmt: skip
# Other names a person gives those columns, as normalised by _words().
SYNONYMS = {
    "client id": "client_id",
    "alias": "client",
    "client alias": "client",
    "name": "client",
    "client name": "client",
    "client code": "client",
    "record code": "client",
    "session date": "date",
    # A practice's log says "Date of Session" or, in US billing, "Date of Service"; left
    # out, the header would be taken for a misspelt `session` and the file refused.
    "date of session": "date",
    "date of service": "date",
    "date time": "date",
    "date and time": "date",
    "session number": "session",
    "session no": "session",
    "notes": "note",
    "utc offset": "utc_offset",
    "offset": "utc_offset",
    # A Spanish-speaking practice's names, accents dropped as _words() drops them.
    "cliente": "client",
    "alias del cliente": "client",
    "nombre": "client",
    "nombre del cliente": "client",
    "codigo": "client",
    "codigo del cliente": "client",
    "fecha": "date",
    "fecha de la sesion": "date",
    "fecha de sesion": "date",
    "fecha hora": "date",
    "sesion": "session",
    "numero de sesion": "session",
    "n de sesion": "session",  # "Nº de sesión", its º read as an o and left out
    "no de sesion": "session",
    "episodio": "episode",
    "medida": "measure",
    "nota": "note",
    "notas": "note",
}
TOTAL_WORDS = (
    "total", "total score", "score", "sum", "puntuacion total", "puntuacion", "puntaje total",
    "puntaje", "suma",
)  # fmt: skip
# The language whose item labels a header may give besides English: the words the app shows
# a Spanish-speaking client, and what their therapist's spreadsheet calls the items.
HEADER_LANGUAGES = ("es",)
# Spanish spreadsheets shorten the items' labels as English ones give the key ("goals"):
# "En general" to "General", "Metas y temas" to "Metas", "Enfoque o método" to "Enfoque".
SHORT_LABELS = {"general": "overall", "metas": "goals", "enfoque": "approach"}
# What joins an item or total to a measure named after it: "Total de la ORS".
_OF = ("de la", "del", "de")
_DATE = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?"
)
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV, from its header line: the one of `,` `;` tab found most often
    outside quotes (csv.Sniffer guesses from letters too, and guesses wrong); `,` if none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # the first of a tie: `,`
    return best if counts[best] else ","


def _words(header: str) -> str:
    """A header as compared: case, spacing, punctuation, accents and the words "and"/"or"
    (Spanish "y"/"o") ignored, so "Goals & topics", "goals_and_topics" and "GOALS / TOPICS"
    are one name, and so are "Relación" and "RELACION"."""
    text = unicodedata.normalize("NFKD", header).casefold().replace("&", " and ")
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join(word for word in words if word not in ("and", "or", "y", "o"))


def _item_names(measure: Measure) -> dict[str, str]:
    """A measure's items by every name a header may give them: key, domain label, and the
    label in each of HEADER_LANGUAGES."""
    names: dict[str, str] = {}
    for item in measure.items:
        names[_words(item.key)] = item.key
        names[_words(item.label)] = item.key
    for language in HEADER_LANGUAGES:
        for words in built_in(measure, language).items:
            names[_words(words.label)] = words.key
    for short, key in SHORT_LABELS.items():
        if key in measure.keys:
            names[short] = key
    return names


IGNORED = "-"  # the column of a header left out; no column of ours is named so


@dataclass(frozen=True)
class Header:
    """A CSV's header line read: the canonical column of each cell ('' for an empty
    header, whose cells are not read), or the problems that stop the file."""

    columns: tuple[str, ...]
    problems: tuple[str, ...]
    # Headers that name nothing srs-tui keeps and resemble none of its columns (a
    # "Therapist" or "Age" column): left out, and named in the import's summary.
    ignored: tuple[str, ...] = ()


def _measure_named(words: str) -> tuple[Measure | None, str]:
    """The measure a header names at its start ("ORS total", "srs_goals") or, in Spanish word
    order, at its end ("Total ORS", "General SRS"), and the rest."""
    first, _, rest = words.partition(" ")
    before, _, last = words.rpartition(" ")
    for measure in MEASURES.values():
        if first == measure.name.casefold():
            return measure, rest
        if before and last == measure.name.casefold():
            for joint in _OF:
                if before.endswith(" " + joint):
                    return measure, before.removesuffix(" " + joint)
            return measure, before
    return None, words


def _known_names() -> list[str]:
    names = list(PLAIN_COLUMNS)
    for measure in MEASURES.values():
        names += [f"{measure.name} {item.label}" for item in measure.items]
        names.append(f"{measure.name} total")
    names += list(dict.fromkeys(item.label for m in MEASURES.values() for item in m.items))
    names += list(
        dict.fromkeys(
            words.label
            for language in HEADER_LANGUAGES
            for m in MEASURES.values()
            for words in built_in(m, language).items
        )
    )
    return names


def _misspelt(header: str) -> str | None:
    """The refusal of a header that looks like one of ours misspelt, or None: a column of
    something else. A misspelt item left out would drop a client's ratings unseen."""
    close = difflib.get_close_matches(header, _known_names(), n=1, cutoff=0.75)
    if not close:
        by_words = {_words(name): name for name in _known_names()}
        close = [by_words[w] for w in difflib.get_close_matches(_words(header), by_words, n=1)]
    if close:
        return f"line 1: {_shown(header)} is not a column srs-tui knows; did you mean {close[0]!r}?"
    return None


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def read_header(cells: Sequence[str]) -> Header:
    """The canonical columns of a header line, matched without regard to case, spacing or
    an item's full name.

    An item named without its measure belongs to the one measure that has it; `Overall` and
    `Total`, which both measures have, belong to the file's one measure not yet given them (the
    measure of its other items; the SRS when there are none, as such files have always been
    read), and are refused as ambiguous when that could be either. A file with a `measure`
    column names each row's measure there and keeps the bare item names, as srs-tui wrote
    before the ORS; so does a file of the SRS alone."""
    cells = [cell.lstrip("\ufeff").strip() for cell in cells]
    if len(cells) == 1:
        for delimiter, name in ((";", "';'"), ("\t", "tabs")):
            if delimiter in cells[0]:
                return Header((), (
                    f"line 1: one column {_shown(cells[0])} was found: is the file "
                    f"separated by {name}? Save it again as CSV, without quotes around "
                    "the header line",
                ))  # fmt: skip
    problems: list[str] = []
    ignored: list[str] = []
    entries = [_entry(cell, problems, ignored) for cell in cells]
    given = [(e.measure.name, e.key, e.explicit) for e in entries
             if isinstance(e, _Named) and e.measure is not None]  # fmt: skip
    named = {(name, key) for name, key, explicit in given if explicit}
    measures = {name for name, _, _ in given}
    by_row = "measure" in entries
    prefixed = not by_row and (bool(named) or bool(measures - {SRS.name}))
    columns: list[str] = []
    for cell, entry in zip(cells, entries, strict=True):
        if not isinstance(entry, _Named):
            columns.append(entry)
            continue
        measure = entry.measure
        if measure is None:
            choices = sorted(m for m in measures if (m, entry.key) not in named) or [SRS.name]
            if len(choices) > 1 and not by_row:
                problems.append(
                    f"line 1: {_shown(cell)} could be the ORS's or the SRS's; name the "
                    f"measure in the header: {' or '.join(repr(f'{m} {cell}') for m in choices)}"
                )
                columns.append("")
                continue
            measure = MEASURES[choices[0]]
        if entry.explicit or prefixed:
            columns.append(f"{measure.name.lower()}_{entry.key}")
        else:
            columns.append(entry.key)
    seen: dict[str, str] = {}
    for cell, column in zip(cells, columns, strict=True):
        if column and column != IGNORED and column in seen:
            problems.append(
                f"line 1: {_shown(seen[column])} and {_shown(cell)} are the same column "
                f"({column}); keep one"
            )
        seen.setdefault(column, cell)
    return Header(tuple(columns), tuple(problems), tuple(ignored))


@dataclass(frozen=True)
class _Named:
    """A header that is a measure's item or total ("total"); measure None: not yet known."""

    measure: Measure | None
    key: str
    explicit: bool  # the header names the measure


def _entry(  # noqa: PLR0911 - one a kind
    cell: str, problems: list[str], ignored: list[str]
) -> str | _Named:
    """One header: a plain column, a measure's column, or '' (empty; misspelt: a problem;
    another program's column: ignored)."""
    if not cell:
        return ""
    words = _words(cell)
    plain = words.replace(" ", "_")
    if words and (words in SYNONYMS or plain in PLAIN_COLUMNS):
        return SYNONYMS.get(words, plain)
    measure, rest = _measure_named(words)
    if measure is not None:
        names = _item_names(measure)
        if rest in names:
            return _Named(measure, names[rest], explicit=True)
        if rest in TOTAL_WORDS or not rest:
            return _Named(measure, "total", explicit=True)
    else:
        owners = [m for m in MEASURES.values() if words and words in _item_names(m)]
        if words in TOTAL_WORDS:
            return _Named(None, "total", explicit=False)
        if owners:
            key = _item_names(owners[0])[words]
            return _Named(owners[0] if len(owners) == 1 else None, key, explicit=False)
    misspelt = _misspelt(cell)
    if misspelt is None:
        ignored.append(cell)
        return IGNORED
    problems.append(misspelt)
    return ""


class AmbiguousDate(ValueError):
    """A date that two orders read as two different days (03/04/2026)."""


class DateReader:
    """The dates of one file, in the file's own format, or ValueError in plain words.

    2026-01-14 and ISO 8601 are read as always; 14/01/2026, 1/14/2026 and 2026/01/14, with
    or without a time ("14:30", "2:30 PM"), in the order given (dmy, mdy, ymd), or without it
    in the only order that makes a date (14/01/2026: the day first); 03/04/2026 without an
    order is refused, and so is a file whose dates put the day first in one row and the month
    in another. Dates with dots (14.01.2026) are the day first unless an order says
    otherwise: no spreadsheet writes the month first with dots. A two-digit year is refused
    (26 could be 1926 or 2026). A date without a time means midday, as in the app."""

    def __init__(self, order: str | None) -> None:
        self.order = order
        self.seen: tuple[str, int, str] | None = None  # an order a date implied: its line, text
        self.ambiguous = 0

    def read(self, text: str, offset: str, line: int, now: datetime) -> datetime:
        """The moment of one row's date; offset: the `utc_offset` cell of `export --excel`."""
        entry = " ".join(text.split())
        offset = offset.strip()
        if not entry:
            raise ValueError("empty; type the session's date like 2026-01-14")
        match = _DATE.fullmatch(entry)
        if match is None or (match["sep"] == "-" and len(match["a"]) == 4):
            # ISO 8601 and the app's own "2026-01-14 14:30": read as they always were.
            timed = offset if len(entry) > len("2026-01-14") else ""
            try:
                return parse_session_time(entry + timed, now)
            except ValueError:
                if match is None and not entry[:4].isdigit():
                    raise ValueError(_not_a_date(entry)) from None
                raise
        try:
            year, month, day, implied = _ordered(entry, match, self.order)
        except AmbiguousDate:
            self.ambiguous += 1
            raise
        if not 1 <= month <= 12:  # 0/13/2026: the 13 is the day, and 0 no month
            raise ValueError(f"{entry!r}: {month} is not a month")
        if implied is not None:
            self._agree(entry, implied, line)
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        try:
            datetime.strptime(iso, "%Y-%m-%d")
        except ValueError:
            raise ValueError(f"{entry!r}: {_MONTHS[month - 1]} {year} has no day {day}") from None
        if match["hour"] is not None:
            hour = _hour(entry, int(match["hour"]), match["ampm"])
            iso += f" {hour:02d}:{match['minute']}"
            if match["second"] is not None:
                iso = iso.replace(" ", "T") + f":{match['second']}"
            iso += offset
        try:
            return parse_session_time(iso, now)
        except ValueError as error:
            # Its words name the date as rewritten; the person knows it as the file writes it.
            raise ValueError(repr(entry) + str(error).removeprefix(iso)) from None

    def _agree(self, entry: str, implied: str, line: int) -> None:
        if self.seen is None:
            self.seen = (implied, line, entry)
            return
        order, first_line, first = self.seen
        if order != implied:
            raise ValueError(
                f"{entry!r} puts the {_FIRST[implied]} first, but line {first_line} "
                f"({first!r}) puts the {_FIRST[order]} first; correct the one that is wrong, "
                "or add --dates dmy or --dates mdy"
            )

    def hint(self) -> str | None:
        """After ambiguous dates: the order the file's other dates imply, as advice."""
        if not self.ambiguous or self.seen is None:
            return None
        order, line, entry = self.seen
        return (
            f"line {line}, date: {entry!r} puts the {_FIRST[order]} first; if every date in "
            f"the file does, add --dates {order}"
        )


_FIRST = {"dmy": "day", "mdy": "month"}


def _not_a_date(entry: str) -> str:
    # Months in words are not read: their names depend on the language of the spreadsheet.
    return (
        f"{entry!r} is not a date srs-tui reads; write it in numbers, like 2026-01-14, "
        "14/01/2026 or 14/01/2026 14:30"
    )


def _hour(entry: str, hour: int, ampm: str | None) -> int:
    if ampm is None:
        if hour > 23:
            raise ValueError(f"{entry!r}: {hour} is not an hour")
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(f"{entry!r}: {hour} is not an hour of a clock with AM and PM")
    return hour % 12 + (12 if ampm.upper() == "PM" else 0)


def _ordered(
    entry: str, match: re.Match[str], order: str | None
) -> tuple[int, int, int, str | None]:
    """(year, month, day) of a date of three numbers, in the order given or the one possible,
    and the order the date implied by itself (None when given, or when either reads it)."""
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:  # the year first is never anything but year, month, day
        if not 1 <= int(b) <= 12:
            raise ValueError(f"{entry!r}: {int(b)} is not a month")
        return int(a), int(b), int(c), None
    if len(c) != 4:
        raise ValueError(
            f"{entry!r} has a two-digit year; write the year in full, like 14/01/2026 "
            "(a year of two digits could be of either century)"
        )
    dots = "dmy" if match["sep"] == "." else None
    return _day_month(entry, int(a), int(b), int(c), order or dots)


def _day_month(
    entry: str, first: int, second: int, year: int, order: str | None
) -> tuple[int, int, int, str | None]:
    """_ordered() of a date with the year last: which of the first two numbers is the day."""
    if order == "ymd":
        raise ValueError(f"{entry!r} ends with the year, not in the order --dates ymd gives")
    if order == "dmy":
        if not 1 <= second <= 12:
            raise ValueError(f"{entry!r}: {second} is not a month (the day comes first)")
        return year, second, first, None
    if order == "mdy":
        if not 1 <= first <= 12:
            raise ValueError(f"{entry!r}: {first} is not a month (the month comes first)")
        return year, first, second, None
    if first > 12 and second > 12:
        raise ValueError(f"{entry!r}: neither {first} nor {second} is a month")
    if first == second:
        return year, first, first, None
    if first > 12:
        return year, second, first, "dmy"
    if second > 12:
        return year, first, second, "mdy"
    raise AmbiguousDate(
        f"{entry!r} could be {first} {_MONTHS[second - 1]} {year} (the day first) or "
        f"{second} {_MONTHS[first - 1]} {year} (the month first); add --dates dmy or "
        "--dates mdy to say which"
    )
