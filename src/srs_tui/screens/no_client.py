"""No client has the alias given with --client: open a close one, add it, or neither.

Asked before a new client is made, so that a typo (R17 for R-17) does not start a second
record of the same person. Never shown on a shared screen: it names other clients (the
command line refuses --share with an unknown alias before the app starts).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from srs_tui.alias_match import Known
from srs_tui.screens.dialog import Dialog
from srs_tui.terminal_text import terminal_safe

OPEN, ADD = "open", "add"
Choice = tuple[str, str]  # (OPEN, an alias suggested) or (ADD, the alias typed)


class NoClientScreen(Dialog[Choice | None]):
    """What to do with an alias no client has; None: neither (Escape)."""

    DEFAULT_CSS = """
    NoClientScreen OptionList {
        height: auto;
        max-height: 8;
    }
    NoClientScreen .dialog-hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Open nothing, add nobody", id="no_client.cancel"
        ),
    ]

    def __init__(self, typed: str, near: list[Known]) -> None:
        super().__init__()
        self.typed = typed
        self.near = near

    def compose(self) -> ComposeResult:
        question = Text("No client ")
        question.append(f"'{terminal_safe(self.typed)}'", "bold")
        question.append(".")
        if self.near:
            question.append(" Did you mean: ")
            question.append(", ".join(self._named(known) for known in self.near))
            question.append("?")
        options = [
            Option(Text(f"Open {self._named(known)}"), id=f"{OPEN}-{index}")
            for index, known in enumerate(self.near)
        ]
        options.append(Option(Text(f"Add {terminal_safe(self.typed)} as a new client"), id=ADD))
        options.append(Option(Text("Cancel: the caseload"), id="cancel"))
        with Vertical(classes="dialog"):
            yield Label("No such client", classes="dialog-title")
            yield Static(question, classes="dialog-text")
            yield OptionList(*options, id="choices")
            yield Static("↑ ↓ and Enter to choose · Esc: the caseload", classes="dialog-hint")

    @staticmethod
    def _named(known: Known) -> str:
        # The alias as stored (to be found again), shown with any control character another
        # tool wrote into it escaped: Rich passes ESC through to the terminal.
        alias = terminal_safe(known.alias)
        return f"{alias} (archived)" if known.archived else alias

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id or ""
        if chosen == ADD:
            self.dismiss((ADD, self.typed))
        elif chosen.startswith(f"{OPEN}-"):
            self.dismiss((OPEN, self.near[int(chosen.removeprefix(f"{OPEN}-"))].alias))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Open nothing and add nobody: on to the caseload."""
        self.dismiss(None)
