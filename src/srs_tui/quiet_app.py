"""An App that never prints a traceback to the terminal: the command line says one line."""

from __future__ import annotations

import os
from typing import TypeVar

from rich.console import RenderableType
from textual.app import App

from srs_tui.terminal_input import TerminalStopped

ReturnType = TypeVar("ReturnType")


class QuietApp(App[ReturnType]):
    """Textual's ways out of a crash, without their traceback (unless SRS_TUI_DEBUG=1): it
    shows local variables, which can hold client data or a passphrase being typed."""

    _panicked: TerminalStopped | None = None

    def _fatal_error(self) -> None:
        if os.environ.get("SRS_TUI_DEBUG"):
            super()._fatal_error()
            return
        self.bell()
        self._close_messages_no_wait()

    def panic(self, *renderables: RenderableType) -> None:
        # Textual's other way out (its keyboard thread failing) prints a traceback after the
        # app; the same one line as _fatal_error instead.
        if os.environ.get("SRS_TUI_DEBUG"):
            super().panic(*renderables)
            return
        self._panicked = TerminalStopped("the terminal could not be read")
        self._return_code = 1
        self.bell()
        self._close_messages_no_wait()

    @property
    def crash(self) -> BaseException | None:
        """The unexpected error that stopped the app, if one did."""
        return self._exception if self._exception is not None else self._panicked
