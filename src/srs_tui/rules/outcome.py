"""The rule set of outcome measures (the ORS and its forms): a client's own series within one
episode in, the alerts of its sessions out. Pure.

Outcome is judged by change from intake, the first ORS of the episode, against the reliable
change index (RCI): a change smaller than it is within what a measure's own noise could make.
The classification at the end (recovered, improved, unchanged, deteriorated) is Jacobson and
Truax's (1991). No platform's expected-treatment-response curve is used or copied: those are
proprietary; these rules need only the intake, the cutoff and the RCI, each shown with its
source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from srs_tui.measures import OUTCOME, Scores, format_tenths
from srs_tui.rules.base import (
    RELIABILITY,
    SESSIONS,
    TOTAL_POINTS,
    Alert,
    Alerts,
    Profile,
    Rule,
    RuleSet,
    Setting,
)

SETTINGS = (
    Setting("rci", 50, TOTAL_POINTS, lowest=1),  # reliable change, in total points
    # Given both, the RCI is computed from them instead: 1.96 * sqrt(2) * SD * sqrt(1 - r).
    Setting("rci_sd", 0, TOTAL_POINTS),  # the standard deviation of totals; 0: not given
    Setting("rci_reliability", 0, RELIABILITY),  # test-retest reliability r; 0: not given
    Setting("early_session", 3, SESSIONS, lowest=2, highest=50),  # no early change from here
    Setting("on_track_session", 6, SESSIONS, lowest=3, highest=100),  # not on track from here
    Setting("high_intake", 320, TOTAL_POINTS),  # an intake above it may miss the concern
)

_RCI_SOURCE = (
    "Reliable change (Jacobson and Truax, 1991); 5 points is the value commonly cited for the "
    "ORS, after Miller, Duncan, Brown, Sparks and Claud (2003), The Outcome Rating Scale, "
    "Journal of Brief Therapy 2(2) (6 and 6.6 are used elsewhere)."
)
_RCI = ("rci", "rci_sd", "rci_reliability")


def rci(profile: Profile) -> int:
    """The reliable change index in tenths: computed from a standard deviation and a
    reliability when the settings give both, else the rci setting."""
    sd, reliability = profile.setting("rci_sd"), profile.setting("rci_reliability")
    if sd > 0 and reliability > 0:
        return max(1, round(1.96 * math.sqrt(2) * sd * math.sqrt(1 - reliability / 1000)))
    return profile.setting("rci")


def rci_words(profile: Profile) -> str:
    """The RCI as a person reads it, with the formula when it is computed."""
    sd, reliability = profile.setting("rci_sd"), profile.setting("rci_reliability")
    if sd > 0 and reliability > 0:
        return (
            f"{format_tenths(rci(profile))} points "
            f"(1.96 × √2 × SD {format_tenths(sd)} × √(1 − r {reliability / 1000:g}))"
        )
    return f"{format_tenths(rci(profile))} points"


RELIABLE_DETERIORATION = Rule(
    id="reliable_deterioration",
    title="Reliable deterioration",
    badge="worse",
    severity=0,
    source=_RCI_SOURCE,
    threshold=lambda t: f"total at least {rci_words(t)} below intake",
    settings=_RCI,
)
NOT_ON_TRACK = Rule(
    id="not_on_track",
    title="Not on track",
    badge="off-track",
    severity=1,
    source="Feedback-informed treatment research: clients who have not changed reliably by "
    "the sixth session or so are at risk of no benefit; time to change course or consult.",
    threshold=lambda t: (
        f"session {t.setting('on_track_session')} or later, and the change from intake "
        f"smaller than {rci_words(t)} either way"
    ),
    settings=("on_track_session", *_RCI),
)
NO_EARLY_CHANGE = Rule(
    id="no_early_change",
    title="No early change",
    badge="no-change",
    severity=5,
    source="Feedback-informed treatment research: most change comes early, so no change by "
    "the third session is worth a look.",
    threshold=lambda t: (
        f"sessions {t.setting('early_session')} to {t.setting('on_track_session') - 1}, and "
        f"the change from intake smaller than {rci_words(t)} either way"
    ),
    settings=("early_session", "on_track_session", *_RCI),
    note=True,
)
HIGH_INTAKE = Rule(
    id="high_intake",
    title="High intake",
    badge="high-in",
    severity=6,
    source="PCOMS practice: a high first score may mean the measure does not capture what "
    "brought the client; ask about it.",
    threshold=lambda t: f"the intake total above {format_tenths(t.setting('high_intake'))}",
    settings=("high_intake",),
    note=True,
)
RECOVERED = Rule(
    id="recovered",
    title="Recovered",
    badge="recovered",
    severity=8,
    source=_RCI_SOURCE + " Recovery also needs the intake in the clinical range and the total "
    "now out of it.",
    threshold=lambda t: (
        f"at least {rci_words(t)} above an intake {t.below_words} "
        f"{format_tenths(t.line)}, and now at or above it"
    ),
    settings=(*_RCI, "cutoff", "cutoff_inclusive"),
    positive=True,
)
RELIABLE_IMPROVEMENT = Rule(
    id="reliable_improvement",
    title="Reliable improvement",
    badge="better",
    severity=9,
    source=_RCI_SOURCE,
    threshold=lambda t: f"total at least {rci_words(t)} above intake (and not recovered)",
    settings=_RCI,
    positive=True,
)
RULES: tuple[Rule, ...] = (
    RELIABLE_DETERIORATION,
    NOT_ON_TRACK,
    NO_EARLY_CHANGE,
    HIGH_INTAKE,
    RECOVERED,
    RELIABLE_IMPROVEMENT,
)

# The episode's outcome, from intake to the latest ORS (Jacobson-Truax).
RECOVERED_OUTCOME = "recovered"
IMPROVED = "improved"
UNCHANGED = "unchanged"
DETERIORATED = "deteriorated"
OUTCOMES = (RECOVERED_OUTCOME, IMPROVED, UNCHANGED, DETERIORATED)


def episode_outcome(intake: int, latest: int, profile: Profile) -> str:
    """The outcome so far from the intake total to the latest (tenths): recovered, improved,
    unchanged or deteriorated."""
    change, reliable = latest - intake, rci(profile)
    if change <= -reliable:
        return DETERIORATED
    if change < reliable:
        return UNCHANGED
    if profile.below_cutoff(intake) and not profile.below_cutoff(latest):
        return RECOVERED_OUTCOME
    return IMPROVED


@dataclass(frozen=True)
class Progress:
    """Where a client stands against intake: what the therapist sees after an ORS."""

    intake: int  # tenths
    total: int
    change: int  # total - intake
    rci: int
    clinical: bool  # the total is in the clinical range (below the cutoff)
    outcome: str | None  # None at intake: nothing to compare yet


def progress(intake: int, total: int, at_intake: bool, profile: Profile) -> Progress:
    """The progress of a session's total against the episode's intake."""
    return Progress(
        intake=intake,
        total=total,
        change=total - intake,
        rci=rci(profile),
        clinical=profile.below_cutoff(total),
        outcome=None if at_intake else episode_outcome(intake, total, profile),
    )


# Each alert's reason, worded only when shown, from the numbers the rule kept.
def _high_intake_words(total: int, high: int) -> str:
    return (
        f"Intake total {format_tenths(total)} is above {format_tenths(high)}: the measure may "
        f"not capture what brought the client; ask."
    )


def _moved(intake: int, total: int) -> str:
    """How the total moved from intake, in words."""
    change = total - intake
    if not change:
        return f"the same as at intake ({format_tenths(total)})"
    return (
        f"{format_tenths(abs(change))} {'below' if change < 0 else 'above'} intake "
        f"({format_tenths(intake)} to {format_tenths(total)})"
    )


def _deterioration_words(intake: int, total: int) -> str:
    return f"Total is {_moved(intake, total)}: reliably worse. Talk about it."


def _recovered_words(intake: int, total: int) -> str:
    return f"Total is {_moved(intake, total)}, now out of the clinical range: recovered."


def _improvement_words(intake: int, total: int) -> str:
    return f"Total is {_moved(intake, total)}: reliably better."


def _within(intake: int, total: int, number: int, reliable: int) -> str:
    return (
        f"Session {number}: the total is {_moved(intake, total)}, within the "
        f"{format_tenths(reliable)}"
    )


def _not_on_track_words(intake: int, total: int, number: int, reliable: int) -> str:
    return (
        f"{_within(intake, total, number, reliable)} of reliable change: not on track. Change "
        f"course together, or consult."
    )


def _no_early_change_words(intake: int, total: int, number: int, reliable: int) -> str:
    return (
        f"{_within(intake, total, number, reliable)} of reliable change: no early change yet. "
        f"Worth a look together."
    )


def judge(intake: int, scores: Scores, number: int, at_intake: bool, t: Profile) -> Alerts:
    """The alerts of one session with an ORS: its total against the episode's intake, its
    number in the episode; most urgent first, good signs last.

    At most one rule fires a session, so the one alert is made only when it does, with the
    numbers of its reason."""
    total = scores.total
    found: Alert | None = None
    if at_intake:
        high = t.setting("high_intake")
        if total > high:
            found = Alert(HIGH_INTAKE, total, high, _high_intake_words, (total, high))
    else:
        change, reliable = total - intake, rci(t)
        if change <= -reliable:
            found = Alert(
                RELIABLE_DETERIORATION, change, reliable, _deterioration_words, (intake, total)
            )
        elif change >= reliable:
            if t.below_cutoff(intake) and not t.below_cutoff(total):
                found = Alert(RECOVERED, change, reliable, _recovered_words, (intake, total))
            else:
                found = Alert(
                    RELIABLE_IMPROVEMENT, change, reliable, _improvement_words, (intake, total)
                )
        else:
            early, on_track = t.setting("early_session"), t.setting("on_track_session")
            facts = (intake, total, number, reliable)
            if number >= on_track:
                found = Alert(NOT_ON_TRACK, number, on_track, _not_on_track_words, facts)
            elif number >= early:
                found = Alert(NO_EARLY_CHANGE, number, early, _no_early_change_words, facts)
    if found is None or found.rule.id in t.off:
        return ()
    return (found,)


def alerts_by_session(
    history: Sequence[Scores], profile: Profile, numbers: Sequence[int]
) -> list[Alerts]:
    """The alerts of every ORS of one episode's series in time order; the first is intake."""
    if not history:
        return []
    intake = history[0].total
    return [
        judge(intake, scores, number, index == 0, profile)
        for index, (scores, number) in enumerate(zip(history, numbers, strict=True))
    ]


def latest_alerts(history: Sequence[Scores], profile: Profile, numbers: Sequence[int]) -> Alerts:
    """The alerts of the last ORS of a series; only its first (intake) and last are read, so a
    caseload passes just those two."""
    if not history:
        return ()
    return judge(history[0].total, history[-1], numbers[-1], len(history) == 1, profile)


def alerts_of(
    totals: Sequence[int],
    last: Scores,
    profile: Profile,
    low_run: int | None = None,  # noqa: ARG001 (the alliance rules' run of low sessions)
) -> Alerts:
    """The alerts of the last of a series in which every session has an ORS: totals from the
    intake on, so the session's number is their count."""
    return judge(totals[0], last, len(totals), len(totals) == 1, profile)


def lookback(profile: Profile) -> int:  # noqa: ARG001 (the same for every profile)
    """The outcome rules read the intake and the latest session, whatever lies between."""
    return 2


RULE_SET = RuleSet(
    kind=OUTCOME,
    rules=RULES,
    settings=SETTINGS,
    latest_alerts=latest_alerts,
    alerts_of=alerts_of,
    alerts_by_session=alerts_by_session,
    lookback=lookback,
)
