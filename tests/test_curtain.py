"""The curtain and the idle lock: nothing of any client on screen, and back exactly as it was."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

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


async def tried(app: SrsApp, pilot: Pilot[None], curtain: CurtainScreen, typed: str) -> bool:
    """Give typed to the lock and wait for its check; whether it was checked at all."""
    worker = curtain.try_passphrase(typed)
    if worker is not None:
        await worker.wait()
    await pilot.pause()
    return worker is not None


async def type_passphrase(app: SrsApp, pilot: Pilot[None], typed: str) -> None:
    """Type into the lock's field and press Enter, then wait for the check, as a user waits
    for "Checking…" to go."""
    await pilot.press(*typed, "enter")
    await app.workers.wait_for_complete()
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
        await type_passphrase(app, pilot, "wrong")
        assert app.screen is curtain
        assert "Wrong passphrase." in screen_text(app)
        await pilot.press("ctrl+l")  # the curtain key does not lift a locked curtain
        assert app.screen is curtain
        await pilot.press("escape")
        assert app.screen is curtain
        assert curtain.query_one("#passphrase", Input).value == ""
        await type_passphrase(app, pilot, "correct horse")
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
            assert await tried(app, pilot, curtain, "nope")
        assert app.screen is curtain
        assert "Wait 1 s" in screen_text(app)
        clock.advance(0.9)
        assert not await tried(app, pilot, curtain, "open sesame")  # too soon: not checked
        assert app.screen is curtain
        assert "Wait 1 s" in screen_text(app)
        clock.advance(0.2)
        await type_passphrase(app, pilot, "open sesame")
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


# The lock that holds: with a passphrase, a manual curtain becomes the lock after the idle
# time, and nothing on the keyboard or the mouse gets past the lock without the passphrase.


def locked_app(db: Path, tmp_path: Path, clock: FakeMonotonic, **options: object) -> SrsApp:
    """The app with a passphrase set and an idle lock of a minute."""
    secret_file = tmp_path / "config" / "passphrase"
    set_passphrase(secret_file, "correct horse")
    return make_app(
        db,
        Config(idle_lock_seconds=60),
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=secret_file,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("key", ["ctrl+l", "f12", "escape"])
async def test_a_manual_curtain_becomes_the_lock_after_the_idle_time(
    two_clients: Path, tmp_path: Path, key: str
) -> None:
    clock = FakeMonotonic()
    app = locked_app(two_clients, tmp_path, clock, client_alias="Ben Example")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("9")
        await pilot.press("ctrl+l")
        manual = app.screen
        assert isinstance(manual, CurtainScreen)
        assert not manual.needs_passphrase
        await idle_for(app, pilot, clock, 59)
        assert app.screen is manual  # not yet: the curtain key lifts it still
        await idle_for(app, pilot, clock, 1)
        lock = app.screen
        assert isinstance(lock, CurtainScreen)
        assert lock.needs_passphrase
        assert [type(s) for s in app.screen_stack].count(CurtainScreen) == 1
        assert "passphrase" in screen_text(app)
        await pilot.press(key)  # the curtain's keys no longer lift it
        await pilot.pause()
        assert app.screen is lock
        assert "Ben" not in screen_text(app)
        assert "Type the passphrase." in screen_text(app) or key == "escape"
        await type_passphrase(app, pilot, "correct horse")
        assert isinstance(app.screen, RateScreen)
        assert app.screen.query_one("#relationship", RatingSlider).entry == "9"


async def test_a_question_over_the_manual_curtain_goes_when_the_lock_comes(
    two_clients: Path, tmp_path: Path
) -> None:
    clock = FakeMonotonic()
    app = locked_app(two_clients, tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l", "escape")
        assert isinstance(app.screen, ConfirmScreen)  # "Show the screen again?", unanswered
        await idle_for(app, pilot, clock, 60)
        lock = app.screen
        assert isinstance(lock, CurtainScreen)
        assert lock.needs_passphrase
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)
        await pilot.press("tab", "enter")  # where the question's "Show" would have been
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is lock
        assert "Ana" not in screen_text(app)


async def test_without_a_passphrase_a_manual_curtain_stays_one(two_clients: Path) -> None:
    clock = FakeMonotonic()
    app = make_app(two_clients, Config(idle_lock_seconds=60), clock=frozen_clock, monotonic=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        manual = app.screen
        await idle_for(app, pilot, clock, 600)
        assert app.screen is manual
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, CaseloadScreen)


async def test_an_idle_curtain_becomes_the_lock_when_a_passphrase_is_set_meanwhile(
    two_clients: Path, tmp_path: Path
) -> None:
    # The idle curtain of a window without a passphrase (any key lifts it) becomes the lock
    # once a passphrase is set from another terminal while it is down.
    clock = FakeMonotonic()
    secret_file = tmp_path / "passphrase"
    app = make_app(
        two_clients,
        Config(idle_lock_seconds=60),
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=secret_file,
    )
    async with app.run_test(size=SIZE) as pilot:
        await idle_for(app, pilot, clock, 60)
        idle = app.screen
        assert isinstance(idle, CurtainScreen)
        assert not idle.needs_passphrase
        set_passphrase(secret_file, "correct horse")
        await idle_for(app, pilot, clock, 1)
        lock = app.screen
        assert isinstance(lock, CurtainScreen)
        assert lock.needs_passphrase
        await pilot.press("x")
        assert app.screen is lock


KEYS_THAT_LEAVE_ELSEWHERE = ["ctrl+q", "ctrl+c", "ctrl+o", "f6", "f12", "ctrl+l", "escape"]


@pytest.mark.parametrize("share", [False, True])
async def test_no_key_and_no_click_gets_past_the_lock(
    two_clients: Path, tmp_path: Path, share: bool
) -> None:
    clock = FakeMonotonic()
    app = locked_app(two_clients, tmp_path, clock, client_alias="Ben Example", share=share)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("9")  # typed and not saved: Ctrl+Q would ask, not quit
        await idle_for(app, pilot, clock, 60)
        lock = app.screen
        assert isinstance(lock, CurtainScreen)
        assert lock.needs_passphrase
        app.clear_notifications()
        for key in KEYS_THAT_LEAVE_ELSEWHERE:
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running, key
            assert app.screen is lock, key
            assert list(app._notifications) == [], key  # no "press ctrl+q to quit"
        for x, y in ((0, 0), (50, 18), (99, 35), (50, 2)):
            await pilot.click(offset=(x, y))
            assert app.screen is lock
        themed = app.theme
        await pilot.press("f9")  # the contrast still switches: the lock must be readable
        assert app.theme != themed
        assert app.screen is lock
        text = screen_text(app)
        assert "Ben" not in text
        assert "Ana" not in text
        assert app.return_code is None
        await type_passphrase(app, pilot, "correct horse")
        assert isinstance(app.screen, RateScreen)
        await pilot.press("ctrl+q")  # without the lock, quitting asks about the typed 9
        assert isinstance(app.screen, ConfirmScreen)


async def test_the_check_runs_off_the_screen_and_one_at_a_time(
    two_clients: Path, tmp_path: Path
) -> None:
    clock = FakeMonotonic()
    app = locked_app(two_clients, tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await idle_for(app, pilot, clock, 60)
        lock = app.screen
        assert isinstance(lock, CurtainScreen)
        worker = lock.try_passphrase("not it")  # scrypt: over a third of a second here
        assert worker is not None
        # What the next frame shows (a pause would wait out the check: it waits for the CPU).
        assert str(lock.query_one("#curtain-message", Static).content) == "Checking…"
        lock.query_one("#passphrase", Input).value = "correct horse"
        assert lock.try_passphrase("correct horse") is None  # waits for the first check
        assert lock.query_one("#passphrase", Input).value == "correct horse"
        await worker.wait()
        await pilot.pause()
        assert "Wrong passphrase." in screen_text(app)
        assert app.screen is lock
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
