"""The Textual App, and make_app() that the command line and the tests share."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from srs_tui.config import Config
from srs_tui.context import AppContext, local_now
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.navigation import LaunchScreen
from srs_tui.store import Client, Store
from srs_tui.store.records import clean_alias


class SrsApp(App[None]):
    """srs-tui: the Session Rating Scale in the terminal."""

    CSS_PATH = "srs.tcss"
    TITLE = "srs-tui"
    ENABLE_COMMAND_PALETTE = False
    # Screen classes by terminal height: tall screens give the items room to breathe.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, ctx: AppContext, *, start_client: Client | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.start_client = start_client

    def _fatal_error(self) -> None:
        # Textual's traceback shows local variables, which can hold client data: print it
        # only when asked for (SRS_TUI_DEBUG=1); the command line prints one line instead.
        if os.environ.get("SRS_TUI_DEBUG"):
            super()._fatal_error()
            return
        self.bell()
        self._close_messages_no_wait()

    @property
    def crash(self) -> BaseException | None:
        """The unexpected error that stopped the app, if one did."""
        return self._exception

    def get_default_screen(self) -> Screen[None]:
        if self.start_client is not None:
            return LaunchScreen()
        return CaseloadScreen(self.ctx)

    def on_mount(self) -> None:
        # Started for one client, the app opens on the rating screen alone: the caseload
        # (every other client's alias) is built only if the therapist goes back to it.
        if self.start_client is not None:
            from srs_tui.screens.rate import RateScreen

            self.push_screen(RateScreen(self.ctx, self.start_client))

    def on_unmount(self) -> None:
        self.ctx.store.close()

    async def action_quit(self) -> None:
        """Quit, asking first if typed ratings or a note would be lost."""
        has_unsaved = getattr(self.screen, "has_unsaved", None)
        if not (callable(has_unsaved) and has_unsaved()):
            self.exit()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(
            ConfirmScreen("Quit and discard what was typed but not saved?", yes="Quit"), answer
        )


def make_app(
    db_path: Path,
    config: Config | None = None,
    *,
    client_alias: str | None = None,
    clock: Callable[[], datetime] = local_now,
    create_parents: bool = False,
) -> SrsApp:
    """Open the store (StoreError if the file is not ours) and build the app on it."""
    if client_alias is not None:
        clean_alias(client_alias)  # refuse a bad alias before any file is created
    store = Store.open(db_path, create_parents=create_parents)
    try:
        ctx = AppContext(store=store, config=config or Config(), clock=clock)
        client = store.get_or_add_client(client_alias, now=clock()) if client_alias else None
    except BaseException:
        store.close()
        raise
    return SrsApp(ctx, start_client=client)
