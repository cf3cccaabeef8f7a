"""The history screen: the trend against the cutoff, the sessions, alerts, corrections."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from conftest import FLAT, NOW, SKIP_ORS, build_app, screen_text
from srs_tui.app import SrsApp
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
HOUR = timedelta(hours=1)


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
        assert "Total 34.0 is 1.1 below last session's 35.1," in text
        # Each alert's tier by its symbol: the low item is worth a look, the rest need attention.
        assert "▲ Drop below the cutoff: " in text
        assert "• Low item: " in text


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
        await pilot.press("r", SKIP_ORS)
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
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert "Alert rules" in screen_text(app)
        text = str(app.screen.query_one("#rules-body Static", Static).content)
        srs_rules = ("persistent_low", "drop", "below_cutoff", "falling", "drop_above_cutoff",
                     "low_item", "rising")  # fmt: skip
        for rule_id in srs_rules:
            assert rule_id in text
        # The tier of each, and sources a clinician can look up.
        assert "• Drop, still above the cutoff  drop_above_cutoff" in text
        assert "• Low item  low_item" in text
        assert "▲ Drop below the cutoff  drop" in text
        assert "Quirk, Miller, Duncan and Owen (2013)" in text
        assert "Journal of Brief Therapy 3(1)" in text
        assert "leading" not in text
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


WEEK = timedelta(weeks=1)


def seed_both(db_path: Path, name: str, age_band: str, ors: list[int], srs: list[int]) -> None:
    """A client with one session a week, the ORS at its start and the SRS at its end."""
    with Store.open(db_path) as store:
        start = NOW - WEEK * (len(ors) + 1)
        client = store.add_client(name, now=start, age_band=age_band)
        for week, (outcome, alliance) in enumerate(zip(ors, srs, strict=True), start=1):
            at = start + WEEK * week
            for measure, total, when in (("ORS", outcome, at), ("SRS", alliance, at + HOUR)):
                base, extra = divmod(total, 4)
                values = tuple(base + (1 if i < extra else 0) for i in range(4))
                store.record(
                    client.id,
                    Scores(measure, values),
                    administered_at=when,
                    mode="oral",
                    setting="telehealth",
                    now=when,
                )


async def history_of(app: SrsApp, pilot: Pilot[None], name: str) -> HistoryScreen:
    await pilot.pause()
    client = app.ctx.store.find_client(name)
    assert client is not None
    await app.push_screen(HistoryScreen(app.ctx, client))
    await pilot.pause()
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


def chart_lines(screen: HistoryScreen, measure: str) -> list[str]:
    return screen.query_one(f"#chart-{measure}", TrendChart).render().plain.split("\n")


def marker_places(lines: list[str]) -> list[tuple[int, int]]:
    """(row, column) of each session's marker, left to right."""
    return sorted(
        (
            (row, column)
            for row, line in enumerate(lines)
            for column, char in enumerate(line)
            if char in (MARK_OK, MARK_LOW)
        ),
        key=lambda place: place[1],
    )


STALLED_ORS = [221, 230, 218, 225, 231, 226, 219]
STALLED_SRS = [372, 368, 359, 355, 361, 349, 352]


async def test_the_history_shows_both_measures_one_row_a_session(db_path: Path) -> None:
    seed_both(db_path, "Ben", "adult", STALLED_ORS, STALLED_SRS)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_of(app, pilot, "Ben")
        text = screen_text(app)
        assert "Ben  ·  7 sessions  ·  outcome: unchanged  ·  ORS 21.9  ·  SRS 35.2" in text
        assert "cutoff 25" in text
        assert "cutoff 36" in text
        assert "intake ±5" in text  # the reliable-change band around the ORS's intake
        table = app.screen.query_one("#sessions", RowTable)
        assert table.row_count == 7
        newest, first = table.row_text(0), table.row_text(6)
        assert newest[:5] == ["7", "2026-11-24", "▼21.9", "▼35.2", "oral"]
        # Both sides' alerts in one row: the outcome's, then the alliance's.
        assert newest[5] == "not_on_track below_cutoff low_item"
        assert first[:4] == ["1", "2026-10-13", "▼22.1", "37.2"]
        assert "Not on track" in text
        assert "Below the cutoff" in text
        ors = screen.query_one("#chart-ORS", TrendChart)
        assert [point.value for point in ors.points] == STALLED_ORS
        assert ors.band == (221, 50)
        assert len(marker_places(chart_lines(screen, "ORS")[1:])) == 7
        assert len(marker_places(chart_lines(screen, "SRS")[1:])) == 7


async def test_the_charts_at_160_by_45_spread_the_sessions_and_part_close_totals(
    db_path: Path,
) -> None:
    seed_both(db_path, "Ana", "adult", [182, 195, 210, 243, 268], [324, 341, 350, 365, 372])
    app = build_app(db_path)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await history_of(app, pilot, "Ana")
        lines = chart_lines(screen, "SRS")
        places = marker_places(lines[1:])
        assert places[0][0] != places[1][0]  # 32.4 and 34.1 on rows of their own
        assert places[0][0] > places[1][0]
        width = screen.query_one("#chart-SRS", TrendChart).content_size.width
        assert places[-1][1] - places[0][1] >= 0.8 * width  # five sessions, the whole width
        dates = next(line for line in lines if "2026-10-27" in line)
        for day in ("11-03", "11-10", "11-17", "11-24"):
            assert day in dates
        text = screen_text(app)
        assert "outcome: recovered" in text


async def test_a_childs_ors_is_drawn_against_the_childs_cutoff(db_path: Path) -> None:
    seed_both(db_path, "Cara", "child", [254, 268, 301], [330, 352, 360])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_of(app, pilot, "Cara")
        lines = chart_lines(screen, "ORS")
        assert "▼ below 32" in lines[0]
        cutoff = next(row for row, line in enumerate(lines) if "cutoff 32" in line)
        assert all(row > cutoff for row, _ in marker_places(lines[1:]) if row >= 0)
        assert "".join(lines[1:]).count(MARK_LOW) == 3  # 25.4, 26.8, 30.1: all below 32


async def test_a_young_childs_charts_have_no_cutoff_and_no_band(db_path: Path) -> None:
    seed_both(db_path, "Dan", "young child", [200, 240, 260], [300, 320, 350])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_of(app, pilot, "Dan")
        for measure in ("ORS", "SRS"):
            drawn = "\n".join(chart_lines(screen, measure))
            assert "cutoff" not in drawn
            assert "┄" not in drawn
            assert "┈" not in drawn
            assert MARK_LOW not in drawn
        text = screen_text(app)
        assert "outcome" not in text
        assert "No alerts" in text


async def test_correcting_a_session_corrects_each_measure_given_in_it(db_path: Path) -> None:
    seed_both(db_path, "Ben", "adult", [221, 230], [372, 368])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await history_of(app, pilot, "Ben")
        await pilot.press("e")
        assert isinstance(app.screen, CorrectSessionScreen)
        fields = {f.id: f for f in app.screen.query(Input)}
        assert fields["fix-ors-individually"].value == "5.8"
        assert fields["fix-srs-overall"].value == "9.2"
        assert "ORS Overall" in screen_text(app)
        assert "SRS Overall" in screen_text(app)
        fields["fix-ors-individually"].value = "12"
        await pilot.click("#save")
        assert "ORS Individually: 12 is above 10.0." in screen_text(app)
        fields["fix-ors-individually"].value = "9.8"
        fields["fix-date"].focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#sessions", RowTable)
        assert table.row_text(0)[2:4] == ["27.0", "36.8"]
        assert app.screen.query_one("#chart-ORS", TrendChart).points[-1].value == 270
    with Store.open(db_path) as store:
        ben = store.find_client("Ben")
        assert ben is not None
        assert [a.scores.total for a in store.history(ben.id, measure="ORS")] == [221, 270]


async def test_deleting_a_session_deletes_both_of_its_measures(db_path: Path) -> None:
    seed_both(db_path, "Ben", "adult", [221, 230, 240], [372, 368, 380])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await history_of(app, pilot, "Ben")
        await pilot.press("down", "delete")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete session 2 (2026-11-17, ORS 23.0, SRS 36.8)?" in screen_text(app)
        await pilot.click("#yes")
        await pilot.pause()
        table = app.screen.query_one("#sessions", RowTable)
        assert [table.row_text(i)[:4] for i in range(table.row_count)] == [
            ["2", "2026-11-24", "▼24.0", "38.0"],
            ["1", "2026-11-10", "▼22.1", "37.2"],
        ]
    with Store.open(db_path) as store:
        ben = store.find_client("Ben")
        assert ben is not None
        assert len(store.all_administrations(ben.id)) == 4


async def test_b_compares_with_the_practices_closed_episodes_that_began_alike(
    db_path: Path,
) -> None:
    seed_both(db_path, "Ana", "adult", [182, 195, 210], [324, 341, 350])
    app = build_app(db_path)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await history_of(app, pilot, "Ana")
        await pilot.press("b")  # too few closed episodes yet: says so, keeps the band
        await pilot.pause()
        assert any("Fewer than 20 closed episodes" in n.message for n in app._notifications)
        assert screen.query_one("#chart-ORS", TrendChart).practice is None
    with Store.open(db_path) as store:
        for n in range(20):
            past = store.add_client(f"Past {n}", now=NOW - WEEK * 30)
            for week, total in enumerate((170 + n, 190 + n, 220 + n), start=1):
                at = NOW - WEEK * (30 - week)
                store.record(
                    past.id,
                    Scores("ORS", (total // 4,) * 3 + (total - 3 * (total // 4),)),
                    administered_at=at,
                    mode="oral",
                    setting="telehealth",
                    now=at,
                )
            store.close_episode(past.id, "planned", at=NOW - WEEK * 25)
    app = build_app(db_path)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await history_of(app, pilot, "Ana")
        await pilot.press("b")
        await pilot.pause()
        practice = screen.query_one("#chart-ORS", TrendChart).practice
        assert practice is not None
        assert practice.cases == 20
        assert "middle half, 20 alike here" in screen_text(app)
        await pilot.press("b")
        await pilot.pause()
        assert screen.query_one("#chart-ORS", TrendChart).practice is None


async def test_a_young_childs_items_have_no_prompt_line(db_path: Path) -> None:
    seed_both(db_path, "Dan", "young child", [200, 240], [300, 320])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await history_of(app, pilot, "Dan")
        await pilot.press("i", "i")  # the SRS's items
        await pilot.pause()
        text = screen_text(app)
        assert "SRS · Overall, 0 to 10" in text
        assert "prompt" not in text


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
async def test_the_table_is_as_tall_as_its_rows_and_the_alerts_take_the_rest(
    demo_db: Path, size: tuple[int, int]
) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_history(pilot)  # Casey, the first row: five sessions
        screen = app.screen
        table = screen.query_one("#sessions", RowTable)
        alerts = screen.query_one("#history-alerts")
        assert table.region.height == 1 + 5  # the header and every session, no empty band
        assert alerts.region.y == table.region.bottom
        assert alerts.region.bottom == size[1] - 1  # down to the key bar
        assert screen.max_scroll_y == 0  # the screen itself never scrolls
