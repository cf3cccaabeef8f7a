"""The alliance rules, each at, just above and just below its threshold, judged against a
profile as the settings resolve it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs_tui.measures import SRS, Scores
from srs_tui.rules import DEFAULT_PROFILES, Overrides, Profile, resolve, summarize

DEFAULT = DEFAULT_PROFILES.of(SRS.name)


def profile(
    cutoff: int | None = None,
    cutoff_inclusive: bool | None = None,
    off: frozenset[str] | None = None,
    **values: int,
) -> Profile:
    """The SRS profile with some settings given, as the settings file would give them."""
    given = Overrides(cutoff=cutoff, cutoff_inclusive=cutoff_inclusive, values=values, off=off)
    return resolve(SRS, SRS.default_form, given)


def even(total: int) -> Scores:
    """Four items adding up to total tenths, as evenly as possible."""
    base, extra = divmod(total, 4)
    return Scores.srs(*(base + (1 if index < extra else 0) for index in range(4)))


def rule_ids(history: list[Scores], judged: Profile = DEFAULT) -> list[str]:
    return [alert.rule_id for alert in judged.latest_alerts(history)]


@pytest.mark.parametrize(
    ("total", "fires"),
    [(359, True), (360, False), (361, False), (0, True), (400, False)],
)
def test_below_cutoff_at_and_around_36(total: int, fires: bool) -> None:
    assert ("below_cutoff" in rule_ids([even(total)])) is fires


def test_cutoff_can_include_36() -> None:
    inclusive = profile(cutoff_inclusive=True)
    assert "below_cutoff" in rule_ids([even(360)], inclusive)
    assert "below_cutoff" not in rule_ids([even(361)], inclusive)


def test_cutoff_is_configurable() -> None:
    assert "below_cutoff" in rule_ids([even(370)], profile(cutoff=380))
    assert "below_cutoff" not in rule_ids([even(350)], profile(cutoff=340))


def test_below_cutoff_reason_names_the_numbers() -> None:
    alerts = DEFAULT.latest_alerts([Scores.srs(91, 85, 70, 99)])
    (alert,) = [a for a in alerts if a.rule_id == "below_cutoff"]
    assert "34.5" in alert.reason
    assert "36.0" in alert.reason
    assert alert.rule.source_in(DEFAULT)


@pytest.mark.parametrize(("item", "fires"), [(89, True), (90, False), (91, False)])
def test_low_item_at_and_around_9(item: int, fires: bool) -> None:
    history = [Scores.srs(100, 100, item, 100)]
    assert ("low_item" in rule_ids(history)) is fires


def test_low_item_names_the_lowest_item_first() -> None:
    (alert,) = profile(cutoff=0).latest_alerts([Scores.srs(85, 95, 70, 100)])
    assert alert.rule_id == "low_item"
    assert alert.reason.startswith("Approach or Method is 7.0, below 9.0")
    assert "Relationship 8.5" in alert.reason
    assert alert.value == 70


def test_soft_prompt_is_configurable() -> None:
    assert "low_item" in rule_ids([Scores.srs(100, 100, 94, 100)], profile(soft_item=95))


DROPS = {"drop", "drop_above_cutoff"}


def drops(history: list[Scores], judged: Profile = DEFAULT) -> list[str]:
    return [rule_id for rule_id in rule_ids(history, judged) if rule_id in DROPS]


@pytest.mark.parametrize(("second", "fires"), [(389, True), (390, True), (391, False)])
def test_drop_of_one_point_from_the_last_session(second: int, fires: bool) -> None:
    # Above the cutoff: the drop is worth a look, not an alert that counts.
    assert drops([even(400), even(second)]) == (["drop_above_cutoff"] if fires else [])
    # The same fall landing below the cutoff needs attention.
    assert drops([even(365), even(second - 35)]) == (["drop"] if fires else [])


def test_drop_needs_a_previous_session() -> None:
    assert drops([even(300)]) == []


@pytest.mark.parametrize(
    ("last", "inclusive", "tier"),
    [
        (359, False, "drop"),  # lands below 36.0
        (360, False, "drop_above_cutoff"),  # lands at 36.0: not below it
        (360, True, "drop"),  # at 36.0 counts as below when the cutoff includes it
        (361, True, "drop_above_cutoff"),
    ],
)
def test_where_a_drop_lands_decides_its_tier(last: int, inclusive: bool, tier: str) -> None:
    judged = profile(cutoff_inclusive=inclusive)
    (alert,) = [
        a for a in judged.latest_alerts([even(last + 15), even(last)]) if a.rule_id in DROPS
    ]
    assert alert.rule_id == tier
    assert alert.rule.counts is (tier == "drop")
    assert alert.rule.note is (tier == "drop_above_cutoff")


def test_drop_reason_says_where_it_lands() -> None:
    (drop,) = [a for a in DEFAULT.latest_alerts([even(380), even(355)]) if a.rule_id == "drop"]
    assert drop.reason == ("Total 35.5 is 2.5 below last session's 38.0, below the cutoff of 36.0.")
    (dip,) = DEFAULT.latest_alerts([even(380), even(365)])
    assert dip.rule_id == "drop_above_cutoff"
    assert (
        dip.reason == "Total 36.5 is 1.5 below last session's 38.0, still above the cutoff of 36.0."
    )
    (level,) = DEFAULT.latest_alerts([even(370), even(360)])
    assert level.reason.endswith("still at the cutoff of 36.0.")
    assert drops([even(380), even(365)], profile(drop=20)) == []


def test_each_rule_has_its_tier() -> None:
    tiers = {
        rule.id: "good sign" if rule.positive else "worth a look" if rule.note else "attention"
        for rule in DEFAULT.rules
    }
    assert tiers == {
        "persistent_low": "attention",
        "drop": "attention",
        "below_cutoff": "attention",
        "falling": "attention",
        "drop_above_cutoff": "worth a look",
        "low_item": "worth a look",
        "rising": "good sign",
    }


@pytest.mark.parametrize(
    ("totals", "attention", "worth_a_look"),
    [
        ((37.0, 37.5), False, False),  # steady above the cutoff
        ((39.0, 37.8), False, True),  # a 1.2 drop staying above 36.0
        ((37.0, 35.5), True, False),  # a 1.5 drop landing below: drop and below_cutoff
        ((35.5,), True, False),  # one session below the cutoff
        ((38.5, 38.0, 37.5), True, False),  # falling twice in a row, even above the cutoff
    ],
)
def test_the_tier_of_a_crafted_series(
    totals: tuple[float, ...], attention: bool, worth_a_look: bool
) -> None:
    summary = summarize(points(*totals), profile(soft_item=0))  # items aside
    assert summary.needs_attention is attention
    notes = [a for a in summary.alerts if a.rule.note]
    assert bool(notes) is worth_a_look


def test_one_low_item_alone_is_worth_a_look_not_an_alert_that_counts() -> None:
    summary = summarize([Scores.srs(100, 100, 85, 100)], DEFAULT)
    assert [a.rule_id for a in summary.alerts] == ["low_item"]
    assert not summary.needs_attention


def test_the_falling_rule_says_what_it_checks() -> None:
    falling = next(rule for rule in DEFAULT.rules if rule.id == "falling")
    assert falling.threshold(DEFAULT) == (
        "the last 3 totals each lower than the one before (2 falls in a row), at any level, "
        "even above the cutoff"
    )
    # Three totals, two falls: it fires; a level step in them: it does not.
    (alert,) = [
        a for a in DEFAULT.latest_alerts(points(39.0, 38.5, 38.4)) if a.rule_id == "falling"
    ]
    assert (
        alert.reason == "The last 3 totals each went down from the one before (39.0, 38.5, 38.4)."
    )
    assert "falling" not in rule_ids(points(39.0, 38.5, 38.5))
    assert "falling" not in rule_ids(points(38.5, 38.4))
    four = profile(falling_run=4)
    assert "4 totals" in next(r for r in four.rules if r.id == "falling").threshold(four)
    assert "falling" not in rule_ids(points(39.0, 38.5, 38.4), four)
    assert "falling" in rule_ids(points(39.2, 39.0, 38.5, 38.4), four)


def test_alerts_come_most_urgent_first() -> None:
    alerts = DEFAULT.latest_alerts([even(380), Scores.srs(91, 85, 70, 99)])
    assert [a.rule_id for a in alerts] == ["drop", "below_cutoff", "low_item"]


@given(st.integers(min_value=1, max_value=30))
def test_no_rule_fires_on_a_constant_perfect_history(length: int) -> None:
    history = [Scores.srs(100, 100, 100, 100)] * length
    assert all(not alerts for alerts in DEFAULT.alerts_by_session(history))


def test_summary_gives_the_lowest_item_and_its_value() -> None:
    summary = summarize([Scores.srs(91, 85, 70, 99)], DEFAULT)
    assert summary.total == 345
    assert summary.lowest_key == "approach"
    assert summary.lowest_value == 70
    assert summary.needs_attention


def test_summary_of_a_good_session_has_no_alerts_and_a_lowest_item() -> None:
    summary = summarize([Scores.srs(95, 96, 97, 98)], DEFAULT)
    assert not summary.alerts
    assert summary.lowest_key == "relationship"


def points(*totals: float) -> list[Scores]:
    """A history written out as totals in points, items as even as possible."""
    return [even(round(total * 10)) for total in totals]


def fired(history: list[Scores], judged: Profile = DEFAULT) -> dict[str, list[int]]:
    """For each rule id, the session numbers (from 1) at which it fired."""
    sessions: dict[str, list[int]] = {}
    for number, alerts in enumerate(judged.alerts_by_session(history), start=1):
        for alert in alerts:
            sessions.setdefault(alert.rule_id, []).append(number)
    return sessions


def test_the_worked_example_of_a_falling_alliance() -> None:
    sessions = fired(points(38.0, 37.5, 36.8, 35.1, 34.0))
    assert sessions.get("drop") == [4, 5]
    assert sessions.get("below_cutoff") == [4, 5]
    assert sessions.get("falling") == [3, 4, 5]
    assert "persistent_low" not in sessions
    assert "rising" not in sessions


@pytest.mark.parametrize(
    ("totals", "sessions"),
    [
        ((35.0, 35.0), []),  # two below: not yet
        ((35.0, 35.0, 35.0), [3]),  # three below in a row: fires at the third
        ((35.0, 35.0, 35.0, 35.0), [3, 4]),
        ((35.0, 36.0, 35.0, 35.0), []),  # broken by 36.0, which is not below
        ((35.9, 35.9, 35.9), [3]),  # just below the cutoff counts
        ((36.0, 36.0, 36.0), []),  # at the cutoff does not
    ],
)
def test_persistent_low_at_and_around_three_in_a_row(
    totals: tuple[float, ...], sessions: list[int]
) -> None:
    assert fired(points(*totals)).get("persistent_low", []) == sessions


def test_persistent_low_run_is_configurable() -> None:
    history = points(35.0, 35.0, 35.0)
    assert "persistent_low" not in fired(history, profile(persistent_run=4))
    assert fired(history, profile(persistent_run=2))["persistent_low"] == [2, 3]


@pytest.mark.parametrize(
    ("totals", "fires"),
    [
        ((39.0, 38.9, 38.8), True),  # strictly down, by as little as 0.1
        ((39.0, 38.9, 38.9), False),  # level at the end
        ((39.0, 39.0, 38.9), False),  # level at the start
        ((38.8, 38.9, 39.0), False),  # rising
        ((39.0, 38.9), False),  # only two sessions
    ],
)
def test_falling_at_and_around_three_strictly_lower(totals: tuple[float, ...], fires: bool) -> None:
    assert ("falling" in rule_ids(points(*totals))) is fires


def test_falling_run_is_configurable() -> None:
    assert "falling" in rule_ids(points(39.0, 38.9), profile(falling_run=2))
    assert "falling" not in rule_ids(points(39.5, 39.0, 38.9), profile(falling_run=4))


@pytest.mark.parametrize(
    ("totals", "fires"),
    [
        ((35.9, 36.0), True),  # back to the cutoff
        ((35.0, 35.9), False),  # still below
        ((36.0, 37.0), False),  # was not below
        ((30.0, 39.0), True),
    ],
)
def test_rising_is_a_positive_note(totals: tuple[float, ...], fires: bool) -> None:
    alerts = DEFAULT.latest_alerts(points(*totals))
    assert ("rising" in [a.rule_id for a in alerts]) is fires
    assert all(a.rule.positive == (a.rule_id == "rising") for a in alerts)


def test_rising_alone_does_not_need_attention() -> None:
    summary = summarize([even(300), Scores.srs(95, 95, 95, 95)], DEFAULT)
    assert [a.rule_id for a in summary.alerts] == ["rising"]
    assert not summary.needs_attention


def test_severity_puts_persistent_low_drop_and_cutoff_before_falling_and_items() -> None:
    history = [even(359), even(358), Scores.srs(80, 90, 90, 80)]
    ids = rule_ids(history)
    assert ids == ["persistent_low", "drop", "below_cutoff", "falling", "low_item"]


@given(st.integers(min_value=1, max_value=40))
def test_no_rule_fires_on_a_constant_40(length: int) -> None:
    assert fired(points(*([40.0] * length))) == {}


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=12))
def test_every_alert_names_a_known_rule_and_gives_a_reason(totals: list[int]) -> None:
    known = {rule.id for rule in DEFAULT.rules}
    for alerts in DEFAULT.alerts_by_session([even(t) for t in totals]):
        for alert in alerts:
            assert alert.rule_id in known
            assert alert.reason.endswith(".")


def test_every_rule_states_its_threshold_and_source() -> None:
    rules = DEFAULT.rules
    assert [rule.id for rule in rules] == [
        "persistent_low",
        "drop",
        "below_cutoff",
        "falling",
        "drop_above_cutoff",
        "low_item",
        "rising",
    ]
    for rule in rules:
        assert rule.source_in(DEFAULT)
        assert rule.settings
        assert rule.threshold(DEFAULT)
    assert "36.0" in rules[2].threshold(DEFAULT)


def test_a_profile_takes_its_cutoff_and_its_source_from_the_registry_form() -> None:
    form = SRS.default_form
    assert DEFAULT.cutoff == form.cutoff == 360
    below = next(rule for rule in DEFAULT.rules if rule.id == "below_cutoff")
    assert below.source_in(DEFAULT) == form.cutoff_source + "."
    changed = profile(cutoff=350)
    assert changed.cutoff == 350
    assert below.source_in(changed).startswith("The settings file")
    assert form.cutoff_source in below.source_in(changed)


@pytest.mark.parametrize(
    ("inclusive", "total", "below"),
    [(False, 359, True), (False, 360, False), (True, 360, True), (True, 361, False)],
)
def test_below_cutoff_is_asked_of_the_profile(inclusive: bool, total: int, below: bool) -> None:
    judged = profile(cutoff_inclusive=inclusive)
    assert judged.below_cutoff(total) is below
    assert ("below_cutoff" in rule_ids([even(total)], judged)) is below


def test_a_rule_turned_off_never_fires_and_the_others_still_do() -> None:
    history = [even(380), Scores.srs(91, 85, 70, 99)]
    quiet = profile(off=frozenset({"drop", "low_item"}))
    assert rule_ids(history, quiet) == ["below_cutoff"]
    assert [rule.id for rule in quiet.rules if not quiet.is_on(rule)] == ["drop", "low_item"]
    assert quiet.below_cutoff(345)  # the standing against the cutoff is not a rule


def test_a_form_without_norms_is_recorded_but_never_judged() -> None:
    # The young child's forms are engagement aids without norms: no cutoff, no rules.
    judged = resolve(SRS, SRS.form("young child"))
    history = [even(380), Scores.srs(0, 0, 0, 0), Scores.srs(0, 0, 0, 0), Scores.srs(0, 0, 0, 0)]
    assert judged.rule_set is None
    assert judged.rules == ()
    assert judged.latest_alerts(history) == ()
    assert judged.alerts_by_session(history) == [(), (), (), ()]
    assert judged.lookback == 0
    assert not judged.below_cutoff(0)
    assert judged.cutoff is None


def test_every_source_names_where_a_clinician_can_check_it() -> None:
    for judged in DEFAULT_PROFILES:
        for rule in judged.rules:
            source = rule.source_in(judged)
            assert "leading" not in source
    by_id = {rule.id: rule.source_in(DEFAULT) for rule in DEFAULT.rules}
    assert "OpenFIT's published dashboard alert table" in by_id["drop"]
    assert "OpenFIT's published dashboard alert table" in by_id["below_cutoff"]
    assert "Duncan, Miller, Sparks" in by_id["below_cutoff"]
    assert "Journal of Brief Therapy 3(1)" in by_id["below_cutoff"]
    for pattern in ("persistent_low", "falling", "rising"):
        assert "Quirk, Miller, Duncan and Owen (2013)" in by_id[pattern]
        assert "Counselling and Psychotherapy Research 13(3)" in by_id[pattern]


def test_rising_says_what_it_checks_with_either_comparison() -> None:
    rising = next(rule for rule in DEFAULT.rules if rule.id == "rising")
    assert rising.threshold(DEFAULT) == "back at or above 36.0 after a session below it"
    inclusive = profile(cutoff_inclusive=True)
    assert rising.threshold(inclusive) == "back above 36.0 after a session at or below it"
    assert "rising" not in rule_ids([even(350), even(360)], inclusive)
    (alert,) = inclusive.latest_alerts([even(350), Scores.srs(91, 90, 90, 90)])
    assert alert.reason == "Total 36.1 is back above the cutoff after 35.0."
