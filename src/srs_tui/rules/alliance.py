"""Alert rules: a client's history in, the alerts of its latest session out. Pure.

Every rule is a heuristic that starts a conversation, not a diagnosis, so each alert carries its
rule id, the numbers that fired it, a reason in plain words and where its threshold comes from.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from srs_tui.measures import SRS, Scores, format_tenths


@dataclass(frozen=True)
class Thresholds:
    """The numbers the rules compare against: points in tenths, runs in sessions."""

    cutoff: int = SRS.cutoff
    cutoff_inclusive: bool = False  # True: a total equal to the cutoff counts as below it
    soft_item: int = 90
    drop: int = 10
    persistent_run: int = 3
    falling_run: int = 3

    def is_below_cutoff(self, total: int) -> bool:
        """Whether a total signals a possible alliance problem."""
        return total <= self.cutoff if self.cutoff_inclusive else total < self.cutoff

    @property
    def below_words(self) -> str:
        """How "below the cutoff" reads with this comparison."""
        return "at or below" if self.cutoff_inclusive else "below"


@dataclass(frozen=True)
class Rule:
    """A rule's stable id, its name, its threshold in words and the source of its number."""

    id: str
    title: str
    badge: str  # a few characters for the caseload
    severity: int  # lower is more urgent
    source: str
    threshold: Callable[[Thresholds], str]
    positive: bool = False  # a good sign: shown, never counted as an alert


PERSISTENT_LOW = Rule(
    id="persistent_low",
    title="Low and staying low",
    badge="low-run",
    severity=0,
    source="Group SRS findings: low and staying low goes with dropout and poor outcome; "
    "several low sessions in a row mean it is time to change course.",
    threshold=lambda t: (
        f"{t.persistent_run} or more sessions in a row {t.below_words} {format_tenths(t.cutoff)}"
    ),
)
DROP = Rule(
    id="drop",
    title="Drop from last session",
    badge="drop",
    severity=1,
    source="A published rule of a leading feedback-informed treatment platform: "
    "1 point or more below the previous session.",
    threshold=lambda t: f"total {format_tenths(t.drop)} or more below the previous session's",
)
BELOW_CUTOFF = Rule(
    id="below_cutoff",
    title="Below the cutoff",
    badge="<cutoff",
    severity=2,
    source="Duncan, Miller, Sparks et al. (2003): a total below 36 suggests the alliance "
    "may need attention. Sources differ on < or <= 36.",
    threshold=lambda t: f"total {t.below_words} {format_tenths(t.cutoff)}",
)
FALLING = Rule(
    id="falling",
    title="Falling",
    badge="falling",
    severity=3,
    source="Group SRS findings: high and then falling goes with dropout and poor outcome.",
    threshold=lambda t: (
        f"totals going down {t.falling_run} sessions in a row, even above the cutoff"
    ),
)
LOW_ITEM = Rule(
    id="low_item",
    title="Low item",
    badge="item",
    severity=4,
    source="Common SRS practice: the lowest item tells more than the total; "
    "an item below 9 is worth asking about.",
    threshold=lambda t: f"an item below {format_tenths(t.soft_item)}",
)
RISING = Rule(
    id="rising",
    title="Rising",
    badge="rising",
    severity=9,
    source="Group SRS findings: low and then rising goes with good outcome.",
    threshold=lambda t: f"back at or above {format_tenths(t.cutoff)} after a session below it",
    positive=True,
)
RULES: tuple[Rule, ...] = (PERSISTENT_LOW, DROP, BELOW_CUTOFF, FALLING, LOW_ITEM, RISING)


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


@dataclass(frozen=True)
class Feedback:
    """What the therapist sees right after saving: total, alerts, the lowest item and its value.

    What to ask about it is in the client's words and language: the screen asks the wording.
    """

    total: int
    alerts: tuple[Alert, ...]
    lowest_key: str
    lowest_value: int

    @property
    def needs_attention(self) -> bool:
        """Whether any rule other than a positive note fired."""
        return bool(concerns(self.alerts))


def _points(values: Sequence[int]) -> str:
    return ", ".join(format_tenths(value) for value in values)


def _below_cutoff(totals: Sequence[int], t: Thresholds) -> Alert | None:
    total = totals[-1]
    if not t.is_below_cutoff(total):
        return None
    return Alert(
        BELOW_CUTOFF,
        total,
        t.cutoff,
        lambda: (
            f"Total {format_tenths(total)} is {t.below_words} the cutoff of "
            f"{format_tenths(t.cutoff)}: the alliance may need attention."
        ),
    )


def _low_run(totals: Sequence[int], t: Thresholds) -> int:
    """How many of the last totals in a row are below the cutoff."""
    run = 0
    for total in reversed(totals):
        if not t.is_below_cutoff(total):
            break
        run += 1
    return run


def _persistent_low(totals: Sequence[int], t: Thresholds, run: int) -> Alert | None:
    if run < t.persistent_run:
        return None
    shown = totals[-min(run, len(totals)) :]

    def explain() -> str:
        listed = ("… " if run > len(shown) else "") + _points(shown)
        return (
            f"{run} sessions in a row {t.below_words} the cutoff "
            f"({listed}): time to change course together."
        )

    return Alert(PERSISTENT_LOW, run, t.persistent_run, explain)


def _drop(totals: Sequence[int], t: Thresholds) -> Alert | None:
    if len(totals) < 2:
        return None
    fall = totals[-2] - totals[-1]
    if fall < t.drop:
        return None
    return Alert(
        DROP,
        fall,
        t.drop,
        lambda: (
            f"Total {format_tenths(totals[-1])} is {format_tenths(fall)} below last "
            f"session's {format_tenths(totals[-2])}."
        ),
    )


def _falling(totals: Sequence[int], t: Thresholds) -> Alert | None:
    if len(totals) < t.falling_run:
        return None
    last = totals[-t.falling_run :]
    if not all(later < earlier for earlier, later in itertools.pairwise(last)):
        return None
    return Alert(
        FALLING,
        t.falling_run,
        t.falling_run,
        lambda: f"Totals went down {t.falling_run} sessions in a row ({_points(last)}).",
    )


def _rising(totals: Sequence[int], t: Thresholds) -> Alert | None:
    if len(totals) < 2 or not t.is_below_cutoff(totals[-2]) or t.is_below_cutoff(totals[-1]):
        return None
    return Alert(
        RISING,
        totals[-1],
        t.cutoff,
        lambda: (
            f"Total {format_tenths(totals[-1])} is back at or above the cutoff after "
            f"{format_tenths(totals[-2])}."
        ),
    )


def _low_item(scores: Scores, t: Thresholds) -> Alert | None:
    lowest_key, value = scores.lowest()
    lowest = SRS.item(lowest_key)
    if value >= t.soft_item:
        return None

    def explain() -> str:
        values = scores.as_dict()
        low = sorted((k for k in SRS.keys if values[k] < t.soft_item), key=values.__getitem__)
        reason = f"{lowest.label} is {format_tenths(value)}, below {format_tenths(t.soft_item)}"
        others = [f"{SRS.item(k).label} {format_tenths(values[k])}" for k in low if k != lowest.key]
        if others:
            reason += f"; also below: {', '.join(others)}"
        return reason + "."

    return Alert(LOW_ITEM, value, t.soft_item, explain)


_TOTAL_RULES = (_drop, _below_cutoff, _falling, _rising)


def lookback(thresholds: Thresholds) -> int:
    """How many of the latest sessions the rules look at."""
    return max(2, thresholds.persistent_run, thresholds.falling_run)


def latest_alerts(history: Sequence[Scores], thresholds: Thresholds) -> tuple[Alert, ...]:
    """The alerts of the last session of a history in session order, most urgent first.

    The positive note `rising` is included, last; `concerns()` leaves it out.
    """
    if not history:
        return ()
    # All of it, not just lookback(): a run of low sessions is counted to its start.
    return alerts_of([scores.total for scores in history], history[-1], thresholds)


def alerts_of(
    totals: Sequence[int], last: Scores, thresholds: Thresholds, low_run: int | None = None
) -> tuple[Alert, ...]:
    """The alerts of a session from the totals up to it (oldest first; at least lookback() of
    them, or a run of low sessions is counted only as far back as they go) and its own four
    ratings, most urgent first. low_run, when the caller knows it, is the number of sessions in
    a row below the cutoff up to this one, which may reach further back than totals."""
    run = _low_run(totals, thresholds) if low_run is None else low_run
    found = [rule(totals, thresholds) for rule in _TOTAL_RULES]
    found.append(_persistent_low(totals, thresholds, run))
    found.append(_low_item(last, thresholds))
    return tuple(sorted((a for a in found if a is not None), key=lambda a: a.rule.severity))


def alerts_by_session(history: Sequence[Scores], thresholds: Thresholds) -> list[tuple[Alert, ...]]:
    """The alerts of every session, each judged on the sessions up to it.

    Each session sees only the look-back of totals, with the run of low sessions counted as it
    goes, so a long history costs in proportion to its length.
    """
    totals = [scores.total for scores in history]
    keep = lookback(thresholds)
    judged = []
    run = 0
    for end, scores in enumerate(history):
        run = run + 1 if thresholds.is_below_cutoff(totals[end]) else 0
        window = totals[max(0, end + 1 - keep) : end + 1]
        judged.append(alerts_of(window, scores, thresholds, low_run=run))
    return judged


def summarize(history: Sequence[Scores], thresholds: Thresholds) -> Feedback:
    """The feedback for the last session of a non-empty history."""
    scores = history[-1]
    lowest_key, value = scores.lowest()
    return Feedback(
        total=scores.total,
        alerts=latest_alerts(history, thresholds),
        lowest_key=lowest_key,
        lowest_value=value,
    )
