"""SVG snapshots of the screens before the app: the vault's passphrase, the first start's
question and offer, the new passphrase, the recovery key (a fixed one), and the idle lock over a
manual curtain. At 80x24 and 120x36."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import FakeMonotonic, frozen_clock
from srs_tui.app import make_app
from srs_tui.config import Config
from srs_tui.passphrase import set_passphrase
from srs_tui.screens.vault_offer import RecoveryKeyScreen
from srs_tui.unlock import FirstStartApp, UnlockApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
RECOVERY = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"  # shaped like one; opens nothing


@pytest.mark.parametrize("size", SIZES)
def test_unlock_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = UnlockApp(tmp_path / "srs.db", clock=FakeMonotonic())
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_first_start_offer(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(FirstStartApp(tmp_path / "srs.db"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_first_start_question(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    # A fixed path, as a user's would read (the screen shows it); nothing is written to it
    # unless an answer is given.
    settings = Path("/home/you/.config/srs-tui/config.toml")
    assert snap_compare(FirstStartApp(tmp_path / "srs.db", settings=settings), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_first_start_new_passphrase(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = FirstStartApp(tmp_path / "srs.db")
    assert snap_compare(
        app, press=["enter", *"short", "tab", *"shorter", "enter"], terminal_size=size
    )


@pytest.mark.parametrize("size", SIZES)
def test_first_start_recovery_key(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def show_the_key(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(RecoveryKeyScreen(RECOVERY, tmp_path / "srs.db"))
        await pilot.pause()

    app = FirstStartApp(tmp_path / "srs.db")
    assert snap_compare(app, terminal_size=size, run_before=show_the_key)


def test_idle_lock_over_a_manual_curtain(snap_compare: Any, demo_db: Path, tmp_path: Path) -> None:
    secret_file = tmp_path / "passphrase"
    set_passphrase(secret_file, "correct horse")
    clock = FakeMonotonic()
    app = make_app(
        demo_db,
        Config(idle_lock_seconds=60),
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=secret_file,
    )

    async def curtain_then_idle(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+l")
        clock.advance(60)
        app.check_idle_lock()
        await pilot.pause()
        await pilot.press("ctrl+l")  # "Type the passphrase."
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=curtain_then_idle)
