"""Ratings as integer tenths: parsing what a therapist types, formatting at the edges, and the
values of one administration.

Values are integer tenths everywhere inside (an item is 0 to 100, a four-item total 0 to 400),
so float rounding never reaches a total, a cutoff comparison or an export. Text is formatted
with one decimal only at the edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from srs_tui.measures.registry import SRS, Measure, measure_named

TENTHS_PER_POINT = 10


class RatingError(ValueError):
    """A typed rating that is not a number from 0 to 10 with at most one decimal.

    kind names the reason (empty, not_a_number, decimals, above, below), so that a screen can
    say it in the client's language."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]*)(?:[.,](?P<fraction>[0-9]*))?")


def parse_rating(text: str, item_max: int = SRS.item_max) -> int:
    """Parse what the therapist typed ("7", "7.5", ".5", "10") into tenths.

    Accepts a comma as the decimal mark too, since many clinicians' keyboards use one.
    Raises RatingError with a reason a person can act on.
    """
    highest = format_tenths(item_max)
    span = f"from 0 to {highest.removesuffix('.0')}"
    entry = text.strip()
    if not entry:
        raise RatingError(f"type a number {span}", "empty")
    match = _NUMBER.fullmatch(entry)
    if match is None or not (match["whole"] or match["fraction"]):
        raise RatingError(f"{entry!r} is not a number {span}", "not_a_number")
    fraction = (match["fraction"] or "").rstrip("0")
    if len(fraction) > 1:
        raise RatingError(f"{entry} has more than one decimal", "decimals")
    whole = match["whole"].lstrip("0")
    if len(whole) > 3:
        raise RatingError(f"{entry} is above {highest}", "above")
    tenths = int(whole or "0") * TENTHS_PER_POINT + int(fraction or "0")
    if match["sign"] == "-" and tenths > 0:
        raise RatingError(f"{entry} is below 0", "below")
    if tenths > item_max:
        raise RatingError(f"{entry} is above {highest}", "above")
    return tenths


def _spelled(tenths: int) -> str:
    sign = "-" if tenths < 0 else ""
    whole, fraction = divmod(abs(tenths), TENTHS_PER_POINT)
    return f"{sign}{whole}.{fraction}"


# Every item value and total there can be, spelled once: an export formats five a row.
_SPELLED = tuple(_spelled(tenths) for tenths in range(401))


def format_tenths(tenths: int) -> str:
    """Tenths as a number with one decimal: 85 -> "8.5", 100 -> "10.0"."""
    if 0 <= tenths < len(_SPELLED):
        return _SPELLED[tenths]
    return _spelled(tenths)


@dataclass(frozen=True, slots=True)
class Scores:
    """The values of one administration of one measure, in tenths: its items in the form's
    order, or, for a record that kept only its total (an old paper log), that total and no
    items (`values` empty, `given_total` set). A total alone is never spread into items."""

    measure: str
    values: tuple[int, ...]
    given_total: int | None = None

    def __post_init__(self) -> None:
        spec = measure_named(self.measure)
        if not self.values:
            total = self.given_total
            if isinstance(total, bool) or not isinstance(total, int):
                raise TypeError("a total without items must be an int of tenths")
            if not 0 <= total <= spec.total_max:
                raise ValueError(f"the total is {total} tenths, outside 0..{spec.total_max}")
            return
        if self.given_total is not None:
            raise ValueError("a total is given only without items")
        if len(self.values) != len(spec.keys):
            raise ValueError(f"{self.measure} has {len(spec.keys)} items, not {len(self.values)}")
        for key, value in zip(spec.keys, self.values, strict=True):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{key} must be an int of tenths")
            if not 0 <= value <= spec.item_max:
                raise ValueError(f"{key} is {value} tenths, outside 0..{spec.item_max}")

    @classmethod
    def trusted(cls, measure: str, values: tuple[int, ...], total: int | None = None) -> Scores:
        """Scores read back from the store, whose CHECK constraints already hold them to
        0..100: skips the checks, which cost more than the query on a large caseload."""
        scores = object.__new__(cls)
        # Through the slots' own setters: a third faster than object.__setattr__ by name.
        _SET_MEASURE(scores, measure)
        _SET_VALUES(scores, values)
        _SET_TOTAL(scores, total)
        return scores

    @classmethod
    def stored(cls, measure: str, columns: Sequence[Any]) -> Scores:
        """Scores from the store's columns (item1..item4, total), trusted like `trusted`:
        a total with the items NULL is a total alone; no total, the items.

        ValueError for a row with neither (a NULL item and no total), which only a file
        written with its CHECKs ignored holds: there is no value to show or judge, and the
        store's readers name such a row as damage rather than fail on it later."""
        total = columns[-1]
        if total is not None:
            return cls.trusted(measure, (), total)
        items = tuple(columns[:-1])  # a row's slice: a tuple already
        if None in items:
            raise ValueError("neither four items nor a total")
        return cls.trusted(measure, items)

    @classmethod
    def of(cls, measure: Measure, values: Mapping[str, int]) -> Scores:
        """Build from a mapping with one value per item key of the measure."""
        return cls(measure.name, tuple(values[key] for key in measure.keys))

    @classmethod
    def total_only(cls, measure: Measure, total: int) -> Scores:
        """A total recorded without its items (checked against the measure's highest)."""
        return cls(measure.name, (), total)

    @classmethod
    def srs(cls, relationship: int, goals: int, approach: int, overall: int) -> Scores:
        """An SRS, its items in the form's order (a shorthand for tests and the demo)."""
        return cls(SRS.name, (relationship, goals, approach, overall))

    @property
    def has_items(self) -> bool:
        """Whether the items were recorded (False: a total alone)."""
        return bool(self.values)

    @property
    def keys(self) -> tuple[str, ...]:
        """The item keys, in the form's order."""
        return measure_named(self.measure).keys

    @property
    def total(self) -> int:
        """The total in tenths."""
        if self.given_total is not None:
            return self.given_total
        return sum(self.values)

    @property
    def columns(self) -> tuple[int | None, ...]:
        """The values as the store keeps them: item1..item4, then a total given alone."""
        if self.values:
            return (*self.values, None)
        return (*(None for _ in self.keys), self.given_total)

    def as_dict(self) -> dict[str, int]:
        """The ratings by item key, in the form's order (empty for a total alone)."""
        return dict(zip(self.keys, self.values, strict=True)) if self.values else {}

    def __iter__(self) -> Iterator[int]:
        return iter(self.values)

    def lowest(self) -> tuple[str, int] | None:
        """The key of the lowest item and its value; on a tie, the one the form asks first.
        None for a total alone: no item to name."""
        if not self.values:
            return None
        value, index = min((value, index) for index, value in enumerate(self.values))
        return self.keys[index], value


# The setters of Scores' slots, which a frozen dataclass's own __setattr__ refuses: for trusted.
_SET_MEASURE = Scores.__dict__["measure"].__set__
_SET_VALUES = Scores.__dict__["values"].__set__
_SET_TOTAL = Scores.__dict__["given_total"].__set__


def total_of(values: Mapping[str, int | None]) -> int:
    """The sum of the items that are set, in tenths."""
    return sum(value for value in values.values() if value is not None)
