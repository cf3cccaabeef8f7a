"""The caseload: list, add a client, open the rating screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from conftest import build_app, screen_text
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.rate import RateScreen

SIZE = (100, 36)


async def test_the_caseload_lists_the_demo_clients(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert "8 clients" in text
        assert "Blake (demo)" in text
        assert "32.8" in text  # Blake's last total


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
        await pilot.press("enter")
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
        assert app.screen.query_one(DataTable).row_count == 1


async def test_enter_opens_the_rating_screen_for_the_client_under_the_cursor(
    demo_db: Path,
) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "Blake (demo)"
        assert "Blake (demo)  ·  session 6" in screen_text(app)


async def test_after_saving_the_caseload_shows_the_new_total(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        for key in ("9", "enter", "8", "enter", "7", "enter", "1", "0", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        await pilot.press("ctrl+s")  # finish the feedback without a note
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert "34.0" in text
        assert "2026-12-01 14:05" in text


async def test_q_quits_from_the_caseload(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
