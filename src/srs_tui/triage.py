"""Triage: the caseload ordered by who needs attention first, on both measures. Pure, no
Textual.

The ORS side is judged on the episode's intake and latest ORS (all the outcome rules read);
the SRS side on the latest SRS sessions (the alliance rules read the recent run).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from srs_tui.measures import ORS, SRS
from srs_tui.rules import Alert, Alerts, Profile, Profiles, concerns
from srs_tui.rules.outcome import (
    DETERIORATED,
    IMPROVED,
    RECOVERED,
    RECOVERED_OUTCOME,
    RELIABLE_DETERIORATION,
    RELIABLE_IMPROVEMENT,
    UNCHANGED,
    episode_outcome,
)
from srs_tui.store.records import ClientSummary

# What the caseload's small trend shows (widgets.mini_trend.CELLS); the rules need fewer. Eight
# (two more than the trend drew) cost a fifth more of the SRS's half of the caseload's query.
RECENT_SESSIONS = 6
_NEVER_SEEN = float("inf")
_NO_CONCERN = 99  # beyond every rule's severity
_SRS, _ORS = SRS.name, ORS.name

# The tiers of the order: needing attention (an alert that counts: the outcome going wrong, a
# low, falling or dropping alliance), then worth a look (a note only), then the rest.
_ATTENTION, _WORTH_A_LOOK, _NONE = 0, 1, 2


class Triaged(NamedTuple):
    """A client with the alerts of their latest ORS and SRS (none once their episode ended).

    A named tuple, not a dataclass: a caseload of ten thousand makes one each, and a tuple is
    built in a fraction of the time and memory of a frozen dataclass.
    """

    summary: ClientSummary
    ors_alerts: Alerts  # the latest ORS against intake; notes and good signs included
    srs_alerts: Alerts  # the latest SRS's; good signs included
    concerns: Alerts  # the alerts of both that count, most urgent first
    profile: Profile | None  # of the latest SRS's measure and form; None before the first
    ors_profile: Profile | None  # of the latest ORS's form; None before the first
    outcome: str | None  # the episode's so far (rules.outcome.OUTCOMES); None with one ORS

    @property
    def alerts(self) -> Alerts:
        """The alerts of both sides: the ORS's, then the SRS's."""
        return self.ors_alerts + self.srs_alerts

    @property
    def needs_attention(self) -> bool:
        """Whether any alert that counts (not a note, not a good sign) fired."""
        return bool(self.concerns)

    @property
    def notes(self) -> Alerts:
        """The alerts of both sides worth a look (not counted as needing attention)."""
        return tuple(alert for alert in self.alerts if alert.rule.note)


def recent_needed(profiles: Profiles) -> int:
    """How many latest SRS sessions a client's row needs: the trend's and the rules'
    look-back."""
    return max(RECENT_SESSIONS, profiles.lookback)


def outcome_alerts(summary: ClientSummary, profile: Profile) -> Alerts:
    """The alerts of the latest ORS: only the intake and the latest are read."""
    intake, latest = summary.intake, summary.ors
    if intake is None or latest is None:
        return ()
    if summary.ors_session == summary.intake_session:  # one ORS so far: the intake itself
        return profile.latest_alerts([intake], [summary.intake_session])
    return profile.latest_alerts([intake, latest], [summary.intake_session, summary.ors_session])


# The outcome each rule's alert already says, when it fired at the latest ORS.
_OUTCOME_OF = {
    RELIABLE_DETERIORATION.id: DETERIORATED,
    RECOVERED.id: RECOVERED_OUTCOME,
    RELIABLE_IMPROVEMENT.id: IMPROVED,
}


def _outcome_so_far(summary: ClientSummary, profile: Profile, alerts: Alerts) -> str | None:
    intake, latest = summary.intake, summary.ors
    if intake is None or latest is None or summary.ors_session == summary.intake_session:
        return None
    if not profile.judged:  # a form without norms has no reliable change to judge by
        return None
    # The alerts of the latest ORS compared it with intake already: read the outcome off them
    # (a thousand clients' worth of the comparison again cost a tenth of the triage).
    for alert in alerts:
        said = _OUTCOME_OF.get(alert.rule.id)
        if said is not None:
            return said
    if profile.off.isdisjoint(_OUTCOME_OF):
        return UNCHANGED  # none of them fired, and none is turned off
    return episode_outcome(intake.total, latest.total, profile)


def _concerns(alerts: Alerts) -> Alerts:
    """concerns(alerts), without building a new tuple when it would be the same or empty."""
    if not alerts:
        return ()
    if len(alerts) == 1:  # the most common case with any alert at all
        return alerts if alerts[0].rule.counts else ()
    return concerns(alerts)


def _by_severity(alert: Alert) -> int:
    return alert.rule.severity


def _profile(
    profiles: Profiles, found: dict[tuple[str, str | None], Profile], measure: str, form: str | None
) -> Profile:
    """The profile of a measure's form, looked up once a caseload (kept in found)."""
    profile = found.get((measure, form))
    if profile is None:
        profile = found[measure, form] = profiles.of(measure, form)
    return profile


def judged(
    summary: ClientSummary,
    profiles: Profiles,
    forms: dict[tuple[str, str | None], Profile] | None = None,
) -> Triaged:
    """One client's alerts on both sides, and the episode's outcome so far.

    forms: the profiles already looked up by (measure, form), kept across a caseload.

    A caseload judges every client to order them, so each side's rule set is called straight
    (what Profile.latest_alerts and Profile.alerts_of would call, without their checks of
    arguments made right here): a thousand clients' worth of those calls was a fifth of it."""
    found_forms = {} if forms is None else forms
    srs_profile = ors_profile = None
    last = summary.last
    if last is not None:
        srs_profile = _profile(profiles, found_forms, _SRS, summary.last_form)
    ors_alerts: Alerts = ()
    outcome = None
    ors = summary.ors
    if ors is not None:
        ors_profile = _profile(profiles, found_forms, _ORS, summary.ors_form)
        intake = summary.intake
        rule_set = ors_profile.rule_set
        if intake is not None and rule_set is not None:
            intake_session, ors_session = summary.intake_session, summary.ors_session
            if ors_session == intake_session:  # one ORS so far: the intake itself
                ors_alerts = rule_set.latest_alerts((intake,), ors_profile, (intake_session,))
            else:
                ors_alerts = rule_set.latest_alerts(
                    (intake, ors), ors_profile, (intake_session, ors_session)
                )
        outcome = _outcome_so_far(summary, ors_profile, ors_alerts)
    if summary.episode_closed:
        # Once the care has ended, its last alerts are history, no longer a call to act.
        return Triaged(summary, (), (), (), srs_profile, ors_profile, outcome)
    srs_alerts: Alerts = ()
    if srs_profile is not None and last is not None:
        srs_rules = srs_profile.rule_set
        if srs_rules is not None:
            srs_alerts = srs_rules.alerts_of(summary.totals, last, srs_profile, None)
    ors_concerns = _concerns(ors_alerts)
    srs_concerns = _concerns(srs_alerts)
    # Each side's are in order already, by severity.
    if ors_concerns and srs_concerns:
        found = tuple(sorted(ors_concerns + srs_concerns, key=_by_severity))
    else:
        found = ors_concerns or srs_concerns
    return Triaged(summary, ors_alerts, srs_alerts, found, srs_profile, ors_profile, outcome)


def triage(summaries: Sequence[ClientSummary], profiles: Profiles) -> list[Triaged]:
    """The clients, most urgent first, then by latest session.

    The order: clients in care before those whose episode ended; then those with an alert that
    counts as needing attention on either side, then those with only a note (worth a look),
    then the rest; within each, the most urgent rule that fired, more alerts of that tier, the
    latest session first, the alias; clients never seen come last. The keys are made once a
    client.
    """
    entries = []
    keyed = []
    forms: dict[tuple[str, str | None], Profile] = {}
    for index, summary in enumerate(summaries):
        entry = judged(summary, profiles, forms)
        found = entry.concerns
        if found:
            tier, severity, count = _ATTENTION, found[0].rule.severity, len(found)
        elif (entry.ors_alerts or entry.srs_alerts) and (notes := entry.notes):
            tier = _WORTH_A_LOOK
            severity, count = min(note.rule.severity for note in notes), len(notes)
        else:  # the common case: nothing to say, and nothing built to say it
            tier, severity, count = _NONE, _NO_CONCERN, 0
        last_at = summary.last_at
        keyed.append(
            (
                summary.episode_closed,
                tier,
                severity,
                -count,
                -last_at.timestamp() if last_at is not None else _NEVER_SEEN,
                summary.client.alias.casefold(),
                index,
            )
        )
        entries.append(entry)
    keyed.sort()
    return [entries[key[-1]] for key in keyed]


def matching(entries: Sequence[Triaged], text: str) -> list[Triaged]:
    """The entries whose alias contains text, in any case."""
    wanted = " ".join(text.split()).casefold()
    return [entry for entry in entries if wanted in entry.summary.client.alias.casefold()]
