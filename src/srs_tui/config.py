"""Settings: the alert thresholds and the defaults of a new session. No I/O here yet."""

from __future__ import annotations

from dataclasses import dataclass, field

from srs_tui.feedback import Thresholds


@dataclass(frozen=True)
class Config:
    """What the app needs to know beyond the database."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    default_mode: str = "oral"
    default_setting: str = "telehealth"
