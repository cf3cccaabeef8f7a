"""q quits from the therapist's screens, as on the caseload; never where q is typed, never on
a shared client's view."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from conftest import NOW, build_app, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.measures import Scores
from srs_tui.screens.client_history import ClientHistoryScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store

SIZE = (80, 24)


@pytest.fixture
def ana(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
        for day in (10, 17):
            store.record(client.id, Scores.srs(80, 80, 80, 80),
                         administered_at=NOW.replace(month=11, day=day), mode="oral",
                         setting="telehealth", now=NOW)  # fmt: skip
    return db_path


async def test_q_on_the_therapists_history_quits_and_is_on_its_key_bar(ana: Path) -> None:
    app = build_app(ana)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "q Quit" in screen_text(app).splitlines()[-1]
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_q_on_the_history_over_typed_ratings_asks_first(ana: Path) -> None:
    app = build_app(ana)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        await pilot.press("7", "enter", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, HistoryScreen)


async def test_q_in_the_note_box_is_typed_and_quits_from_the_done_button(ana: Path) -> None:
    app = build_app(ana)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "r")
        await pilot.pause()
        for value in "7654":
            await pilot.press(value, "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert isinstance(app.screen.focused, TextArea)
        assert "q Quit" not in screen_text(app)
        await pilot.press("q", "u", "i", "e", "t")
        await pilot.pause()
        assert app.screen.query_one("#note", TextArea).text == "quiet"
        await pilot.press("tab")  # to the Done button
        await pilot.pause()
        assert "q Quit" in screen_text(app).splitlines()[-1]
        await pilot.press("q")
        await pilot.pause()
        # The note typed would be lost: the app's quit asks.
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code == 0


async def test_q_on_a_shared_clients_view_does_nothing(ana: Path) -> None:
    app = make_app(ana, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+o")
        await pilot.pause()
        app.screen.query_one("#share-name", Input).value = "A."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert "Quit" not in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ClientHistoryScreen)
