"""Triage: the caseload ordered by who needs attention first. Pure, no Textual."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from srs_tui.rules import Alert, Profile, Profiles, concerns
from srs_tui.store.records import ClientSummary

RECENT_SESSIONS = 8  # what the caseload's small trend shows
_NEVER_SEEN = float("inf")
_NO_CONCERN = 99  # beyond every rule's severity


class Triaged(NamedTuple):
    """A client with the alerts of their latest session (none once their episode ended).

    A named tuple, not a dataclass: a caseload of ten thousand makes one each, and a tuple is
    built in a fraction of the time and memory of a frozen dataclass.
    """

    summary: ClientSummary
    alerts: tuple[Alert, ...]  # positive notes included
    concerns: tuple[Alert, ...]  # the alerts that count: the positive notes left out
    profile: Profile | None  # of the latest session's measure; None before the first

    @property
    def needs_attention(self) -> bool:
        """Whether any alert other than a positive note fired."""
        return bool(self.concerns)


def recent_needed(profiles: Profiles) -> int:
    """How many latest sessions a client's row needs: the trend's and the rules' look-back."""
    return max(RECENT_SESSIONS, profiles.lookback)


def triage(summaries: Sequence[ClientSummary], profiles: Profiles) -> list[Triaged]:
    """The clients, most urgent first, then by latest session.

    The order: clients in care before those whose episode ended; then the most urgent rule
    that fired, more alerts, the latest session first, the alias; clients never seen come
    last. The keys are made once a client.
    """
    entries = []
    keyed = []
    for index, summary in enumerate(summaries):
        last = summary.last
        ended = summary.episode_closed
        if last is None:
            entry = Triaged(summary, (), (), None)
            keyed.append(
                (ended, _NO_CONCERN, 0, _NEVER_SEEN, summary.client.alias.casefold(), index)
            )
        else:
            profile = profiles.of(last.measure)
            # Once the care has ended, its last alerts are history, no longer a call to act.
            alerts = () if ended else profile.alerts_of(summary.totals, last)
            found = concerns(alerts)
            entry = Triaged(summary, alerts, found, profile)
            keyed.append(
                (
                    ended,
                    min((alert.rule.severity for alert in found), default=_NO_CONCERN),
                    -len(found),
                    -summary.last_at.timestamp() if summary.last_at else _NEVER_SEEN,
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
