"""The alert rules: each with its id, its threshold as configured, and its source."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from srs_tui.measures import AGE_SPANS, OUTCOME, format_tenths
from srs_tui.rules import Profile, Profiles
from srs_tui.rules.outcome import rci_words
from srs_tui.screens.dialog import Dialog


def _forms_text(profiles: list[Profile]) -> list[str | tuple[str, str]]:
    """Each form's cutoff and where its number comes from."""
    parts: list[str | tuple[str, str]] = []
    for profile in profiles:
        form = profile.form
        span = AGE_SPANS.get(form.name, "")
        if profile.cutoff is None:
            line = f"  {form.name} ({span}): no cutoff and no alerts ({form.cutoff_source}).\n"
            parts.append((line, "$text-muted"))
            continue
        if profile.cutoff_set and form.cutoff is not None:
            source = (
                f"the settings file (published: {format_tenths(form.cutoff)}, {form.cutoff_source})"
            )
        else:
            source = form.cutoff_source
        parts.append(f"  {form.name} ({span}): cutoff {format_tenths(profile.cutoff)}")
        parts.append((f"  · {source}\n", "$text-muted"))
    return parts


def _measure_text(profiles: list[Profile]) -> list[str | tuple[str, str]]:
    """One measure: its forms' cutoffs, then its rules once, with the thresholds of its first
    form that has norms."""
    first = next((p for p in profiles if p.judged), profiles[0])
    measure = first.measure
    keys = ["cutoff_inclusive", *first.values]
    said = ", ".join(f"{key} = {first.shown(key)}" for key in keys)
    off = ", ".join(f'"{rule_id}"' for rule_id in sorted(first.off))
    parts: list[str | tuple[str, str]] = [
        (f"{measure.name}", "bold underline"),
        (f"  {measure.title}, given at the {measure.given} of a session\n", "$text-muted"),
        (f"  [{first.section}]  {said}, off = [{off}]\n", "$text-muted"),
        *_forms_text(profiles),
        "\n",
    ]
    if measure.kind == OUTCOME:
        parts.append(
            "  Intake is the first ORS of the episode of care; every later ORS is compared "
            "with it. A total below the form's cutoff is in the clinical range: a state, "
            "not an alert.\n"
            f"  Reliable change index: {rci_words(first)}; from a standard deviation and a "
            "reliability it is 1.96 × √2 × SD × √(1 − r) (rci_sd, rci_reliability).\n\n"
        )
    if first.rule_set is None:
        parts.append(f"  No alert rules for {measure.kind} measures in this version.\n\n")
    for rule in first.rules:
        on = first.is_on(rule)
        if not on:
            symbol = ("○ ", "bold $text-muted")
        elif rule.positive:
            symbol = ("↑ ", "bold $text-success")
        elif rule.note:
            symbol = ("• ", "bold $text-accent")
        else:
            symbol = ("▲ ", "bold $text-warning")
        if rule.positive:
            kind = "  A good sign, not counted as an alert.\n"
        elif rule.note:
            kind = "  Worth a look; not counted as needing attention.\n"
        else:
            kind = "\n"
        parts += [
            symbol,
            (rule.title, "bold"),
            (f"  {rule.id}", "$text-muted"),
            ("  (turned off in the settings)" if not on else "", "bold"),
            (f"  · set by {', '.join(rule.settings)}\n", "$text-muted"),
            f"  Fires when: {rule.threshold(first)}.",
            kind,
            (f"  Source: {rule.source_in(first)}\n\n", "$text-muted"),
        ]
    return parts


def rules_text(profiles: Profiles) -> Content:
    """Every measure's rules, most urgent first, with the thresholds as resolved from the
    settings and their sources."""
    parts: list[str | tuple[str, str]] = []
    by_measure: dict[str, list[Profile]] = {}
    for profile in profiles:
        by_measure.setdefault(profile.measure.name, []).append(profile)
    for measure_profiles in by_measure.values():
        parts += _measure_text(measure_profiles)
    parts.append(
        "These rules start a conversation; they are not a diagnosis. The thresholds are set "
        "in the settings file (config.toml in the srs-tui config folder), a section per "
        "measure such as [alerts.ors], and within it one per form such as [alerts.ors.child]. "
        "The rules are shown with the thresholds of each measure's adult form. The outcome "
        "rules use no platform's expected-treatment-response curve: those are proprietary."
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
        Binding("escape,q,R", "close", "Close", id="rules.close"),
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
