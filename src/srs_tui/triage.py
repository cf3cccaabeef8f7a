"""Triage: the caseload ordered by who needs attention first. Pure, no Textual."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from srs_tui.rules import Alert, Profile, Profiles, concerns
from srs_tui.store.records import ClientSummary

RECENT_SESSIONS = 8  # what the caseload's small trend shows


@dataclass(frozen=True)
class Triaged:
    """A client with the alerts of their latest session (none once their episode ended)."""

    summary: ClientSummary
    alerts: tuple[Alert, ...]  # positive notes included
    profile: Profile | None  # of the latest session's measure; None before the first

    @cached_property
    def concerns(self) -> tuple[Alert, ...]:
        """The alerts that count (asked for several times a client to order a caseload)."""
        return concerns(self.alerts)

    @property
    def needs_attention(self) -> bool:
        """Whether any alert other than a positive note fired."""
        return bool(self.concerns)


def recent_needed(profiles: Profiles) -> int:
    """How many latest sessions a client's row needs: the trend's and the rules' look-back."""
    return max(RECENT_SESSIONS, profiles.lookback)


def _order(entry: Triaged) -> tuple[bool, int, int, float, str]:
    worst = min((alert.rule.severity for alert in entry.concerns), default=99)
    last: datetime | None = entry.summary.last_at
    # Clients in care first, those whose episode ended after them; then the most urgent rule,
    # more alerts, the latest session first; never seen last.
    return (
        entry.summary.episode_closed,
        worst,
        -len(entry.concerns),
        -last.timestamp() if last is not None else float("inf"),
        entry.summary.client.alias.casefold(),
    )


def _triaged(summary: ClientSummary, profiles: Profiles) -> Triaged:
    if summary.last is None:
        return Triaged(summary=summary, alerts=(), profile=None)
    profile = profiles.of(summary.last.measure)
    if summary.episode_closed:
        # The care has ended: its last alerts are history, no longer a call to act.
        return Triaged(summary=summary, alerts=(), profile=profile)
    return Triaged(
        summary=summary, alerts=profile.alerts_of(summary.totals, summary.last), profile=profile
    )


def triage(summaries: Sequence[ClientSummary], profiles: Profiles) -> list[Triaged]:
    """The clients, most urgent first, then by latest session."""
    return sorted((_triaged(summary, profiles) for summary in summaries), key=_order)


def matching(entries: Sequence[Triaged], text: str) -> list[Triaged]:
    """The entries whose alias contains text, in any case."""
    wanted = " ".join(text.split()).casefold()
    return [entry for entry in entries if wanted in entry.summary.client.alias.casefold()]
