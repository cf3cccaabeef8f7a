"""The curtain: a blank screen over everything, at once, with no client data on it.

Dropped by Ctrl+L or F12 on any screen, or by the idle lock. The screen under it is kept as it
was (typed ratings included) and comes back when the curtain is lifted.

With a passphrase file that cannot be used (missing, damaged, or weaker than srs-tui writes),
nothing lifts the idle lock: lifting it for any passphrase would let a guess through. The
curtain says so and how to keep the screen: set the passphrase again from another terminal,
then type it here; or quit, losing what was typed but not saved.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Input, Static

from srs_tui.passphrase import PassphraseError
from srs_tui.screens.confirm import confirm_then
from srs_tui.wording.ui import UiWords, ui_words

FREE_TRIES = 3
MAX_DELAY_S = 60


def delay_after(wrong: int) -> int:
    """Seconds to wait after this many wrong passphrases: none for the first three, then
    doubling from 1 second, at most a minute."""
    if wrong < FREE_TRIES:
        return 0
    return int(min(2 ** (wrong - FREE_TRIES), MAX_DELAY_S))


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

    def try_passphrase(self, typed: str) -> bool:
        """Lift the curtain if typed is the passphrase; otherwise count a wrong try."""
        field = self.query_one("#passphrase", Input)
        message = self.query_one("#curtain-message", Static)
        field.value = ""
        wait = self.locked_until - self.clock()
        if wait > 0:
            message.update(self.say("curtain.wait", seconds=int(wait) + 1))
            return False
        assert self.check is not None
        try:
            lifted = self.check(typed)
        except PassphraseError:
            message.update(self.say("curtain.unusable"))
            return False
        if lifted:
            self.dismiss(None)
            return True
        self.wrong += 1
        delay = delay_after(self.wrong)
        self.locked_until = self.clock() + delay
        if delay:
            message.update(self.say("curtain.wrong_wait", seconds=delay))
        else:
            message.update(self.say("curtain.wrong"))
        return False

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
