"""When and how an SRS was given: the date, mode and setting, and dates as therapists type them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d")
EARLIEST = datetime(2000, 1, 1)
DISPLAY_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class SessionDetails:
    """When and how the SRS was given."""

    administered_at: datetime
    mode: str
    setting: str


def parse_session_time(text: str, now: datetime, zone: tzinfo | None = None) -> datetime:
    """A typed date ("2026-11-24" or "2026-11-24 15:30"), or ValueError.

    The time is read in zone when given (the zone the date was shown in), else in the local
    zone of that date, summer time included.
    """
    entry = " ".join(text.split())
    for fmt in DATE_FORMATS:
        try:
            naive = datetime.strptime(entry, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            naive = naive.replace(hour=12)  # a paper record without a time: midday
        if naive < EARLIEST:
            raise ValueError(f"{entry} is before 2000; check the year")
        moment = naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()
        if moment > now + timedelta(minutes=5):
            raise ValueError(f"{entry} is in the future")
        return moment
    raise ValueError(
        f"{entry or 'an empty date'} is not a date like 2026-11-24 or 2026-11-24 15:30"
    )
