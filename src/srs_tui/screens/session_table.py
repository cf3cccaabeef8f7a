"""One client's sessions as rows: each measure given in a session on one row, its cells made
only when the row is first drawn (an episode of 200 sessions shows about 10 at once)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from rich.text import Text

from srs_tui.measures import MEASURES, format_tenths
from srs_tui.rules import Alert
from srs_tui.store import Administration

NOT_GIVEN = "–"
DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class SessionRow:
    """One session of the episode: each measure the client rated in it, and their alerts."""

    session: int
    session_id: str
    held_at: datetime
    mode: str
    given: dict[str, Administration]  # by measure name
    alerts: tuple[Alert, ...]  # both sides', the outcome's first

    @property
    def administrations(self) -> list[Administration]:
        """The measures given, in the order a session gives them."""
        return [self.given[name] for name in MEASURES if name in self.given]


def total_only_mark(row: SessionRow) -> str:
    """Says which measures of the row kept only their total, their items never recorded (an
    old paper log): "total only" when all did, "SRS total only" when one did, else ''."""
    alone = [a.measure for a in row.administrations if not a.scores.has_items]
    if not alone:
        return ""
    return "total only" if len(alone) == len(row.given) else f"{', '.join(alone)} total only"


def session_rows(
    administrations: Sequence[Administration], alerts: Sequence[tuple[Alert, ...]]
) -> list[SessionRow]:
    """The administrations of one episode (time order, each with its alerts) as one row a
    session, in time order."""
    given: dict[str, dict[str, Administration]] = {}
    fired: dict[str, dict[str, tuple[Alert, ...]]] = {}
    for administration, found in zip(administrations, alerts, strict=True):
        given.setdefault(administration.session_id, {})[administration.measure] = administration
        fired.setdefault(administration.session_id, {})[administration.measure] = found
    rows = []
    for session_id, measures in given.items():
        first = next(iter(measures.values()))
        rows.append(
            SessionRow(
                session=first.session,
                session_id=session_id,
                held_at=first.administered_at,
                mode=first.mode,
                given=measures,
                alerts=tuple(
                    alert for name in MEASURES for alert in fired[session_id].get(name, ())
                ),
            )
        )
    return sorted(rows, key=lambda row: row.session)


class TableRow:
    """A session as a row of a table: number, date, each measure's total, then tail's cells."""

    def __init__(
        self,
        row: SessionRow,
        low: Mapping[str, Callable[[int], bool]],
        tail: tuple[str, ...] = (),
    ) -> None:
        """low: by measure, whether a total is marked ▼ (below its cutoff); tail: the cells
        after the totals, as plain text."""
        self.row = row
        self.key = row.session_id
        self.low = low
        self.tail = tail

    @cached_property
    def cells(self) -> tuple[Text, ...]:
        """The row's cells, made when it is first drawn."""
        row = self.row
        totals = []
        for name in MEASURES:
            administration = row.given.get(name)
            if administration is None:
                totals.append(Text(NOT_GIVEN, style="dim"))
                continue
            total = administration.scores.total
            below = self.low.get(name)
            if below is not None and below(total):
                totals.append(Text(f"▼{format_tenths(total)}", style="bold"))
            else:
                totals.append(Text(format_tenths(total)))
        return (
            Text(str(row.session)),
            Text(row.held_at.strftime(DATE_FORMAT)),
            *totals,
            *(Text(cell) for cell in self.tail),
        )


def row_widths(rows: Sequence[TableRow], tails: int = 0) -> list[int]:
    """The widest cell of each column (tails: how many after the totals), worked out from
    the strings, so that a row's cells are made only when it is drawn."""
    return [
        max((len(str(row.row.session)) for row in rows), default=1),
        len("2026-01-01"),
        *(len("▼40.0") for _ in MEASURES),
        *(max((len(row.tail[i]) for row in rows), default=0) for i in range(tails)),
    ]
