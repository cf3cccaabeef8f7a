"""Share mode: on a shared screen, nothing of any other client, whatever key is pressed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import NOW, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.screens.share_start import ShareStartScreen
from srs_tui.store import Store, StoreError
from srs_tui.widgets.share_banner import ShareBanner

SIZE = (100, 36)
KEYS_A_THERAPIST_MIGHT_PRESS = [
    "escape",
    "tab",
    "ctrl+p",
    "ctrl+t",  # the history
    "escape",
    "9",
    "enter",
    "9",
    "enter",
    "9",
    "enter",
    "9",
    "enter",
    "ctrl+s",  # save
    "ctrl+o",  # the share toggle...
    "escape",  # ...without confirming
    "q",
    "escape",
    "escape",
    "ctrl+t",
    "escape",
    "f1",
    "escape",
]


@pytest.fixture
def ana_and_ben(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        store.add_client("Ana Example", now=NOW)
        store.add_client("Ben Example", now=NOW)
        past = NOW.replace(day=24, month=11)
        ana = store.find_client("Ana Example")
        assert ana is not None
        for day in (10, 17):
            store.record(
                ana.id,
                __import__("srs_tui.measures", fromlist=["Scores"]).Scores.srs(80, 80, 80, 80),
                administered_at=past.replace(day=day),
                mode="oral",
                setting="telehealth",
                now=NOW,
            )
    return db_path


def sharing_app(db_path: Path) -> SrsApp:
    return make_app(db_path, client_alias="Ben Example", clock=frozen_clock, share=True)


async def test_no_key_ever_shows_another_clients_alias(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Ben Example" in screen_text(app)
        assert "SHARING" in screen_text(app)
        for key in KEYS_A_THERAPIST_MIGHT_PRESS:
            await pilot.press(key)
            await pilot.pause()
            text = screen_text(app)
            assert "Ana" not in text, f"after {key}"
            assert "SHARING" in text or isinstance(app.screen, ConfirmScreen), f"after {key}"
            assert not isinstance(app.screen, CaseloadScreen), f"after {key}"
        assert app.share.active


async def test_after_saving_the_app_stays_with_the_client(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("9", "enter", "9", "enter", "9", "enter", "9", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("ctrl+s")  # done
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.client.alias == "Ben Example"
        await pilot.press("escape")  # back does not leave the client's screens
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_leaving_share_mode_takes_a_confirmation(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert app.share.active
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        assert not app.share.active
        assert not app.screen.query_one(ShareBanner).display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert "Ana Example" in screen_text(app)


async def test_sharing_from_the_caseload_shows_the_chosen_name(ana_and_ben: Path) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table_rows = [screen_text(app)]
        assert "Ana Example" in table_rows[0]
        while app.screen.selected_client().alias != "Ben Example":  # type: ignore[attr-defined]
            await pilot.press("down")
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ShareStartScreen)
        app.screen.query_one("#share-name", Input).value = "B."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        text = screen_text(app)
        assert "B.  ·  session 1" in text
        assert "Ben Example" not in text
        assert "Ana" not in text
    with Store.open(ana_and_ben) as store:
        ben = store.find_client("Ben Example")
        assert ben is not None
        assert ben.display_name == "B."


def test_share_mode_needs_a_client(ana_and_ben: Path) -> None:
    with pytest.raises(StoreError, match="needs a client"):
        make_app(ana_and_ben, share=True)


async def test_the_history_over_the_rating_screen_goes_back_to_it(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9", "enter", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        await pilot.press("escape")  # unsaved ratings: asks
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "Ana" not in screen_text(app)


async def test_a_screen_already_open_changes_its_name_as_sharing_starts_and_stops(
    ana_and_ben: Path,
) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while app.screen.selected_client().alias != "Ben Example":  # type: ignore[attr-defined]
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert "Ben Example" in screen_text(app)
        assert "SHARING" not in screen_text(app)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ShareStartScreen)
        app.screen.query_one("#share-name", Input).value = "B."
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is history  # sharing from a client's screen opens nothing new
        text = screen_text(app)
        assert "SHARING" in text
        assert "B.  ·  " in text
        assert "Ben Example" not in text
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        assert app.screen is history
        text = screen_text(app)
        assert "SHARING" not in text
        assert "Ben Example" in text
