"""A display made for a video call: large digits, a high-contrast theme, readable without colour."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SKIP_ORS, build_app, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.config import Config
from srs_tui.themes import HIGH_CONTRAST
from srs_tui.widgets.big_number import digit_rows
from srs_tui.widgets.rating_slider import RatingSlider


def drawn_right_of(app: object, slider: RatingSlider) -> list[str]:
    """The slider's three rows on screen, from where its large digits are drawn."""
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    rows = screen_text(app).splitlines()[slider.region.y : slider.region.bottom]
    return [row[slider.region.right - 11 : slider.region.right - 1] for row in rows]


async def test_each_item_shows_its_value_in_large_digits(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("9", "full_stop", "1", "enter")
        relationship = app.screen.query_one("#relationship", RatingSlider)
        assert drawn_right_of(app, relationship) == digit_rows(" 9.1")
        goals = app.screen.query_one("#goals", RatingSlider)
        assert drawn_right_of(app, goals) == digit_rows("--.-")


async def test_narrow_windows_keep_the_tracks_and_the_poles(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("9", "full_stop", "1", "enter")
        text = screen_text(app)
        for pole in ("not heard", "fully heard", "poor fit", "just right"):
            assert pole in text
        relationship = app.screen.query_one("#relationship", RatingSlider)
        rows = text.splitlines()[relationship.region.y : relationship.region.bottom]
        assert rows[0].rstrip().endswith("9.1")  # the small value is enough here
        assert not any(digit_rows(" 9.1")[0].strip() in row for row in rows)


async def test_the_high_contrast_theme_from_the_settings_and_f9(db_path: Path) -> None:
    app = make_app(db_path, Config(theme="high-contrast"), clock=frozen_clock)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST.name
        await pilot.press("f9")
        assert app.theme != HIGH_CONTRAST.name
        await pilot.press("f9")
        assert app.theme == HIGH_CONTRAST.name


async def test_without_colour_alerts_still_read_by_symbol_and_words(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press(SKIP_ORS)
        for key in ("8", "enter", "8", "enter", "8", "enter", "8", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        assert app.no_color
        text = screen_text(app)
        assert "▲ below the cutoff" in text
        assert "▲ Below the cutoff" in text
        assert "• Low item" in text  # worth a look, not an alert that counts
