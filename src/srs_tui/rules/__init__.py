"""The alert rules: a history in time order in, alerts out; pure, no I/O."""

from srs_tui.rules.alliance import (
    RULES,
    Alert,
    Feedback,
    Rule,
    Thresholds,
    alerts_by_session,
    alerts_of,
    concerns,
    latest_alerts,
    lookback,
    summarize,
)

__all__ = [
    "RULES",
    "Alert",
    "Feedback",
    "Rule",
    "Thresholds",
    "alerts_by_session",
    "alerts_of",
    "concerns",
    "latest_alerts",
    "lookback",
    "summarize",
]
