"""The Textual App, and make_app() that the command line and the tests share."""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.screen import Screen

from srs_tui.config import Config
from srs_tui.context import AppContext, local_now
from srs_tui.passphrase import check_passphrase, has_passphrase
from srs_tui.screens import navigation
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.screens.navigation import LaunchScreen
from srs_tui.sharing import ShareMode
from srs_tui.store import Client, Store, StoreError
from srs_tui.store.records import clean_alias
from srs_tui.terminal_input import end_on_hangup
from srs_tui.themes import HIGH_CONTRAST, THEMES
from srs_tui.wording import LicensedWording

# What counts as the therapist being there, for the idle lock.
INPUT_EVENTS = (
    events.Key,
    events.MouseDown,
    events.MouseMove,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


class SrsApp(ShareMode):
    """srs-tui: the Session Rating Scale in the terminal."""

    TITLE = "srs-tui"
    ENABLE_COMMAND_PALETTE = False
    # Screen classes by terminal height: tall screens give the items room to breathe.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
        Binding(
            "ctrl+l,f12",
            "curtain",
            "Curtain",
            show=False,
            priority=True,
            tooltip="Hide everything at once; the same key brings it back",
            id="app.curtain",
        ),
        # Every F-key has a second key that a laptop without Fn reaches (Ctrl+H, Ctrl+I, Ctrl+M
        # and Ctrl+J are Backspace, Tab and Enter in a terminal, Ctrl+B is tmux's).
        Binding(
            "f9,ctrl+r",
            "toggle_contrast",
            "Contrast",
            show=False,
            tooltip="Switch the high-contrast theme on or off",
            id="app.contrast",
        ),
        Binding(
            "ctrl+o,f6",
            "toggle_share",
            "Share",
            tooltip="Share mode: only this client's screens; again to stop",
            id="app.share",
        ),
        Binding(
            "question_mark,f1",
            "toggle_keys",
            "Keys",
            tooltip="Every key of this screen and what it does; again to close",
            id="app.keys",
        ),
    ]

    def __init__(
        self,
        ctx: AppContext,
        *,
        start_client: Client | None = None,
        share: bool = False,
        unknown_alias: str | None = None,
    ) -> None:
        super().__init__(ctx, start_client)
        self._start_shared = share and start_client is not None
        # --client with an alias no client has: asked about first (screens/no_client.py).
        self.unknown_alias = None if start_client is not None or share else unknown_alias
        self.last_input = ctx.monotonic()
        self.handle_signals = False  # the command line sets it: signals in a real terminal

    def get_default_screen(self) -> Screen[None]:
        if self.start_client is not None or self.unknown_alias is not None:
            return LaunchScreen()
        from srs_tui.screens.caseload import CaseloadScreen  # not needed for --client

        return CaseloadScreen(self.ctx)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUT_EVENTS):
            self.last_input = self.ctx.monotonic()
        await super().on_event(event)

    def action_curtain(self) -> None:
        """Drop the curtain over everything, or lift it."""
        curtain = self._curtain()
        if curtain is None:
            self.push_screen(CurtainScreen(clock=self.ctx.monotonic, say=self._say()))
        elif self.screen is curtain:
            curtain.lift()
        else:
            self.pop_screen()  # a question asked over the curtain: back to the curtain

    def _passphrase_check(self) -> Callable[[str], bool] | None:
        from srs_tui.store import vault  # only when the lock is due: a plain start never needs it

        store_path = self.ctx.store.path
        if vault.is_vault(store_path):  # the vault's passphrase (or recovery key) is the lock's
            return lambda typed: vault.check_secret(store_path, typed)
        path = self.ctx.passphrase_file
        if path is None or not has_passphrase(path):
            return None
        # A file that cannot be used raises PassphraseError: the curtain stays and says why.
        return lambda typed: check_passphrase(path, typed)

    def locked(self) -> bool:
        """Whether the passphrase lock is on screen (a curtain only the passphrase lifts)."""
        curtain = self._curtain()
        return curtain is not None and curtain.needs_passphrase

    def check_idle_lock(self) -> None:
        """Lock the screen if no input came for the idle time (run every second or less). With
        a passphrase, a curtain already down becomes the lock: Ctrl+L alone lifts a manual one."""
        timeout = self.ctx.config.idle_lock_seconds
        if not timeout or self.ctx.monotonic() - self.last_input < timeout or self.locked():
            return
        check = self._passphrase_check()
        curtain = self._curtain()
        if curtain is not None and check is None:
            return  # it hides everything already, and no passphrase would lock it better
        lock = CurtainScreen(idle=True, check=check, clock=self.ctx.monotonic, say=self._say())
        if curtain is None:
            self.push_screen(lock)
            return
        while self.screen is not curtain:  # a question over it ("Show the screen again?")
            self.pop_screen()
        self.switch_screen(lock)

    def check_database_file(self) -> None:
        """Let go at once of a database file deleted or replaced by another program.

        Every second, three os.stat calls. Held on to, this window's write-ahead log would be
        shared with the new file by the next program to open it: they would lose each other's
        saves, or read a damaged database. What the window still sees is kept aside first."""
        store = self.ctx.store
        if store.abandoned or not store.moved():
            return
        now = self.ctx.clock()
        rescue = store.path.with_name(f"{store.path.name}.rescued-{now:%Y%m%d-%H%M%S}")
        kept = store.abandon(rescue)
        # No path, no alias, in the client's language: the screen may be shared.
        say = self._say()
        where = say("app.kept_in", name=rescue.name) + " " if kept else ""
        self.notify(
            say("app.file_replaced", kept=where),
            severity="error",
            timeout=3600,
            markup=False,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        if action == "toggle_keys":
            # A shared screen's bar shows the client's keys, in their language: no panel of the
            # therapist's keys there. Nor over the curtain, which hides everything.
            return self.current_mode == self.DEFAULT_MODE and self._curtain() is None
        return True

    def action_toggle_keys(self) -> None:
        """Show every key of the screen in a panel beside it, or hide it."""
        from srs_tui.widgets.keys_panel import KeysPanel

        shown = self.screen.query(KeysPanel)
        if shown:
            shown.remove()
        else:
            self.screen.mount(KeysPanel())

    def action_toggle_contrast(self) -> None:
        """Switch the high-contrast theme on or off."""
        high = self.theme == HIGH_CONTRAST.name
        self.theme = THEMES["default"] if high else HIGH_CONTRAST.name

    def _daily_backup(self) -> None:
        """Today's automatic backup, off the UI thread, on a connection of its own."""
        from srs_tui.exchange.backup import daily_backup
        from srs_tui.store.errors import DamagedError
        from srs_tui.store.paths import BACKUP_FOLDER

        store_path = self.ctx.store.path
        try:
            daily_backup(
                store_path,
                store_path.parent / BACKUP_FOLDER,
                self.ctx.clock(),
                self.ctx.config.keep_daily_backups,
            )
        except DamagedError:
            self.call_from_thread(
                self.notify, self._say()("app.backup_damaged"), severity="error", timeout=600
            )
        except (StoreError, OSError):
            # No path or reason on screen, which may be shared; `srs-tui backup` says more.
            self.call_from_thread(self.notify, self._say()("app.backup_failed"), severity="warning")

    def guard_signals(self) -> None:
        """In a real terminal (the command line asks for it): SIGTERM and SIGHUP end the app as
        Ctrl+Q would, so the terminal is restored (and left blank after sharing) rather than
        left showing the client's screen; SIGTSTP (a suspend) is refused once the window has
        been shared, as a suspended app shows the terminal's earlier output."""
        if sys.platform == "win32":
            return
        loop = asyncio.get_running_loop()
        suspend = signal.getsignal(signal.SIGTSTP)  # the terminal driver's, set by now

        def suspend_unless_shared() -> None:
            if not self.ever_shared and callable(suspend):
                suspend(signal.SIGTSTP, None)

        loop.add_signal_handler(signal.SIGTERM, self.exit)
        end_on_hangup(self.exit)
        loop.add_signal_handler(signal.SIGTSTP, suspend_unless_shared)

    def on_mount(self) -> None:
        if self.handle_signals:
            self.guard_signals()
        self.call_after_refresh(self._after_first_frame)
        self.register_theme(HIGH_CONTRAST)
        self.theme = THEMES[self.ctx.config.theme]
        timeout = self.ctx.config.idle_lock_seconds
        if timeout:
            self.set_interval(min(1.0, timeout / 4), self.check_idle_lock)
        self.set_interval(1.0, self.check_database_file)
        self.set_interval(1.0, self.check_shared_client)
        # Started for one client, the app opens on the rating screen alone: the caseload
        # (every other client's alias) is built only if the therapist goes back to it.
        client = self.start_client
        if client is not None and self._start_shared:
            self.start_sharing(client)
            navigation.open_rating(self, self.ctx, client, shared=self.share)
        elif client is not None:
            navigation.open_rating(self, self.ctx, client)
        elif self.unknown_alias is not None:
            self._ask_about_alias(self.unknown_alias)

    def _ask_about_alias(self, typed: str) -> None:
        """No client has the alias typed with --client: offer the closest ones, adding it, or
        the caseload; a new client is made only when chosen."""
        from srs_tui.alias_match import Known, closest
        from srs_tui.screens.no_client import ADD, Choice, NoClientScreen

        try:
            near = closest(typed, [Known(*entry) for entry in self.ctx.store.aliases()])
        except StoreError:
            near = []  # unreadable now: adding says what is wrong

        def answered(choice: Choice | None) -> None:
            client: Client | None = None
            if choice is not None:
                action, alias = choice
                try:
                    if action == ADD:
                        client = self.ctx.store.add_client(alias, now=self.ctx.clock())
                    else:
                        client = self.ctx.store.find_client(alias)
                except StoreError as error:
                    self.notify(str(error), severity="error", markup=False)
            if client is None:
                from srs_tui.screens.caseload import CaseloadScreen

                self.push_screen(CaseloadScreen(self.ctx))
                return
            self.start_client = client
            navigation.open_rating(self, self.ctx, client)

        self.push_screen(NoClientScreen(typed, near), answered)

    def _after_first_frame(self) -> None:
        # What start-up built (Textual, the styles, the first screen) lives as long as the app.
        # Frozen out of the garbage collector's reach, a full collection no longer walks it
        # all: one took 21 ms in the middle of typing a rating. Garbage goes first, so that
        # none of it is kept for good.
        gc.collect()
        gc.freeze()
        gc.enable()  # the command line pauses it for the start-up (__main__.main)
        # The day's backup, once the first screen is up: its thread holds the interpreter
        # for a while, and the client may be waiting on the call.
        if self.ctx.daily_backup and self.ctx.config.keep_daily_backups:
            self.run_worker(self._daily_backup, thread=True, exit_on_error=False)

    def on_unmount(self) -> None:
        self.ctx.store.close()

    def action_help_quit(self) -> None:
        """Ctrl+C: on the therapist's screens, how to quit; on a shared screen or the lock,
        nothing."""
        if not self.share.active and not self.locked():
            super().action_help_quit()

    async def action_quit(self) -> None:
        """Quit, asking first if typed ratings or a note would be lost; on a shared screen,
        always asking (in the client's language): a slip of the finger ends the client's
        view."""
        from srs_tui.screens.confirm import confirm_then

        if self.locked():
            return  # the lock holds: only the passphrase, or a signal from outside, ends it
        if self.current_mode != self.DEFAULT_MODE:
            # Sharing, or about to: the therapist's screens below may hold typed ratings too.
            say = self._say()
            confirm_then(
                self,
                say("share.quit_question"),
                self.exit,
                yes=say("share.quit_yes"),
                no=say("share.quit_no"),
            )
            return
        # Every screen in the stack: typed ratings may lie under the curtain or a dialog.
        if not any(
            isinstance(screen, ClientScreen) and screen.has_unsaved()
            for screen in self.screen_stack
        ):
            self.exit()
            return
        confirm_then(self, "Quit and discard what was typed but not saved?", self.exit, yes="Quit")


def make_app(
    db_path: Path,
    config: Config | None = None,
    *,
    client_alias: str | None = None,
    clock: Callable[[], datetime] = local_now,
    monotonic: Callable[[], float] = time.monotonic,
    daily_backup: bool = False,
    create_parents: bool = False,
    passphrase_file: Path | None = None,
    share: bool = False,
    licensed_wording: LicensedWording | None = None,
    new_client: bool = False,
) -> SrsApp:
    """Open the store (StoreError if the file is not ours) and build the app on it.

    client_alias: the client to rate at once, found in any case; with no client of that
    alias, new_client adds one, share mode refuses (StoreError), and otherwise the app asks
    first (the closest aliases, adding it, or the caseload).

    The day's backup is made on start only with daily_backup (the command line sets it): a
    test that does not check it leaves no thread behind."""
    typed = clean_alias(client_alias) if client_alias is not None else None  # before any file
    store = Store.open(db_path, create_parents=create_parents)
    try:
        ctx = AppContext(
            store=store,
            config=config or Config(),
            clock=clock,
            monotonic=monotonic,
            passphrase_file=passphrase_file,
            licensed_wording=licensed_wording,
            daily_backup=daily_backup,
        )
        client = store.find_client(typed) if typed is not None else None
        if client is None and typed is not None and new_client:
            client = store.add_client(typed, now=clock())
    except BaseException:
        store.close()
        raise
    if share and client is None:
        store.close()
        if typed is None:
            raise StoreError("Share mode needs a client: add --client ALIAS.")
        # Nothing of any other client on a screen that may be shared: no suggestion here.
        raise StoreError(f"no client '{typed}'; add them with --new, or use the exact alias.")
    return SrsApp(ctx, start_client=client, share=share, unknown_alias=typed)
