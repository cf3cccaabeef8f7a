"""The caseload's kept rows (schema 7) are always what the records say: after any sequence of
the app's writes, after writes by another program, in a file made by an older version; a row
that another program spoiled is never shown, and `check` finds it."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, run_cli
from srs_tui.measures import ORS, SRS, Scores
from srs_tui.rules.alliance import SETTINGS as ALLIANCE_SETTINGS
from srs_tui.store import Store, StoreError
from srs_tui.store.caseload import COMPUTED_QUERY, differing_rows
from srs_tui.store.records import ClientSummary
from srs_tui.store.schema import SUMMARY_TOTALS

FIXTURES = Path(__file__).parent / "fixtures"
ZONES = (UTC, timezone(timedelta(hours=-3)), timezone(timedelta(hours=5, minutes=30)))


def kept_and_computed(conn: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
    kept = conn.execute("SELECT * FROM client_summaries ORDER BY client_id").fetchall()
    computed = [
        (row[0], *row[7:13])
        for row in conn.execute(COMPUTED_QUERY, {"archived": True, "recent": SUMMARY_TOTALS})
    ]
    return kept, sorted(computed)


def assert_kept_is_computed(store: Store) -> None:
    kept, computed = kept_and_computed(store._conn)
    assert kept == computed
    assert differing_rows(store._conn) == 0


# One write of the app's, as data: what it is and which client, session or values it takes.
# Ratings most often, as in a practice; episodes end and start at any day, so that a corrected
# date can move a session into another episode.
record = st.tuples(
    st.just("record"),
    st.integers(0, 3),  # client
    st.sampled_from((ORS.name, SRS.name)),
    st.integers(-40, 40),  # days from NOW
    st.integers(0, 2),  # time zone
    st.one_of(st.integers(0, 400), st.tuples(*[st.integers(0, 100)] * 4)),
    st.sampled_from(("client", "parent")),
)
operations = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3)),
    record,
    record,
    record,
    st.tuples(st.just("correct"), st.integers(0, 50), st.integers(-40, 40), st.integers(0, 400)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(
        st.just("close"),
        st.integers(0, 3),
        st.sampled_from(("planned", "unplanned")),
        st.integers(-40, 40),
    ),
    st.tuples(st.just("start"), st.integers(0, 3), st.integers(-40, 40)),
    st.tuples(st.just("erase"), st.integers(0, 3)),
    st.tuples(st.just("archive"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("other program"), st.integers(0, 50)),
    st.tuples(st.just("other program's total"), st.integers(0, 50), st.integers(0, 400)),
)


def scores_of(measure: str, value: int | tuple[int, ...]) -> Scores:
    if isinstance(value, int):
        return Scores(measure, (), value)
    return Scores(measure, tuple(value))


def another_program(db: Path, kind: str, admin: str, value: int, admins: list[str]) -> None:
    """A write by another program through a plain connection, foreign keys off: a session
    deleted with its ratings, or a total changed alone (nothing else in its SET)."""
    other = sqlite3.connect(db)
    with other:
        if kind == "other program's total":
            other.execute(
                "UPDATE administrations SET total = ? WHERE id = ? AND total IS NOT NULL",
                (value, admin),
            )
        else:
            (session,) = other.execute(
                "SELECT session_id FROM administrations WHERE id = ?", (admin,)
            ).fetchone()
            gone = {row[0] for row in other.execute(
                "SELECT id FROM administrations WHERE session_id = ?", (session,)
            )}  # fmt: skip
            other.execute("DELETE FROM sessions WHERE id = ?", (session,))
            other.execute("DELETE FROM administrations WHERE session_id = ?", (session,))
            admins[:] = [a for a in admins if a not in gone]
    other.close()


def on_a_session(store: Store, db: Path, step: tuple[Any, ...], admins: list[str]) -> None:
    """A write to one of the sessions saved so far."""
    kind, pick, *rest = step
    if not admins:
        return
    admin = admins[pick % len(admins)]
    if kind == "correct":
        old = store.administration(admin)
        store.correct(
            admin,
            Scores(old.measure, (), rest[1]),
            administered_at=NOW + timedelta(days=rest[0]),
            now=NOW,
        )
    elif kind == "delete":
        store.delete_administration(admin)
        admins.remove(admin)
    else:
        another_program(db, kind, admin, rest[0] if rest else 0, admins)


def apply(store: Store, db: Path, step: tuple[Any, ...], admins: list[str]) -> None:
    """One write, through the app's store (or, for "other program", a plain connection)."""
    kind, *rest = step
    if kind in ("correct", "delete", "other program", "other program's total"):
        on_a_session(store, db, step, admins)
        return
    if kind == "add":
        store.add_client(f"Client {rest[0]}", now=NOW - timedelta(days=60))
        return
    clients = [summary.client for summary in store.clients(include_archived=True)]
    if not clients:
        return
    who = clients[rest[0] % len(clients)].id
    if kind == "record":
        measure, days, zone, value, rater = rest[1:]
        at = (NOW + timedelta(days=days)).astimezone(ZONES[zone])
        saved = store.record(
            who,
            scores_of(measure, value),
            administered_at=at,
            mode="oral",
            setting="telehealth",
            now=NOW,
            rater=rater,
        )
        admins.append(saved.id)
    elif kind == "close":
        store.close_episode(who, rest[1], at=NOW + timedelta(days=rest[2]))
    elif kind == "start":
        store.start_episode(who, at=NOW + timedelta(days=rest[1]))
    elif kind == "erase":
        store.erase_client(who, now=NOW)
        admins[:] = [a for a in admins if store.has_administration(a)]
    elif kind == "archive":
        store.set_archived(who, rest[1], now=NOW)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(operations, min_size=5, max_size=40))
def test_after_any_writes_the_kept_rows_are_the_records(steps: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "srs.db"
        admins: list[str] = []
        with Store.open(db) as store:
            store.add_client("Client first", now=NOW - timedelta(days=60))
            for step in steps:
                # A write the app refuses (no open episode to end...) changes nothing.
                with contextlib.suppress(StoreError):
                    apply(store, db, step, admins)
                assert_kept_is_computed(store)


def summary_json(summary: ClientSummary) -> dict[str, Any]:
    """A summary as make_schema6.py.txt wrote the older version's."""

    def plain(value: object) -> object:
        if isinstance(value, Scores):
            return {"measure": value.measure, "values": list(value.values), "total": value.total}
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, tuple):
            return [plain(item) for item in value]
        return value

    row = {key: plain(value) for key, value in summary._asdict().items() if key != "client"}
    row["client"] = summary.client.id
    return row


@pytest.mark.parametrize("name", ["schema6-varied", "schema6-demo"])
def test_a_schema_6_file_shows_the_caseload_its_version_showed(name: str, tmp_path: Path) -> None:
    db = tmp_path / f"{name}.db"
    shutil.copyfile(FIXTURES / f"{name}.db", db)
    db.chmod(0o600)
    before = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert before["user_version"] == 6
    with Store.open(db) as store:
        # The kept rows serve up to 12 totals; 20 are computed from the records: both are the
        # older version's caseload.
        for recent in (6, SUMMARY_TOTALS, 20):
            shown = [summary_json(s) for s in store.clients(include_archived=True, recent=recent)]
            assert shown == [
                {**row, "totals": row["totals"][-recent:]} for row in before["caseload"]
            ]
        assert_kept_is_computed(store)
    check = run_cli("--db", str(db), "check", home=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("name", ["schema3-varied", "schema4-varied", "schema5-varied"])
def test_an_older_file_gets_its_kept_rows(name: str, tmp_path: Path) -> None:
    db = tmp_path / f"{name}.db"
    shutil.copyfile(FIXTURES / f"{name}.db", db)
    db.chmod(0o600)
    with Store.open(db) as store:
        assert store._conn.execute("SELECT count(*) FROM client_summaries").fetchone()[0] > 0
        assert_kept_is_computed(store)


def test_the_kept_totals_cover_the_rules_default_look_back() -> None:
    """A kept row serves a caseload whose rules look back as far as they do by default; one
    set to look back further is computed from the records (and shown the same)."""
    from srs_tui.config import Config
    from srs_tui.triage import recent_needed

    assert recent_needed(Config().profiles) <= SUMMARY_TOTALS
    assert max(s.highest for s in ALLIANCE_SETTINGS) > SUMMARY_TOTALS  # the fallback is real


def long_client(store: Store, sessions: int) -> str:
    client = store.add_client("Long", now=NOW - timedelta(days=7 * sessions + 1))
    for week in range(sessions):
        at = NOW - timedelta(days=7 * (sessions - week))
        store.record(
            client.id,
            Scores.srs(50 + week, 60, 70, 80),
            administered_at=at,
            mode="oral",
            setting="telehealth",
            now=at,
        )
    return client.id


def test_rules_that_look_back_further_see_every_total_they_ask_for(store: Store) -> None:
    long_client(store, 30)
    (summary,) = store.clients(recent=25)
    assert summary.totals == tuple(50 + week + 210 for week in range(5, 30))
    (summary,) = store.clients(recent=6)
    assert summary.totals == tuple(50 + week + 210 for week in range(24, 30))


@pytest.mark.parametrize(
    "spoil",
    [
        "UPDATE client_summaries SET last_srs = 'not|a|row'",
        "UPDATE client_summaries SET srs_totals = 'x,y'",
        "UPDATE client_summaries SET latest_ors = 12",
        "DELETE FROM client_summaries",
    ],
)
def test_a_row_spoiled_by_another_program_is_never_shown(
    spoil: str, db_path: Path, tmp_path: Path
) -> None:
    with Store.open(db_path) as store:
        client = long_client(store, 8)
        store.record(
            client,
            Scores(ORS.name, (), 250),
            administered_at=NOW - timedelta(days=1),
            mode="oral",
            setting="telehealth",
            now=NOW,
        )
        right = store.clients(recent=6)
    other = sqlite3.connect(db_path)
    with other:
        other.execute(spoil)
    other.close()
    with Store.open(db_path) as store:
        assert store.clients(recent=6) == right
    check = run_cli("--db", str(db_path), "check", home=tmp_path)
    assert check.returncode == 1
    assert "caseload rows of 1 clients are not what their records say" in check.stdout + (
        check.stderr
    )
    assert "Traceback" not in check.stderr


def test_a_row_changed_but_readable_is_found_by_check_and_a_restore_mends_it(
    db_path: Path, tmp_path: Path
) -> None:
    with Store.open(db_path) as store:
        long_client(store, 8)
    backup = tmp_path / "copy.db"
    assert (
        run_cli("--db", str(db_path), "backup", "--to", str(backup), home=tmp_path).returncode == 0
    )
    # Both the live file and its backup changed behind the app's back: totals made up.
    for path in (db_path, backup):
        other = sqlite3.connect(path)
        with other:
            other.execute("UPDATE client_summaries SET srs_totals = '400,400'")
        other.close()
    check = run_cli("--db", str(db_path), "check", home=tmp_path)
    assert check.returncode == 1
    assert "another program changed them" in check.stdout + check.stderr
    restore = run_cli("--db", str(db_path), "restore", str(backup), stdin="y\n", home=tmp_path)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    with Store.open(db_path) as store:
        (summary,) = store.clients(recent=6)
        assert summary.totals == tuple(50 + week + 210 for week in range(2, 8))
        assert_kept_is_computed(store)


def test_a_file_without_one_of_the_triggers_is_refused(db_path: Path) -> None:
    """Without its trigger, a rating saved by another program would leave its row behind."""
    with Store.open(db_path) as store:
        long_client(store, 2)
    other = sqlite3.connect(db_path)
    other.execute("DROP TRIGGER rating_added")
    other.close()
    with pytest.raises(StoreError, match="a missing trigger"):
        Store.open(db_path)


def test_a_writer_that_ignores_conflicts_still_keeps_the_rows(store: Store, db_path: Path) -> None:
    """An INSERT OR IGNORE by another program would turn a trigger's INSERT OR REPLACE into an
    ignore: the triggers delete the old row and insert, which no conflict policy can skip."""
    client = long_client(store, 3)
    other = sqlite3.connect(db_path)
    with other:
        session = other.execute(
            "SELECT id FROM sessions WHERE client_id = ? ORDER BY instant DESC LIMIT 1", (client,)
        ).fetchone()[0]
        other.execute(
            "INSERT OR IGNORE INTO administrations (id, session_id, measure, total, created_at, "
            "updated_at) VALUES (?, ?, 'ORS', 123, 'x', 'x')",
            ("b" * 8 + "-bbbb-4bbb-8bbb-" + "b" * 12, session),
        )
    other.close()
    (summary,) = store.clients(recent=6)
    assert summary.ors_total == 123
    assert_kept_is_computed(store)


def test_deleting_one_measure_of_a_visit_keeps_the_row_right(store: Store) -> None:
    """The visit keeps its session (the ORS is still in it): only the rating's own trigger
    says that the SRS is gone."""
    client = store.add_client("Ana", now=NOW - timedelta(days=60))
    store.record(
        client.id,
        Scores(ORS.name, (), 200),
        administered_at=NOW,
        mode="oral",
        setting="telehealth",
        now=NOW,
    )
    srs = store.record(
        client.id,
        Scores.srs(90, 80, 70, 60),
        administered_at=NOW + timedelta(minutes=40),
        mode="oral",
        setting="telehealth",
        now=NOW,
    )
    store.delete_administration(srs.id)
    (summary,) = store.clients(recent=6)
    assert summary.last is None
    assert summary.totals == ()
    assert summary.ors_total == 200
    assert_kept_is_computed(store)


def test_a_session_without_ratings_entered_before_others_renumbers_them(
    store: Store, db_path: Path
) -> None:
    """Another program enters an empty session before the intake: the intake is now the
    second session, and the latest ORS's number moves with it."""
    client = store.add_client("Ana", now=NOW - timedelta(days=60))
    for days in (14, 7):
        store.record(
            client.id,
            Scores(ORS.name, (), 150 + days),
            administered_at=NOW - timedelta(days=days),
            mode="oral",
            setting="telehealth",
            now=NOW,
        )
    (before,) = store.clients(recent=6)
    assert (before.intake_session, before.ors_session) == (1, 2)
    other = sqlite3.connect(db_path)
    with other:
        episode = other.execute("SELECT id FROM episodes").fetchone()[0]
        other.execute(
            "INSERT INTO sessions (id, episode_id, client_id, held_at, mode, setting, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'oral', 'telehealth', 'x', 'x')",
            (
                "c" * 8 + "-cccc-4ccc-8ccc-" + "c" * 12,
                episode,
                client.id,
                (NOW - timedelta(days=30)).isoformat(),
            ),
        )
    other.close()
    (after,) = store.clients(recent=6)
    assert (after.intake_session, after.ors_session) == (2, 3)
    assert_kept_is_computed(store)
