"""Not seen lately: clients in care with no session for some weeks, marked and counted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from caseload_data import WEEK, seen
from conftest import NOW, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.config import Config
from srs_tui.not_seen import not_seen, weeks_not_seen
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable

SIZE = (120, 30)


def caseload(db: Path) -> None:
    """Five clients: seen this week, 3 weeks ago (SRS 38), 4 weeks ago (SRS 31.2), 9 weeks
    ago but archived, 6 weeks ago with the episode ended; and one added 5 weeks ago, never
    seen."""
    with Store.open(db) as store:
        seen(store, "Recent", [300], [380])
        seen(store, "Three", [300], [380], weeks_ago=3)
        seen(store, "Four", [200, 220], [350, 312], weeks_ago=4)
        gone = seen(store, "Archived", [300], [380], weeks_ago=9)
        store.set_archived(gone.id, True, now=NOW)
        ended = seen(store, "Ended", [300], [380], weeks_ago=6)
        store.close_episode(ended.id, "planned", at=NOW - WEEK * 5)
        store.add_client("Never", now=NOW - WEEK * 5)


def app_on(db: Path, weeks: int = 4) -> SrsApp:
    return make_app(db, Config(not_seen_weeks=weeks), clock=frozen_clock)


def cells(app: SrsApp) -> dict[str, str]:
    """Each row's alerts cell, by alias."""
    table = app.screen.query_one("#clients", RowTable)
    return {str(row.cells[0]): str(row.cells[-1]) for row in table.rows}


def test_weeks_not_seen_count_from_the_last_session_or_the_day_added(db_path: Path) -> None:
    caseload(db_path)
    with Store.open(db_path) as store:
        summaries = {s.client.alias: s for s in store.clients(include_archived=True)}
    assert not_seen(summaries.values(), NOW, 4) == {
        summaries["Four"].client.id: 4,
        summaries["Never"].client.id: 5,
    }
    assert weeks_not_seen(summaries["Three"], NOW, 3) == 3
    assert weeks_not_seen(summaries["Four"], NOW, 5) is None
    assert weeks_not_seen(summaries["Four"], NOW, 0) is None  # 0 turns it off
    # Archived, or at the end of their care: not expected back, never counted.
    assert weeks_not_seen(summaries["Archived"], NOW, 4) is None
    assert weeks_not_seen(summaries["Ended"], NOW, 4) is None
    # The clock decides: a day short of four weeks is not four weeks.
    assert weeks_not_seen(summaries["Four"], NOW - timedelta(days=1), 4) is None


async def test_the_caseload_marks_and_counts_them_apart_from_the_alerts(db_path: Path) -> None:
    caseload(db_path)
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "2 not seen for 4+ weeks" in text
        alerts = cells(app)
        assert alerts["Four"].startswith("not seen 4 weeks  ")  # then its alerts
        assert "SRS" in alerts["Four"]  # its last SRS (31.2) is low: the alert stays
        assert alerts["Never"] == "not seen 5 weeks"
        for alias in ("Recent", "Three", "Ended"):
            assert "not seen" not in alerts[alias]
        row = next(line for line in text.splitlines() if line.lstrip().startswith("Four"))
        assert "▼31.2" in row  # the last SRS on the same row
        await pilot.press("z")  # archived shown: still not counted
        await pilot.pause()
        assert "2 not seen for 4+ weeks" in screen_text(app)
        assert "not seen" not in cells(app)["Archived"]


async def test_n_lists_only_them_and_again_everyone(db_path: Path) -> None:
    caseload(db_path)
    app = app_on(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert sorted(cells(app)) == ["Four", "Never"]
        assert "Caseload: not seen lately" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert len(cells(app)) == 5
        assert "Caseload: not seen lately" not in screen_text(app)


async def test_the_setting_moves_the_line_and_0_turns_it_off(db_path: Path) -> None:
    caseload(db_path)
    app = app_on(db_path, weeks=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3 not seen for 3+ weeks" in screen_text(app)
        assert cells(app)["Three"] == "not seen 3 weeks"
    app = app_on(db_path, weeks=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "not seen" not in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert len(cells(app)) == 5  # nothing to list alone
