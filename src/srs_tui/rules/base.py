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
from typing import Any, Protocol

from srs_tui.measures import CLIENT, Form, Measure, Scores, format_tenths

# How a setting of a rule set is read: points up to the measure's item or total maximum (in
# tenths inside), or a number of sessions.
ITEM_POINTS = "item points"
TOTAL_POINTS = "total points"
SESSIONS = "sessions"
RELIABILITY = "reliability"  # a coefficient from 0 to 1, in thousandths inside; 0: not given


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
    note: bool = False  # worth a look: shown, not counted as needing attention

    @property
    def counts(self) -> bool:
        """Whether it counts as needing attention (not a good sign, not a note)."""
        return not (self.positive or self.note)

    def source_in(self, profile: Profile) -> str:
        """Where the number comes from, for this profile."""
        if self.source is not None:
            return self.source
        if profile.cutoff_set and profile.form.cutoff is not None:
            return (
                f"The settings file (the published cutoff of this form is "
                f"{format_tenths(profile.form.cutoff)}: {profile.form.cutoff_source})."
            )
        return profile.form.cutoff_source + "."


@dataclass(frozen=True, slots=True, init=False)
class Alert:
    """One rule that fired for one session."""

    rule: Rule
    value: int  # tenths, or a count of sessions for the runs
    threshold: int
    # The reason is worded only when shown, and kept as data until then: a module-level
    # function and the numbers it reads. A caseload judges a thousand clients to order them;
    # formatting every reason cost more than the rules, and a closure a reason (a function
    # and its cells) was two fifths of the objects a caseload's opening made.
    wording: Callable[..., str] = field(compare=False, repr=False)
    facts: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    def __init__(
        self,
        rule: Rule,
        value: int,
        threshold: int,
        wording: Callable[..., str],
        facts: tuple[Any, ...] = (),
    ) -> None:
        # Through the slots' own setters, not a frozen dataclass's object.__setattr__ by name
        # field by field: a caseload makes a few thousand alerts, and that was half their cost.
        _SET_RULE(self, rule)
        _SET_VALUE(self, value)
        _SET_THRESHOLD(self, threshold)
        _SET_WORDING(self, wording)
        _SET_FACTS(self, facts)

    @property
    def rule_id(self) -> str:
        """The rule's stable id, as exports and tests name it."""
        return self.rule.id

    @property
    def reason(self) -> str:
        """Why it fired, in plain words with the numbers."""
        return self.wording(*self.facts)


_SET_RULE = Alert.__dict__["rule"].__set__
_SET_VALUE = Alert.__dict__["value"].__set__
_SET_THRESHOLD = Alert.__dict__["threshold"].__set__
_SET_WORDING = Alert.__dict__["wording"].__set__
_SET_FACTS = Alert.__dict__["facts"].__set__


def concerns(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    """The alerts that count as needing attention, leaving out good signs and notes."""
    return tuple([alert for alert in alerts if alert.rule.counts])  # a list: no generator


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
    # The alerts of the last session of a history; positive notes included, last. The numbers
    # are the sessions' places in their episode (an outcome rule asks "session 6 or later").
    latest_alerts: Callable[[Sequence[Scores], Profile, Sequence[int]], Alerts]
    # The alerts of a session from the totals up to it and its own values; the last argument,
    # when known, is the run of sessions below the cutoff up to it.
    alerts_of: Callable[[Sequence[int], Scores, Profile, int | None], Alerts]
    # The alerts of every session, each judged on the sessions up to it.
    alerts_by_session: Callable[[Sequence[Scores], Profile, Sequence[int]], list[Alerts]]
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
    cutoff: int | None  # tenths; None for a form without norms (no cutoff, no rules)
    cutoff_inclusive: bool  # True: a total equal to the cutoff counts as below it
    # None: the measure's kind has no rule set in this version, so it has no alerts.
    rule_set: RuleSet | None = field(repr=False)
    values: Mapping[str, int]  # the rule set's settings, by key
    off: frozenset[str] = frozenset()  # ids of rules turned off in the settings
    cutoff_set: bool = False  # the cutoff comes from the settings, not from the form

    def below_cutoff(self, total: int) -> bool:
        """Whether a total is below the cutoff, as the settings compare ("<" or "<="); never,
        for a form without a cutoff."""
        if self.cutoff is None:
            return False
        return total <= self.cutoff if self.cutoff_inclusive else total < self.cutoff

    @property
    def line(self) -> int:
        """The cutoff of a form with norms, the only kind a rule set judges."""
        if self.cutoff is None:
            raise ValueError(f"the {self.form.name} form of the {self.measure.name} has no cutoff")
        return self.cutoff

    @property
    def judged(self) -> bool:
        """Whether this form has norms: a cutoff, and rules that judge it."""
        return self.cutoff is not None

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
            return "none" if self.cutoff is None else format_tenths(self.cutoff)
        if key == "cutoff_inclusive":
            return "true" if self.cutoff_inclusive else "false"
        assert self.rule_set is not None  # the other keys are its rule set's
        unit = self.rule_set.setting(key).unit
        value = self.values[key]
        if unit == SESSIONS:
            return str(value)
        if unit == RELIABILITY:
            return "not given" if value == 0 else f"{value / 1000:.3f}".rstrip("0")
        return format_tenths(value)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules of this measure's kind, those turned off included."""
        return self.rule_set.rules if self.rule_set is not None else ()

    def is_on(self, rule: Rule) -> bool:
        """Whether the settings leave this rule on."""
        return rule.id not in self.off

    def latest_alerts(
        self, history: Sequence[Scores], numbers: Sequence[int] | None = None
    ) -> Alerts:
        """The alerts of the last session of a client's own series, most urgent first.

        numbers: each session's number in its episode (default: 1, 2, 3, ...)."""
        if self.rule_set is None:
            return ()
        return self.rule_set.latest_alerts(history, self, _numbered(history, numbers))

    def alerts_of(self, totals: Sequence[int], last: Scores) -> Alerts:
        """The alerts of a session from the latest totals up to it and its own values."""
        if self.rule_set is None:
            return ()
        return self.rule_set.alerts_of(totals, last, self, None)

    def alerts_by_session(
        self, history: Sequence[Scores], numbers: Sequence[int] | None = None
    ) -> list[Alerts]:
        """The alerts of every session of a client's own series, each on the sessions up to it.

        numbers: each session's number in its episode (default: 1, 2, 3, ...)."""
        if self.rule_set is None:
            return [() for _ in history]
        return self.rule_set.alerts_by_session(history, self, _numbered(history, numbers))

    @property
    def lookback(self) -> int:
        """How many of the latest sessions the rules look at (0 without rules)."""
        return self.rule_set.lookback(self) if self.rule_set is not None else 0


def _numbered(history: Sequence[Scores], numbers: Sequence[int] | None) -> Sequence[int]:
    if numbers is None:
        return range(1, len(history) + 1)
    if len(numbers) != len(history):
        raise ValueError("one session number for each administration")
    return numbers


class Judged(Protocol):
    """An administration as the rules need it: its values, its session's number in its
    episode, the episode, the form it was given in and who rated it."""

    @property
    def scores(self) -> Scores: ...
    @property
    def session(self) -> int: ...
    @property
    def episode_id(self) -> str: ...
    @property
    def form(self) -> str: ...
    @property
    def rater(self) -> str: ...


@dataclass(frozen=True)
class Profiles:
    """The profile of every registered measure and form, resolved once from the settings."""

    by_form: Mapping[tuple[str, str], Profile]

    def of(self, measure: str, form: str | None = None) -> Profile:
        """The profile of a measure (by name) and form (default: the measure's first form).

        A form the measure does not come in (a record another program wrote, such as the SRS
        "group" form of a file made before it was registered) is judged as the default form,
        never a crash on a screen."""
        if form is None:
            return self._first_forms[measure]
        found = self.by_form.get((measure, form))
        return found if found is not None else self._first_forms[measure]

    @cached_property
    def _first_forms(self) -> dict[str, Profile]:
        """Each measure's profile of its default form (its first, listed first)."""
        first: dict[str, Profile] = {}
        for (name, _), profile in self.by_form.items():
            first.setdefault(name, profile)
        return first

    def __iter__(self) -> Iterator[Profile]:
        return iter(self.by_form.values())

    def judge(self, history: Sequence[Judged]) -> list[Alerts]:
        """The alerts of every administration of a client's records in time order.

        Each series is judged on its own: one episode, one measure, the client's own ratings
        (another rater's never enter the rules: their entries get none), with the thresholds
        of the form its latest session used, each session on the sessions up to it."""
        judged: list[Alerts] = [() for _ in history]
        series: dict[tuple[str, str], list[int]] = {}
        for index, given in enumerate(history):
            if given.rater == CLIENT:
                series.setdefault((given.episode_id, given.scores.measure), []).append(index)
        for (_, measure), places in series.items():
            profile = self.of(measure, history[places[-1]].form)
            found = profile.alerts_by_session(
                [history[i].scores for i in places], [history[i].session for i in places]
            )
            for place, alerts in zip(places, found, strict=True):
                judged[place] = alerts
        return judged

    @property
    def lookback(self) -> int:
        """The longest look-back of any profile's rules."""
        return max((profile.lookback for profile in self), default=0)


@dataclass(frozen=True)
class Feedback:
    """What the therapist sees right after saving: total, alerts, the lowest item and its value.

    What to ask about it is in the client's words and language: the screen asks the wording.
    """

    total: int
    alerts: tuple[Alert, ...]
    lowest_key: str | None  # None: the session kept only its total
    lowest_value: int | None

    @property
    def needs_attention(self) -> bool:
        """Whether any rule that counts as needing attention fired (not a good sign or a note)."""
        return bool(concerns(self.alerts))


def summarize(
    history: Sequence[Scores], profile: Profile, numbers: Sequence[int] | None = None
) -> Feedback:
    """The feedback for the last session of a non-empty history, by its profile's rules."""
    scores = history[-1]
    lowest_key, value = scores.lowest() or (None, None)
    return Feedback(
        total=scores.total,
        alerts=profile.latest_alerts(history, numbers),
        lowest_key=lowest_key,
        lowest_value=value,
    )
