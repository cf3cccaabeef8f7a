"""The alert rules, one rule set per measure kind: a client's own series in time order in,
alerts out; pure, no I/O.

RULE_SETS maps a kind to its rule set; a new kind is one new module and one entry here. The
profiles (every measure and form with its thresholds resolved from the settings) are what the
rest of the app hands around and asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from srs_tui.measures import ALLIANCE, MEASURES, OUTCOME, Form, Measure
from srs_tui.rules.alliance import RULE_SET as ALLIANCE_RULES
from srs_tui.rules.base import (
    ITEM_POINTS,
    RELIABILITY,
    SESSIONS,
    TOTAL_POINTS,
    Alert,
    Alerts,
    Feedback,
    Judged,
    Profile,
    Profiles,
    Rule,
    RuleSet,
    Setting,
    concerns,
    summarize,
)
from srs_tui.rules.outcome import RULE_SET as OUTCOME_RULES

RULE_SETS: dict[str, RuleSet] = {ALLIANCE: ALLIANCE_RULES, OUTCOME: OUTCOME_RULES}


@dataclass(frozen=True)
class Overrides:
    """What the settings file says for one measure and form; None or absent: not said."""

    cutoff: int | None = None  # tenths
    cutoff_inclusive: bool | None = None
    values: Mapping[str, int] = field(default_factory=dict)  # the rule set's settings by key
    off: frozenset[str] | None = None  # ids of rules turned off

    def over(self, below: Overrides) -> Overrides:
        """These settings, with what they leave unsaid taken from below."""
        return Overrides(
            cutoff=below.cutoff if self.cutoff is None else self.cutoff,
            cutoff_inclusive=(
                below.cutoff_inclusive if self.cutoff_inclusive is None else self.cutoff_inclusive
            ),
            values={**below.values, **self.values},
            off=below.off if self.off is None else self.off,
        )


def rule_set_of(measure: Measure) -> RuleSet | None:
    """The rule set that judges a measure, by its kind; None for a kind that has none yet."""
    return RULE_SETS.get(measure.kind)


def resolve(measure: Measure, form: Form, given: Overrides | None = None) -> Profile:
    """A measure's and form's profile: the settings given, else the form's cutoff and the rule
    set's defaults."""
    said = given or Overrides()
    # A form without norms (the young child's) is recorded and shown, never judged.
    rule_set = rule_set_of(measure) if form.judged else None
    settings = rule_set.settings if rule_set is not None else ()
    return Profile(
        measure=measure,
        form=form,
        cutoff=form.cutoff if said.cutoff is None or not form.judged else said.cutoff,
        cutoff_inclusive=bool(said.cutoff_inclusive),
        rule_set=rule_set,
        values={s.key: said.values.get(s.key, s.default) for s in settings},
        off=said.off or frozenset(),
        # The same number as the form's keeps the form's source.
        cutoff_set=form.judged and said.cutoff not in (None, form.cutoff),
    )


def resolve_all(overrides: Mapping[tuple[str, str], Overrides] | None = None) -> Profiles:
    """Every registered measure's and form's profile, with the settings given for each."""
    given = overrides or {}
    return Profiles(
        {
            (measure.name, form.name): resolve(measure, form, given.get((measure.name, form.name)))
            for measure in MEASURES.values()
            for form in measure.forms
        }
    )


DEFAULT_PROFILES = resolve_all()

__all__ = [
    "DEFAULT_PROFILES",
    "ITEM_POINTS",
    "RELIABILITY",
    "RULE_SETS",
    "SESSIONS",
    "TOTAL_POINTS",
    "Alert",
    "Alerts",
    "Feedback",
    "Judged",
    "Overrides",
    "Profile",
    "Profiles",
    "Rule",
    "RuleSet",
    "Setting",
    "concerns",
    "resolve",
    "resolve_all",
    "rule_set_of",
    "summarize",
]
