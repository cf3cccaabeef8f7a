"""SVG snapshots of the client-facing screens at 80x24 and 120x36, on a frozen clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from conftest import build_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
PARTLY_RATED = ["9", "full_stop", "1", "enter", "8", "full_stop", "5", "enter", "7"]
FULLY_RATED = [*PARTLY_RATED, "enter", "9", "full_stop", "9", "enter"]


async def _rate_save_and_still_the_cursor(pilot: Pilot[Any]) -> None:
    await pilot.press(*FULLY_RATED, "ctrl+s")
    await pilot.pause()
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False  # a blinking cursor would make the snapshot flaky
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_rating_screen_unset(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(demo_db, client="Casey (demo)"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_rating_screen_being_filled(
    snap_compare: Any, demo_db: Path, size: tuple[int, int]
) -> None:
    app = build_app(demo_db, client="Casey (demo)")
    assert snap_compare(app, press=PARTLY_RATED, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_after_saving(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    app = build_app(demo_db, client="Casey (demo)")
    assert snap_compare(app, terminal_size=size, run_before=_rate_save_and_still_the_cursor)


@pytest.mark.parametrize("size", SIZES)
def test_caseload_dashboard(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(demo_db), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare: Any, demo_db: Path, size: tuple[int, int]) -> None:
    # The first row of the dashboard is the most urgent client; Enter opens their history.
    assert snap_compare(build_app(demo_db), press=["enter"], terminal_size=size)


def test_history_items(snap_compare: Any, demo_db: Path) -> None:
    assert snap_compare(build_app(demo_db), press=["enter", "i"], terminal_size=(120, 36))


@pytest.mark.parametrize("size", SIZES)
def test_srs_rating_screen_after_skipping_the_ors(
    snap_compare: Any, demo_db: Path, size: tuple[int, int]
) -> None:
    app = build_app(demo_db, client="Casey (demo)")
    assert snap_compare(app, press=["ctrl+n", *PARTLY_RATED], terminal_size=size)


def test_srs_feedback_after_the_ors(snap_compare: Any, demo_db: Path) -> None:
    async def ors_then_srs(pilot: Pilot[Any]) -> None:
        await pilot.press(*FULLY_RATED, "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+n")  # from the ORS's feedback to the SRS of the same session
        await pilot.pause()
        await _rate_save_and_still_the_cursor(pilot)

    app = build_app(demo_db, client="Casey (demo)")
    assert snap_compare(app, terminal_size=(120, 36), run_before=ors_then_srs)


def test_history_of_a_child(snap_compare: Any, demo_db: Path) -> None:
    app = build_app(demo_db)
    assert snap_compare(app, press=["slash", *"robin", "enter"], terminal_size=(120, 36))
