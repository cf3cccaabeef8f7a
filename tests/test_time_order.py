"""Time order is the truth: sessions are numbered and judged by when they were held, whatever
order they were typed or imported in, in the history, the caseload, the export and the report."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from pathlib import Path

from conftest import NOW, run_cli
from srs_tui.config import Config
from srs_tui.exchange.importer import apply, plan_file
from srs_tui.measures import Scores
from srs_tui.store import Store
from srs_tui.triage import triage

# A paper log of an alliance that rose from 32.7 to 39.2, one session a week.
LOG = [
    ("2026-09-01", (8.0, 8.2, 8.1, 8.4)),  # 32.7
    ("2026-09-08", (8.6, 8.7, 8.5, 8.7)),  # 34.5
    ("2026-09-15", (9.1, 9.0, 9.2, 9.1)),  # 36.4
    ("2026-09-22", (9.8, 9.8, 9.7, 9.9)),  # 39.2
]
HEADER = "client,date,relationship,goals,approach,overall\n"


def log_csv(rows: list[tuple[str, tuple[float, ...]]]) -> str:
    return HEADER + "".join(f"Ana,{day},{','.join(map(str, items))}\n" for day, items in rows)


def import_text(db: Path, text: str, folder: Path) -> None:
    path = folder / "log.csv"
    path.write_text(text, encoding="utf-8")
    with Store.open(db) as store:
        plan = plan_file(store, path, NOW)
        assert plan.errors == []
        apply(store, plan)


def totals(db: Path) -> list[tuple[int, int]]:
    with Store.open(db) as store:
        ana = store.find_client("Ana")
        assert ana is not None
        return [(a.session, a.scores.total) for a in store.history(ana.id)]


def test_a_shuffled_paper_log_is_numbered_and_judged_by_date(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    rows = LOG.copy()
    random.Random(5).shuffle(rows)
    assert rows != LOG
    import_text(db, log_csv(rows), tmp_path)
    # The history: numbered by date, rising.
    assert totals(db) == [(1, 327), (2, 345), (3, 364), (4, 392)]
    # The caseload: the latest session is the last by date; nothing to worry about.
    config = Config()
    with Store.open(db) as store:
        (summary,) = store.clients()
        assert summary.last_total == 392
        assert store.next_session(summary.client.id) == 5
        assert summary.last_at is not None
        assert summary.last_at.date().isoformat() == "2026-09-22"
        (judged,) = triage([summary], config.profiles)
        assert not judged.needs_attention
        # Read newest first, the same log was "falling", "below the cutoff".
        assert not {alert.rule_id for alert in judged.alerts} & {"drop", "falling", "below_cutoff"}
    # The export: rows in time order, numbered 1..4, the first one below the cutoff only.
    result = run_cli("--db", str(db), "export", "--format", "csv", home=tmp_path)
    assert result.returncode == 0, result.stderr
    exported = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["session"], row["srs_total"]) for row in exported] == [
        ("1", "32.7"), ("2", "34.5"), ("3", "36.4"), ("4", "39.2"),
    ]  # fmt: skip
    assert "below_cutoff" in exported[0]["alerts"]
    assert "below_cutoff" not in exported[-1]["alerts"]
    # The report: the sessions in the order they were held.
    report = tmp_path / "ana.html"
    result = run_cli("--db", str(db), "report", "--client", "Ana", "-o", str(report),
                     home=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = report.read_text(encoding="utf-8")
    places = [html.index(day) for day, _ in LOG]
    assert places == sorted(places)


def test_old_sessions_imported_after_a_new_one_come_before_it(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    today = NOW
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=today)
        store.record(ana.id, Scores.srs(95, 95, 95, 95), administered_at=today, mode="oral",
                     setting="telehealth", now=today)  # fmt: skip
    import_text(db, log_csv(LOG[:2]), tmp_path)
    # Last year's paper forms are sessions 1 and 2; today's session is the third.
    assert totals(db) == [(1, 327), (2, 345), (3, 380)]
    with Store.open(db) as store:
        (summary,) = store.clients()
        assert summary.last_at == today
        assert summary.totals == (327, 345, 380)


def test_importing_the_same_log_again_in_another_order_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    import_text(db, log_csv(LOG), tmp_path)
    path = tmp_path / "again.csv"
    path.write_text(log_csv(list(reversed(LOG))), encoding="utf-8")
    with Store.open(db) as store:
        plan = plan_file(store, path, NOW)
    assert plan.errors == []
    assert plan.sessions == []
    assert len(plan.duplicates) == 4


def test_a_date_typed_with_and_without_a_time_is_one_session(tmp_path: Path) -> None:
    """The dialog and the importer read a date alone the same way (midday): the same paper
    session entered by hand and then imported is recognised."""
    from srs_tui.details import parse_session_time

    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=NOW)
        typed = parse_session_time("2026-09-01", NOW)
        store.record(ana.id, Scores.srs(80, 82, 81, 84), administered_at=typed, mode="paper",
                     setting="in-person", now=NOW)  # fmt: skip
    path = tmp_path / "one.csv"
    path.write_text(log_csv(LOG[:1]), encoding="utf-8")
    with Store.open(db) as store:
        plan = plan_file(store, path, NOW)
    assert plan.sessions == []
    assert len(plan.duplicates) == 1


def test_a_back_dated_session_renumbers_the_later_ones(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=NOW - timedelta(days=60))
        for weeks, total in ((3, 300), (1, 340)):
            base = total // 4
            store.record(ana.id, Scores.srs(base, base, base, base),
                         administered_at=NOW - timedelta(weeks=weeks), mode="oral",
                         setting="telehealth", now=NOW)  # fmt: skip
        back = NOW - timedelta(weeks=2)
        assert store.place(ana.id, back)[:2] == (2, 1)  # it goes before one later session
        saved = store.record(ana.id, Scores.srs(80, 80, 80, 80), administered_at=back,
                             mode="paper", setting="in-person", now=NOW)  # fmt: skip
        assert saved.session == 2
        assert [(a.session, a.scores.total) for a in store.history(ana.id)] == [
            (1, 300), (2, 320), (3, 340),
        ]  # fmt: skip


def test_times_in_other_offsets_are_ordered_as_moments(tmp_path: Path) -> None:
    from datetime import timezone

    db = tmp_path / "srs.db"
    tokyo, lima = timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))
    # 08:00 in Tokyo is 18:00 the day before in Lima: the text sorts the other way.
    first = datetime(2026, 10, 2, 8, 0, tzinfo=tokyo)
    second = datetime(2026, 10, 1, 20, 0, tzinfo=lima)
    assert first < second
    assert first.isoformat() > second.isoformat()
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=NOW)
        for moment, value in ((second, 90), (first, 70)):
            store.record(ana.id, Scores.srs(value, value, value, value), administered_at=moment,
                         mode="oral", setting="telehealth", now=NOW)  # fmt: skip
        assert [a.scores.total for a in store.history(ana.id)] == [280, 360]
