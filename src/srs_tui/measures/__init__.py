"""The scales as data: items, labels, ranges and cutoffs, and the parsing of ratings.

Values are integer tenths everywhere inside (an item is 0 to 100, the SRS total 0 to 400), so
float rounding never reaches a total, a cutoff comparison or an export. Text is formatted with
one decimal only at the edges.

The labels, poles and descriptions here are our own neutral words. The official SRS wording is
copyrighted by its authors and is not shipped; a licensed clinician can load their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

TENTHS_PER_POINT = 10


@dataclass(frozen=True)
class Item:
    """One item of a measure: its key, its label and our own one-line description."""

    key: str
    label: str
    description: str
    low_pole: str
    high_pole: str
    follow_up: str


@dataclass(frozen=True)
class Measure:
    """A four-item 0-to-10 form such as the SRS."""

    name: str
    title: str
    items: tuple[Item, ...]
    item_max: int  # tenths
    cutoff: int  # tenths, the commonly cited default

    @property
    def total_max(self) -> int:
        """The highest possible total, in tenths."""
        return self.item_max * len(self.items)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The item keys, in the order the form asks them."""
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        """The item with this key."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)


SRS = Measure(
    name="SRS",
    title="Session Rating Scale",
    items=(
        Item(
            key="relationship",
            label="Relationship",
            description="How heard, understood and respected you felt today.",
            low_pole="not heard",
            high_pole="fully heard",
            follow_up="Was there a moment today when you felt less heard? What would have helped?",
        ),
        Item(
            key="goals",
            label="Goals and Topics",
            description="Whether we worked on what you wanted to work on.",
            low_pole="off my topics",
            high_pole="on my topics",
            follow_up="Is there something you wanted to talk about that we missed?",
        ),
        Item(
            key="approach",
            label="Approach or Method",
            description="Whether the way we worked suits you.",
            low_pole="poor fit",
            high_pole="good fit",
            follow_up="What could I do differently so the way we work suits you better?",
        ),
        Item(
            key="overall",
            label="Overall",
            description="Whether today's session as a whole was right for you.",
            low_pole="not right",
            high_pole="just right",
            follow_up="What would have made today's session a better one for you?",
        ),
    ),
    item_max=100,
    cutoff=360,
)

MODES = ("oral", "self", "paper")
SETTINGS = ("telehealth", "in-person")


class RatingError(ValueError):
    """A typed rating that is not a number from 0 to 10 with at most one decimal."""


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
        raise RatingError(f"type a number {span}")
    match = _NUMBER.fullmatch(entry)
    if match is None or not (match["whole"] or match["fraction"]):
        raise RatingError(f"{entry!r} is not a number {span}")
    fraction = (match["fraction"] or "").rstrip("0")
    if len(fraction) > 1:
        raise RatingError(f"{entry} has more than one decimal")
    whole = match["whole"].lstrip("0")
    if len(whole) > 3:
        raise RatingError(f"{entry} is above {highest}")
    tenths = int(whole or "0") * TENTHS_PER_POINT + int(fraction or "0")
    if match["sign"] == "-" and tenths > 0:
        raise RatingError(f"{entry} is below 0")
    if tenths > item_max:
        raise RatingError(f"{entry} is above {highest}")
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


@dataclass(frozen=True)
class Scores:
    """The four SRS ratings of one administration, in tenths."""

    relationship: int
    goals: int
    approach: int
    overall: int

    def __post_init__(self) -> None:
        for key, value in self.as_dict().items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{key} must be an int of tenths")
            if not 0 <= value <= SRS.item_max:
                raise ValueError(f"{key} is {value} tenths, outside 0..{SRS.item_max}")

    @classmethod
    def trusted(cls, relationship: int, goals: int, approach: int, overall: int) -> Scores:
        """Scores read back from the store, whose CHECK constraints already hold them to
        0..100: skips the checks, which cost more than the query on a large caseload."""
        scores = object.__new__(cls)
        object.__setattr__(scores, "relationship", relationship)
        object.__setattr__(scores, "goals", goals)
        object.__setattr__(scores, "approach", approach)
        object.__setattr__(scores, "overall", overall)
        return scores

    @classmethod
    def from_mapping(cls, values: Mapping[str, int]) -> Scores:
        """Build from a mapping with one value per item key."""
        return cls(**{key: values[key] for key in SRS.keys})

    @property
    def total(self) -> int:
        """The total in tenths, 0 to 400."""
        return self.relationship + self.goals + self.approach + self.overall

    def as_dict(self) -> dict[str, int]:
        """The ratings by item key, in the form's order."""
        return {
            "relationship": self.relationship,
            "goals": self.goals,
            "approach": self.approach,
            "overall": self.overall,
        }

    def lowest(self) -> tuple[Item, int]:
        """The lowest item and its value; on a tie, the one the form asks first."""
        value, index = min(
            (self.relationship, 0), (self.goals, 1), (self.approach, 2), (self.overall, 3)
        )
        return SRS.items[index], value


def total_of(values: Mapping[str, int | None]) -> int:
    """The sum of the items that are set, in tenths."""
    return sum(value for value in values.values() if value is not None)
