"""Records that kept only their total (old paper logs): stored as a total with no items, shown
as such everywhere, judged by the rules on totals, and never spread into four equal items."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import NOW, build_app, run_cli, screen_text
from srs_tui.exchange.export import export_csv, export_json
from srs_tui.exchange.importer import apply, plan_csv, plan_file
from srs_tui.exchange.report import report_html, report_records
from srs_tui.measures import ORS, SRS, Scores
from srs_tui.rules import DEFAULT_PROFILES
from srs_tui.rules.alliance import BELOW_CUTOFF, LOW_ITEM
from srs_tui.screens.correct_session import CorrectSessionScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.store import Store, StoreError
from srs_tui.store.stream import all_clients

# A therapist's paper log: the date and the two totals of each visit, nothing else.
PAPER_LOG = (
    "client,date,ors_total,srs_total\n"
    "Quinn (paper),2024-03-04T10:00:00+00:00,18.5,33.0\n"
    "Quinn (paper),2024-03-11T10:00:00+00:00,21.0,34.5\n"
    "Quinn (paper),2024-03-18T10:00:00+00:00,22.5,31.5\n"
)


def imported(db: Path, home: Path, text: str = PAPER_LOG) -> None:
    source = home / "paper.csv"
    source.write_text(text, encoding="utf-8")
    result = run_cli("--db", str(db), "import", str(source), home=home)
    assert result.returncode == 0, result.stderr
    assert "6 ratings added, 1 new client" in result.stdout


def quinn(store: Store) -> str:
    client = store.find_client("Quinn (paper)")
    assert client is not None
    return client.id


def test_a_paper_log_of_totals_is_stored_as_totals_and_nothing_else(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    imported(db, tmp_path)
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT measure, item1, item2, item3, item4, total FROM administrations "
            "ORDER BY measure, total"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [
        ("ORS", None, None, None, None, 185), ("ORS", None, None, None, None, 210),
        ("ORS", None, None, None, None, 225), ("SRS", None, None, None, None, 315),
        ("SRS", None, None, None, None, 330), ("SRS", None, None, None, None, 345),
    ]  # fmt: skip
    with Store.open(db) as store:
        history = store.all_administrations(quinn(store))
    assert [(a.measure, a.scores.total, a.scores.has_items) for a in history[:2]] == [
        ("ORS", 185, False), ("SRS", 330, False),
    ]  # fmt: skip
    assert all(a.scores.values == () and a.scores.lowest() is None for a in history)
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "records checked one by one: ok" in check.stdout


async def test_the_history_shows_the_totals_and_says_the_items_were_not_recorded(
    tmp_path: Path,
) -> None:
    db = tmp_path / "srs.db"
    imported(db, tmp_path)
    app = build_app(db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        # The caseload shows the latest totals, judged as any total is.
        (row,) = [line for line in screen_text(app).splitlines() if "Quinn (paper)" in line]
        assert "▼22.5  ▼31.5" in row
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        for line in (
            "3  2024-03-18  ▼22.5  ▼31.5  paper · total only",
            "1  2024-03-04  ▼18.5  ▼33.0  paper · total only",
        ):
            assert line in text
        # The items charts draw no point for a session without items, and say why.
        await pilot.press("i")
        await pilot.pause()
        text = screen_text(app)
        assert "ORS · Individually" in text
        assert "items not recorded: totals only" in text
        assert "no sessions yet" not in text
        # Correcting such a session offers its totals, never four made-up items.
        await pilot.press("i", "i", "e")
        await pilot.pause()
        assert isinstance(app.screen, CorrectSessionScreen)
        text = screen_text(app)
        assert "ORS: items not recorded (total only)" in text
        assert "Individually" not in text
        app.screen.query_one("#fix-srs-total").value = "30.5"  # type: ignore[attr-defined]
        await pilot.click("#save")
        await pilot.pause()
    with Store.open(db) as store:
        latest = store.all_administrations(quinn(store))[-1]
    assert (latest.measure, latest.scores.total, latest.scores.has_items) == ("SRS", 305, False)


def test_the_exports_carry_the_total_alone_and_read_back_the_same(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        plan = plan_csv(store, PAPER_LOG, NOW)
        assert plan.errors == []
        apply(store, plan)
        # Beside a session with every item, as a later visit typed in the app would be.
        store.record(quinn(store), Scores.srs(90, 90, 90, 95), administered_at=NOW,
                     mode="oral", setting="telehealth", now=NOW)  # fmt: skip
        text = export_csv(store, all_clients(store), DEFAULT_PROFILES)
        bundle = export_json(store, all_clients(store), NOW)
    rows = list(csv.DictReader(io.StringIO(text)))
    first = rows[0]
    assert (first["ors_total"], first["srs_total"]) == ("18.5", "33.0")
    assert [first[f"ors_{key}"] for key in ORS.keys] == ["", "", "", ""]
    assert [first[f"srs_{key}"] for key in SRS.keys] == ["", "", "", ""]
    assert [rows[-1][f"srs_{key}"] for key in SRS.keys] == ["9.0", "9.0", "9.0", "9.5"]
    parsed = json.loads(bundle)
    assert parsed["version"] == 4
    paper, typed = parsed["administrations"][0], parsed["administrations"][-1]
    assert paper["total_tenths"] == 185
    assert "ratings_tenths" not in paper
    assert typed["ratings_tenths"] == dict(zip(SRS.keys, (90, 90, 90, 95), strict=True))
    assert "total_tenths" not in typed
    for name, content in (("export.csv", text), ("bundle.json", bundle)):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with Store.open(tmp_path / f"{name}.db") as fresh:
            plan = plan_file(fresh, path, NOW)
            assert plan.errors == []
            apply(fresh, plan)
            again = list(
                csv.DictReader(io.StringIO(export_csv(fresh, all_clients(fresh), DEFAULT_PROFILES)))
            )
            assert [{**r, "client_id": ""} for r in again] == [{**r, "client_id": ""} for r in rows]
            if name == "bundle.json":
                assert export_json(fresh, all_clients(fresh), NOW) == bundle


def test_the_report_shows_the_total_and_says_the_items_were_not_recorded(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        apply(store, plan_csv(store, PAPER_LOG, NOW))
        client = store.client(quinn(store))
        html = report_html(client, report_records(store, client.id, None), DEFAULT_PROFILES, NOW)
    assert "31.5" in html
    assert "items not recorded (total only)" in html
    # Never four equal items made up from a total (31.5 / 4 would be 7.9 each).
    assert "<td>7.9</td>" not in html


def test_the_rules_on_totals_judge_a_total_alone_and_the_item_rule_skips_it() -> None:
    profile = DEFAULT_PROFILES.of(SRS.name, "adult")
    history = [Scores.total_only(SRS, total) for total in (380, 320)]
    fired = {alert.rule.id for alert in profile.latest_alerts(history)}
    assert BELOW_CUTOFF.id in fired
    assert LOW_ITEM.id not in fired
    # The same total with a low item: the item rule speaks only when there are items.
    with_items = [Scores.srs(95, 95, 95, 95), Scores.srs(100, 100, 100, 20)]
    assert LOW_ITEM.id in {alert.rule.id for alert in profile.latest_alerts(with_items)}


def test_a_bare_spreadsheet_of_srs_totals_is_read_as_totals(store: Store) -> None:
    plan = plan_csv(store, "client,date,total\nAna,2026-11-03,35.5\nAna,2026-11-10,37\n", NOW)
    assert plan.errors == []
    apply(store, plan)
    client = store.find_client("Ana")
    assert client is not None
    given = store.all_administrations(client.id)
    assert [(a.measure, a.scores.total, a.scores.has_items) for a in given] == [
        ("SRS", 355, False), ("SRS", 370, False),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("client,date,srs_relationship,srs_goals,srs_approach,srs_overall,srs_total\n"
         "Ana,2026-11-03,9,,,,30\n",
         "line 2, srs_goals, srs_approach, srs_overall: the SRS is only partly given"),
        ("client,date,srs_total\nAna,2026-11-03,40.1\n", "line 2, srs_total: 40.1 is above 40.0"),
        ("client,date,relationship,goals,approach,overall,total\nAna,2026-11-03,9,,,,30\n",
         "line 2, goals: type a number"),
        # A visit with no score in the log: one plain line, not four columns it lacks.
        ("Client,Date,ORS,SRS\nAna,2026-11-03,,\n",
         "line 2: no ratings; fill in the ORS or SRS, or delete the row"),
        ("client,date,total\nAna,2026-11-03,\n",
         "line 2: no ratings; fill in the SRS, or delete the row"),
    ],
    ids=["items-in-part", "above-the-top", "bare-items-in-part", "paper-log-nothing-rated",
         "bare-log-nothing-rated"],
)  # fmt: skip
def test_a_total_with_only_some_items_or_out_of_range_is_refused(
    store: Store, text: str, error: str
) -> None:
    plan = plan_csv(store, text, NOW)
    assert plan.errors
    assert plan.errors[0].startswith(error)
    if "no ratings" in error:
        assert len(plan.errors) == 1, plan.errors
    assert store.clients() == []


def test_a_bundle_record_with_both_ratings_and_a_total_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        apply(store, plan_csv(store, PAPER_LOG, NOW))
        bundle = json.loads(export_json(store, all_clients(store), NOW))
    bundle["administrations"][0]["ratings_tenths"] = dict.fromkeys(ORS.keys, 40)
    bundle["administrations"][1]["total_tenths"] = 401
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with Store.open(tmp_path / "b.db") as fresh:
        errors = plan_file(fresh, path, NOW).errors
    assert errors[:2] == [
        "administration 1: unknown keys: 'total_tenths'",
        "administration 2, total_tenths: 401 is outside 0..400",
    ]


def test_a_version_3_bundle_still_imports(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        client = store.add_client("Ana", now=NOW)
        store.record(client.id, Scores.srs(90, 90, 90, 90), administered_at=NOW,
                     mode="oral", setting="telehealth", now=NOW)  # fmt: skip
        bundle = json.loads(export_json(store, all_clients(store), NOW))
    bundle["version"] = 3
    path = tmp_path / "v3.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with Store.open(tmp_path / "b.db") as fresh:
        plan = plan_file(fresh, path, NOW)
        assert plan.errors == []
        apply(fresh, plan)
        (given,) = fresh.all_administrations(fresh.clients()[0].client.id)
    assert given.scores.values == (90, 90, 90, 90)


def test_a_total_alone_is_checked_like_a_rating() -> None:
    assert Scores.total_only(ORS, 400).total == 400
    for bad in (-1, 401):
        with pytest.raises(ValueError, match=r"outside 0\.\.400"):
            Scores.total_only(SRS, bad)
    with pytest.raises(ValueError, match="only without items"):
        Scores(SRS.name, (90, 90, 90, 90), 360)
    assert Scores.total_only(SRS, 315).columns == (None, None, None, None, 315)
    assert Scores.srs(1, 2, 3, 4).columns == (1, 2, 3, 4, None)


def test_the_vault_goes_on_and_off_with_totals_alone_unchanged(tmp_path: Path) -> None:
    from srs_tui.store.vault_switch import same_records, turn_off, turn_on

    db = tmp_path / "srs-tui.db"
    with Store.open(db) as store:
        apply(store, plan_csv(store, PAPER_LOG, NOW))
        store.record(quinn(store), Scores.srs(90, 90, 90, 95), administered_at=NOW,
                     mode="oral", setting="telehealth", now=NOW)  # fmt: skip
    plain = tmp_path.parent / f"{tmp_path.name}-plain.db"
    before, copy = sqlite3.connect(db), sqlite3.connect(plain)
    before.backup(copy)
    before.close()
    copy.close()
    turn_on(db, "correct horse battery")
    turn_off(db)
    old, now = sqlite3.connect(plain), sqlite3.connect(db)
    try:
        assert same_records(old, now)
        assert now.execute("SELECT count(total) FROM administrations").fetchone() == (6,)
    finally:
        old.close()
        now.close()
        plain.unlink()


def test_a_schema_5_backup_restores_into_schema_6(tmp_path: Path) -> None:
    import shutil

    from srs_tui.exchange.restore import restore

    backup = tmp_path / "old-backup.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema5-varied.db", backup)
    backup.chmod(0o600)
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        apply(store, plan_csv(store, PAPER_LOG, NOW))
    restore(backup, db, NOW)
    with Store.open(db) as store:
        aliases = [summary.client.alias for summary in store.clients(include_archived=True)]
        assert store.find_client("Quinn (paper)") is None
        given = [a for s in store.clients(include_archived=True)
                 for a in store.all_administrations(s.client.id)]  # fmt: skip
    assert aliases == ["[b]Teo[/b] (fixture)", "Lua (fixture)", "Ren (fixture)"]
    assert len(given) == 13
    assert all(a.scores.has_items for a in given)


def test_check_names_a_row_with_a_total_beside_items(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    imported(db, tmp_path)
    conn = sqlite3.connect(db)
    try:
        # Another program, its CHECK constraints turned off, wrote both.
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE administrations SET item1 = 50 WHERE rowid = 1")
        conn.commit()
    finally:
        conn.close()
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert check.returncode != 0
    assert "administrations, row 1: not four items, nor a total without items" in (
        check.stdout + check.stderr
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE administrations SET total = NULL WHERE rowid = 1",
        "UPDATE administrations SET total = NULL, item1 = 50, item2 = 50 WHERE rowid = 2",
    ],
    ids=["neither-items-nor-total", "half-the-items"],
)
async def test_a_row_with_neither_items_nor_a_total_is_damage_not_a_crash(
    tmp_path: Path, sql: str
) -> None:
    db = tmp_path / "srs.db"
    imported(db, tmp_path)
    conn = sqlite3.connect(db)
    try:
        # Another program, its CHECK constraints turned off, left a row with no value to judge.
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert "not four items, nor a total without items" in check.stderr
    for command in (["export"], ["report", "--client", "Quinn (paper)", "-o", str(tmp_path / "r")]):
        done = run_cli("--db", str(db), *command, home=tmp_path)
        assert done.returncode == 1
        assert "damaged and could not be read; run srs-tui check" in done.stderr, done.stderr
        assert "internal error" not in done.stderr
    app = build_app(db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        words = " ".join(screen_text(app).split())
        # Never "No clients yet" over records that are there, unread.
        assert "could not be read. A record in the database is damaged" in words
        assert "run srs-tui check" in words
        assert "No clients yet" not in words
    assert app.return_code in (None, 0)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-1, "-1 is outside 0..400"),
        (20.0, "20.0 is not an integer"),
        ("20.0", "'20.0' is not an integer"),
        (True, "true is not an integer"),
        (None, "null is not an integer"),
        (10**40, "a 133-bit number is outside 0..400"),
    ],
)  # fmt: skip
def test_a_crafted_total_alone_in_a_bundle_is_refused(
    tmp_path: Path, value: object, error: str
) -> None:
    with Store.open(tmp_path / "a.db") as store:
        apply(store, plan_csv(store, PAPER_LOG, NOW))
        bundle = json.loads(export_json(store, all_clients(store), NOW))
    bundle["administrations"][0]["total_tenths"] = value
    del bundle["administrations"][1]["total_tenths"]  # neither items nor a total
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with Store.open(tmp_path / "b.db") as fresh:
        plan = plan_file(fresh, path, NOW)
        assert plan.errors[:2] == [
            f"administration 1, total_tenths: {error}",
            "administration 2: missing ratings_tenths",
        ]
        with pytest.raises(StoreError, match="nothing was imported"):
            apply(fresh, plan)
        assert fresh.clients(include_archived=True) == []


def test_a_total_alone_in_an_older_bundle_says_which_version_it_needs(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        apply(store, plan_csv(store, PAPER_LOG, NOW))
        bundle = json.loads(export_json(store, all_clients(store), NOW))
    bundle["version"] = 3
    path = tmp_path / "v3.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with Store.open(tmp_path / "b.db") as fresh:
        errors = plan_file(fresh, path, NOW).errors
        assert fresh.clients() == []
    assert errors[0] == (
        "administration 1: a total alone (total_tenths) needs a bundle of version 4; this one "
        "says version 3"
    )
