"""The rule set of alliance measures (the SRS and its forms): a client's own series in, the
alerts of its sessions out. Pure.

Every rule is a heuristic that starts a conversation, not a diagnosis, so each alert carries its
rule id, the numbers that fired it, a reason in plain words and where its threshold comes from.
"""

from __future__ import annotations

from collections.abc import Sequence

from srs_tui.measures import ALLIANCE, Scores, format_tenths
from srs_tui.rules.base import (
    ITEM_POINTS,
    SESSIONS,
    TOTAL_POINTS,
    Alert,
    Profile,
    Rule,
    RuleSet,
    Setting,
)

# The rule set's own numbers, beyond the cutoff every profile has; the settings file can
# change each one per measure and form.
SETTINGS = (
    Setting("soft_item", 90, ITEM_POINTS),  # an item below it is worth asking about
    Setting("drop", 10, TOTAL_POINTS, lowest=1),  # a fall from the last session
    Setting("persistent_run", 3, SESSIONS, lowest=2, highest=50),  # low sessions in a row
    Setting("falling_run", 3, SESSIONS, lowest=2, highest=50),  # falling sessions in a row
)


_CUTOFF = ("cutoff", "cutoff_inclusive")

# Where the numbers and patterns come from, named so that a clinician can look them up.
OPENFIT_TABLE = "OpenFIT's published dashboard alert table"
GROUP_SRS = (
    "The group SRS findings: Quirk, Miller, Duncan and Owen (2013), Group Session Rating "
    "Scale: preliminary psychometrics in substance abuse group interventions, Counselling and "
    "Psychotherapy Research 13(3)"
)

# Three tiers: a rule that counts needs attention (the caseload's count and order); a note is
# worth a look; a positive rule is a good sign. A drop is either, by where it lands: one that
# stays at or above the cutoff is a note, one that lands below it needs attention. They are
# two rules, so that each keeps one tier, one id and one setting a therapist can turn off.
PERSISTENT_LOW = Rule(
    id="persistent_low",
    title="Low and staying low",
    badge="low-run",
    severity=0,
    source=f"{GROUP_SRS}. The pattern: low and staying low goes with dropout and poor "
    "outcome; several low sessions in a row mean it is time to change course.",
    threshold=lambda t: (
        f"{t.setting('persistent_run')} or more sessions in a row {t.below_words} "
        f"{format_tenths(t.line)}"
    ),
    settings=("persistent_run", *_CUTOFF),
)
DROP = Rule(
    id="drop",
    title="Drop below the cutoff",
    badge="drop",
    severity=1,
    source=f"{OPENFIT_TABLE}: a total 1 point or more below the previous session's.",
    threshold=lambda t: (
        f"total {format_tenths(t.setting('drop'))} or more below the previous session's, "
        f"landing {t.below_words} {format_tenths(t.line)}"
    ),
    settings=("drop", *_CUTOFF),
)
BELOW_CUTOFF = Rule(
    id="below_cutoff",
    title="Below the cutoff",
    badge="<cutoff",
    severity=2,
    source=None,  # the form's cutoff, with the source the registry gives for it
    threshold=lambda t: f"total {t.below_words} {format_tenths(t.line)}",
    settings=_CUTOFF,
)
FALLING = Rule(
    id="falling",
    title="Falling",
    badge="falling",
    severity=3,
    source=f"{GROUP_SRS}. The pattern: high and then falling goes with dropout and poor outcome.",
    # What _falling checks: the last falling_run totals, each lower than the one before.
    threshold=lambda t: (
        f"the last {t.setting('falling_run')} totals each lower than the one before "
        f"({t.setting('falling_run') - 1} falls in a row), at any level, even above the cutoff"
    ),
    settings=("falling_run",),
)
DROP_ABOVE_CUTOFF = Rule(
    id="drop_above_cutoff",
    title="Drop, still above the cutoff",
    badge="dip",
    severity=4,
    source=f"{OPENFIT_TABLE}: a total 1 point or more below the previous session's. That "
    "a drop that stays out of the alert range is worth a look, not counted as needing "
    "attention, is this app's choice.",
    threshold=lambda t: (
        f"total {format_tenths(t.setting('drop'))} or more below the previous session's, "
        f"and not {t.below_words} {format_tenths(t.line)}"
    ),
    settings=("drop", *_CUTOFF),
    note=True,
)
LOW_ITEM = Rule(
    id="low_item",
    title="Low item",
    badge="item",
    severity=5,
    source="Common SRS practice (a soft prompt, not a published cutoff): the lowest item "
    "tells more than the total; an item below 9 is worth asking about.",
    threshold=lambda t: f"an item below {format_tenths(t.setting('soft_item'))}",
    settings=("soft_item",),
    note=True,
)
RISING = Rule(
    id="rising",
    title="Rising",
    badge="rising",
    severity=9,
    source=f"{GROUP_SRS}. The pattern: low and then rising goes with good outcome.",
    threshold=lambda t: (
        f"back {_not_below(t)} {format_tenths(t.line)} after a session {t.below_words} it"
    ),
    settings=_CUTOFF,
    positive=True,
)
RULES: tuple[Rule, ...] = (
    PERSISTENT_LOW,
    DROP,
    BELOW_CUTOFF,
    FALLING,
    DROP_ABOVE_CUTOFF,
    LOW_ITEM,
    RISING,
)


def _not_below(t: Profile) -> str:
    """How "not below the cutoff" reads with this comparison."""
    return "above" if t.cutoff_inclusive else "at or above"


def _points(values: Sequence[int]) -> str:
    return ", ".join(format_tenths(value) for value in values)


# Each alert's reason, worded only when shown, from the numbers the rule kept.
def _below_cutoff_words(total: int, t: Profile) -> str:
    return (
        f"Total {format_tenths(total)} is {t.below_words} the cutoff of "
        f"{format_tenths(t.line)}: the alliance may need attention."
    )


def _persistent_low_words(run: int, shown: Sequence[int], t: Profile) -> str:
    listed = ("… " if run > len(shown) else "") + _points(shown)
    return (
        f"{run} sessions in a row {t.below_words} the cutoff "
        f"({listed}): time to change course together."
    )


def _drop_words(total: int, previous: int, below: bool, t: Profile) -> str:
    level = "still at" if total == t.line else "still above"
    landing = f", {t.below_words if below else level} the cutoff of {format_tenths(t.line)}"
    return (
        f"Total {format_tenths(total)} is {format_tenths(previous - total)} below last "
        f"session's {format_tenths(previous)}{landing}."
    )


def _falling_words(last: Sequence[int]) -> str:
    return f"The last {len(last)} totals each went down from the one before ({_points(last)})."


def _rising_words(total: int, previous: int, t: Profile) -> str:
    return (
        f"Total {format_tenths(total)} is back {_not_below(t)} the cutoff after "
        f"{format_tenths(previous)}."
    )


def _low_item_words(scores: Scores, soft: int, t: Profile) -> str:
    measure = t.measure
    lowest_key, value = scores.lowest() or ("", 0)  # an item fired it: there is one
    lowest = measure.item(lowest_key)
    values = scores.as_dict()
    low = sorted((k for k in measure.keys if values[k] < soft), key=values.__getitem__)
    reason = f"{lowest.label} is {format_tenths(value)}, below {format_tenths(soft)}"
    others = [f"{measure.item(k).label} {format_tenths(values[k])}" for k in low if k != lowest.key]
    if others:
        reason += f"; also below: {', '.join(others)}"
    return reason + "."


def _low_run(totals: Sequence[int], t: Profile) -> int:
    """How many of the last totals in a row are below the cutoff."""
    run = 0
    for total in reversed(totals):
        if not t.below_cutoff(total):
            break
        run += 1
    return run


def _falls(last: Sequence[int]) -> bool:
    """Whether each of these totals is lower than the one before."""
    earlier = last[0]
    for later in last[1:]:
        if later >= earlier:
            return False
        earlier = later
    return True


def lookback(profile: Profile) -> int:
    """How many of the latest sessions the rules look at."""
    return max(2, profile.values["persistent_run"], profile.values["falling_run"])


def latest_alerts(
    history: Sequence[Scores],
    profile: Profile,
    numbers: Sequence[int] = (),  # noqa: ARG001 (the outcome rules read them)
) -> tuple[Alert, ...]:
    """The alerts of the last session of a history in session order, most urgent first.

    The positive note `rising` is included, last; `concerns()` leaves it out.
    """
    if not history:
        return ()
    # All of it, not just lookback(): a run of low sessions is counted to its start.
    return alerts_of([scores.total for scores in history], history[-1], profile)


def alerts_of(
    totals: Sequence[int], last: Scores, profile: Profile, low_run: int | None = None
) -> tuple[Alert, ...]:
    """The alerts of a session from the totals up to it (oldest first; at least lookback() of
    them, or a run of low sessions is counted only as far back as they go) and its own four
    ratings, most urgent first. low_run, when the caller knows it, is the number of sessions in
    a row below the cutoff up to this one, which may reach further back than totals.

    Each rule is checked inline, in the order of RULES (most urgent first, so the alerts need
    no sorting), and an alert (with the numbers of its reason) is made only for a rule that
    fires: most sessions of a caseload fire none or one."""
    t = profile
    values = t.values
    total = totals[-1]
    below = t.below_cutoff(total)
    found: list[Alert] = []
    run = (_low_run(totals, t) if below else 0) if low_run is None else low_run
    needed = values["persistent_run"]
    if run >= needed:
        shown = totals[-min(run, len(totals)) :]
        found.append(Alert(PERSISTENT_LOW, run, needed, _persistent_low_words, (run, shown, t)))
    previous = totals[-2] if len(totals) >= 2 else None
    fall, drop = (0 if previous is None else previous - total), values["drop"]
    dropped = previous is not None and fall >= drop
    if dropped and below:
        found.append(Alert(DROP, fall, drop, _drop_words, (total, previous, True, t)))
    if below:
        found.append(Alert(BELOW_CUTOFF, total, t.line, _below_cutoff_words, (total, t)))
    falling_run = values["falling_run"]
    if len(totals) >= falling_run and _falls(fallen := totals[-falling_run:]):
        found.append(Alert(FALLING, falling_run, falling_run, _falling_words, (fallen,)))
    if dropped and not below:
        found.append(Alert(DROP_ABOVE_CUTOFF, fall, drop, _drop_words, (total, previous, False, t)))
    if last.values:  # a total alone has no item to judge
        value, soft = min(last.values), values["soft_item"]
        if value < soft:
            found.append(Alert(LOW_ITEM, value, soft, _low_item_words, (last, soft, t)))
    if previous is not None and not below and t.below_cutoff(previous):
        found.append(Alert(RISING, total, t.line, _rising_words, (total, previous, t)))
    if not found:
        return ()
    off = t.off
    if off:
        return tuple([alert for alert in found if alert.rule.id not in off])
    return tuple(found)


def alerts_by_session(
    history: Sequence[Scores],
    profile: Profile,
    numbers: Sequence[int] = (),  # noqa: ARG001 (the outcome rules read them)
) -> list[tuple[Alert, ...]]:
    """The alerts of every session, each judged on the sessions up to it.

    Each session sees only the look-back of totals, with the run of low sessions counted as it
    goes, so a long history costs in proportion to its length. The alliance rules compare
    consecutive forms, so the session numbers are not read.
    """
    totals = [scores.total for scores in history]
    keep = lookback(profile)
    judged = []
    run = 0
    for end, scores in enumerate(history):
        run = run + 1 if profile.below_cutoff(totals[end]) else 0
        window = totals[max(0, end + 1 - keep) : end + 1]
        judged.append(alerts_of(window, scores, profile, low_run=run))
    return judged


RULE_SET = RuleSet(
    kind=ALLIANCE,
    rules=RULES,
    settings=SETTINGS,
    latest_alerts=latest_alerts,
    alerts_of=alerts_of,
    alerts_by_session=alerts_by_session,
    lookback=lookback,
)
