"""The rating screen through the real app: type, refuse, save, feedback."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.widgets import RadioButton, TextArea

from conftest import FLAT, NOW, SKIP_ORS, build_app, screen_text
from srs_tui.measures import Scores
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.screens.session_details import SessionDetailsScreen
from srs_tui.store import Store
from srs_tui.widgets.action_button import ActionButton
from srs_tui.widgets.rating_slider import RatingSlider
from srs_tui.widgets.total_panel import TotalPanel

SIZE = (100, 36)


def stored(db_path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT relationship, goals, approach, overall, note, administered_at, mode "
            f"FROM {FLAT} ORDER BY created_at"
        ).fetchall()
    finally:
        conn.close()


def typed(*entries: str) -> list[str]:
    """The keys a therapist presses to type each entry and confirm it with Enter."""
    keys: list[str] = []
    for entry in entries:
        keys += [{".": "full_stop"}.get(char, char) for char in entry]
        keys.append("enter")
    return keys


def slider(app: object, key: str) -> RatingSlider:
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    return app.screen.query_one(f"#{key}", RatingSlider)


async def test_sliders_start_unset_with_focus_on_relationship(db_path: Path) -> None:
    app = build_app(db_path, client="Ana Example")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert [s.value for s in app.screen.query(RatingSlider)] == [None] * 4
        assert app.focused is slider(app, "relationship")
        assert "0 of 4 items set" in screen_text(app)


async def test_typing_four_ratings_and_saving_stores_them_and_gives_feedback(
    db_path: Path,
) -> None:
    app = build_app(db_path, client="Ana Example")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9.1", "8.5", "7", "9.9"))
        assert app.focused is app.screen.query_one("#save", ActionButton)
        assert app.screen.query_one(TotalPanel).digits == "34.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(app)
        assert "Below the cutoff" in text
        assert "Total 34.5 is below the cutoff of 36.0" in text
        assert "Lowest item: Approach or Method 7.0" in text
        assert app.screen.feedback.total == 345
    assert stored(db_path) == [(91, 85, 70, 99, "", "2026-12-01T14:05:00+01:00", "oral")]


async def test_enter_moves_focus_item_by_item(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        order = []
        for entry in ("9", "8", "7"):
            await pilot.press(*typed(entry))
            assert isinstance(app.focused, RatingSlider)
            order.append(app.focused.item.key)
        assert order == ["goals", "approach", "overall"]


async def test_out_of_range_and_malformed_entries_are_refused(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        first = slider(app, "relationship")
        await pilot.press(*typed("8"))
        first.focus()
        await pilot.press(*typed("11"))
        assert first.value == 80
        assert app.focused is first
        assert "11 is above 10.0" in screen_text(app)
        await pilot.press(*typed("abc"))
        assert first.value == 80
        assert "'abc' is not a number from 0 to 10" in screen_text(app)
        await pilot.press(*typed("7.25"))
        assert first.value == 80
        assert "more than one decimal" in screen_text(app)


async def test_save_with_a_missing_item_saves_nothing_and_says_which(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9.1", "8.5"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert "Not saved: set Approach or Method, Overall first." in screen_text(app)
        assert app.focused is slider(app, "approach")
    assert stored(db_path) == []


async def test_keys_step_and_jump(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        first = slider(app, "relationship")
        await pilot.press("right")
        assert first.value == 50  # an unset slider starts from the middle
        await pilot.press("right", "right", "shift+right")
        assert first.value == 62
        await pilot.press("left", "shift+left")
        assert first.value == 51
        await pilot.press("end", "right")
        assert first.value == 100
        await pilot.press("home", "left")
        assert first.value == 0
        await pilot.press("enter")
        assert app.focused is slider(app, "goals")


async def test_backspace_and_escape_edit_the_typed_number(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        first = slider(app, "relationship")
        await pilot.press("9", "9", "backspace", "full_stop", "5", "enter")
        assert first.value == 95
        first.focus()
        await pilot.press("3", "escape")
        assert first.entry == ""
        assert isinstance(app.screen, RateScreen)  # the first Escape only drops the entry
        assert first.value == 95


async def test_clicking_and_dragging_the_track_sets_the_value(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        goals = slider(app, "goals")
        layout = goals._layout()
        gutter = goals.gutter.left
        await pilot.click(goals, offset=(gutter + layout.start + layout.width - 1, 1))
        assert goals.value == 100
        assert app.focused is goals
        await pilot.click(goals, offset=(gutter + layout.start, 1))
        assert goals.value == 0
        middle = gutter + layout.start + layout.position(50)
        await pilot.mouse_down(goals, offset=(middle, 1))
        await pilot.hover(goals, offset=(gutter + layout.start + layout.position(80), 1))
        await pilot.mouse_up(goals, offset=(gutter + layout.start + layout.position(80), 1))
        assert goals.value is not None
        assert 78 <= goals.value <= 82


async def test_the_total_is_live(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9", "8"))
        assert app.screen.query_one(TotalPanel).digits == "17.0"
        assert "2 of 4 items set" in screen_text(app)
        await pilot.press(*typed("10", "10"))
        assert "✓ at or above the cutoff" in screen_text(app)


async def test_escape_with_unsaved_ratings_asks_first(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9"))
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # cancel: keep rating
        assert isinstance(app.screen, RateScreen)
        assert slider(app, "relationship").value == 90
        await pilot.press("escape")
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
    assert stored(db_path) == []


async def test_escape_with_nothing_entered_goes_straight_back(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)


async def test_the_note_is_saved_with_the_session(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*typed("9", "9", "9", "9"), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"slower pace")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
    assert [row[4] for row in stored(db_path)] == ["slower pace"]


async def test_leaving_feedback_with_an_unsaved_note_asks(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*typed("9", "9", "9", "9"), "ctrl+s")
        await pilot.pause()
        await pilot.press(*"draft")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.query_one(TextArea).text == "draft"
    assert [row[4] for row in stored(db_path)] == [""]


async def test_the_date_can_be_changed_for_a_paper_record(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+d")
        assert isinstance(app.screen, SessionDetailsScreen)
        date_input = app.screen.query_one("#date")
        date_input.value = "2026-13-01"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert isinstance(app.screen, SessionDetailsScreen)
        assert "not a date" in screen_text(app)
        (paper,) = [b for b in app.screen.query(RadioButton) if b.name == "paper"]
        await pilot.click(paper)
        date_input.value = "2026-11-24 15:30"  # type: ignore[attr-defined]
        date_input.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, RateScreen)
        assert "2026-11-24 15:30  ·  paper" in screen_text(app)
        await pilot.press(*typed("9", "9", "9", "9"), "ctrl+s")
        await pilot.pause()
    (row,) = stored(db_path)
    assert str(row[5]).startswith("2026-11-24T15:30:00")
    assert row[6] == "paper"


async def test_a_back_dated_form_says_it_goes_before_the_latest_sessions(db_path: Path) -> None:
    with Store.open(db_path) as store:
        ana = store.add_client("Ana", now=NOW - timedelta(days=60))
        for days in (14, 7):
            held = NOW - timedelta(days=days)
            store.record(ana.id, Scores.srs(90, 90, 90, 90), administered_at=held, mode="oral",
                         setting="telehealth", now=NOW)  # fmt: skip
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        assert "session 3" in screen_text(app)
        await pilot.press("ctrl+d")
        date_input = app.screen.query_one("#date")
        date_input.value = (NOW - timedelta(days=10)).strftime("%Y-%m-%d")  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert isinstance(app.screen, RateScreen)
        # Before it is saved: its place in time, and that a later session follows it.
        assert "session 2" in screen_text(app)
        assert "before the latest session" in screen_text(app)
        await pilot.press(*typed("5", "5", "5", "5"), "ctrl+s")
        await pilot.pause()
        # The feedback is about the form just saved, judged against the session before it,
        # not about the latest session.
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.feedback.total == 200
        assert "drop" in {alert.rule_id for alert in app.screen.feedback.alerts}
        assert "session 2" in screen_text(app)
    with Store.open(db_path) as store:
        assert [a.scores.total for a in store.history(ana.id)] == [360, 200, 360]


async def test_a_future_date_is_refused(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+d")
        app.screen.query_one("#date").value = "2027-01-01"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert "is in the future" in screen_text(app)


async def test_a_markup_alias_shows_as_typed(db_path: Path) -> None:
    app = build_app(db_path, client="[/]")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        assert "[/]  ·  session 1" in screen_text(app)
        await pilot.press(*typed("9", "9", "9", "9"), "ctrl+s")
        await pilot.pause()
        assert "[/]  ·  session 1" in screen_text(app)


async def test_quit_with_unsaved_ratings_asks(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*typed("9"))
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, RateScreen)


async def test_a_fast_burst_of_keys_lands_item_by_item(db_path: Path) -> None:
    # A quick typist's keys reach the app in one read from the terminal, all queued before
    # the first Enter has been handled; each number must still land on its own item.
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst = "9.1\r8.5\r7\r9.9\r"
        for char in burst:
            key = {"\r": "enter", ".": "full_stop"}.get(char, char)
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert [s.value for s in app.screen.query(RatingSlider)] == [91, 85, 70, 99]
        assert app.focused is app.screen.query_one("#save", ActionButton)


async def test_a_pasted_number_waits_for_enter(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        first = slider(app, "relationship")
        app.screen.query_one("#relationship").post_message(events.Paste(" 8.5\n"))
        await pilot.pause()
        assert first.value is None
        assert first.entry == "8.5"
        await pilot.press("enter")
        assert first.value == 85


async def test_tab_and_shift_tab_move_between_items(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("tab")
        assert app.focused is slider(app, "goals")
        await pilot.press("shift+tab")
        assert app.focused is slider(app, "relationship")


async def test_ctrl_t_shows_the_history_and_keeps_the_typed_ratings(db_path: Path) -> None:
    from srs_tui.screens.history import HistoryScreen

    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9"), "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert slider(app, "relationship").value == 90


async def test_the_settings_decide_whether_a_total_at_the_cutoff_is_below_it(
    db_path: Path, tmp_path: Path
) -> None:
    from conftest import frozen_clock
    from srs_tui.app import make_app
    from srs_tui.config import load_config

    # "<=" and the below_cutoff alert turned off: the standing is asked of the settings'
    # comparison, not read from which alerts fired.
    settings = tmp_path / "config.toml"
    settings.write_text("[alerts.srs]\ncutoff_inclusive = true\noff = ['below_cutoff']\n")
    config = load_config(settings)
    app = make_app(db_path, config, client_alias="Ana Example", clock=frozen_clock, new_client=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9", "9", "9", "9"))
        assert "at or above the cutoff" not in screen_text(app)
        assert "below the cutoff" in screen_text(app)  # the live total, before saving
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(app)
        assert "▲ below the cutoff" in text
        assert "below_cutoff" not in text


def keys_of(entry: str) -> list[str]:
    """The keys that type entry, without Enter."""
    return [{".": "full_stop"}.get(char, char) for char in entry]


async def test_tab_sets_a_typed_number_and_moves_on(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*keys_of("8.5"), "tab", *keys_of("7"), "tab")
        assert slider(app, "relationship").value == 85
        assert slider(app, "goals").value == 70
        assert app.focused is slider(app, "approach")
        assert "15.5" in app.screen.query_one(TotalPanel).digits


async def test_shift_tab_sets_a_typed_number_and_moves_back(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("tab", *keys_of("6"), "shift+tab")
        assert slider(app, "goals").value == 60
        assert app.focused is slider(app, "relationship")
        assert slider(app, "relationship").value is None


async def test_a_click_on_another_item_sets_the_typed_number(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*keys_of("9.2"))
        # On the heading of the next item: it takes the focus and sets nothing of its own.
        await pilot.click(slider(app, "goals"), offset=(3, 0))
        await pilot.pause()
        assert app.focused is slider(app, "goals")
        assert slider(app, "relationship").value == 92
        assert slider(app, "goals").value is None
        assert "9.2" in screen_text(app)


async def test_a_click_on_save_sets_the_last_typed_number_then_saves(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press(*typed("9", "9", "9"), *keys_of("8"))
        await pilot.click("#save")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
    assert [row[:4] for row in stored(db_path)] == [(90, 90, 90, 80)]


async def test_a_number_that_cannot_be_set_is_refused_on_tab_and_stays_shown(
    db_path: Path,
) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        first = slider(app, "relationship")
        await pilot.press("1", "2", "tab")
        assert first.value is None
        assert app.focused is first  # refused: the focus stays to type it again
        assert "12 is above 10.0" in screen_text(app)
        assert "0 of 4 items set" in screen_text(app)
        await pilot.press("shift+tab")  # nothing typed now: Shift+Tab just moves
        assert first.value is None


async def test_a_number_that_cannot_be_set_is_refused_on_a_click_away(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        first = slider(app, "relationship")
        await pilot.press("1", "2")
        await pilot.click(slider(app, "overall"), offset=(3, 0))
        await pilot.pause()
        assert app.focused is slider(app, "overall")
        assert first.value is None
        assert "✗ 12 is above 10.0" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
    assert stored(db_path) == []


async def test_a_partial_total_below_the_cutoff_has_no_verdict(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        for entry, count in (("2", 1), ("3", 2), ("1", 3)):
            await pilot.press(*typed(entry))
            text = screen_text(app)
            assert f"{count} of 4 items set" in text
            assert "below" not in text
            assert "▲" not in text
        await pilot.press(*typed("1"))
        assert "▲ below the cutoff" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_guide_never_covers_the_header_or_the_session_line(
    db_path: Path, size: tuple[int, int]
) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=size) as pilot:
        await pilot.press(SKIP_ORS, "ctrl+g")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert "Session Rating Scale" in lines[0]
        assert "telehealth" in lines[1]  # the session line's end
        assert "SRS" in lines[1]
        assert "Ana" in lines[1]
        assert any("Giving the scale aloud" in line for line in lines[2:])
        guide = app.screen.query_one("#guide")
        assert guide.region.y >= 2
