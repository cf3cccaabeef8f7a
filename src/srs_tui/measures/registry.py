"""The measures as data: what each is, its items, its range, its forms and their thresholds.

A new measure is a new entry in MEASURES (with its wording files and, for a new kind, a rule
set): the store, the rules, the screens and the files read these entries and never ask which
measure they hold. Forms, raters and kinds are listed here once; the schema keeps them in
lookup tables that a migration extends with an INSERT, never a table rebuild.

The item labels here are short English domain labels for the therapist (the rules' reasons, the
report, chart titles); every text the client sees lives in srs_tui.wording, per measure, form and
language. The official wording is copyrighted by its authors and is not shipped; a licensed
clinician can load their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

ALLIANCE = "alliance"  # how the session went for the client: judged against a cutoff, by session
OUTCOME = "outcome"  # how the client's life is going: judged by change from the first session
KINDS = (ALLIANCE, OUTCOME)

# Who filled in the form (Child/Young Child forms) or for whom (group) it is made.
FORMS = ("adult", "adolescent", "child", "young child", "group")
# A client's age band, kept instead of a birth date (the least that does the job): it chooses
# the form a session uses, and each administration records the form it used.
AGE_BANDS = ("adult", "adolescent", "child", "young child")
AGE_SPANS = {"adult": "18+", "adolescent": "13-17", "child": "6-12", "young child": "under 6"}
# Who gave the ratings: the client by default; a parent, teacher or partner rates the client's
# outcome as a series of their own that never enters the client's own rules.
RATERS = ("client", "parent", "teacher", "partner", "group member", "other")
CLIENT = "client"

MODES = ("oral", "self", "paper")
SETTINGS = ("telehealth", "in-person")


@dataclass(frozen=True)
class Item:
    """One item of a measure: its key and a short English domain label for the therapist."""

    key: str
    label: str


@dataclass(frozen=True)
class Form:
    """One form of a measure, with its own published cutoff (None: a form without norms, such
    as the young child's, recorded and shown but never judged)."""

    name: str  # one of FORMS
    cutoff: int | None  # tenths
    cutoff_source: str  # where the number comes from, shown with the rules

    @property
    def judged(self) -> bool:
        """Whether the form has norms, so a cutoff and rules apply to it."""
        return self.cutoff is not None


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
    def cutoff(self) -> int | None:
        """The default form's cutoff, in tenths."""
        return self.default_form.cutoff

    def form_for(self, age_band: str) -> Form:
        """The form a client of this age band is given (the default for one not listed)."""
        for form in self.forms:
            if form.name == age_band:
                return form
        return self.default_form

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


# The sources of the cutoffs, named so that a clinician can look them up.
_SRS_CUTOFF = (
    "OpenFIT's published dashboard alert table (SRS below 36); Duncan, Miller, Sparks, Claud, "
    "Reynolds, Brown and Johnson (2003), The Session Rating Scale: preliminary psychometric "
    'properties of a "working" alliance measure, Journal of Brief Therapy 3(1)'
)
_NO_NORMS = "none: the young child's forms are engagement aids without norms"

SRS = Measure(
    name="SRS",
    kind=ALLIANCE,
    title="Session Rating Scale",
    items=(
        Item("relationship", "Relationship"),
        Item("goals", "Goals and Topics"),
        Item("approach", "Approach or Method"),
        Item("overall", "Overall"),
    ),
    forms=(
        Form("adult", cutoff=360, cutoff_source=_SRS_CUTOFF),
        # Adolescents answer the adult form; the child form is its own (child SRS, 6 to 12).
        Form("adolescent", cutoff=360, cutoff_source=_SRS_CUTOFF),
        Form(
            "child",
            cutoff=360,
            cutoff_source="the SRS cutoff of OpenFIT's published dashboard alert table, used "
            "for the child form too (no separate cutoff for it is published there)",
        ),
        Form("young child", cutoff=None, cutoff_source=_NO_NORMS),
    ),
    given="end",
)

_ORS_ADULT = (
    "Miller, Duncan, Brown, Sparks and Claud (2003), The Outcome Rating Scale: a preliminary "
    "study of the reliability, validity, and feasibility of a brief visual analog measure, "
    "Journal of Brief Therapy 2(2)"
)
_ORS_YOUTH = (
    "Duncan, Sparks, Miller, Bohanske and Claud (2006), Giving youth a voice: a preliminary "
    "study of the reliability and validity of a brief outcome measure for children, "
    "adolescents, and caretakers, Journal of Brief Therapy 5(2)"
)

ORS = Measure(
    name="ORS",
    kind=OUTCOME,
    title="Outcome Rating Scale",
    items=(
        Item("individually", "Individually"),
        Item("interpersonally", "Interpersonally"),
        Item("socially", "Socially"),
        Item("overall", "Overall"),
    ),
    forms=(
        Form("adult", cutoff=250, cutoff_source=f"adults: 25; {_ORS_ADULT}"),
        Form("adolescent", cutoff=280, cutoff_source=f"adolescents 13-17: 28; {_ORS_YOUTH}"),
        Form(
            "child",
            cutoff=320,
            cutoff_source=f"children 6-12: 32 (one other platform uses 28); {_ORS_YOUTH}",
        ),
        Form("young child", cutoff=None, cutoff_source=_NO_NORMS),
    ),
    given="start",
)

# In the order a session gives them: the ORS at its start, the SRS at its end.
MEASURES: dict[str, Measure] = {measure.name: measure for measure in (ORS, SRS)}


def measure_named(name: str) -> Measure:
    """The registered measure with this name; KeyError for one this version does not know."""
    return MEASURES[name]
