"""The CSV with both measures: one row per session and rater, read back as it was written."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import NOW, run_cli
from srs_tui.exchange.export import CSV_COLUMNS, export_csv
from srs_tui.exchange.importer import apply, plan_csv
from srs_tui.measures import ORS, Scores
from srs_tui.rules import DEFAULT_PROFILES
from srs_tui.store import Store
from srs_tui.store.stream import all_clients

COLUMNS = [
    "client_id", "client", "episode", "session", "date", "rater", "form",
    "ors_individually", "ors_interpersonally", "ors_socially", "ors_overall", "ors_total",
    "srs_relationship", "srs_goals", "srs_approach", "srs_overall", "srs_total",
    "alerts", "mode", "setting", "note",
]  # fmt: skip
HEADER = ",".join(COLUMNS)


def ors(*values: int) -> Scores:
    return Scores.of(ORS, dict(zip(ORS.keys, values, strict=True)))


def visit(
    store: Store, client_id: str, start: datetime, outcome: Scores | None, alliance: Scores | None
) -> None:
    """A session as the app saves it: the ORS at its start, the SRS at its end."""
    if outcome is not None:
        store.record(client_id, outcome, administered_at=start, mode="oral",
                     setting="in-person", now=NOW)  # fmt: skip
    if alliance is not None:
        store.record(client_id, alliance, administered_at=start + timedelta(minutes=50),
                     mode="oral", setting="in-person", now=NOW)  # fmt: skip


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def exported(store: Store) -> str:
    return export_csv(store, all_clients(store), DEFAULT_PROFILES)


def week(n: int) -> datetime:
    return NOW - timedelta(weeks=10 - n)


def history(store: Store, alias: str) -> list[tuple[int, str, int, str, str]]:
    """(session number, measure, total, form, rater) of each administration, in time order."""
    client = store.find_client(alias)
    assert client is not None
    return [
        (a.session, a.measure, a.scores.total, a.form, a.rater)
        for a in store.all_administrations(client.id)
    ]


def test_the_header_is_the_published_column_list(store: Store) -> None:
    assert list(CSV_COLUMNS) == COLUMNS
    assert exported(store) == HEADER + "\r\n"


def test_one_row_per_session_with_both_measures_and_the_alerts_of_both(store: Store) -> None:
    ana = store.add_client("Ana", now=week(0))
    # Intake in the clinical range, then a fall of more than 5 points: deterioration, while
    # the SRS falls below its cutoff at the same session.
    visit(store, ana.id, week(1), ors(50, 50, 50, 50), Scores.srs(90, 90, 90, 90))
    visit(store, ana.id, week(2), ors(30, 30, 30, 30), Scores.srs(80, 80, 80, 80))
    first, second = rows_of(exported(store))
    assert (first["session"], second["session"]) == ("1", "2")
    assert [first[c] for c in COLUMNS[7:17]] == [
        "5.0", "5.0", "5.0", "5.0", "20.0", "9.0", "9.0", "9.0", "9.0", "36.0",
    ]  # fmt: skip
    assert (second["ors_total"], second["srs_total"]) == ("12.0", "32.0")
    assert second["rater"] == "client"
    assert second["form"] == "adult"
    ids = second["alerts"].split(";")
    # The ORS's rules first, then the SRS's.
    assert ids[0] == "reliable_deterioration"
    assert "below_cutoff" in ids[1:]
    assert second["date"] == week(2).isoformat()  # the session's time: its start


def test_a_measure_not_given_leaves_its_cells_empty(store: Store) -> None:
    ana = store.add_client("Ana", now=week(0))
    visit(store, ana.id, week(1), ors(50, 50, 50, 50), None)
    visit(store, ana.id, week(2), None, Scores.srs(90, 90, 90, 90))
    first, second = rows_of(exported(store))
    assert [first[c] for c in COLUMNS[12:17]] == [""] * 5
    assert first["ors_total"] == "20.0"
    assert [second[c] for c in COLUMNS[7:12]] == [""] * 5
    assert second["srs_total"] == "36.0"


def test_another_raters_ratings_are_a_row_of_their_own_without_alerts(store: Store) -> None:
    kid = store.add_client("Kid", now=week(0), age_band="child")
    visit(store, kid.id, week(1), ors(50, 50, 50, 50), Scores.srs(90, 90, 90, 90))
    visit(store, kid.id, week(2), ors(20, 20, 20, 20), Scores.srs(90, 90, 90, 90))
    store.record(kid.id, ors(10, 10, 10, 10), administered_at=week(2) + timedelta(minutes=5),
                 mode="paper", setting="in-person", now=NOW, rater="parent")  # fmt: skip
    rows = rows_of(exported(store))
    assert [(r["session"], r["rater"]) for r in rows] == [
        ("1", "client"), ("2", "client"), ("2", "parent"),
    ]  # fmt: skip
    own, parent = rows[1], rows[2]
    assert "reliable_deterioration" in own["alerts"]
    assert (parent["ors_total"], parent["srs_total"], parent["alerts"]) == ("4.0", "", "")
    assert parent["form"] == own["form"] == "child"


def test_a_row_with_both_measures_makes_one_session_of_two(store: Store) -> None:
    text = (
        f"client,date,{','.join(COLUMNS[7:17])}\n"
        "Ana,2026-11-03 10:00,5,5,5,5,20,9,9,9,9,36\n"
        "Ana,2026-11-10 10:00,6,6,6,6,,,,,,\n"
    )
    plan = plan_csv(store, text, NOW)
    assert plan.errors == []
    assert plan.summary() == "3 ratings to add, 1 new client, 0 already stored (skipped)"
    apply(store, plan)
    assert history(store, "Ana") == [
        (1, "ORS", 200, "adult", "client"),
        (1, "SRS", 360, "adult", "client"),
        (2, "ORS", 240, "adult", "client"),
    ]
    client = store.find_client("Ana")
    assert client is not None
    (first, _, _) = store.all_administrations(client.id)
    assert len({a.session_id for a in store.all_administrations(client.id)[:2]}) == 1
    assert (first.mode, first.setting) == ("paper", "in-person")


def test_the_form_follows_the_clients_age_band_unless_given(store: Store) -> None:
    store.add_client("Teen", now=week(0), age_band="adolescent")
    text = (
        "client,date,form,ors_individually,ors_interpersonally,ors_socially,ors_overall\n"
        "Teen,2026-11-03,,5,5,5,5\n"
        "Teen,2026-11-10,adult,5,5,5,5\n"
        # A new client: the age band of their latest row's form.
        "Kid,2026-11-10,child,5,5,5,5\n"
        "Kid,2026-11-03,young child,5,5,5,5\n"
        # A new client without a form: an adult.
        "Lee,2026-11-03,,5,5,5,5\n"
    )
    plan = plan_csv(store, text, NOW)
    assert plan.errors == []
    apply(store, plan)
    assert [form for _, _, _, form, _ in history(store, "Teen")] == ["adolescent", "adult"]
    assert [form for _, _, _, form, _ in history(store, "Kid")] == ["young child", "child"]
    bands = {c.alias: c.age_band for c in all_clients(store)}
    assert bands == {"Kid": "child", "Lee": "adult", "Teen": "adolescent"}


def test_a_measure_given_in_part_is_refused_by_row_and_column(store: Store) -> None:
    text = (
        f"client,date,{','.join(COLUMNS[7:17])}\n"
        "Ana,2026-11-03,5,5,5,5,20,9,9,9,9,36\n"
        "Ana,2026-11-10,6,6,,,,9,9,9,9,\n"
        "Ana,2026-11-17,,,,,,,,,,30\n"  # a total alone: an old paper log, accepted
        "Ana,2026-11-24,,,,,,,,,,\n"
    )
    plan = plan_csv(store, text, NOW)
    assert plan.errors == [
        "line 3, ors_socially, ors_overall: the ORS is only partly given (2 of 4 items); "
        "give every item or none",
        "line 5: no ratings; fill in the ORS or SRS, or delete the row",
    ]
    with pytest.raises(Exception, match="nothing was imported"):
        apply(store, plan)
    assert store.clients() == []


def test_a_total_that_is_not_the_sum_of_its_items_is_refused(store: Store) -> None:
    text = f"{HEADER}\n,Ana,,,2026-11-03,,,5,5,5,5,21.0,9,9,9,9,36,,,,\n"
    assert plan_csv(store, text, NOW).errors == [
        "line 2, ors_total: 21.0 is not the sum of the items (20.0)"
    ]


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("client,date,ors_individually,ors_socially", "line 1: missing columns: "
         "ors_interpersonally, ors_overall"),
        ("client,date,srs_relationship,srs_goals,srs_approach,srs_overall,goals",
         "line 1: 'srs_goals' and 'goals' are the same column (srs_goals); keep one"),
    ],
)  # fmt: skip
def test_a_header_half_in_one_layout_is_refused(store: Store, header: str, error: str) -> None:
    (found,) = plan_csv(store, header + "\n", NOW).errors
    assert found.startswith(error)


def test_todays_srs_only_export_is_read_as_the_srs(store: Store) -> None:
    # The columns srs-tui wrote before the ORS, as a file exported then would have them.
    text = (
        "client_id,client,episode,session,date,measure,form,rater,relationship,goals,"
        "approach,overall,total,alerts,mode,setting,note\r\n"
        "2b1f4a52-70c3-4a5e-9d0e-5c2a1f0b7c11,Ana,1,1,2026-11-03T10:00:00+01:00,SRS,adult,"
        "client,9.0,9.0,9.0,9.0,36.0,,oral,telehealth,first\r\n"
        "2b1f4a52-70c3-4a5e-9d0e-5c2a1f0b7c11,Ana,1,2,2026-11-10T10:00:00+01:00,SRS,adult,"
        "client,8.0,8.0,8.0,8.0,32.0,below_cutoff,oral,telehealth,\r\n"
    )
    plan = plan_csv(store, text, NOW)
    assert plan.errors == []
    apply(store, plan)
    assert history(store, "Ana") == [
        (1, "SRS", 360, "adult", "client"),
        (2, "SRS", 320, "adult", "client"),
    ]
    (row,) = [r for r in rows_of(exported(store)) if r["session"] == "1"]
    assert (row["client_id"], row["srs_total"], row["ors_total"], row["note"]) == (
        "2b1f4a52-70c3-4a5e-9d0e-5c2a1f0b7c11", "36.0", "", "first",
    )  # fmt: skip
    assert plan_csv(store, text, NOW).summary() == (
        "0 ratings to add, 0 new clients, 2 already stored (skipped)"
    )


def test_a_spreadsheet_of_srs_forms_with_a_wrong_total_is_refused(store: Store) -> None:
    plan = plan_csv(
        store, "client,date,relationship,goals,approach,overall,total\nAna,2026-11-01,9,9,9,9,35\n",
        NOW,
    )  # fmt: skip
    assert plan.errors == ["line 2, total: 35 is not the sum of the items (36.0)"]


def seeded(store: Store) -> None:
    """Two clients, both measures most weeks, a parent's ratings, a session with one measure."""
    ana = store.add_client("Ana", now=week(0))
    kid = store.add_client("Kid", now=week(0), age_band="child")
    for n in range(1, 9):
        visit(store, ana.id, week(n), ors(40 + 3 * n, 50, 50, 50),
              None if n == 4 else Scores.srs(90, 85, 90, 80 + n))  # fmt: skip
        visit(store, kid.id, week(n) + timedelta(hours=2), ors(80 - 4 * n, 80, 80, 80),
              Scores.srs(100, 100, 95, 100))  # fmt: skip
        if n % 3 == 0:
            store.record(kid.id, ors(60, 60, 60, 60), rater="parent", mode="paper",
                         administered_at=week(n) + timedelta(hours=2, minutes=10),
                         setting="in-person", now=NOW)  # fmt: skip


def test_an_export_in_shuffled_rows_imports_numbered_by_date(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        seeded(store)
        text = exported(store)
    header, *rows = text.split("\r\n")[:-1]
    random.Random(12).shuffle(rows)
    with Store.open(tmp_path / "b.db") as fresh:
        plan = plan_csv(fresh, "\r\n".join([header, *rows]) + "\r\n", NOW)
        assert plan.errors == []
        apply(fresh, plan)
        assert exported(fresh) == text
        assert {c.alias: c.age_band for c in all_clients(fresh)} == {
            "Ana": "adult", "Kid": "child"
        }  # fmt: skip
        again = plan_csv(fresh, text, NOW)
        assert again.adding == 0
        assert len(again.duplicates) == 8 * 2 - 1 + 8 * 2 + 2


def test_export_then_import_by_the_command_line(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        seeded(store)
    out = tmp_path / "all.csv"
    done = run_cli("--db", str(tmp_path / "a.db"), "export", "-o", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    fresh = str(tmp_path / "b.db")
    first = run_cli("--db", fresh, "import", str(out), home=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Imported: 33 ratings added, 2 new clients, 0 already stored" in first.stdout
    second = run_cli("--db", fresh, "import", str(out), home=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Imported: 0 ratings added, 0 new clients, 33 already stored" in second.stdout
    back = run_cli("--db", fresh, "export", home=tmp_path)
    assert back.stdout == out.read_text(encoding="utf-8").replace("\r\n", "\n")
    with Store.open(tmp_path / "b.db") as store:
        assert history(store, "Kid")[:3] == [
            (1, "ORS", 316, "child", "client"),
            (1, "SRS", 395, "child", "client"),
            (2, "ORS", 312, "child", "client"),
        ]


def test_a_file_of_one_measure_a_row_can_name_the_ors_in_its_measure_column(store: Store) -> None:
    # One measure a row under the bare keys, as the version before this one wrote both.
    text = (
        "client,date,measure,individually,interpersonally,socially,overall,relationship,goals,"
        "approach,total\n"
        "Ana,2026-11-03 10:00,ORS,5,5,5,5,,,,20\n"
        "Ana,2026-11-03 10:00,SRS,,,,9,9,9,9,36\n"
    )
    plan = plan_csv(store, text, NOW)
    assert plan.errors == []
    apply(store, plan)
    assert history(store, "Ana") == [
        (1, "ORS", 200, "adult", "client"),
        (1, "SRS", 360, "adult", "client"),
    ]
    (row,) = rows_of(exported(store))
    assert (row["ors_total"], row["srs_total"]) == ("20.0", "36.0")
