"""The history screen: the trend against the cutoff, the sessions, alerts, corrections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Input, Static

from conftest import FLAT, NOW, build_app, screen_text
from srs_tui.measures import Scores
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.correct_session import CorrectSessionScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.screens.rules import RulesScreen
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable
from srs_tui.widgets.trend_chart import MARK_LOW, MARK_OK, TrendChart

SIZE = (100, 36)


def seed_history(db_path: Path, totals: list[int]) -> None:
    """Ana, with one session for each total in tenths, items as even as possible."""
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
        for total in totals:
            base, extra = divmod(total, 4)
            scores = Scores.srs(*(base + (1 if i < extra else 0) for i in range(4)))
            store.record(
                client.id, scores, administered_at=NOW, mode="oral", setting="telehealth", now=NOW
            )


def stored_totals(db_path: Path) -> list[tuple[int, int]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            f"SELECT session, relationship + goals + approach + overall FROM {FLAT} "
            "ORDER BY instant, session"
        ).fetchall()
    finally:
        conn.close()


async def open_history(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HistoryScreen)


async def test_history_shows_the_sessions_and_the_cutoff(db_path: Path) -> None:
    seed_history(db_path, [380, 375, 368, 351, 340])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        text = screen_text(app)
        assert "Ana  ·  5 sessions" in text
        assert "cutoff 36" in text
        assert "40 ┤" in text
        assert " 0 ┤" in text  # the axis is fixed: it reaches 0 whatever the data
        chart = app.screen.query_one("#chart-SRS", TrendChart)
        assert [p.value for p in chart.points] == [380, 375, 368, 351, 340]
        marks = "\n".join(chart.render().plain.split("\n")[1:])  # below the title
        assert marks.count(MARK_LOW) == 2  # sessions 4 and 5, below the cutoff
        assert marks.count(MARK_OK) == 3
        table = app.screen.query_one("#sessions", RowTable)
        assert table.row_count == 5
        newest = table.row_text(0)
        assert newest[0] == "5"
        assert newest[2:4] == ["–", "▼34.0"]  # no ORS that session
        assert newest[5] == "drop below_cutoff falling low_item"
        assert "Session 5" in text
        assert "Total 34.0 is 1.1 below last session's 35.1." in text


async def test_the_items_view_shows_each_item_on_a_fixed_axis(db_path: Path) -> None:
    seed_history(db_path, [380, 340])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("i")  # the ORS's items first
        text = screen_text(app)
        for label in ("Individually", "Interpersonally", "Socially", "Overall"):
            assert f"ORS · {label}, 0 to 10" in text
        assert "prompt" not in text  # the ORS's items have no soft prompt
        await pilot.press("i")
        text = screen_text(app)
        for label in ("Relationship", "Goals and Topics", "Approach or Method", "Overall"):
            assert f"SRS · {label}, 0 to 10" in text
        assert "prompt 9" in text
        await pilot.press("i")
        assert "SRS, 0 to 40" in screen_text(app)


async def test_correcting_a_session_changes_the_row_and_the_alerts(db_path: Path) -> None:
    seed_history(db_path, [380, 340])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        table = app.screen.query_one("#sessions", RowTable)
        assert "drop" in table.row_text(0)[5]
        await pilot.press("e")
        assert isinstance(app.screen, CorrectSessionScreen)
        fields = {f.id: f for f in app.screen.query(Input)}
        assert fields["fix-srs-goals"].value == "8.5"
        fields["fix-srs-goals"].value = "11"
        await pilot.click("#save")
        assert isinstance(app.screen, CorrectSessionScreen)
        assert "Goals and Topics: 11 is above 10.0." in screen_text(app)
        for key in ("relationship", "goals", "approach", "overall"):
            fields[f"fix-srs-{key}"].value = "9.5"
        fields["fix-date"].focus()
        await pilot.press("enter")  # Enter in a field saves, as the button does
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#sessions", RowTable)
        assert table.row_text(0)[3] == "38.0"
        assert table.row_text(0)[5] == ""
    assert stored_totals(db_path) == [(1, 380), (2, 380)]
    conn = sqlite3.connect(db_path)
    created, updated = conn.execute(
        f"SELECT created_at, updated_at FROM {FLAT} WHERE session = 2"
    ).fetchone()
    conn.close()
    assert created == updated == NOW.isoformat()  # the frozen clock: updated_at was written


async def test_escape_in_the_correction_keeps_the_session(db_path: Path) -> None:
    seed_history(db_path, [380, 340])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("e")
        app.screen.query_one("#fix-srs-goals", Input).value = "1"
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)
    assert stored_totals(db_path) == [(1, 380), (2, 340)]


async def test_deleting_a_session_asks_then_renumbers(db_path: Path) -> None:
    seed_history(db_path, [380, 340, 360])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("down")  # session 2, the newest being first
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete session 2" in screen_text(app)
        await pilot.press("escape")
        assert stored_totals(db_path) == [(1, 380), (2, 340), (3, 360)]
        await pilot.press("delete")
        await pilot.click("#yes")
        await pilot.pause()
        assert app.screen.query_one("#sessions", RowTable).row_count == 2
    assert stored_totals(db_path) == [(1, 380), (2, 360)]


async def test_r_rates_from_the_history_and_back_shows_the_new_session(db_path: Path) -> None:
    seed_history(db_path, [380])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, RateScreen)
        for key in ("9", "enter", "9", "enter", "9", "enter", "9", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        await pilot.press("ctrl+t")  # from the feedback, to the history
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#sessions", RowTable).row_count == 2
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_the_rules_screen_lists_every_rule_with_its_threshold(db_path: Path) -> None:
    seed_history(db_path, [380])
    app = build_app(db_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, RulesScreen)
        assert "Alert rules" in screen_text(app)
        text = str(app.screen.query_one("#rules-body Static", Static).content)
        for rule_id in ("persistent_low", "drop", "below_cutoff", "falling", "low_item", "rising"):
            assert rule_id in text
        for rule_id in ("reliable_deterioration", "not_on_track", "no_early_change",
                        "high_intake", "recovered", "reliable_improvement"):  # fmt: skip
            assert rule_id in text
        assert "Fires when: total below 36.0." in text
        # Each ORS form's cutoff, the other platform's child cutoff, and the RCI's formula.
        assert "adult (18+): cutoff 25.0" in text
        assert "adolescent (13-17): cutoff 28.0" in text
        assert "child (6-12): cutoff 32.0" in text
        assert "one other platform uses 28" in text
        assert "1.96 × √2 × SD × √(1 − r)" in text
        assert "young child (under 6): no cutoff and no alerts" in text
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
