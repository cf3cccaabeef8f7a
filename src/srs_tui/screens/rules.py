"""The alert rules: each with its id, its threshold as configured, and its source."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from srs_tui.rules import RULES, Thresholds
from srs_tui.screens.dialog import Dialog


def rules_text(thresholds: Thresholds) -> Content:
    """Every rule, most urgent first, with its current threshold and its source."""
    parts: list[str | tuple[str, str]] = []
    for rule in RULES:
        symbol = ("↑ ", "bold $text-success") if rule.positive else ("▲ ", "bold $text-warning")
        parts += [
            symbol,
            (rule.title, "bold"),
            (f"  {rule.id}\n", "$text-muted"),
            f"  Fires when: {rule.threshold(thresholds)}.",
            "  A good sign, not counted as an alert.\n" if rule.positive else "\n",
            (f"  Source: {rule.source}\n\n", "$text-muted"),
        ]
    parts.append(
        "These rules start a conversation; they are not a diagnosis. The thresholds are set "
        "in the settings file (config.toml in the srs-tui config folder)."
    )
    return Content.assemble(*parts)


class RulesScreen(Dialog[None]):
    """The rules behind every alert."""

    DEFAULT_CSS = """
    RulesScreen #rules-body {
        height: auto;
        max-height: 30;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="rules.close"),
    ]

    def __init__(self, thresholds: Thresholds) -> None:
        super().__init__()
        self.thresholds = thresholds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Label("Alert rules", classes="dialog-title")
            with VerticalScroll(id="rules-body"):
                yield Static(rules_text(self.thresholds))

    def action_close(self) -> None:
        """Close the rules."""
        self.dismiss(None)
