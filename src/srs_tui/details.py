"""When and how an SRS was given: the date, mode and setting, and dates as therapists type them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d")
# The SRS was first published in 2000-2003: an earlier session date is a typo in the year.
EARLIEST = datetime(2000, 1, 1)
DISPLAY_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class SessionDetails:
    """When and how the SRS was given."""

    administered_at: datetime
    mode: str
    setting: str


def local_moment(naive: datetime) -> datetime:
    """A date and time without an offset, read as the local time of that date (summer time
    included); never raises.

    Windows' C library cannot convert times before 1970 (astimezone() raises OSError), and no
    platform converts the years next to 1 and 9999: those get today's local offset instead, the
    best guess left. Callers refuse implausible dates; this must not be the one that fails.
    """
    try:
        return naive.astimezone()
    except (OSError, OverflowError, ValueError):
        return naive.replace(tzinfo=datetime.now().astimezone().tzinfo)


def parse_session_time(text: str, now: datetime, zone: tzinfo | None = None) -> datetime:
    """A session's date and time as typed in the app or found in a file, or ValueError: the
    one reading of a date, so that the same paper session entered by hand and imported is
    recognised as one.

    "2026-11-24 15:30", "2026-11-24T15:30", ISO 8601 with seconds and an offset; a date alone
    ("2026-11-24") is a paper record without a time and means midday. A time without an offset
    is read in zone when given (the zone the date was shown in), else in the local zone of
    that date, summer time included.
    """
    entry = " ".join(text.split())
    naive: datetime | None = None
    for fmt in DATE_FORMATS:
        try:
            naive = datetime.strptime(entry, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            naive = naive.replace(hour=12)  # a paper record without a time: midday
        break
    moment: datetime | None = None
    if naive is None:
        try:
            moment = datetime.fromisoformat(entry)
        except ValueError:
            raise ValueError(
                f"{entry or 'an empty date'} is not a date like 2026-11-24 or 2026-11-24 15:30"
            ) from None
        if moment.tzinfo is None:
            naive, moment = moment, None
    if (moment or naive or now).replace(tzinfo=None) < EARLIEST:
        raise ValueError(f"{entry} is before {EARLIEST.year}; check the year")
    if moment is None and naive is not None:
        moment = naive.replace(tzinfo=zone) if zone is not None else local_moment(naive)
    assert moment is not None
    if moment > now + timedelta(minutes=5):
        raise ValueError(f"{entry} is in the future")
    return moment.replace(microsecond=0)
