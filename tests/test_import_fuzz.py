"""import of hostile spreadsheet CSVs: whatever the file, a clear message or a clean import.

Headers from every spelling srs-tui knows, spoilt with look-alike letters, invisible and
right-to-left characters, emoji, escapes, quotes and repeats; delimiters mixed; byte order
marks doubled; dates in every shape; decimal commas; cells with control characters. Whatever
comes in: exit 0 or 1, never a traceback, no control character reaches the terminal, and a
refused file (or a dry run) leaves the database byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import NOW, run_cli
from srs_tui import commands
from srs_tui.measures import Scores
from srs_tui.store import Store

HEADERS = (
    "client", "Client", "client_id", "Client ID", "alias", "Client Alias", "name", "date",
    "Session Date", "Date and Time", "date_time", "session", "Session No", "utc_offset",
    "Offset", "measure", "rater", "form", "mode", "setting", "note", "Notes", "relationship",
    "goals", "approach", "overall", "Goals and Topics", "Goals & topics", "GOALS / TOPICS",
    "srs_relationship", "SRS Relationship", "srs_goals", "srs_approach", "srs_overall",
    "srs_total", "ors_individually", "ors_interpersonally", "ors_socially", "ors_overall",
    "ORS total", "ors_total", "total", "Total Score", "score", "Therapist", "Age",
)  # fmt: skip
# What a copy and paste, a spreadsheet or a prankster puts into a header or a cell.
JUNK = (
    "\u200b", "\u00a0", "\u200f", "\u202e", "\u2066", "\ufeff", "\U0001f600", "\x1b[2J",
    "\x1b]0;pwned\x07", "\x9b31m", "\x07", "\x7f", "\r", "\x00", "\u0441", "\u0430", "\uff43",
    "\u0131", "\u0130", "\u017f", "\u212a", "\u0301", "\ud7ff", "&", "/", "_", " ", '"', "'",
    "x" * 300,
)  # fmt: skip
DATES = (
    "2026-11-03", "2026-11-03 14:30", "2026-11-03T14:30:00+05:00", "2024-02-29", "2023-02-29",
    "29/02/2024", "29/02/2023", "31/04/2026", "30/04/2026", "03/04/2026", "14/01/2026",
    "1/14/2026", "14.01.2026", "01.14.2026", "2026/01/14", "2026/13/01", "14/01/26",
    "14/01/1999", "01/01/1999", "1999-12-31", "14/01/2100", "2100-01-14", "0/0/2026",
    "00/13/2026", "14/01/2026 24:00", "14/01/2026 23:59", "14/01/2026 12:00 AM",
    "14/01/2026 12:00 PM", "14/01/2026 0:30 AM", "14/01/2026 13:00 PM", "14/01/2026 9:60",
    "14/01/2026 10:00:61", "2026-11-03T24:00", "2026-11-03T14:30+14:00", "2026-11-03T14:30-12:00",
    "2026-11-03T14:30+99:00", "2026-11-03T14:30:00.123456Z", "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00+14:00", "2026-W45-2", "2026-307", "3 November 2026", "", " ", "today",
    "14/01/2026\x1b[31m", "\u0661\u0664/01/2026", "１４/01/2026",
)  # fmt: skip
OFFSETS = ("", "+01:00", "-05:00", "Z", "+14:00", "+25:00", "bogus", "\x1b[0m", "+05:30:15")
RATINGS = (
    "9", "9.1", "9,1", "10", "10.0", "0", "-0", "0.05", "7.25", "11", "-1", "", " 8 ", "abc",
    "1e1", "NaN", "inf", "٩", "８", "9\x1b[1m", "9.1.1", "40", "40,0", "400", "36", "36,0",
    "0x9", "\u00a09",
)  # fmt: skip
ALIASES = ("Ana", "ana", "ANA", "Ben", "Ä", "ä", "Straße", "STRASSE", "A\x1bB", "[bold]x[/]",
           "\u202eana", "", " ", "x" * 81, "C\u200bD")  # fmt: skip
GOOD_DATES = ("2026-11-03", "2026-11-03 14:30", "2024-02-29", "14/01/2026", "2026/01/14",
              "14.01.2026", "2026-11-03T14:30:00+05:00", "31/10/2026 12:00 AM")  # fmt: skip
GOOD_RATINGS = ("9", "9.1", "9,1", "10", "10.0", "0", " 8 ", "0,5")
ORDERS = (None, "dmy", "mdy", "ymd")
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Exit)\b|Traceback")
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # every Cc but the line end


def spoilt(text: str, junk: list[tuple[int, str]]) -> str:
    """text with each junk string put in at a place (taken modulo its length + 1)."""
    for place, extra in junk:
        at = place % (len(text) + 1)
        text = text[:at] + extra + text[at:]
    return text


places = st.lists(st.tuples(st.integers(0, 400), st.sampled_from(JUNK)), max_size=2)
header_cells = st.lists(
    st.one_of(
        st.sampled_from(HEADERS),
        st.builds(spoilt, st.sampled_from(HEADERS), places),
        st.builds(lambda h: f'"{h}"', st.sampled_from(HEADERS)),
        st.just(""),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=12,
)
cell = st.one_of(
    st.sampled_from(RATINGS),
    st.sampled_from(DATES),
    st.sampled_from(ALIASES),
    st.sampled_from(OFFSETS),
    st.builds(lambda r: f'"{r}"', st.sampled_from(RATINGS)),
    st.builds(spoilt, st.sampled_from(RATINGS + ALIASES), places),
    st.text(max_size=8),
)
delimiters = st.sampled_from([",", ";", "\t"])


@st.composite
def spreadsheets(draw: st.DrawFn) -> str:
    """A CSV as a spreadsheet (or something worse) might write it: mostly well-formed rows
    under a mostly-known header, so that the rows are read and not only the header refused."""
    delimiter = draw(delimiters)
    # How spoilt the file is: 0, every value good (the import must go through); 1, now and
    # then a bad one; 2, anything.
    spoil = draw(st.sampled_from([0, 1, 1, 2]))
    if spoil < 2:
        header = ["client", "date", "relationship", "goals", "approach", "overall"]
        header += draw(st.lists(st.sampled_from(("Therapist", "Age", "total", "note")), max_size=2))
        if spoil:
            header = [draw(st.sampled_from([h, h, h, spoilt(h, draw(places))])) for h in header]
    else:
        header = draw(header_cells)
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 4))):
        good = spoil == 0 or draw(st.booleans())
        dates = GOOD_DATES if good else DATES
        ratings = GOOD_RATINGS if good else RATINGS
        row = [draw(st.sampled_from(ALIASES[:8])), draw(st.sampled_from(dates))]
        row += [draw(st.sampled_from(ratings)) for _ in range(4)]
        row += [] if good else draw(st.lists(cell, max_size=3))
        if spoil and not good:
            row = [draw(st.sampled_from([c, spoilt(c, draw(places))])) for c in row]
        row_delimiter = delimiter if good else draw(st.sampled_from([delimiter, ",", ";", "\t"]))
        # A decimal comma in a comma-separated file comes quoted, as spreadsheets write it.
        row = [f'"{c}"' if row_delimiter in c else c for c in row] if good else row
        lines.append(row_delimiter.join(row))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return (
        "\ufeff" * draw(st.integers(0, 2))
        + ending.join(lines)
        + draw(st.sampled_from(["", ending]))
    )


def dump(db: Path) -> list[tuple[object, ...]]:
    """Every row of every table: what a user's records are, whatever the file's bytes."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # fmt: skip
        return [(t, *row) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"')]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example, each writing over the last: thousands of folders would
    make each new one slower to find a name for."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with two clients whose aliases differ beyond ASCII case, and a session."""
    db = tmp_path_factory.mktemp("template") / "srs.db"
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=NOW - timedelta(days=60))
        store.add_client("Ä", now=NOW - timedelta(days=60))
        store.add_client("ä", now=NOW - timedelta(days=60))
        store.record(ana.id, Scores.srs(90, 90, 90, 90), administered_at=NOW - timedelta(days=30),
                     mode="paper", setting="in-person", note="", now=NOW)  # fmt: skip
    return db


def check_messages(out: str, err: str) -> None:
    for line in (out + err).splitlines():
        assert not CONTROL.search(line), repr(line)
    assert not EXCEPTION_NAME.search(err), err


def import_one(folder: Path, template: Path, text: str, dry_run: bool, order: str | None) -> None:
    """One hostile file through the import as the command runs it, and what must hold."""
    db = folder / "srs.db"
    shutil.copyfile(template, db)
    before, before_bytes = dump(db), db.read_bytes()
    path = folder / "sheet.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = commands.import_file(db, path, dry_run=dry_run, now=NOW, dates=order)
    assert code in (0, 1)
    event(f"exit {code}{' (dry run)' if dry_run else ''}")  # shown by --hypothesis-show-statistics
    check_messages(out.getvalue(), err.getvalue())
    if code == 1:
        assert err.getvalue().rstrip().endswith("nothing was imported."), err.getvalue()
    if code == 1 or dry_run:
        assert dump(db) == before
        assert db.read_bytes() == before_bytes
    assert not (folder / "srs.db-journal").exists()  # no half-written transaction left


hostile = {"text": spreadsheets(), "dry_run": st.booleans(), "order": st.sampled_from(ORDERS)}


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(**hostile)
def test_any_spreadsheet_is_imported_whole_or_refused_with_words(
    workdir: Path, template: Path, text: str, dry_run: bool,
    order: str | None,
) -> None:  # fmt: skip
    import_one(workdir, template, text, dry_run, order)


@pytest.mark.long
@pytest.mark.timeout(1800)
@settings(
    max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(**hostile)
def test_many_more_spreadsheets(
    workdir: Path, template: Path, text: str, dry_run: bool,
    order: str | None,
) -> None:  # fmt: skip
    import_one(workdir, template, text, dry_run, order)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("\ufeff\ufeffClient\u200b;Session Date;Relationship;Goals and Topics;Approach;Overall\n"
         'Ana;14/01/2026;"9,1";8;7;9\n', 0),
        ("cli\x1b]0;pwned\x07ent,date,relationship,goals,approach,overall\n"
         "Ana,2026-11-03,9,9,9,9\n", 1),
        ("client,date,relationship,goals,approach,overall\n"
         "A\x1b[2JB,14/01/2026 24:00,9\x1b[1m,9,9,9\n", 1),
        ("client,date,relationship,goals,approach,overall\r\u00c4,29/02/2023,9,9,9,9\r", 1),
        ("client\tdate;relationship,goals,approach,overall\n\u202eAna\tx\t9\t9\t9\t9\n", 1),
    ],
    ids=["bom-comma", "title-escape", "cell-escapes", "cr-leap", "mixed-delimiters"],
)  # fmt: skip
def test_the_real_command_refuses_a_hostile_sheet_plainly(
    tmp_path: Path, template: Path, text: str, code: int
) -> None:
    db = tmp_path / "srs.db"
    shutil.copyfile(template, db)
    before = db.read_bytes()
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8", newline="")
    for dry in (["--dry-run"], []):
        done = run_cli("--db", str(db), "import", str(path), *dry, home=tmp_path)
        assert done.returncode == code, done.stderr
        check_messages(done.stdout, done.stderr)
        if code == 1:
            assert "nothing was imported" in done.stderr
        if code == 1 or dry:
            assert db.read_bytes() == before
    if code == 0:
        # The spreadsheet's way with a decimal comma and the day first, read as meant.
        with Store.open_read_only(db) as store:
            ana = store.find_client("Ana")
            assert ana is not None
            latest = store.history(ana.id)[0]  # the older of the two
        assert (latest.scores.total, latest.administered_at.date().isoformat()) == (
            331,
            "2026-01-14",
        )
