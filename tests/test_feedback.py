"""The first alert rules, each at, just above and just below its threshold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_tui.feedback import Thresholds, alerts_by_session, latest_alerts, summarize
from srs_tui.measures import Scores

DEFAULT = Thresholds()


def even(total: int) -> Scores:
    """Four items adding up to total tenths, as evenly as possible."""
    base, extra = divmod(total, 4)
    return Scores(*(base + (1 if index < extra else 0) for index in range(4)))


def rule_ids(history: list[Scores], thresholds: Thresholds = DEFAULT) -> list[str]:
    return [alert.rule_id for alert in latest_alerts(history, thresholds)]


@pytest.mark.parametrize(
    ("total", "fires"),
    [(359, True), (360, False), (361, False), (0, True), (400, False)],
)
def test_below_cutoff_at_and_around_36(total: int, fires: bool) -> None:
    assert ("below_cutoff" in rule_ids([even(total)])) is fires


def test_cutoff_can_include_36() -> None:
    inclusive = Thresholds(cutoff_inclusive=True)
    assert "below_cutoff" in rule_ids([even(360)], inclusive)
    assert "below_cutoff" not in rule_ids([even(361)], inclusive)


def test_cutoff_is_configurable() -> None:
    assert "below_cutoff" in rule_ids([even(370)], Thresholds(cutoff=380))
    assert "below_cutoff" not in rule_ids([even(350)], Thresholds(cutoff=340))


def test_below_cutoff_reason_names_the_numbers() -> None:
    alerts = latest_alerts([Scores(91, 85, 70, 99)], DEFAULT)
    (alert,) = [a for a in alerts if a.rule_id == "below_cutoff"]
    assert "34.5" in alert.reason
    assert "36.0" in alert.reason
    assert alert.rule.source


@pytest.mark.parametrize(("item", "fires"), [(89, True), (90, False), (91, False)])
def test_low_item_at_and_around_9(item: int, fires: bool) -> None:
    history = [Scores(100, 100, item, 100)]
    assert ("low_item" in rule_ids(history)) is fires


def test_low_item_names_the_lowest_item_first() -> None:
    (alert,) = latest_alerts([Scores(85, 95, 70, 100)], Thresholds(cutoff=0))
    assert alert.rule_id == "low_item"
    assert alert.reason.startswith("Approach or Method is 7.0, below 9.0")
    assert "Relationship 8.5" in alert.reason
    assert alert.value == 70


def test_soft_prompt_is_configurable() -> None:
    assert "low_item" in rule_ids([Scores(100, 100, 94, 100)], Thresholds(soft_item=95))


@pytest.mark.parametrize(("second", "fires"), [(389, True), (390, True), (391, False)])
def test_drop_of_one_point_from_the_last_session(second: int, fires: bool) -> None:
    assert ("drop" in rule_ids([even(400), even(second)])) is fires


def test_drop_needs_a_previous_session() -> None:
    assert "drop" not in rule_ids([even(300)])


def test_drop_reason_and_threshold() -> None:
    alerts = latest_alerts([even(380), even(365)], DEFAULT)
    (drop,) = [a for a in alerts if a.rule_id == "drop"]
    assert drop.reason.startswith("Total 36.5 is 1.5 below last session's 38.0")
    assert "drop" not in rule_ids([even(380), even(365)], Thresholds(drop=20))


def test_alerts_come_most_urgent_first() -> None:
    alerts = latest_alerts([even(380), Scores(91, 85, 70, 99)], DEFAULT)
    assert [a.rule_id for a in alerts] == ["drop", "below_cutoff", "low_item"]


def test_alerts_by_session_judge_each_on_what_came_before() -> None:
    totals = [380, 375, 368, 351, 340]
    per_session = alerts_by_session([even(t) for t in totals], DEFAULT)
    ids = [[a.rule_id for a in alerts if a.rule_id != "low_item"] for alerts in per_session]
    assert ids == [[], [], [], ["drop", "below_cutoff"], ["drop", "below_cutoff"]]


@given(st.integers(min_value=1, max_value=30))
def test_no_rule_fires_on_a_constant_perfect_history(length: int) -> None:
    history = [Scores(100, 100, 100, 100)] * length
    assert all(not alerts for alerts in alerts_by_session(history, DEFAULT))


def test_summary_gives_the_lowest_item_and_a_question_about_it() -> None:
    summary = summarize([Scores(91, 85, 70, 99)], DEFAULT)
    assert summary.total == 345
    assert summary.lowest.key == "approach"
    assert summary.lowest_value == 70
    assert summary.question == summary.lowest.follow_up
    assert summary.needs_attention


def test_summary_of_a_good_session_asks_a_general_question() -> None:
    summary = summarize([Scores(95, 96, 97, 98)], DEFAULT)
    assert not summary.alerts
    assert summary.lowest.key == "relationship"
    assert "even better" in summary.question
