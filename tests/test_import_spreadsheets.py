"""import: the CSV files spreadsheets write, byte for byte, through the real command."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from conftest import NOW, run_cli
from srs_tui.exchange.spreadsheet import DateReader, read_header, sniff_delimiter
from srs_tui.store import Store

SRS_HEADER = "Client,Date,Relationship,Goals and Topics,Approach or Method,Overall,Total"


def srs(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("--db", str(home / "srs.db"), *args, home=home)


def imported(
    tmp_path: Path, data: bytes, *args: str, name: str = "sheet.csv"
) -> subprocess.CompletedProcess[str]:
    """The file written exactly as given, imported by the real command into tmp_path's db."""
    path = tmp_path / name
    path.write_bytes(data)
    return srs("import", str(path), *args, home=tmp_path)


def stored(db: Path) -> list[tuple[str, str, str, tuple[int, ...]]]:
    """Every rating stored: (alias, measure, local date and time, item tenths), in order."""
    rows = []
    with Store.open_read_only(db) as store:
        for summary in store.clients(include_archived=True):
            for a in store.all_administrations(summary.client.id):
                when = a.administered_at.strftime("%Y-%m-%d %H:%M")
                rows.append((summary.client.alias, a.measure, when, a.scores.values))
    return sorted(rows)


def test_us_excel_csv_utf8_with_full_item_names(tmp_path: Path) -> None:
    # Excel (US) "CSV UTF-8": a byte order mark, CRLF, month first, Title Case headers.
    data = (
        b"\xef\xbb\xbf" + SRS_HEADER.encode() + b"\r\n"
        b"Ana,1/14/2026 14:30,9.1,8,7,9.5,33.6\r\n"
        b"Ana,2/3/2026,10,10,10,10,40\r\n"
        b"Ben,11/22/2025 9:05 AM,5,6,7,8,26\r\n"
    )
    # 2/3/2026 is the 3rd of February or the 2nd of March: refused until the order is named.
    refused = imported(tmp_path, data)
    assert refused.returncode == 1
    assert (
        "line 3, date: '2/3/2026' could be 2 March 2026 (the day first) or 3 February 2026 "
        "(the month first); add --dates dmy or --dates mdy to say which"
    ) in refused.stderr
    assert (
        "line 2, date: '1/14/2026 14:30' puts the month first; if every date in the file "
        "does, add --dates mdy"
    ) in refused.stderr
    assert not (tmp_path / "srs.db").exists()
    done = imported(tmp_path, data, "--dates", "mdy")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert stored(tmp_path / "srs.db") == [
        ("Ana", "SRS", "2026-01-14 14:30", (91, 80, 70, 95)),
        ("Ana", "SRS", "2026-02-03 12:00", (100, 100, 100, 100)),  # no time: midday
        ("Ben", "SRS", "2025-11-22 09:05", (50, 60, 70, 80)),
    ]


def test_european_excel_semicolons_decimal_commas_and_both_measures(tmp_path: Path) -> None:
    data = (
        "\ufeffClient;Date;ORS - Individually;ORS - Interpersonally;ORS - Socially;"
        "ORS - Overall;ORS Total;SRS - Relationship;SRS - Goals & topics;"
        "SRS - Approach or method;SRS - Overall;SRS Total\r\n"
        "Zoë;14/01/2026;4,5;5;6;7,5;23;9,1;8;7;9;33,1\r\n"
        "Zoë;21/01/2026 16:00;5;5;6;8;24;;;;;\r\n"
    ).encode()
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert stored(tmp_path / "srs.db") == [
        ("Zoë", "ORS", "2026-01-14 12:00", (45, 50, 60, 75)),
        ("Zoë", "ORS", "2026-01-21 16:00", (50, 50, 60, 80)),
        ("Zoë", "SRS", "2026-01-14 12:00", (91, 80, 70, 90)),
    ]


def test_libreoffice_german_dots_and_quoted_decimal_commas(tmp_path: Path) -> None:
    # LibreOffice's default: `,` between cells, so a decimal comma comes quoted; LF line ends.
    data = (
        b"client,date,relationship,goals,approach,overall\n"
        b'Ana,14.01.2026,"9,1",8,7,9\n'
        b'Ana,03.02.2026 10:15,"8,5","9,5",7,9\n'
    )
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert stored(tmp_path / "srs.db") == [
        ("Ana", "SRS", "2026-01-14 12:00", (91, 80, 70, 90)),
        ("Ana", "SRS", "2026-02-03 10:15", (85, 95, 70, 90)),  # dots: the day first
    ]


def test_google_sheets_csv(tmp_path: Path) -> None:
    # Google Sheets: `,`, LF, ISO dates, no line end after the last row.
    data = (
        b"Client,Date,Individually,Interpersonally,Socially,ORS Overall,Relationship,Goals,"
        b"Approach,SRS Overall,Notes\n"
        b"Ana,2026-01-14,3,4,5,6,9,9,9,9,first visit; went well\n"
        b"Ana,2026-01-21 15:00,4,4,5,6,,,,,"
    )
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert stored(tmp_path / "srs.db") == [
        ("Ana", "ORS", "2026-01-14 12:00", (30, 40, 50, 60)),
        ("Ana", "ORS", "2026-01-21 15:00", (40, 40, 50, 60)),
        ("Ana", "SRS", "2026-01-14 12:00", (90, 90, 90, 90)),
    ]
    with Store.open_read_only(tmp_path / "srs.db") as store:
        (summary,) = store.clients()
        notes = {a.note for a in store.all_administrations(summary.client.id)}
    assert "first visit; went well" in notes


@pytest.mark.parametrize(
    ("order", "day"),
    [("dmy", "2026-04-03 12:00"), ("mdy", "2026-03-04 12:00"), (None, None)],
)
def test_an_ambiguous_date_needs_the_order(tmp_path: Path, order: str | None, day: str) -> None:
    data = b"client,date,relationship,goals,approach,overall\r\nAna,03/04/2026,9,9,9,9\r\n"
    done = imported(tmp_path, data, *(["--dates", order] if order else []))
    if order is None:
        assert done.returncode == 1
        assert done.stderr.splitlines()[0] == (
            "srs-tui: line 2, date: '03/04/2026' could be 3 April 2026 (the day first) or "
            "4 March 2026 (the month first); add --dates dmy or --dates mdy to say which"
        )
        return
    assert done.returncode == 0, done.stderr
    assert [row[2] for row in stored(tmp_path / "srs.db")] == [day]


def test_a_long_file_of_ambiguous_dates_says_first_which_order_fixes_them(
    tmp_path: Path,
) -> None:
    # A year of weekly sessions from a US spreadsheet: its first 20 problem rows are all
    # dates like 2/3/2025, and the first date only one order can read is far below them.
    rows = [f"Ana,{month}/{day}/2025,9,9,9,9,36" for month in range(1, 13) for day in (3, 10)]
    rows.append("Ana,12/24/2025,9,9,9,9,36")
    refused = imported(tmp_path, ("\r\n".join([SRS_HEADER, *rows]) + "\r\n").encode())
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert lines[0] == (
        "srs-tui: line 26, date: '12/24/2025' puts the month first; if every date in the file "
        "does, add --dates mdy"
    )
    assert lines[1].startswith("srs-tui: line 2, date: '1/3/2025' could be 1 March 2025")
    assert "srs-tui: ... and more; fix these first." in lines
    assert not (tmp_path / "srs.db").exists()
    done = imported(
        tmp_path, ("\r\n".join([SRS_HEADER, *rows]) + "\r\n").encode(), "--dates", "mdy"
    )
    assert done.returncode == 0, done.stderr
    assert "Imported: 25 ratings added, 1 new client" in done.stdout


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("client,date,Relatonship,goals,approach,overall", "Ana,2026-01-14,9,9,9,9",
         "line 1: 'Relatonship' is not a column srs-tui knows; did you mean 'Relationship'?"),
        ("client,date,Individually,Interpersonally,Socially,Relationship,Goals,Approach,"
         "Overall", "Ana,2026-01-14,9,9,9,9,9,9,9",
         "line 1: 'Overall' could be the ORS's or the SRS's; name the measure in the header: "
         "'ORS Overall' or 'SRS Overall'"),
        ('"client;date;relationship;goals;approach;overall"', '"Ana;2026-01-14;9;9;9;9"',
         "line 1: one column 'client;date;relationship;goals;approa...' was found: is the "
         "file separated by ';'?"),
        ("client,date,relationship,goals,approach,overall", "Ana,14/01/26,9,9,9,9",
         "line 2, date: '14/01/26' has a two-digit year; write the year in full"),
        ("client,date,relationship,goals,approach,overall", "Ana,1/14/2026,9,9,9,9",
         "line 2, date: '1/14/2026': 14 is not a month (the day comes first)"),
        ("client,date,relationship,goals,approach,overall", "Ana,Jan 14th,9,9,9,9",
         "line 2, date: 'Jan 14th' is not a date srs-tui reads; write it in numbers, like "
         "2026-01-14, 14/01/2026 or 14/01/2026 14:30"),
    ],
)  # fmt: skip
def test_a_header_or_date_it_cannot_read_is_named_plainly(
    tmp_path: Path, header: str, row: str, message: str
) -> None:
    done = imported(tmp_path, f"{header}\r\n{row}\r\n".encode(), "--dates", "dmy")
    assert done.returncode == 1
    assert done.stderr.startswith(f"srs-tui: {message}"), done.stderr
    for python in ("Traceback", "isoformat", "Error", "strptime", "does not match format"):
        assert python not in done.stderr
    assert not (tmp_path / "srs.db").exists()


def _rows_of(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT c.alias, a.measure, s.held_at, a.item1, a.item2, a.item3, a.item4 "
            "FROM administrations a JOIN sessions s ON s.id = a.session_id "
            "JOIN clients c ON c.id = s.client_id ORDER BY 1, 2, 3"
        ).fetchall()


def test_a_dry_run_says_what_it_would_add_and_changes_nothing(tmp_path: Path) -> None:
    first = imported(tmp_path, b"Client,Date,Relationship,Goals,Approach,Overall\n"
                     b"Ana,2026-01-07,9,9,9,9\n", name="first.csv")  # fmt: skip
    assert first.returncode == 0, first.stderr
    data = (
        b"\xef\xbb\xbfClient;Date;ORS Individually;ORS Interpersonally;ORS Socially;"
        b"ORS Overall;Relationship;Goals;Approach;SRS Overall\r\n"
        b"Ana;07/01/2026;;;;;9;9;9;9\r\n"  # already stored
        b"Ana;14/01/2026;5;5;5;5;9;9;9;9\r\n"
        b"Ben;20/02/2026;4;4;4;4;;;;\r\n"
    )
    path = tmp_path / "sheet.csv"
    path.write_bytes(data)
    before = (_rows_of(tmp_path / "srs.db"), sorted(p.name for p in tmp_path.rglob("*")))
    dry = srs("import", str(path), "--dry-run", "--dates", "dmy", home=tmp_path)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert "clients: 1 new (Ben), 1 already there (Ana)" in lines
    assert "ratings: 2 ORS, 1 SRS, from 2026-01-14 to 2026-02-20" in lines
    assert "already stored, skipped: 1" in lines
    assert "problems: 0" in lines
    assert path.read_bytes() == data
    # Nothing written, and no backup or any other file made.
    assert (_rows_of(tmp_path / "srs.db"), sorted(p.name for p in tmp_path.rglob("*"))) == before
    done = srs("import", str(path), "--dates", "dmy", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Imported: 3 ratings added, 1 new client, 1 already stored (skipped)." in done.stdout
    added = _rows_of(tmp_path / "srs.db")
    again = srs("import", str(path), "--dates", "dmy", home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Imported: 0 ratings added, 0 new clients, 4 already stored (skipped)." in again.stdout
    # Each skipped one named by its line and its date as the spreadsheet shows it.
    assert "already stored, skipped: line 3: Ana on 2026-01-14 12:00, ORS" in again.stdout
    assert _rows_of(tmp_path / "srs.db") == added


def test_a_dry_run_with_problems_names_them(tmp_path: Path) -> None:
    dry = imported(
        tmp_path,
        b"Client,Date,Relationship,Goals,Approach,Overall\nAna,2026-01-07,9,9,9,11\n",
        "--dry-run",
    )
    assert dry.returncode == 1
    assert "problems: 1 (below; the lines above count the rows without one)" in dry.stdout
    assert "line 2, overall: 11 is above 10.0" in dry.stderr


def test_export_excel_opens_back_with_import(demo_db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    out = run_cli("--db", str(demo_db), "export", "--excel", "-o", str(sheet), home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfclient_id,client,episode,session,date,utc_offset,rater")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows
    for row in rows:
        datetime.strptime(row["date"], "%Y-%m-%d %H:%M")  # a date and time a sheet reads
        assert re.fullmatch(r"[+-]\d\d:\d\d", row["utc_offset"])
        assert ";" not in row["alerts"]
        assert "," not in row["srs_total"] + row["ors_total"]
    fresh = tmp_path / "fresh.db"
    back = run_cli("--db", str(fresh), "import", str(sheet), home=tmp_path)
    assert back.returncode == 0, back.stderr
    plain = [
        run_cli("--db", str(db), "export", home=tmp_path).stdout.splitlines()
        for db in (demo_db, fresh)
    ]
    # The same records, ids and times included: the whole CSV is the same.
    assert plain[0] == plain[1]


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [("a,b;c,d", ","), ("a;b;c,d", ";"), ("a\tb\tc", "\t"), ('"a;b;c",d', ","), ("ab", ",")],
)
def test_the_delimiter_is_counted_outside_quotes(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line) == delimiter


@pytest.mark.parametrize(
    ("cells", "columns"),
    [
        (["CLIENT", " Date ", "Goals & Topics", "relationship", "APPROACH/METHOD", "Overall",
          "Total"], ("client", "date", "goals", "relationship", "approach", "overall", "total")),
        (["Client", "Date", "SRS - Relationship", "srs_goals", "SRS Approach", "SRS Overall",
          "SRS total"],
         ("client", "date", "srs_relationship", "srs_goals", "srs_approach", "srs_overall",
          "srs_total")),
        (["client", "date", "Individually", "Interpersonally", "Socially", "Overall", "Total"],
         ("client", "date", "ors_individually", "ors_interpersonally", "ors_socially",
          "ors_overall", "ors_total")),
        (["client", "date", "measure", "overall", "Total", ""],
         ("client", "date", "measure", "overall", "total", "")),
        (["Client code", "Date of Session", "ORS Score", "SRS Score"],
         ("client", "date", "ors_total", "srs_total")),
        (["Record code", "Date of Service", "Total"], ("client", "date", "total")),
    ],
)  # fmt: skip
def test_headers_are_matched_loosely(cells: list[str], columns: tuple[str, ...]) -> None:
    header = read_header(cells)
    assert header.problems == ()
    assert header.columns == columns


def test_dates_in_one_file_must_agree() -> None:
    reader = DateReader(None)
    assert reader.read("14/01/2026", "", 2, NOW).day == 14
    with pytest.raises(ValueError, match="puts the month first, but line 2"):
        reader.read("1/15/2026", "", 3, NOW)
    assert reader.read("2026-01-14 14:30", "+05:00", 4, NOW).isoformat() == (
        "2026-01-14T14:30:00+05:00"
    )
    assert DateReader("mdy").read("1/14/2026 2:30 PM", "", 2, NOW).hour == 14
    with pytest.raises(ValueError, match="February 2026 has no day 30"):
        DateReader("dmy").read("30/02/2026", "", 2, NOW)
    assert DateReader("ymd").read("2026/01/14 09:30", "", 2, NOW).strftime("%m-%d %H:%M") == (
        "01-14 09:30"
    )
    with pytest.raises(ValueError, match="not in the order --dates ymd gives"):
        DateReader("ymd").read("14/01/2026", "", 2, NOW)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "a spreadsheet's own file (.xlsx, .ods, .xls), not CSV; "
         "save it from the spreadsheet as CSV UTF-8"),
        # Excel's plain "CSV (Comma delimited)": the machine's code page, here cp1252.
        ("Client,Date,Relationship,Goals,Approach,Overall\r\nZoë,2026-01-14,9,9,9,9\r\n"
         .encode("cp1252"), "it is not UTF-8 text"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_csv_of_ours_says_what_to_do(
    tmp_path: Path, data: bytes, message: str
) -> None:
    done = imported(tmp_path, data)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_empty_rows_are_skipped_and_values_without_a_header_refused(tmp_path: Path) -> None:
    # Excel writes `,,,` for rows that were only formatted, and keeps empty header cells.
    data = (
        b"Client,Date,Relationship,Goals,Approach,Overall,,\r\n"
        b"Ana,2026-01-14,9,9,9,9,,\r\n"
        b",,,,,,,\r\n"
    )
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert "Imported: 1 rating added" in done.stdout
    data += b"Ben,2026-01-15,9,9,9,9,,oops\r\nCy,2026-01-15,9,9,9,9,,,more\r\n"
    refused = imported(tmp_path, data)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[:2] == [
        "srs-tui: line 4, column 8: a value under an empty header; give the column a header "
        "in line 1 or delete it",
        "srs-tui: line 5: a value after the last column; give the column a header in line 1 "
        "or delete it",
    ]


def test_another_programs_columns_are_left_out_and_named(tmp_path: Path) -> None:
    # A practice's log often keeps its own columns beside the ratings: they are not ours to
    # read, so they are left out and named, while a misspelt column of ours stops the file.
    data = (
        b"Client,Therapist,Date,Relationship,Goals,Approach,Overall,Age\r\n"
        b"Ana,Dr Who,2026-01-14,9,8,9,9,41\r\n"
    )
    dry = imported(tmp_path, data, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "columns left out (not srs-tui's): 'Therapist', 'Age'" in dry.stdout
    assert not (tmp_path / "srs.db").exists()
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert "columns left out (not srs-tui's): 'Therapist', 'Age'" in done.stdout
    assert stored(tmp_path / "srs.db") == [("Ana", "SRS", "2026-01-14 12:00", (90, 80, 90, 90))]


def test_last_years_clients_are_said_to_be_still_in_care(tmp_path: Path) -> None:
    # A CSV cannot say whose therapy ended: the import says how many of its clients the
    # caseload will mark as not seen lately, and how to end their episodes.
    data = (
        b"Client,Date,Relationship,Goals,Approach,Overall\r\n"
        b"Ana,2025-01-14,9,9,9,9\r\nBen,2025-02-11,9,8,9,9\r\n"
    )
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert (
        "2 of the file's clients are still in care but not seen for 4+ weeks: a file cannot "
        "say whose therapy ended." in done.stdout
    )


@pytest.mark.parametrize(
    ("text", "order", "message"),
    [
        ("00/00/2026", None, "'00/00/2026': 0 is not a month"),
        ("0/13/2026", None, "'0/13/2026': 0 is not a month"),
        ("13/0/2026", None, "'13/0/2026': 0 is not a month"),
        ("31/04/2026", "dmy", "'31/04/2026': April 2026 has no day 31"),
        ("0/01/2026", "dmy", "'0/01/2026': January 2026 has no day 0"),
    ],
)
def test_a_month_of_zero_is_named_as_such(text: str, order: str | None, message: str) -> None:
    # Not "December 2026 has no day 0": month 0 is no month, and December is not in the file.
    with pytest.raises(ValueError, match=r"is not a month|has no day") as refused:
        DateReader(order).read(text, "", 2, NOW)
    assert str(refused.value) == message


def test_a_spanish_practices_european_excel_file(tmp_path: Path) -> None:
    # A Spanish-speaking practice's Excel: its headers in Spanish, as the app's Spanish words
    # name the items; a byte order mark, `;`, the day first and a decimal comma.
    data = (
        "\ufeffCliente;Fecha de la sesión;Individualmente;Interpersonalmente;Socialmente;"
        "General ORS;Total ORS;Relación;Metas y temas;Enfoque o método;General SRS;"
        "Puntuación total SRS;Notas\r\n"
        "Zoë;14/01/2026;4,5;5;6;7,5;23;9,1;8;7;9;33,1;primera sesión\r\n"
        "Zoë;21/01/2026 16:00;5;5;6;8;24;;;;;;\r\n"
    ).encode()
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert stored(tmp_path / "srs.db") == [
        ("Zoë", "ORS", "2026-01-14 12:00", (45, 50, 60, 75)),
        ("Zoë", "ORS", "2026-01-21 16:00", (50, 50, 60, 80)),
        ("Zoë", "SRS", "2026-01-14 12:00", (91, 80, 70, 90)),
    ]


def test_the_srs_alone_with_spanish_headers(tmp_path: Path) -> None:
    data = (
        "\ufeffCliente;Fecha;Relación;Metas y temas;Enfoque o método;General;Total\r\n"
        "Ana;14/01/2026;9,1;8;7;9,5;33,6\r\n"
    ).encode()
    done = imported(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert stored(tmp_path / "srs.db") == [("Ana", "SRS", "2026-01-14 12:00", (91, 80, 70, 95))]


@pytest.mark.parametrize(
    ("cells", "columns"),
    [
        (["CLIENTE", "fecha", "RELACION", "metas/temas", "Enfoque o Método", "En general",
          "Puntuación total"],
         ("client", "date", "relationship", "goals", "approach", "overall", "total")),
        (["Alias", "Fecha y hora", "ORS Individualmente", "Interpersonalmente", "Socialmente",
          "General ORS", "Total ORS", "Nota"],
         ("client", "date", "ors_individually", "ors_interpersonally", "ors_socially",
          "ors_overall", "ors_total", "note")),
        (["Nombre", "Fecha", "Nº de sesión", "Relación", "Metas", "Enfoque", "General",
          "Total de la SRS", "Terapeuta"],
         ("client", "date", "session", "srs_relationship", "srs_goals", "srs_approach",
          "srs_overall", "srs_total", "-")),
    ],
)  # fmt: skip
def test_spanish_headers_are_matched_loosely(cells: list[str], columns: tuple[str, ...]) -> None:
    header = read_header(cells)
    assert header.problems == ()
    assert header.columns == columns


def test_a_spanish_overall_of_either_measure_is_refused_as_ambiguous() -> None:
    header = read_header(["cliente", "fecha", "Individualmente", "Relación", "General"])
    assert any("could be the ORS's or the SRS's" in p for p in header.problems)
