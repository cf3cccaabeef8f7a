"""What every rule set shares: rules, alerts, the settings a rule set reads, and the profile of
one measure and form that they are judged against. Pure, no I/O.

A profile is resolved once from the settings (the registry form's cutoff, the rule set's own
defaults, and whatever the settings file overrides), and every screen, file and command asks it,
never a threshold of its own: "below the cutoff" is `profile.below_cutoff(total)` everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from srs_tui.measures import Form, Measure, Scores, format_tenths

# How a setting of a rule set is read: points up to the measure's item or total maximum (in
# tenths inside), or a number of sessions.
ITEM_POINTS = "item points"
TOTAL_POINTS = "total points"
SESSIONS = "sessions"


@dataclass(frozen=True)
class Setting:
    """A number a rule set reads, under the key the settings file gives it, with its default."""

    key: str
    default: int  # tenths for points, a count for sessions
    unit: str  # ITEM_POINTS, TOTAL_POINTS or SESSIONS
    lowest: int = 0
    highest: int = 0  # for SESSIONS; points go up to the measure's maximum


@dataclass(frozen=True)
class Rule:
    """A rule's stable id, its name, its threshold in words, the source of its number and the
    settings it reads."""

    id: str
    title: str
    badge: str  # a few characters for the caseload
    severity: int  # lower is more urgent
    # None: the cutoff of the profile's form, whose source the registry gives.
    source: str | None
    threshold: Callable[[Profile], str]
    settings: tuple[str, ...]  # the keys it reads: cutoff, cutoff_inclusive, or its rule set's
    positive: bool = False  # a good sign: shown, never counted as an alert

    def source_in(self, profile: Profile) -> str:
        """Where the number comes from, for this profile."""
        if self.source is not None:
            return self.source
        if profile.cutoff_set:
            return (
                f"The settings file (the published cutoff of this form is "
                f"{format_tenths(profile.form.cutoff)}: {profile.form.cutoff_source})."
            )
        return profile.form.cutoff_source + "."


@dataclass(frozen=True)
class Alert:
    """One rule that fired for one session."""

    rule: Rule
    value: int  # tenths, or a count of sessions for the runs
    threshold: int
    # The reason is worded only when shown: a caseload judges a thousand clients to order
    # them, and formatting every reason would cost more than the rules themselves.
    explain: Callable[[], str] = field(compare=False, repr=False)

    @property
    def rule_id(self) -> str:
        """The rule's stable id, as exports and tests name it."""
        return self.rule.id

    @cached_property
    def reason(self) -> str:
        """Why it fired, in plain words with the numbers."""
        return self.explain()


def concerns(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    """The alerts that count, leaving out the positive notes."""
    return tuple(alert for alert in alerts if not alert.rule.positive)


Alerts = tuple[Alert, ...]


@dataclass(frozen=True)
class RuleSet:
    """The rules of one measure kind and how they judge a client's own series (rater client).

    Every function takes the series in time order, oldest first, and the profile of its measure
    and form; a new kind is a new module that builds one of these and one entry in the registry.
    """

    kind: str  # one of measures.KINDS
    rules: tuple[Rule, ...]  # most urgent first
    settings: tuple[Setting, ...]  # beyond the cutoff, which every profile has
    # The alerts of the last session of a history; positive notes included, last.
    latest_alerts: Callable[[Sequence[Scores], Profile], Alerts]
    # The alerts of a session from the totals up to it and its own values; the last argument,
    # when known, is the run of sessions below the cutoff up to it.
    alerts_of: Callable[[Sequence[int], Scores, Profile, int | None], Alerts]
    # The alerts of every session, each judged on the sessions up to it.
    alerts_by_session: Callable[[Sequence[Scores], Profile], list[Alerts]]
    # How many of the latest sessions the rules look at.
    lookback: Callable[[Profile], int]

    def setting(self, key: str) -> Setting:
        """The setting with this key."""
        for setting in self.settings:
            if setting.key == key:
                return setting
        raise KeyError(key)


@dataclass(frozen=True)
class Profile:
    """The thresholds of one measure and form, resolved once from the settings."""

    measure: Measure = field(repr=False)
    form: Form
    cutoff: int  # tenths
    cutoff_inclusive: bool  # True: a total equal to the cutoff counts as below it
    # None: the measure's kind has no rule set in this version, so it has no alerts.
    rule_set: RuleSet | None = field(repr=False)
    values: Mapping[str, int]  # the rule set's settings, by key
    off: frozenset[str] = frozenset()  # ids of rules turned off in the settings
    cutoff_set: bool = False  # the cutoff comes from the settings, not from the form

    def below_cutoff(self, total: int) -> bool:
        """Whether a total is below the cutoff, as the settings compare ("<" or "<=")."""
        return total <= self.cutoff if self.cutoff_inclusive else total < self.cutoff

    @property
    def below_words(self) -> str:
        """How "below the cutoff" reads with this comparison."""
        return "at or below" if self.cutoff_inclusive else "below"

    def setting(self, key: str) -> int:
        """The value of one of the rule set's settings."""
        return self.values[key]

    @property
    def section(self) -> str:
        """The settings file's section for this measure (its forms' are within it)."""
        return f"alerts.{self.measure.name.lower()}"

    def shown(self, key: str) -> str:
        """A setting's value as the settings file writes it: "36.0", "false", "3"."""
        if key == "cutoff":
            return format_tenths(self.cutoff)
        if key == "cutoff_inclusive":
            return "true" if self.cutoff_inclusive else "false"
        assert self.rule_set is not None  # the other keys are its rule set's
        unit = self.rule_set.setting(key).unit
        value = self.values[key]
        return str(value) if unit == SESSIONS else format_tenths(value)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules of this measure's kind, those turned off included."""
        return self.rule_set.rules if self.rule_set is not None else ()

    def is_on(self, rule: Rule) -> bool:
        """Whether the settings leave this rule on."""
        return rule.id not in self.off

    def latest_alerts(self, history: Sequence[Scores]) -> Alerts:
        """The alerts of the last session of a client's own series, most urgent first."""
        if self.rule_set is None:
            return ()
        return self.rule_set.latest_alerts(history, self)

    def alerts_of(self, totals: Sequence[int], last: Scores) -> Alerts:
        """The alerts of a session from the latest totals up to it and its own values."""
        if self.rule_set is None:
            return ()
        return self.rule_set.alerts_of(totals, last, self, None)

    def alerts_by_session(self, history: Sequence[Scores]) -> list[Alerts]:
        """The alerts of every session of a client's own series, each on the sessions up to it."""
        if self.rule_set is None:
            return [() for _ in history]
        return self.rule_set.alerts_by_session(history, self)

    @property
    def lookback(self) -> int:
        """How many of the latest sessions the rules look at (0 without rules)."""
        return self.rule_set.lookback(self) if self.rule_set is not None else 0


@dataclass(frozen=True)
class Profiles:
    """The profile of every registered measure and form, resolved once from the settings."""

    by_form: Mapping[tuple[str, str], Profile]

    def of(self, measure: str, form: str | None = None) -> Profile:
        """The profile of a measure (by name) and form (default: the measure's first form)."""
        if form is None:
            return self._first_forms[measure]
        return self.by_form[measure, form]

    @cached_property
    def _first_forms(self) -> dict[str, Profile]:
        """Each measure's profile of its default form (its first, listed first)."""
        first: dict[str, Profile] = {}
        for (name, _), profile in self.by_form.items():
            first.setdefault(name, profile)
        return first

    def __iter__(self) -> Iterator[Profile]:
        return iter(self.by_form.values())

    def alerts_by_session(self, history: Sequence[Scores]) -> list[Alerts]:
        """The alerts of every administration of a client's history in time order, each
        measure's series judged on its own with its own profile."""
        measures = {scores.measure for scores in history}
        if len(measures) <= 1:
            return self.of(history[0].measure).alerts_by_session(history) if history else []
        judged: list[Alerts] = [() for _ in history]
        for measure in measures:
            places = [i for i, scores in enumerate(history) if scores.measure == measure]
            series = self.of(measure).alerts_by_session([history[i] for i in places])
            for place, alerts in zip(places, series, strict=True):
                judged[place] = alerts
        return judged

    @property
    def lookback(self) -> int:
        """The longest look-back of any profile's rules."""
        return max((profile.lookback for profile in self), default=0)
