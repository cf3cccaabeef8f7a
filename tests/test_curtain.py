"""The curtain and the idle lock: nothing of any client on screen, and back exactly as it was."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from conftest import NOW, SKIP_ORS, FakeMonotonic, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.config import Config
from srs_tui.passphrase import check_passphrase, set_passphrase
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.curtain import CurtainScreen, delay_after
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store
from srs_tui.widgets.rating_slider import RatingSlider

SIZE = (100, 36)


@pytest.fixture
def two_clients(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        store.add_client("Ana Example", now=NOW)
        store.add_client("Ben Example", now=NOW)
    return db_path


async def idle_for(app: SrsApp, pilot: Pilot[None], clock: FakeMonotonic, seconds: float) -> None:
    """Let seconds go by without input, then the idle check run as its timer would run it."""
    clock.advance(seconds)
    app.check_idle_lock()
    await pilot.pause()


def values(app: object) -> list[int | None]:
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    return [slider.value for slider in app.screen.query(RatingSlider)]


@pytest.mark.parametrize("key", ["ctrl+l", "f12"])
async def test_the_curtain_hides_every_alias_and_restores_typed_ratings(
    two_clients: Path, key: str
) -> None:
    app = make_app(two_clients, client_alias="Ben Example", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("9", "full_stop", "1", "enter", "8")
        before = screen_text(app)
        assert "Ben Example" in before
        await pilot.press(key)
        assert isinstance(app.screen, CurtainScreen)
        hidden = screen_text(app)
        assert "Ana" not in hidden
        assert "Ben" not in hidden
        assert "srs-tui" in hidden
        await pilot.press(key)
        assert isinstance(app.screen, RateScreen)
        assert values(app) == [91, None, None, None]
        assert app.screen.query_one("#goals", RatingSlider).entry == "8"
        assert screen_text(app) == before


async def test_the_curtain_works_over_the_caseload_too(two_clients: Path) -> None:
    app = make_app(two_clients, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Ana Example" in screen_text(app)
        await pilot.press("ctrl+l")
        assert "Ana" not in screen_text(app)
        assert "Ben" not in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Ana" not in screen_text(app)
        await pilot.press("escape")  # keep it hidden
        assert isinstance(app.screen, CurtainScreen)
        await pilot.press("escape")
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_the_idle_lock_drops_the_curtain_and_a_key_lifts_it(two_clients: Path) -> None:
    clock = FakeMonotonic()
    config = Config(idle_lock_seconds=60)
    app = make_app(
        two_clients, config, client_alias="Ben Example", clock=frozen_clock, monotonic=clock
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("9")
        await idle_for(app, pilot, clock, 59)
        assert isinstance(app.screen, RateScreen)  # not yet
        await idle_for(app, pilot, clock, 1)
        assert isinstance(app.screen, CurtainScreen)
        assert "Ben" not in screen_text(app)
        await pilot.press("x")  # without a passphrase, any key lifts it
        assert isinstance(app.screen, RateScreen)
        assert app.screen.query_one("#relationship", RatingSlider).entry == "9"


async def test_input_keeps_the_idle_lock_away(two_clients: Path) -> None:
    clock = FakeMonotonic()
    app = make_app(two_clients, Config(idle_lock_seconds=60), clock=frozen_clock, monotonic=clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(10):  # 10 minutes in all, never a minute without a key
            await idle_for(app, pilot, clock, 59)
            await pilot.press("down")
        assert isinstance(app.screen, CaseloadScreen)
        await idle_for(app, pilot, clock, 60)
        assert isinstance(app.screen, CurtainScreen)


async def test_with_a_passphrase_only_the_passphrase_lifts_the_idle_lock(
    two_clients: Path, tmp_path: Path
) -> None:
    secret_file = tmp_path / "config" / "passphrase"
    set_passphrase(secret_file, "correct horse")
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert b"correct horse" not in secret_file.read_bytes()
    assert check_passphrase(secret_file, "correct horse")
    clock = FakeMonotonic()
    app = make_app(
        two_clients,
        Config(idle_lock_seconds=60),
        client_alias="Ben Example",
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=secret_file,
    )
    async with app.run_test(size=SIZE) as pilot:
        await idle_for(app, pilot, clock, 60)
        curtain = app.screen
        assert isinstance(curtain, CurtainScreen)
        await pilot.press(*"wrong", "enter")
        assert app.screen is curtain
        assert "Wrong passphrase." in screen_text(app)
        await pilot.press("ctrl+l")  # the curtain key does not lift a locked curtain
        assert app.screen is curtain
        await pilot.press("escape")
        assert app.screen is curtain
        assert curtain.query_one("#passphrase", Input).value == ""
        await pilot.press(*"correct horse", "enter")
        assert isinstance(app.screen, RateScreen)
        assert "Ben Example" in screen_text(app)


def test_wrong_tries_cost_a_growing_delay() -> None:
    assert [delay_after(n) for n in range(1, 10)] == [0, 0, 1, 2, 4, 8, 16, 32, 60]


async def test_after_three_wrong_tries_even_the_right_one_waits(
    two_clients: Path, tmp_path: Path
) -> None:
    secret_file = tmp_path / "passphrase"
    set_passphrase(secret_file, "open sesame")
    clock = FakeMonotonic()
    app = make_app(
        two_clients,
        Config(idle_lock_seconds=60),
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=secret_file,
    )
    async with app.run_test(size=SIZE) as pilot:
        await idle_for(app, pilot, clock, 60)
        curtain = app.screen
        assert isinstance(curtain, CurtainScreen)
        for _ in range(3):
            assert not curtain.try_passphrase("nope")
        await pilot.pause()
        assert "Wait 1 s" in screen_text(app)
        clock.advance(0.9)
        assert not curtain.try_passphrase("open sesame")  # too soon
        await pilot.pause()
        assert "Wait 1 s" in screen_text(app)
        clock.advance(0.2)
        await pilot.press(*"open sesame", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_quit_from_under_the_curtain_still_asks_about_typed_ratings(
    two_clients: Path,
) -> None:
    app = make_app(two_clients, client_alias="Ana Example", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9", "enter", "ctrl+l", "ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Ana" not in screen_text(app)


async def test_the_passphrase_can_be_set_from_the_app(two_clients: Path, tmp_path: Path) -> None:
    from srs_tui.screens.passphrase import PassphraseScreen

    secret_file = tmp_path / "passphrase"
    app = make_app(two_clients, clock=frozen_clock, passphrase_file=secret_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        assert isinstance(app.screen, PassphraseScreen)
        app.screen.query_one("#first", Input).value = "one"
        app.screen.query_one("#second", Input).value = "one"
        await pilot.click("#set")
        assert "A passphrase needs at least 8 characters." in screen_text(app)
        assert not secret_file.exists()
        app.screen.query_one("#first", Input).value = "one two three"
        app.screen.query_one("#second", Input).value = "two"
        app.screen.query_one("#second", Input).focus()
        await pilot.press("enter")  # a second click this soon is taken as the same press
        assert "The two passphrases differ." in screen_text(app)
        assert not secret_file.exists()
        app.screen.query_one("#second", Input).value = "one two three"
        app.screen.query_one("#second", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
    assert check_passphrase(secret_file, "one two three")
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
