"""Before the app reads a record: the vault's passphrase, and at the first start the vault offered.

Two small Textual apps of their own, run by the command line before `make_app` (which opens the
database), so that nothing of the records is read, or shown, before the passphrase:

- `UnlockApp`: the name and a passphrase field, nothing else. Its first frame is drawn at once;
  `vault.unlock` (scrypt, about half a second) runs in a thread when Enter is pressed. A wrong
  passphrase gets a message and the idle lock's growing delay (`passphrase.delay_after`).
  Ctrl+Q quits with nothing read.
- `FirstStartApp`: until the settings file says where sessions are usually held, asks it
  (telehealth or in person) and writes the answer there. When there is no database yet, it
  then asks whether the records should be a vault.
  Yes: a passphrase typed twice, the vault made in a thread, then the recovery key shown once,
  with a way to save it to a file. No: the app starts on a plain database, as before.

English only: these screens come before any client is chosen, so they are never shared. All
their words are in `screens/start_words.py`; the offer's screens in `screens/vault_offer.py`.
"""

from __future__ import annotations

import asyncio
import math
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from srs_tui.passphrase import delay_after
from srs_tui.quiet_app import QuietApp
from srs_tui.screens.setting_question import SettingScreen
from srs_tui.screens.start_words import say
from srs_tui.screens.vault_offer import (
    MADE,
    PLAIN,
    NewPassphraseScreen,
    OfferScreen,
    RecoveryKeyScreen,
)
from srs_tui.store import StoreError, vault
from srs_tui.terminal_input import end_on_hangup
from srs_tui.themes import HIGH_CONTRAST

__all__ = [
    "ANSWERED",
    "MADE",
    "PLAIN",
    "FirstStartApp",
    "UnlockApp",
    "ask_passphrase",
    "first_start",
]

Result = TypeVar("Result")


class StartApp(QuietApp[Result]):
    """What both apps share: the look, Ctrl+Q, the signals, and a crash that shows no secret."""

    TITLE = "srs-tui"
    ENABLE_COMMAND_PALETTE = False
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="start.quit")]
    CSS = """
    Screen { align: center middle; }
    #start-name { width: auto; color: $text-muted; text-style: bold; margin-bottom: 1; }
    .start-field { width: 44; }
    .start-words { width: 44; color: $text-muted; margin-top: 1; }
    .start-message { width: 44; height: auto; min-height: 1; }
    .start-box { width: 72; max-width: 100%; height: auto; padding: 0 2; }
    .start-box .start-message { width: 1fr; }
    .start-title { text-style: bold; margin-bottom: 1; }
    .start-text { margin-bottom: 1; }
    .start-buttons { height: auto; margin-top: 1; }
    .start-buttons Button { margin-right: 2; }
    #recovery-key {
        width: auto; padding: 0 3; margin: 1 0; border: heavy $primary;
        text-style: bold; color: $text; background: $boost;
    }
    Screen.-tall #recovery-key { padding: 1 5; }
    #key-warning { text-style: bold; color: $text-warning; }
    """

    def __init__(self, db_path: Path, *, theme: str = "textual-dark") -> None:
        super().__init__()
        self.db_path = db_path
        self._theme_name = theme
        self.handle_signals = False  # the command line sets it: signals in a real terminal

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = self._theme_name
        if self.handle_signals and sys.platform != "win32":
            # As in the app: the terminal is given back, not left in raw mode.
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, self.exit)
            end_on_hangup(self.exit)


class UnlockApp(StartApp[bool]):
    """The vault's passphrase (or recovery key) before anything is read: True once unlocked."""

    def __init__(
        self,
        db_path: Path,
        *,
        theme: str = "textual-dark",
        clock: Callable[[], float] = time.monotonic,
        remembered: bool = False,
    ) -> None:
        """remembered: try the OS keychain first (the therapist may have chosen "remember on
        this machine"), after the first frame: keyring takes a few tenths of a second to load,
        and the prompt is due at once."""
        super().__init__(db_path, theme=theme)
        self.clock = clock
        self.remembered = remembered
        self.wrong = 0
        self.locked_until = 0.0
        self.checking = False

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static("srs-tui", id="start-name")
            yield Input(
                placeholder=say("unlock.field"), password=True, id="secret", classes="start-field"
            )
            yield Static("", id="message", classes="start-message", markup=False)
            yield Static(say("unlock.help"), classes="start-words", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        if self.remembered:
            self.call_after_refresh(
                self.run_worker,
                lambda: vault.unlock_remembered(self.db_path),
                thread=True,
                exit_on_error=False,
                group="remembered",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.try_secret(event.value)

    def try_secret(self, typed: str) -> Worker[bool] | None:
        """Unlock with typed in a thread; None when nothing is tried (a try is running, or
        the wait after wrong ones is not over)."""
        if self.checking:
            return None
        self.query_one("#secret", Input).value = ""
        message = self.query_one("#message", Static)
        wait = self.locked_until - self.clock()
        if wait > 0:
            message.update(say("unlock.wait", seconds=math.ceil(wait)))
            return None
        self.checking = True
        message.update(say("unlock.checking"))
        return self.run_worker(
            lambda: vault.unlock(self.db_path, typed), thread=True, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.worker.group == "remembered":  # never raises; False: the passphrase, then
            if event.worker.result:
                self.exit(True)
            return
        self.checking = False
        message = self.query_one("#message", Static)
        error = event.worker.error
        if event.state == WorkerState.ERROR:
            # The key file or the database cannot be used: the store's message says why (a
            # path at most; nothing of a record is read).
            message.update(str(error) if isinstance(error, StoreError) else say("unlock.broken"))
            return
        if event.worker.result:
            self.exit(True)
            return
        self.wrong += 1
        delay = delay_after(self.wrong)
        self.locked_until = self.clock() + delay
        if delay:
            message.update(say("unlock.wrong_wait", seconds=delay))
        else:
            message.update(say("unlock.wrong"))


def ask_passphrase(db_path: Path, theme: str = "textual-dark") -> UnlockApp:
    """Run the unlock app to its end; it says how it ended (return_value, crash)."""
    app = UnlockApp(db_path, theme=theme, remembered=True)
    app.handle_signals = True
    app.run()
    return app


# The first start: the usual setting asked, the vault offered.

ANSWERED = "answered"  # the first start's question alone, answered


class FirstStartApp(StartApp[str]):
    """The first start: returns MADE (a vault now holds the new database), PLAIN (make none),
    ANSWERED (the question alone was asked, and answered), or None (quit: nothing made).

    settings: the settings file to ask the usual setting of a session for, first (None: not
    asked); offer: offer the vault (False: the database exists already). The setting chosen is
    kept in `setting` for this start, saved or not."""

    def __init__(
        self,
        db_path: Path,
        *,
        theme: str = "textual-dark",
        settings: Path | None = None,
        offer: bool = True,
    ) -> None:
        super().__init__(db_path, theme=theme)
        self.settings = settings
        self.offer = offer
        self.setting: str | None = None

    def get_default_screen(self) -> Screen[None]:
        if self.settings is not None:
            return SettingScreen(self.settings, self.setting_chosen)
        return OfferScreen(self.db_path)

    def setting_chosen(self, setting: str) -> None:
        """The question answered: on to the vault's offer, if there is one to make."""
        self.setting = setting
        if self.offer:
            self.push_screen(OfferScreen(self.db_path))  # over the question, done
        else:
            self.exit(ANSWERED)

    async def action_quit(self) -> None:
        screen = self.screen
        if isinstance(screen, RecoveryKeyScreen):
            screen.stay()
        elif not (isinstance(screen, NewPassphraseScreen) and screen.making):
            self.exit()


def first_start(
    db_path: Path, theme: str = "textual-dark", *, settings: Path | None, offer: bool
) -> FirstStartApp:
    """Run the first start's question and offer to their end; it says how it ended
    (return_value, setting, crash)."""
    app = FirstStartApp(db_path, theme=theme, settings=settings, offer=offer)
    app.handle_signals = True
    app.run()
    return app
