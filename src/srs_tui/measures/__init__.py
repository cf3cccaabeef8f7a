"""The measures as data (registry) and ratings in tenths (ratings)."""

from srs_tui.measures.ratings import (
    TENTHS_PER_POINT,
    RatingError,
    Scores,
    format_tenths,
    parse_rating,
    total_of,
)
from srs_tui.measures.registry import (
    ALLIANCE,
    CLIENT,
    FORMS,
    KINDS,
    MEASURES,
    MODES,
    OUTCOME,
    RATERS,
    SETTINGS,
    SRS,
    Form,
    Item,
    Measure,
    measure_named,
)

__all__ = [
    "ALLIANCE",
    "CLIENT",
    "FORMS",
    "KINDS",
    "MEASURES",
    "MODES",
    "OUTCOME",
    "RATERS",
    "SETTINGS",
    "SRS",
    "TENTHS_PER_POINT",
    "Form",
    "Item",
    "Measure",
    "RatingError",
    "Scores",
    "format_tenths",
    "measure_named",
    "parse_rating",
    "total_of",
]
