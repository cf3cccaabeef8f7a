"""The alert rules: each with its id, its threshold as configured, and its source."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from srs_tui.rules import Profile, Profiles
from srs_tui.screens.dialog import Dialog


def _profile_text(profile: Profile) -> list[str | tuple[str, str]]:
    measure, form = profile.measure, profile.form
    keys = ["cutoff", "cutoff_inclusive", *profile.values]
    said = ", ".join(f"{key} = {profile.shown(key)}" for key in keys)
    off = ", ".join(f'"{rule_id}"' for rule_id in sorted(profile.off))
    parts: list[str | tuple[str, str]] = [
        (f"{measure.name}, {form.name} form", "bold underline"),
        (f"  {measure.title}\n", "$text-muted"),
        (f"  [{profile.section}]  {said}, off = [{off}]\n\n", "$text-muted"),
    ]
    if profile.rule_set is None:
        parts.append(f"  No alert rules for {measure.kind} measures in this version.\n\n")
    for rule in profile.rules:
        on = profile.is_on(rule)
        if not on:
            symbol = ("○ ", "bold $text-muted")
        elif rule.positive:
            symbol = ("↑ ", "bold $text-success")
        else:
            symbol = ("▲ ", "bold $text-warning")
        parts += [
            symbol,
            (rule.title, "bold"),
            (f"  {rule.id}", "$text-muted"),
            ("  (turned off in the settings)" if not on else "", "bold"),
            (f"  · set by {', '.join(rule.settings)}\n", "$text-muted"),
            f"  Fires when: {rule.threshold(profile)}.",
            "  A good sign, not counted as an alert.\n" if rule.positive else "\n",
            (f"  Source: {rule.source_in(profile)}\n\n", "$text-muted"),
        ]
    return parts


def rules_text(profiles: Profiles) -> Content:
    """Every measure's rules, most urgent first, with the thresholds as resolved from the
    settings and their sources."""
    parts: list[str | tuple[str, str]] = []
    for profile in profiles:
        parts += _profile_text(profile)
    parts.append(
        "These rules start a conversation; they are not a diagnosis. The thresholds are set "
        "in the settings file (config.toml in the srs-tui config folder), a section per "
        "measure such as [alerts.srs], and within it one per form such as [alerts.srs.adult]."
    )
    return Content.assemble(*parts)


class RulesScreen(Dialog[None]):
    """The rules behind every alert."""

    DEFAULT_CSS = """
    RulesScreen #rules-body {
        height: auto;
        max-height: 40;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="rules.close"),
    ]

    def __init__(self, profiles: Profiles) -> None:
        super().__init__()
        self.profiles = profiles

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Label("Alert rules", classes="dialog-title")
            with VerticalScroll(id="rules-body"):
                yield Static(rules_text(self.profiles))

    def action_close(self) -> None:
        """Close the rules."""
        self.dismiss(None)
