"""The practice's own comparison band: how this practice's closed episodes that began like this
one went on, session by session. Pure.

Only the practice's own records are read, and only when enough of them are alike: closed
episodes whose intake lies within the reliable change index of this one's, on the same form.
Their totals at each session number give a middle band (25th to 75th percentile). It is a
description of this practice's past clients, not an expected-treatment-response curve: no
platform's curve is used or copied. With too few cases there is no band, and the chart shows
the reliable-change band around intake instead.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MINIMUM_CASES = 20  # similar closed episodes needed for a band at all
MINIMUM_AT_SESSION = 10  # of them, those reaching a session number for a band there


@dataclass(frozen=True)
class PracticeBand:
    """The middle half of similar closed episodes' totals, by session number (tenths)."""

    cases: int  # similar closed episodes
    by_session: Mapping[int, tuple[int, int]]  # session number -> (25th, 75th percentile)


def practice_band(
    series: Sequence[Sequence[tuple[int, int]]],
    intake: int,
    rci: int,
    *,
    minimum: int = MINIMUM_CASES,
    minimum_at_session: int = MINIMUM_AT_SESSION,
) -> PracticeBand | None:
    """The band from closed episodes' series of (session number, total), each in time order
    with its intake first: those whose intake is within rci of this intake; None with fewer
    than minimum of them."""
    similar = [one for one in series if one and abs(one[0][1] - intake) <= rci]
    if len(similar) < minimum:
        return None
    totals: dict[int, list[int]] = {}
    for one in similar:
        for number, total in one:
            totals.setdefault(number, []).append(total)
    by_session = {}
    for number, found in sorted(totals.items()):
        if len(found) >= max(minimum_at_session, 2):
            low, _, high = statistics.quantiles(found, n=4, method="inclusive")
            by_session[number] = (round(low), round(high))
    return PracticeBand(cases=len(similar), by_session=by_session)
