"""The measures as data: what each is, its items, its range, its forms and their thresholds.

A new measure is a new entry in MEASURES (with its wording files and, for a new kind, a rule
set): the store, the rules, the screens and the files read these entries and never ask which
measure they hold. Forms, raters and kinds are listed here once; the schema keeps them in
lookup tables that a migration extends with an INSERT, never a table rebuild.

The labels and descriptions here are our own neutral English words (the client-facing texts
per language live in srs_tui.wording). The official wording is copyrighted by its authors and
is not shipped; a licensed clinician can load their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

ALLIANCE = "alliance"  # how the session went for the client: judged against a cutoff, by session
OUTCOME = "outcome"  # how the client's life is going: judged by change from the first session
KINDS = (ALLIANCE, OUTCOME)

# Who filled in the form (Child/Young Child forms) or for whom (group) it is made.
FORMS = ("adult", "adolescent", "child", "young child", "group")
# Who gave the ratings: the client by default; a parent, teacher or partner rates the client's
# outcome as a series of their own that never enters the client's own rules.
RATERS = ("client", "parent", "teacher", "partner", "group member", "other")
CLIENT = "client"

MODES = ("oral", "self", "paper")
SETTINGS = ("telehealth", "in-person")


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
class Form:
    """One form of a measure, with its own published cutoff."""

    name: str  # one of FORMS
    cutoff: int  # tenths
    cutoff_source: str  # where the number comes from, shown with the rules


@dataclass(frozen=True)
class Measure:
    """A measure of four 0-to-10 items, such as the SRS."""

    name: str  # as stored in the database and written in exports
    kind: str  # one of KINDS: which rule set judges it
    title: str
    items: tuple[Item, ...]
    forms: tuple[Form, ...]  # the first is the default
    given: str  # "start" or "end": when in a session it is usually given
    item_max: int = 100  # tenths

    @property
    def total_max(self) -> int:
        """The highest possible total, in tenths."""
        return self.item_max * len(self.items)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The item keys, in the order the form asks them."""
        return tuple(item.key for item in self.items)

    @property
    def default_form(self) -> Form:
        """The form used unless another is chosen."""
        return self.forms[0]

    @property
    def cutoff(self) -> int:
        """The default form's cutoff, in tenths."""
        return self.default_form.cutoff

    @property
    def form_names(self) -> tuple[str, ...]:
        """The names of the forms it comes in."""
        return tuple(form.name for form in self.forms)

    def form(self, name: str) -> Form:
        """The form with this name."""
        for form in self.forms:
            if form.name == name:
                return form
        raise KeyError(name)

    def item(self, key: str) -> Item:
        """The item with this key."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)


SRS = Measure(
    name="SRS",
    kind=ALLIANCE,
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
    forms=(
        Form(
            "adult",
            cutoff=360,
            cutoff_source="OpenFIT's published dashboard alert table (SRS below 36)",
        ),
    ),
    given="end",
)

MEASURES: dict[str, Measure] = {measure.name: measure for measure in (SRS,)}


def measure_named(name: str) -> Measure:
    """The registered measure with this name; KeyError for one this version does not know."""
    return MEASURES[name]
