"""Thanks: what the client sees after saving on a shared screen. Their four values and the
total, and one open question in their own words; no rule, alert, verdict or note box (the
therapist's feedback waits until sharing stops)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from srs_tui.context import AppContext, Share
from srs_tui.measures import format_tenths, measure_named
from srs_tui.rules import Feedback
from srs_tui.screens.asking import give_srs_of, question_to_ask, srs_follows
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.navigation import go_back
from srs_tui.screens.sizing import preset_breakpoints
from srs_tui.store import Administration, Client
from srs_tui.widgets.big_number import BigNumber
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.unwatched import AppHeader


class ThanksScreen(ClientScreen):
    """Thanks for the ratings; Enter goes back to the client's history."""

    DEFAULT_CSS = """
    ThanksScreen #thanks-body {
        padding: 0 2;
    }
    ThanksScreen #thanks-title {
        margin-top: 1;
        text-style: bold;
    }
    ThanksScreen #thanks-total {
        height: 3;
        margin-top: 1;
    }
    ThanksScreen #thanks-digits {
        width: auto;
        min-width: 12;
        text-style: bold;
        margin-right: 2;
    }
    ThanksScreen #thanks-of {
        width: 1fr;
        height: 3;
        content-align: left middle;
    }
    ThanksScreen #thanks-items {
        margin-top: 1;
    }
    ThanksScreen #thanks-question {
        margin-top: 1;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("enter,ctrl+s,escape", "done", "Done", id="thanks.done"),
        Binding("ctrl+n", "srs", "SRS", id="thanks.srs"),
    ]

    def __init__(
        self,
        ctx: AppContext,
        client: Client,
        saved: Administration,
        feedback: Feedback,
        *,
        shared: Share,
    ) -> None:
        super().__init__(ctx, client, shared=shared)
        preset_breakpoints(self)
        self.saved = saved
        self.feedback = feedback
        self.measure = measure_named(saved.measure)
        self.wording = ctx.wording(client, self.measure, saved.form)
        self.profile = ctx.config.profiles.of(saved.measure, saved.form)
        self.sub_title = self.say(f"thanks.title_{self.measure.name.lower()}")
        self._srs_next = srs_follows(ctx, client, saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        if action == "srs":
            return self._srs_next
        return True

    def compose(self) -> ComposeResult:
        yield AppHeader(icon="")
        yield self.share_banner()
        with VerticalScroll(id="thanks-body", can_focus=False):
            yield Static(
                self.say("thanks.heading", name=self.shown_name()), id="thanks-title", markup=False
            )
            with Horizontal(id="thanks-total"):
                yield BigNumber(format_tenths(self.feedback.total), id="thanks-digits")
                yield Static(self._of(), id="thanks-of", markup=False)
            yield Static(self._items(), id="thanks-items")
            yield Static(self._question(), id="thanks-question")
        yield KeyBar(words=self.say)

    def _of(self) -> str:
        return self.say("thanks.of", top=self.measure.total_max // 10)

    def _items(self) -> Text:
        """The four values, each beside its label in the client's words."""
        text = Text(no_wrap=True, overflow="ellipsis")
        width = max(len(item.label) for item in self.wording.items)
        for item, value in zip(self.wording.items, self.saved.scores.values, strict=True):
            text.append(f"{item.label:<{width}}  ")
            text.append(f"{format_tenths(value):>4}\n", style="bold")
        text.rstrip()
        return text

    def _question(self) -> Text:
        return Text(question_to_ask(self.feedback, self.wording, self.profile))

    def action_done(self) -> None:
        """Back to the client's history."""
        go_back(self, self.ctx)

    def action_srs(self) -> None:
        """The SRS of the same session, in place of these thanks."""
        if self._srs_next:
            give_srs_of(self, self.saved)
