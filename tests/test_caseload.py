"""The caseload: list, add a client, open the rating screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SKIP_ORS, build_app, screen_text
from srs_tui.demo import DEMO_CLIENTS
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.widgets.row_table import RowTable

SIZE = (100, 36)


async def test_the_caseload_lists_the_demo_clients(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert f"{len(DEMO_CLIENTS)} clients" in text
        assert "Blake (demo)" in text
        assert "▼32.8" in text  # Blake's last total, below the cutoff


async def test_an_empty_caseload_says_how_to_start(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No clients yet. Press  a  to add one." in screen_text(app)


async def test_adding_a_client_shows_it_selected(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddClientScreen)
        await pilot.press(*"[bold]X-17")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert "[bold]X-17" in screen_text(app)
        assert "1 client" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "[bold]X-17"


async def test_a_duplicate_alias_is_refused_in_the_dialog(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.press("a", *"ana", "enter")
        assert isinstance(app.screen, AddClientScreen)
        assert "A client with this alias already exists." in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.query_one(RowTable).row_count == 1


def rows(app: object) -> list[str]:
    """The aliases in the caseload table, top to bottom."""
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    table = app.screen.query_one("#clients", RowTable)
    return [table.row_text(index)[0] for index in range(table.row_count)]


async def test_r_opens_the_rating_screen_for_the_client_under_the_cursor(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        second = rows(app)[1]
        await pilot.press("down", "r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == second
        assert f"{second}  ·  session" in screen_text(app)


@pytest.mark.parametrize("key", ["enter", "h"])
async def test_enter_or_h_opens_the_history(demo_db: Path, key: str) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = rows(app)[0]
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.client.alias == first


async def test_most_urgent_first_with_the_reasons(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = rows(app)
        # Blake: low and staying low (persistent_low); Avery: high and steady, no alerts.
        assert order.index("Blake (demo)") < order.index("Avery (demo)")
        assert order[0] == "Blake (demo)"
        assert order[-1] == "Finley (demo)"  # no session yet
        text = screen_text(app)
        assert "need attention" in text
        blake = next(line for line in text.splitlines() if "Blake (demo)" in line)
        assert "▲ low-run" in blake
        assert "<cutoff" in blake
        devon = next(line for line in text.splitlines() if "Devon (demo)" in line)
        assert "↑ rising" in devon
        assert "<cutoff" not in devon


async def test_typing_a_filter_narrows_the_list(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"ca")
        assert rows(app) == ["Casey (demo)"]
        assert "1 match the filter" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.client.alias == "Casey (demo)"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # clears the filter
        assert len(rows(app)) == len(DEMO_CLIENTS)


async def test_archive_hides_and_unarchive_brings_back(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = rows(app)[0]
        await pilot.press("x")
        await pilot.pause()
        assert first not in rows(app)
        assert f"{len(DEMO_CLIENTS) - 1} clients" in screen_text(app)
        await pilot.press("z")
        assert first in rows(app)
        assert "(archived shown)" in screen_text(app)
        app.screen.query_one("#clients", RowTable).move_cursor(row=rows(app).index(first))
        await pilot.press("x", "z")
        await pilot.pause()
        assert first in rows(app)
        assert f"{len(DEMO_CLIENTS)} clients" in screen_text(app)


async def test_after_saving_the_caseload_shows_the_new_total(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        for key in ("9", "enter", "8", "enter", "7", "enter", "1", "0", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        await pilot.press("ctrl+s")  # finish the feedback without a note
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert "▼34.0" in text
        assert "2026-12-01" in text


async def test_q_quits_from_the_caseload(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
