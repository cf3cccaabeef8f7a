"""The trend chart as a picture: where its markers, lines, dates and labels fall."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from srs_tui.rules.practice import PracticeBand, practice_band
from srs_tui.widgets.trend_chart import (
    BAND,
    MARK_LOW,
    MARK_OK,
    PRACTICE_CHAR,
    ChartPoint,
    Guide,
    TrendChart,
    lay_out,
    total_spec,
)

SRS_SPEC = total_spec(lambda total: total < 360, 360, (300, 400))
ORS_SPEC = total_spec(lambda total: total < 250, 250, (150, 350))
FIRST_DAY = date(2026, 10, 6)


class ChartApp(App[None]):
    """One chart filling the screen."""

    def __init__(self, chart: TrendChart) -> None:
        super().__init__()
        self.chart = chart

    def compose(self) -> ComposeResult:
        self.chart.styles.height = "1fr"
        yield self.chart


def weekly(*totals: int) -> tuple[ChartPoint, ...]:
    return tuple(
        ChartPoint(number, total, FIRST_DAY + timedelta(weeks=number - 1))
        for number, total in enumerate(totals, start=1)
    )


def markers(lines: list[str]) -> list[tuple[int, int, str]]:
    """(row, column, marker) of every session's marker, left to right."""
    found = [
        (row, column, char)
        for row, line in enumerate(lines)
        for column, char in enumerate(line)
        if char in (MARK_OK, MARK_LOW)
    ]
    return sorted(found, key=lambda mark: mark[1])


def row_with(lines: list[str], text: str) -> int:
    return next(row for row, line in enumerate(lines) if text in line)


async def drawn(chart: TrendChart, size: tuple[int, int]) -> list[str]:
    """The chart's lines as drawn in a terminal of this size (the title is line 0)."""
    app = ChartApp(chart)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return chart.render().plain.split("\n")


async def test_a_total_below_the_cutoff_is_drawn_on_a_row_below_the_cutoffs() -> None:
    for height in (8, 10, 14, 24):
        chart = TrendChart(SRS_SPEC, title="SRS")
        chart.points = weekly(359, 360, 361, 355)
        lines = await drawn(chart, (80, height))
        cutoff = row_with(lines, "cutoff 36")
        rows = [row for row, _, _ in markers(lines)]
        assert rows[0] > cutoff, height  # 35.9: below the line, even on a short chart
        assert rows[1] < cutoff, height  # 36.0: not below 36
        assert rows[2] < cutoff, height
        assert rows[3] > cutoff, height
        assert [mark for _, _, mark in markers(lines)] == [MARK_LOW, MARK_OK, MARK_OK, MARK_LOW]


async def test_five_sessions_span_most_of_the_width_with_their_dates_under_them() -> None:
    chart = TrendChart(SRS_SPEC, title="SRS")
    chart.points = weekly(380, 375, 368, 351, 340)
    lines = await drawn(chart, (160, 20))
    columns = [column for _, column, _ in markers(lines)]
    assert columns[-1] - columns[0] >= 0.9 * 160
    axis = lines[row_with(lines, "└")]
    dates = lines[row_with(lines, "2026-10-06")]
    for number, column in enumerate(columns):
        assert axis[column] == "┬"  # a tick under each session
        day = (FIRST_DAY + timedelta(weeks=number)).strftime("%m-%d")
        assert day in dates[max(column - 10, 0) : column + 11], day  # its date under it
    assert "#5" in lines[-1]  # and its number, on a chart tall enough


async def test_totals_close_together_get_rows_of_their_own() -> None:
    chart = TrendChart(SRS_SPEC, title="SRS")
    chart.points = weekly(324, 341)
    lines = await drawn(chart, (80, 20))
    (first, _, _), (second, _, _) = markers(lines)
    assert first > second  # 32.4 drawn lower than 34.1: the rows go where the totals live
    assert "30 ┤" in "".join(lines)
    assert " 0 ┤" in "".join(lines)


async def test_the_band_around_intake_keeps_a_change_of_the_rci_outside_it() -> None:
    chart = TrendChart(ORS_SPEC, title="ORS")
    chart.points = weekly(182, 200, 232, 132, 131)
    chart.band = (182, 50)
    lines = await drawn(chart, (100, 24))
    assert "intake ±5" in lines[0]
    upper, lower = row_with(lines, "+5"), row_with(lines, "−5")
    rows = [row for row, _, _ in markers(lines)]
    assert upper < rows[0] < lower
    assert upper < rows[1] < lower
    assert rows[2] < upper  # 23.2: exactly the RCI above intake, a reliable change
    assert rows[3] > lower
    assert rows[4] > lower


async def test_no_cutoff_line_on_a_form_without_one() -> None:
    chart = TrendChart(total_spec(lambda _: False, None), title="ORS")
    chart.points = weekly(120, 200, 300)
    lines = await drawn(chart, (80, 14))
    assert "cutoff" not in "".join(lines)
    assert "┄" not in "".join(lines)
    assert MARK_LOW not in "".join(lines[1:])


async def test_an_empty_chart_says_so() -> None:
    lines = await drawn(TrendChart(SRS_SPEC, title="SRS"), (60, 10))
    assert "no sessions yet" in lines[-1]


@settings(max_examples=200, deadline=None)
@given(
    totals=st.lists(st.integers(0, 400), min_size=1, max_size=30),
    intake_rci=st.tuples(st.integers(0, 400), st.integers(10, 80)) | st.none(),
    cutoff=st.sampled_from([250, 280, 320, 360]),
    height=st.integers(5, 30),
    width=st.integers(20, 160),
)
def test_every_point_is_drawn_strictly_on_its_side_of_every_line(
    totals: list[int],
    intake_rci: tuple[int, int] | None,
    cutoff: int,
    height: int,
    width: int,
) -> None:
    spec = total_spec(lambda total: total < cutoff, cutoff, (cutoff - 100, min(cutoff + 100, 400)))
    guides = [Guide(cutoff, " cutoff ", "reference", equal_above=True)]
    if intake_rci is not None and height >= 9:
        intake, rci = intake_rci
        if intake + rci <= 400:
            guides.append(Guide(intake + rci, " + ", BAND, equal_above=True))
        if intake - rci >= 0:
            guides.append(Guide(intake - rci, " - ", BAND, equal_above=False))
    points = [ChartPoint(n, total) for n, total in enumerate(totals, start=1)]
    layout = lay_out(spec, points, guides, width, height)
    assert len({row for _, row in layout.guides}) == len(layout.guides)  # a row each
    for point, row in zip(layout.shown, layout.rows, strict=True):
        assert 0 <= row < height
        for guide, at in layout.guides:
            if guide.has_above(point.value):
                assert row < at
            else:
                assert row > at
    columns = layout.columns
    assert columns == sorted(columns)
    assert len(set(columns)) == len(columns)
    assert all(0 <= column < width for column in columns)


def test_the_practice_band_needs_enough_closed_episodes_that_began_alike() -> None:
    alike = [[(1, 180 + n), (2, 200 + n * 2), (3, 230 + n * 3)] for n in range(20)]
    unlike = [[(1, 300), (2, 310)]] * 30  # intake 30.0: more than the RCI from 18.0
    assert practice_band(alike[:19] + unlike, 180, 50) is None
    band = practice_band(alike + unlike, 180, 50)
    assert band is not None
    assert band.cases == 20
    assert set(band.by_session) == {1, 2, 3}
    low, high = band.by_session[3]
    assert low < high
    assert 230 <= low <= 290
    assert 230 <= high <= 290


async def test_the_practice_band_is_shaded_at_its_rows_and_named_in_the_title() -> None:
    chart = TrendChart(ORS_SPEC, title="ORS")
    chart.points = weekly(182, 200, 232)
    chart.band = (182, 50)
    chart.practice = PracticeBand(cases=24, by_session={1: (170, 200), 2: (190, 230)})
    lines = await drawn(chart, (100, 24))
    assert "middle half, 24 alike here" in lines[0]
    assert "intake ±" not in lines[0]  # instead of the band around intake
    shaded = [row for row, line in enumerate(lines) if PRACTICE_CHAR in line]
    assert shaded
    columns = [column for _, column, _ in markers(lines)]
    assert all(PRACTICE_CHAR not in line[columns[2] + 2 :] for line in lines[1:])  # none at 3


async def test_every_word_the_chart_draws_is_in_the_language_it_is_given() -> None:
    from srs_tui.wording.ui import ui_words

    spanish = ui_words("es")
    spec = total_spec(lambda total: total < 250, 250, (150, 350), words=spanish)
    empty = await drawn(TrendChart(spec, title="ORS", words=spanish), (60, 10))
    assert "aún no hay sesiones" in "".join(empty)
    chart = TrendChart(spec, title="ORS", words=spanish)
    chart.points = weekly(182, 200, 232)
    chart.band = (182, 50)
    lines = await drawn(chart, (100, 24))
    text = "\n".join(lines)
    assert "inicio ±5" in lines[0]
    assert "corte 25" in text
    for english in ("cutoff", "intake", "no sessions"):
        assert english not in text


async def test_dates_across_a_new_year_show_the_year_where_it_changes() -> None:
    # From late September into January: "09-26 ... 01-14" alone would read as one year.
    start = date(2024, 9, 26)
    days = [start + timedelta(weeks=n) for n in range(17)]  # up to 2025-01-16
    chart = TrendChart(SRS_SPEC, title="SRS")
    chart.points = tuple(ChartPoint(n, 350 + n, day) for n, day in enumerate(days, start=1))
    for size in ((80, 24), (120, 36), (60, 20)):
        lines = await drawn(chart, size)
        dates = lines[row_with(lines, "2024-09-26")]
        assert "2025-01-16" in dates, size  # the last, with its year: the span reads whole
        shown = re.findall(r"\S+", dates)
        assert all(re.fullmatch(r"(\d{4}-)?\d\d-\d\d", label) for label in shown), shown
        years = [label[:4] for label in shown if len(label) == 10]
        assert years[:1] == ["2024"], size
        assert "2025" in years, size
        # No "01-.." before the first label that says 2025.
        first_2025 = next(i for i, label in enumerate(shown) if label.startswith("2025"))
        assert not any(label.startswith("01-") for label in shown[:first_2025]), shown


async def test_dates_within_one_year_show_it_once() -> None:
    chart = TrendChart(SRS_SPEC, title="SRS")
    chart.points = weekly(380, 375, 368, 351, 340)
    lines = await drawn(chart, (120, 20))
    dates = lines[row_with(lines, "2026-10-06")]
    assert dates.count("2026") == 1
