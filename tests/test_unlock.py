"""The vault at start: its passphrase asked before anything is read, the first start's offer,
and the idle lock opened by the vault's passphrase. Real vaults in tmp_path, the real apps."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import NOW, FakeMonotonic, cli_env, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.config import Config
from srs_tui.passphrase import set_passphrase
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.store import Store, engine, vault
from srs_tui.unlock import (
    MADE,
    PLAIN,
    FirstStartApp,
    NewPassphraseScreen,
    OfferScreen,
    RecoveryKeyScreen,
    UnlockApp,
)

SIZE = (80, 24)
SECRET = "correct horse"
RECOVERY = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")


@pytest.fixture(autouse=True)
def _no_key_kept() -> Iterator[None]:
    """Each test starts, and ends, with no vault unlocked in this process."""
    engine.forget_keys()
    yield
    engine.forget_keys()


def shown(app: UnlockApp | FirstStartApp) -> str:
    """The screen's words, as one line (messages wrap)."""
    return " ".join(screen_text(app).split())


@pytest.fixture
def a_vault(tmp_path: Path) -> tuple[Path, str]:
    """A vault holding one client, locked again; and its recovery key."""
    db = tmp_path / "data" / "srs.db"
    recovery = vault.create_vault(db, SECRET)
    with Store.open(db) as store:
        store.add_client("Ana Example", now=NOW)
    engine.forget_keys()
    return db, recovery


async def test_the_unlock_screen_shows_the_name_and_a_field_and_nothing_else(
    a_vault: tuple[Path, str],
) -> None:
    db, _ = a_vault
    app = UnlockApp(db, clock=FakeMonotonic())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "srs-tui" in shown
        assert "passphrase or recovery key" in shown
        assert "the recovery key if the passphrase is forgotten" in shown
        assert "Ana" not in shown
        assert isinstance(app.focused, Input)
        assert app.focused.password
    assert not vault.is_unlocked(db)


async def test_a_wrong_passphrase_gets_a_message_then_a_growing_delay(
    a_vault: tuple[Path, str],
) -> None:
    db, _ = a_vault
    clock = FakeMonotonic()
    app = UnlockApp(db, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await pilot.press(*"wrong one", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "Wrong passphrase or recovery key." in screen_text(app)
        assert "Wait 1 s" in shown(app)
        await pilot.press(*SECRET, "enter")  # too soon: not even tried
        await pilot.pause()
        assert app.is_running
        assert "Wait 1 s before the next try." in shown(app)
        clock.advance(1.1)
        await pilot.press(*SECRET, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value is True
    assert vault.is_unlocked(db)


async def test_the_recovery_key_opens_it_too_in_any_case_and_spacing(
    a_vault: tuple[Path, str],
) -> None:
    db, recovery = a_vault
    app = UnlockApp(db, clock=FakeMonotonic())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*recovery.lower().replace("-", " "), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_value is True
    with Store.open(db) as store:
        assert [one.client.alias for one in store.clients()] == ["Ana Example"]


async def test_ctrl_q_quits_with_nothing_unlocked(a_vault: tuple[Path, str]) -> None:
    db, _ = a_vault
    app = UnlockApp(db, clock=FakeMonotonic())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"half typ", "ctrl+q")
        await pilot.pause()
    assert app.return_value is None
    assert not vault.is_unlocked(db)


async def test_a_key_file_that_cannot_be_used_says_so_and_unlocks_nothing(
    a_vault: tuple[Path, str],
) -> None:
    db, _ = a_vault
    vault.key_file(db).write_text("not a key file\n")
    app = UnlockApp(db, clock=FakeMonotonic())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "not a vault key file srs-tui can read" in " ".join(screen_text(app).split())
        assert app.is_running
    assert not vault.is_unlocked(db)


# The first start


async def test_the_offer_declined_makes_nothing_and_says_plain(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    app = FirstStartApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OfferScreen)
        assert "Keep the records encrypted?" in screen_text(app)
        await pilot.click("#no")
    assert app.return_value == PLAIN
    assert not db.exists()
    assert not vault.is_vault(db)


@pytest.mark.parametrize("key", ["escape", "ctrl+q"])
async def test_leaving_the_offer_quits_with_nothing_made(tmp_path: Path, key: str) -> None:
    db = tmp_path / "data" / "srs.db"
    app = FirstStartApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
    assert app.return_value is None
    assert not (tmp_path / "data").exists()


async def test_enter_in_the_first_passphrase_field_moves_to_the_second(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    app = FirstStartApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # "Make a vault", focused first
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NewPassphraseScreen)
        assert screen.focused is screen.query_one("#first", Input)
        await pilot.press(*SECRET, "enter")
        await pilot.pause()
        assert screen.focused is screen.query_one("#second", Input)
        assert not db.exists()  # nothing made yet, and nothing said
        assert "differ" not in screen_text(app)
        await pilot.press(*SECRET, "enter")  # Enter in the second makes the vault
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RecoveryKeyScreen)


async def test_yes_makes_a_vault_and_shows_its_recovery_key_once(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    app = FirstStartApp(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.click("#yes")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NewPassphraseScreen)
        first, second = screen.query_one("#first", Input), screen.query_one("#second", Input)
        first.value, second.value = "short", "short"
        assert screen.make() is None
        await pilot.pause()
        assert "at least 8 characters" in screen_text(app)
        first.value, second.value = SECRET, "correct horse!"
        assert screen.make() is None
        await pilot.pause()
        assert "The two passphrases differ." in screen_text(app)
        await pilot.press("escape")  # back to the offer, and forward again
        assert isinstance(app.screen, OfferScreen)
        await pilot.click("#yes")
        await pilot.pause()
        await pilot.press(*SECRET, "enter", *SECRET, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        key_screen = app.screen
        assert isinstance(key_screen, RecoveryKeyScreen)
        recovery = key_screen.recovery_key
        assert RECOVERY.match(recovery)
        shown = " ".join(screen_text(app).split())
        assert recovery.replace("-", " - ") in shown
        assert (
            "Write this down; with neither the passphrase nor this key, the records are gone."
            in shown
        )
        await pilot.press("ctrl+q")  # the key would be lost unseen: it stays
        await pilot.pause()
        assert app.screen is key_screen
        assert "shown only now" in screen_text(app)
        await pilot.click("#go-on")
    assert app.return_value == MADE
    assert vault.is_vault(db)
    assert vault.is_unlocked(db)
    assert vault.check_secret(db, SECRET)
    assert vault.check_secret(db, recovery)
    assert not db.read_bytes().startswith(b"SQLite format 3")  # encrypted, header and all


async def test_the_recovery_key_is_saved_to_a_file_chosen_never_over_one(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    recovery = vault.create_vault(db, SECRET)
    target = tmp_path / "usb" / "key.txt"
    target.parent.mkdir()
    app = FirstStartApp(db)
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(RecoveryKeyScreen(recovery, db))
        await pilot.pause()
        await pilot.press("enter")  # nothing typed yet
        assert "Type where to save it first." in screen_text(app)
        app.screen.query_one("#key-file", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved to" in screen_text(app)
        target.write_text("the therapist's own file")
        await pilot.click("#save")
        await pilot.pause()
        assert "already exists: choose another file." in " ".join(screen_text(app).split())
    assert target.read_text() == "the therapist's own file"
    saved = (tmp_path / "usb").iterdir()
    assert [p.name for p in saved] == ["key.txt"]


async def test_the_saved_recovery_key_file_is_private(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    recovery = vault.create_vault(db, SECRET)
    target = tmp_path / "key.txt"
    app = FirstStartApp(db)
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(RecoveryKeyScreen(recovery, db))
        await pilot.pause()
        app.screen.query_one("#key-file", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    assert recovery in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# The idle lock of a vault


async def test_the_lock_of_a_vault_opens_with_the_vaults_passphrase_or_recovery_key(
    a_vault: tuple[Path, str], tmp_path: Path
) -> None:
    db, recovery = a_vault
    assert vault.unlock(db, SECRET)
    lock_file = tmp_path / "passphrase"
    set_passphrase(lock_file, "the old lock's own")  # set before the vault: not the lock now
    clock = FakeMonotonic()
    app = make_app(
        db,
        Config(idle_lock_seconds=60),
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=lock_file,
    )
    async with app.run_test(size=(100, 36)) as pilot:
        for secret in ("the old lock's own", SECRET, recovery):
            clock.advance(60)
            app.check_idle_lock()
            await pilot.pause()
            lock = app.screen
            assert isinstance(lock, CurtainScreen)
            assert lock.needs_passphrase
            await pilot.press(*secret, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            if secret == "the old lock's own":
                assert app.screen is lock
                assert "Wrong passphrase." in screen_text(app)
                await pilot.press(*SECRET, "enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert isinstance(app.screen, CaseloadScreen)
            assert "Ana Example" in screen_text(app)


async def test_a_vault_key_file_gone_bad_leaves_the_lock_on(a_vault: tuple[Path, str]) -> None:
    db, _ = a_vault
    assert vault.unlock(db, SECRET)
    clock = FakeMonotonic()
    app = make_app(db, Config(idle_lock_seconds=60), clock=frozen_clock, monotonic=clock)
    async with app.run_test(size=(100, 36)) as pilot:
        clock.advance(60)
        app.check_idle_lock()
        await pilot.pause()
        lock = app.screen
        vault.key_file(db).write_text("damaged\n")
        await pilot.press(*SECRET, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is lock
        assert "key file cannot be used now" in " ".join(screen_text(app).split())
        assert "Ana" not in screen_text(app)


# The command line


def test_a_wrong_passphrase_in_the_environment_is_one_line_and_exit_code_1(
    a_vault: tuple[Path, str], tmp_path: Path
) -> None:
    db, _ = a_vault
    env = cli_env(tmp_path, SRS_TUI_PASSPHRASE="wrong one")
    done = subprocess.run(
        [sys.executable, "-m", "srs_tui", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "wrong passphrase" in done.stderr
    assert "Ana" not in done.stderr


async def test_a_vault_remembered_in_the_keychain_opens_after_the_first_frame(
    a_vault: tuple[Path, str],
) -> None:
    # No OS keychain runs here: a keyring backend in memory stands in for it.
    import keyring
    from keyring.backend import KeyringBackend

    class InMemory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.kept: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            del self.kept[(service, username)]

    db, _ = a_vault
    before = keyring.get_keyring()
    keyring.set_keyring(InMemory())
    try:
        assert vault.unlock(db, SECRET)
        vault.remember(db)
        engine.forget_keys()
        app = UnlockApp(db, clock=FakeMonotonic(), remembered=True)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.return_value is True
        assert vault.is_unlocked(db)
    finally:
        keyring.set_keyring(before)
