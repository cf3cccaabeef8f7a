"""A day with the app left open: every screen that closes is let go.

Textual's Header watches the app's title and TextArea its theme, and a closed widget's watcher
went only when the watched value next changed, which the title and theme hardly ever do: every
rating left its screens alive (about 9 widgets and 0.25 MB a visit). Counted here as the objects
still alive after many visits, never as a time or a size in bytes.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from textual._styles_cache import StylesCache
from textual.app import App
from textual.widget import Widget

from conftest import NOW, build_app
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.store import Store

SIZE = (100, 30)


def closed_widgets(app: App[object]) -> int:
    """The widgets still alive that no screen holds: what a closed screen left behind."""
    # The app freezes what it holds at start out of the collector's reach; counted, not kept.
    gc.unfreeze()
    gc.collect()
    return sum(
        1 for thing in gc.get_objects() if isinstance(thing, Widget) and not thing.is_attached
    )


def drawn_line_caches() -> int:
    """The widgets' caches of drawn lines still alive, the closed screens' among them: an
    lru_cache of Textual's kept up to 1,024 of them (some 28 MB after 50 ratings)."""
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, StylesCache))


def watchers_on(app: App[object]) -> int:
    return sum(len(held) for held in getattr(app, "__watchers", {}).values())


async def visit(pilot: object, app: App[object]) -> None:
    """A rating from the caseload and back: r, four numbers, save, the feedback, Escape."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("r")
    await pilot.press("5", "enter", "6", "enter", "7", "enter", "8", "enter", "ctrl+s")
    assert isinstance(app.screen, FeedbackScreen)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, CaseloadScreen)


@pytest.mark.timeout(240)
async def test_screens_closed_over_many_visits_are_let_go(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Ana", now=NOW)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            await visit(pilot, app)
        after_few = closed_widgets(app), watchers_on(app), drawn_line_caches()
        for _ in range(8):  # ORS and SRS in turns: 4 sessions of each
            await visit(pilot, app)
            await pilot.press("h")  # the client's history (Header, charts, table) and back
            assert isinstance(app.screen, HistoryScreen)
            await pilot.press("escape")
            await pilot.pause()
        after_many = closed_widgets(app), watchers_on(app), drawn_line_caches()
    # Before the fix: 9 widgets and 3 watchers more a visit, 72 and 24 over these 8.
    assert after_many[0] <= after_few[0] + 3, (after_few, after_many)
    assert after_many[1] == after_few[1], (after_few, after_many)
    assert after_many[2] <= after_few[2] + 3, (after_few, after_many)
    with Store.open(db_path) as store:
        assert len(store.all_administrations(store.clients()[0].client.id)) == 11


async def test_the_collector_is_back_on_however_a_large_screen_is_left(db_path: Path) -> None:
    """The caseload and the history pause the garbage collector while they open; it must come
    back after their first frame, and also when the screen is left before it was drawn."""
    with Store.open(db_path) as store:
        store.add_client("Ana", now=NOW)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        await visit(pilot, app)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert gc.isenabled()
        await pilot.press("escape", "h", "escape", "h", "escape")  # left at once, each time
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert gc.isenabled()
