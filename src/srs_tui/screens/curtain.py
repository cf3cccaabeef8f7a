"""The curtain: a blank screen over everything, at once, with no client data on it.

Dropped by Ctrl+L or F12 on any screen, or by the idle lock. The screen under it is kept as it
was (typed ratings included) and comes back when the curtain is lifted.

With a passphrase, the lock holds: neither Ctrl+Q nor Ctrl+C quits from it (the app checks
`locked()`), so the only ways past it are the passphrase and a signal from outside (closing the
terminal window). A passphrase is checked in a thread: scrypt takes about half a second.

With a passphrase file that cannot be used (missing, damaged, or weaker than srs-tui writes),
nothing lifts the idle lock: lifting it for any passphrase would let a guess through. The
curtain says so and how to keep the screen: set the passphrase again from another terminal,
then type it here; or close the terminal window, losing what was typed but not saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from srs_tui.passphrase import PassphraseError, delay_after
from srs_tui.screens.confirm import confirm_then
from srs_tui.store import StoreError
from srs_tui.wording.ui import UiWords, ui_words

# What a check found: the passphrase, not it, or a passphrase file (or vault key file) that
# cannot be used.
Outcome = Literal["right", "wrong", "unusable", "vault_unusable"]

__all__ = ["CurtainScreen", "delay_after"]  # delay_after: the lock's, kept in the core


class CurtainScreen(Screen[None]):
    """Nothing but the app's name. With a passphrase check, only the passphrase lifts it."""

    DEFAULT_CSS = """
    CurtainScreen {
        background: $background;
    }
    CurtainScreen #curtain-name {
        width: auto;
        color: $text-muted;
        text-style: bold;
        margin-bottom: 1;
    }
    CurtainScreen #curtain-hint, CurtainScreen #curtain-message {
        width: auto;
        color: $text-muted;
    }
    CurtainScreen #curtain-message {
        max-width: 40;  /* as wide as the field above it, so the two stay centred together */
    }
    CurtainScreen #passphrase {
        width: 40;
    }
    """

    BINDINGS = [
        Binding(
            "escape", "ask_lift", "Show the screen", tooltip="Lift the curtain", id="curtain.lift"
        ),
    ]

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        idle: bool = False,
        check: Callable[[str], bool] | None = None,
        say: UiWords | None = None,
    ) -> None:
        """clock: the app's monotonic seconds, for the waits after wrong passphrases. say:
        the words, in the shared client's language on a shared screen (else English)."""
        super().__init__()
        # No path and nothing of any client in them: the screen may be shared.
        self.say = say or ui_words("en")
        self.idle = idle
        self.check = check
        self.clock = clock
        self.wrong = 0
        self.locked_until = 0.0
        self.checking = False  # a passphrase is being checked: another waits for its end

    @property
    def needs_passphrase(self) -> bool:
        """Whether only the passphrase lifts this curtain."""
        return self.check is not None

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static("srs-tui", id="curtain-name")
            if self.needs_passphrase:
                yield Input(
                    placeholder=self.say("curtain.passphrase"), password=True, id="passphrase"
                )
                yield Static("", id="curtain-message", markup=False)
            elif self.idle:
                yield Static(self.say("curtain.idle"), id="curtain-hint", markup=False)
            else:
                yield Static(self.say("curtain.hint"), id="curtain-hint", markup=False)

    def on_mount(self) -> None:
        if self.needs_passphrase:
            self.query_one("#passphrase", Input).focus()

    def on_key(self, event: events.Key) -> None:
        if self.idle and not self.needs_passphrase:
            # Without a passphrase, the idle lock is a curtain any key lifts.
            event.stop()
            event.prevent_default()
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.try_passphrase(event.value)

    def try_passphrase(self, typed: str) -> Worker[Outcome] | None:
        """Check typed in a thread; the curtain lifts if it is the passphrase, else a wrong
        try is counted. None when nothing is checked: a check is running (what is typed
        stays), or the wait after wrong tries is not over."""
        if self.checking:
            return None
        field = self.query_one("#passphrase", Input)
        message = self.query_one("#curtain-message", Static)
        field.value = ""
        wait = self.locked_until - self.clock()
        if wait > 0:
            message.update(self.say("curtain.wait", seconds=math.ceil(wait)))
            return None
        self.checking = True
        message.update(self.say("curtain.checking"))
        return self.run_worker(
            partial(self._check, typed), thread=True, exit_on_error=False, group="passphrase"
        )

    def _check(self, typed: str) -> Outcome:
        """In the worker's thread."""
        assert self.check is not None
        try:
            return "right" if self.check(typed) else "wrong"
        except PassphraseError:
            return "unusable"
        except StoreError:
            return "vault_unusable"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "passphrase" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        event.stop()
        self.checking = False
        outcome = event.worker.result if event.state == WorkerState.SUCCESS else "unusable"
        message = self.query_one("#curtain-message", Static)
        if outcome == "right":
            if self.app.screen is self:  # dismiss() pops whatever screen is on top
                self.dismiss(None)
            return
        if outcome != "wrong":
            message.update(self.say(f"curtain.{outcome}"))
            return
        self.wrong += 1
        delay = delay_after(self.wrong)
        self.locked_until = self.clock() + delay
        if delay:
            message.update(self.say("curtain.wrong_wait", seconds=delay))
        else:
            message.update(self.say("curtain.wrong"))

    def lift(self) -> None:
        """Lift the curtain, if no passphrase is needed."""
        if self.needs_passphrase:
            self.query_one("#passphrase", Input).focus()
            self.query_one("#curtain-message", Static).update(self.say("curtain.type"))
            return
        self.dismiss(None)

    def action_ask_lift(self) -> None:
        """Escape: show the screen again, after a confirmation."""
        if self.needs_passphrase:
            self.lift()
            return

        confirm_then(
            self.app,
            self.say("curtain.show_question"),
            lambda: self.dismiss(None),
            yes=self.say("curtain.show_yes"),
            no=self.say("curtain.show_no"),
        )
