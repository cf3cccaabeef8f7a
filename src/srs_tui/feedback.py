"""Alert rules: a client's history in, the alerts of its latest session out. Pure.

Every rule is a heuristic that starts a conversation, not a diagnosis, so each alert carries its
rule id, the numbers that fired it, a reason in plain words and where its threshold comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from srs_tui.measures import SRS, Item, Scores, format_tenths


@dataclass(frozen=True)
class Thresholds:
    """The numbers the rules compare against, in tenths."""

    cutoff: int = SRS.cutoff
    cutoff_inclusive: bool = False  # True: a total equal to the cutoff counts as below it
    soft_item: int = 90
    drop: int = 10

    def is_below_cutoff(self, total: int) -> bool:
        """Whether a total signals a possible alliance problem."""
        return total <= self.cutoff if self.cutoff_inclusive else total < self.cutoff


@dataclass(frozen=True)
class Rule:
    """A rule's stable id, its name and the source of its number."""

    id: str
    title: str
    source: str
    severity: int  # lower is more urgent


BELOW_CUTOFF = Rule(
    id="below_cutoff",
    title="Below the cutoff",
    source="Duncan, Miller, Sparks et al. (2003): a total below 36 suggests the alliance "
    "may need attention.",
    severity=1,
)
DROP = Rule(
    id="drop",
    title="Drop from last session",
    source="A published rule of a leading feedback-informed treatment platform: "
    "1 point or more below the previous session.",
    severity=0,
)
LOW_ITEM = Rule(
    id="low_item",
    title="Low item",
    source="Common SRS practice: the lowest item tells more than the total; "
    "an item below 9 is worth asking about.",
    severity=2,
)
RULES: tuple[Rule, ...] = (DROP, BELOW_CUTOFF, LOW_ITEM)


@dataclass(frozen=True)
class Alert:
    """One rule that fired for one session."""

    rule: Rule
    reason: str
    value: int  # tenths: the number the rule looked at
    threshold: int  # tenths: what it was compared with

    @property
    def rule_id(self) -> str:
        """The rule's stable id, as exports and tests name it."""
        return self.rule.id


@dataclass(frozen=True)
class Feedback:
    """What the therapist sees right after saving: total, alerts, lowest item, a question."""

    total: int
    alerts: tuple[Alert, ...]
    lowest: Item
    lowest_value: int
    question: str

    @property
    def needs_attention(self) -> bool:
        """Whether any rule fired."""
        return bool(self.alerts)


def _below_cutoff(scores: Scores, thresholds: Thresholds) -> Alert | None:
    total = scores.total
    if not thresholds.is_below_cutoff(total):
        return None
    relation = "at or below" if total == thresholds.cutoff else "below"
    return Alert(
        rule=BELOW_CUTOFF,
        reason=f"Total {format_tenths(total)} is {relation} the cutoff of "
        f"{format_tenths(thresholds.cutoff)}: the alliance may need attention.",
        value=total,
        threshold=thresholds.cutoff,
    )


def _low_item(scores: Scores, thresholds: Thresholds) -> Alert | None:
    values = scores.as_dict()
    low = sorted(
        (key for key in SRS.keys if values[key] < thresholds.soft_item),
        key=lambda key: values[key],
    )
    if not low:
        return None
    lowest = SRS.item(low[0])
    value = format_tenths(values[lowest.key])
    reason = f"{lowest.label} is {value}, below {format_tenths(thresholds.soft_item)}"
    others = [f"{SRS.item(key).label} {format_tenths(values[key])}" for key in low[1:]]
    if others:
        reason += f"; also below: {', '.join(others)}"
    return Alert(
        rule=LOW_ITEM,
        reason=reason + ".",
        value=values[lowest.key],
        threshold=thresholds.soft_item,
    )


def _drop(previous: Scores | None, scores: Scores, thresholds: Thresholds) -> Alert | None:
    if previous is None:
        return None
    fall = previous.total - scores.total
    if fall < thresholds.drop:
        return None
    return Alert(
        rule=DROP,
        reason=f"Total {format_tenths(scores.total)} is {format_tenths(fall)} below last "
        f"session's {format_tenths(previous.total)}.",
        value=fall,
        threshold=thresholds.drop,
    )


def latest_alerts(history: Sequence[Scores], thresholds: Thresholds) -> tuple[Alert, ...]:
    """The alerts of the last session in a history given in session order, most urgent first."""
    if not history:
        return ()
    scores = history[-1]
    previous = history[-2] if len(history) > 1 else None
    found = (
        _drop(previous, scores, thresholds),
        _below_cutoff(scores, thresholds),
        _low_item(scores, thresholds),
    )
    return tuple(sorted((a for a in found if a is not None), key=lambda a: a.rule.severity))


def alerts_by_session(history: Sequence[Scores], thresholds: Thresholds) -> list[tuple[Alert, ...]]:
    """The alerts of every session, each judged on the sessions up to it."""
    return [latest_alerts(history[: end + 1], thresholds) for end in range(len(history))]


GENERAL_QUESTION = "What would have made today even better for you?"


def summarize(history: Sequence[Scores], thresholds: Thresholds) -> Feedback:
    """The feedback for the last session of a non-empty history."""
    scores = history[-1]
    lowest, value = scores.lowest()
    question = lowest.follow_up if value < thresholds.soft_item else GENERAL_QUESTION
    return Feedback(
        total=scores.total,
        alerts=latest_alerts(history, thresholds),
        lowest=lowest,
        lowest_value=value,
        question=question,
    )
