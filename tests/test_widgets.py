"""Our own drawing widgets, in the real app: the key bar and the large digits."""

from __future__ import annotations

from pathlib import Path

from conftest import SKIP_ORS, build_app, screen_text
from srs_tui.widgets.action_button import ActionButton
from srs_tui.widgets.big_number import digit_rows
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.rating_slider import RatingSlider
from srs_tui.widgets.total_panel import TotalPanel

SIZE = (100, 30)


def bottom_line(app: object) -> str:
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    return screen_text(app).splitlines()[-1]


async def test_key_bar_shows_the_keys_of_the_focused_widget_and_the_screen(
    db_path: Path,
) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = bottom_line(app)
        assert "⏎ Set & next" in line  # the slider's own key
        assert "^s Save" in line
        assert "esc Back" in line
        app.screen.query_one("#save", ActionButton).focus()
        await pilot.pause()
        line = bottom_line(app)
        assert "Set & next" not in line
        assert "^s Save" in line


async def test_a_click_on_the_key_bar_presses_that_key(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        save = next(cell for cell in bar.shown_keys() if cell.description == "Save")
        await pilot.click(KeyBar, offset=(save.start + 1, 0))
        await pilot.pause()
        assert "Not saved: set Relationship, Goals and Topics" in screen_text(app)


async def test_key_bar_tells_what_a_key_does_on_hover(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        # (The guide's key gives way first at 100 columns: the bar is too narrow for it.)
        details = next(cell for cell in bar.shown_keys() if cell.description == "Date & mode")
        await pilot.hover(KeyBar, offset=(details.start + 1, 0))
        await pilot.pause()
        assert bar.tooltip == "Change the date (paper records), mode or setting"


async def test_the_total_follows_a_slider_at_once(db_path: Path) -> None:
    # Set in the same step as the slider, not a message later: so they reach the same frame.
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        app.screen.query_one("#goals", RatingSlider).value = 85
        assert app.screen.query_one(TotalPanel).digits == " 8.5"
        await pilot.pause()
        assert "1 of 4 items set" in screen_text(app)


async def test_the_total_is_drawn_in_large_digits_beside_the_bar(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TotalPanel)
        region = panel.content_region

        def drawn() -> list[str]:
            rows = screen_text(app).splitlines()[region.y : region.y + 3]
            return [row[region.x : region.x + 10] for row in rows]

        assert drawn() == digit_rows("--.-")
        await pilot.press("1", "0", "enter")
        # "10.0" in Textual's 3x3 bold glyphs, the point one cell wide.
        assert drawn() == ["╺┓ ┏━┓ ┏━┓", " ┃ ┃ ┃ ┃ ┃", "╺┻╸┗━┛•┗━┛"]
        assert "/ 40" in screen_text(app).splitlines()[region.y]


async def test_the_focus_bar_moves_with_enter_to_the_next_item(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()

        def marked() -> list[str]:
            rows = screen_text(app).splitlines()
            return [
                slider.id or ""
                for slider in app.screen.query(RatingSlider)
                if all(
                    rows[y][slider.region.x] == "▌"
                    for y in range(slider.region.y, slider.region.bottom)
                )
            ]

        assert marked() == ["relationship"]
        await pilot.press("7", "enter")
        assert marked() == ["goals"]
        app.screen.query_one("#save", ActionButton).focus()
        await pilot.pause()
        assert marked() == []


async def test_enter_on_the_save_button_saves_after_four_numbers(db_path: Path) -> None:
    from srs_tui.screens.feedback import FeedbackScreen

    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("9", "enter", "8", "enter", "7", "enter", "9", "enter")
        assert app.focused is app.screen.query_one("#save", ActionButton)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.feedback.total == 330


async def test_a_click_on_save_says_what_is_missing(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        await pilot.press("9", "enter")
        await pilot.click("#save")
        await pilot.pause()
        assert "Not saved: set Goals and Topics, Approach or Method, Overall first." in (
            screen_text(app)
        )
