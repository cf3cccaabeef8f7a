"""Every key findable: the keys panel on ? and F1, a second key for every F-key, the curtain's
key where it matters, and a key bar that keeps the keys panel's key at any width."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

from conftest import NOW, SKIP_ORS, build_app, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.demo import seed
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.screens.rules import RulesScreen
from srs_tui.screens.share_start import ShareStartScreen
from srs_tui.store import Store
from srs_tui.themes import HIGH_CONTRAST
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.keys_panel import KeysPanel, KeysTable
from srs_tui.widgets.rating_slider import RatingSlider
from srs_tui.widgets.share_banner import ShareBanner

SMALL = (80, 24)
SHARED = "Ben Example"
# In a terminal these Ctrl keys are other keys (Backspace, Tab, Enter, Escape), or tmux's.
TERMINAL_ALIASES = {"ctrl+h", "ctrl+i", "ctrl+m", "ctrl+j", "ctrl+left_square_bracket", "ctrl+b"}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with Store.open(path) as store:
        seed(store, NOW)
        store.add_client(SHARED, now=NOW)
    return path


def _cells(table: KeysTable) -> str:
    """The panel's rows: keys | what | why."""
    return "\n".join(
        f"{keys} | {binding.description} | {binding.tooltip}"
        for _, rows in table.groups()
        for keys, binding, _ in rows
    )


async def open_each_screen(app: SrsApp, pilot: object, name: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    if name in ("history", "rate"):
        await pilot.press("enter")
    if name == "rate":
        await pilot.press("r", SKIP_ORS)
    await pilot.pause()


SCREENS = {
    # Each screen, one key bound there that its bar does not show, and one it shows.
    "caseload": (CaseloadScreen, "Passphrase", "Rules"),
    "history": (HistoryScreen, "Report", "Rate"),
    "rate": (RateScreen, "Date & mode", "Save"),
}


@pytest.mark.parametrize("key", ["question_mark", "f1"])
@pytest.mark.parametrize("name", list(SCREENS))
async def test_the_keys_panel_opens_on_each_key_and_shows_every_key(
    demo: Path, name: str, key: str
) -> None:
    screen_type, hidden, shown = SCREENS[name]
    app = build_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await open_each_screen(app, pilot, name)
        assert isinstance(app.screen, screen_type)
        assert not app.screen.query(KeysPanel)
        await pilot.press(key)
        await pilot.pause()
        assert app.screen.query(KeysPanel), "the panel opened"
        listed = _cells(app.screen.query_one(KeysTable))
        # The keys the bar leaves out are there, and the app's own, with what they do.
        assert hidden in listed
        assert shown in listed
        assert "Contrast" in listed
        assert "f9 ^r" in listed.replace("F9", "f9")
        assert "Curtain" in listed
        assert "Quit" in listed
        # Textual's own keys (scrolling, focus) are not: only what this app binds.
        assert "Scroll" not in listed
        assert "Focus Next" not in listed
        # Drawn beside the screen, which is still there.
        text = screen_text(app)
        assert "This screen" in text
        assert "srs-tui" in text
        await pilot.press(key)  # the same key closes it
        await pilot.pause()
        assert not app.screen.query(KeysPanel)


async def test_a_question_mark_on_a_rating_opens_the_panel_and_types_nothing(demo: Path) -> None:
    app = build_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await open_each_screen(app, pilot, "rate")
        assert isinstance(app.screen, RateScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query(KeysPanel)
        assert all(value is None for value in app.screen.values().values())
        assert [slider.entry for slider in app.screen.query(RatingSlider)] == [""] * 4
        # The screen's keys first, then the slider's (in focus), then the app's.
        groups = app.screen.query_one(KeysTable).groups()
        assert [title for title, _ in groups] == ["This screen", "The item in focus", "Everywhere"]
        assert "Set & next" in [binding.description for _, binding, _ in groups[1][1]]


async def test_the_rules_are_on_r_and_close_on_it(demo: Path) -> None:
    app = build_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        for name in ("caseload", "history"):
            await pilot.press("R")
            await pilot.pause()
            assert isinstance(app.screen, RulesScreen), name
            await pilot.press("R")
            await pilot.pause()
            assert not isinstance(app.screen, RulesScreen), name
            await pilot.press("enter")


async def test_no_keys_panel_on_a_shared_screen_or_over_the_curtain(demo: Path) -> None:
    app = make_app(demo, client_alias=SHARED, clock=frozen_clock, share=True)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.share.active
        for key in ("question_mark", "f1", "escape", "question_mark", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert not app.screen.query(KeysPanel)
            assert "Everywhere" not in screen_text(app)
            assert "Rules" not in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert not app.screen.query(KeysPanel)
    app = build_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        assert not any(screen.query(KeysPanel) for screen in app.screen_stack)


def every_binding() -> list[tuple[str, Binding]]:
    """Every binding of the app, its screens and its widgets: (class name, binding)."""
    import importlib
    import pkgutil

    import srs_tui

    found = []
    for module in pkgutil.walk_packages(srs_tui.__path__, "srs_tui."):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == loaded.__name__
                and "BINDINGS" in value.__dict__
            ):
                for binding in value.__dict__["BINDINGS"]:
                    assert isinstance(binding, Binding)
                    found.append((value.__name__, binding))
    return found


def test_every_f_key_has_a_second_key_a_laptop_without_fn_reaches() -> None:
    f_keyed = []
    for owner, binding in every_binding():
        keys = [key.strip() for key in binding.key.split(",")]
        f_keys = [key for key in keys if key[:1] == "f" and key[1:].isdigit()]
        if not f_keys:
            continue
        f_keyed.append(binding.action)
        others = [key for key in keys if key not in f_keys]
        assert others, f"{owner}: {binding.action} has only {f_keys}"
        assert not set(others) & TERMINAL_ALIASES, f"{owner}: {binding.action}"
    assert sorted(f_keyed) == ["curtain", "toggle_contrast", "toggle_keys", "toggle_share"]


def test_no_two_bindings_of_one_class_share_a_key() -> None:
    by_owner: dict[str, list[str]] = {}
    for owner, binding in every_binding():
        by_owner.setdefault(owner, []).extend(k.strip() for k in binding.key.split(","))
    for owner, keys in by_owner.items():
        assert len(keys) == len(set(keys)), owner
    app_keys = set(by_owner["SrsApp"])
    for screen in ("CaseloadScreen", "HistoryScreen", "RateScreen", "FeedbackScreen"):
        assert not app_keys & set(by_owner[screen]), screen


async def test_each_f_keys_second_key_does_what_the_f_key_does(demo: Path) -> None:
    app = build_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        before = app.theme
        await pilot.press("ctrl+r")
        assert app.theme == HIGH_CONTRAST.name != before
        await pilot.press("ctrl+r")
        assert app.theme == before
        await pilot.press("question_mark")  # F1's
        await pilot.pause()
        assert app.screen.query(KeysPanel)
        await pilot.press("question_mark")
        await pilot.press("ctrl+l")  # F12's
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.press("ctrl+o")  # F6's
        await pilot.pause()
        assert isinstance(app.screen, ShareStartScreen)


async def test_the_curtains_key_is_on_the_rating_screen_and_the_share_banner(demo: Path) -> None:
    app = build_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await open_each_screen(app, pilot, "rate")
        bar = app.screen.query_one(KeyBar)
        line = screen_text(app).splitlines()[-1]
        assert "^l Curtain" in line
        assert "? Keys" in line
        assert "^s Save" in line
        assert sum(cell.width for cell in bar.shown_keys()) <= SMALL[0]
    app = make_app(demo, client_alias=SHARED, clock=frozen_clock, share=True)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        text = screen_text(app)
        banner = str(app.screen.query_one(ShareBanner).render())
        assert "Ctrl+L" in banner
        assert "Ctrl+O" in banner
        assert banner in text  # the whole banner fits 80 columns
        line = text.splitlines()[-1]
        assert "^l Hide screen" in line
        assert "Keys" not in line
        assert "Share" not in line


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (140, 40)])
async def test_the_key_bar_fits_and_keeps_the_keys_panels_key(
    demo: Path, size: tuple[int, int]
) -> None:
    app = build_app(demo)
    async with app.run_test(size=size) as pilot:
        for name in SCREENS:
            if name == "history":
                await pilot.press("enter")
            if name == "rate":
                await pilot.press("r")
            await pilot.pause()
            cells = app.screen.query_one(KeyBar).shown_keys()
            assert cells[-1].description == "Keys", name
            assert cells[-1].end <= size[0], name
            line = screen_text(app).splitlines()[-1]
            assert "? Keys" in line, name
