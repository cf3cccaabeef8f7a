"""Parsing, formatting and totals of ratings: integer tenths inside, one decimal outside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_tui.measures import SRS, RatingError, Scores, format_tenths, parse_rating

ratings = st.integers(min_value=0, max_value=100)


@pytest.mark.parametrize(
    ("typed", "tenths"),
    [
        ("7", 70),
        ("7.5", 75),
        ("10", 100),
        (".5", 5),
        ("0", 0),
        ("0.0", 0),
        ("10.0", 100),
        ("9.1", 91),
        (" 8.5 ", 85),
        ("8,5", 85),
        ("7.", 70),
        ("07", 70),
        ("7.50", 75),
    ],
)
def test_valid_ratings_parse_to_tenths(typed: str, tenths: int) -> None:
    assert parse_rating(typed) == tenths


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("10.1", "10.1 is above 10.0"),
        ("11", "11 is above 10.0"),
        ("100", "100 is above 10.0"),
        ("-1", "-1 is below 0"),
        ("7.25", "7.25 has more than one decimal"),
        ("abc", "'abc' is not a number from 0 to 10"),
        ("", "type a number from 0 to 10"),
        ("   ", "type a number from 0 to 10"),
        (".", "'.' is not a number from 0 to 10"),
        ("1e1", "'1e1' is not a number from 0 to 10"),
        ("nan", "'nan' is not a number from 0 to 10"),
        ("٣", "'٣' is not a number from 0 to 10"),
        ("5-", "'5-' is not a number from 0 to 10"),
    ],
)
def test_invalid_ratings_are_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(RatingError) as refused:
        parse_rating(typed)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("tenths", "text"), [(0, "0.0"), (5, "0.5"), (85, "8.5"), (100, "10.0"), (345, "34.5")]
)
def test_format_tenths(tenths: int, text: str) -> None:
    assert format_tenths(tenths) == text


@given(ratings)
def test_format_then_parse_is_identity(tenths: int) -> None:
    assert parse_rating(format_tenths(tenths)) == tenths


@given(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=9))
def test_every_one_decimal_string_round_trips(whole: int, tenth: int) -> None:
    text = f"{whole}.{tenth}"
    if whole == 10 and tenth > 0:
        with pytest.raises(RatingError):
            parse_rating(text)
    else:
        assert format_tenths(parse_rating(text)) == text


@given(ratings, ratings, ratings, ratings)
def test_total_is_exact_and_in_range(a: int, b: int, c: int, d: int) -> None:
    total = Scores.srs(a, b, c, d).total
    assert total == a + b + c + d
    assert 0 <= total <= SRS.total_max == 400


@given(ratings, ratings, ratings, ratings, st.sampled_from(SRS.keys))
def test_total_is_monotone_in_each_item(a: int, b: int, c: int, d: int, key: str) -> None:
    scores = Scores.srs(a, b, c, d)
    values = scores.as_dict()
    if values[key] < 100:
        values[key] += 1
        assert Scores.of(SRS, values).total == scores.total + 1


def test_tenths_avoid_float_error() -> None:
    # 0.1 + 0.2 + 0.3 + 0.4 in floats is 1.0000000000000002; in tenths it is exactly 10.
    assert Scores.srs(1, 2, 3, 4).total == 10
    assert format_tenths(Scores.srs(1, 2, 3, 4).total) == "1.0"


@pytest.mark.parametrize("bad", [101, -1])
def test_scores_refuse_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        Scores.srs(bad, 50, 50, 50)


def test_scores_refuse_floats() -> None:
    with pytest.raises(TypeError):
        Scores.srs(7.5, 50, 50, 50)  # type: ignore[arg-type]


def test_lowest_item_prefers_the_first_on_a_tie() -> None:
    assert Scores.srs(80, 95, 80, 90).lowest() == ("relationship", 80)


def test_srs_items_and_labels() -> None:
    assert SRS.keys == ("relationship", "goals", "approach", "overall")
    assert [item.label for item in SRS.items] == [
        "Relationship",
        "Goals and Topics",
        "Approach or Method",
        "Overall",
    ]
    assert SRS.item_max == 100
    assert SRS.cutoff == 360
