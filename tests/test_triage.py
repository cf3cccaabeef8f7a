"""Triage: the caseload's order and its alerts, on real SQLite files."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload_data import WEEK, both_measures, seen, spread
from conftest import NOW
from srs_tui.measures import Scores
from srs_tui.rules import DEFAULT_PROFILES, Overrides, resolve_all
from srs_tui.rules.outcome import episode_outcome
from srs_tui.store import Store
from srs_tui.triage import matching, recent_needed, triage

DEFAULT = DEFAULT_PROFILES


def add(store: Store, alias: str, totals: list[int]) -> None:
    client = store.add_client(alias, now=NOW)
    for total in totals:
        base, extra = divmod(total, 4)
        scores = Scores.srs(*(base + (1 if i < extra else 0) for i in range(4)))
        store.record(
            client.id, scores, administered_at=NOW, mode="oral", setting="telehealth", now=NOW
        )


def test_the_most_urgent_come_first(store: Store) -> None:
    add(store, "Steady", [390, 392, 395])
    add(store, "Low run", [340, 345, 342])  # persistent_low
    add(store, "New", [])
    add(store, "Falling", [398, 396, 394])  # falling only
    add(store, "One low", [390, 350])  # drop and below_cutoff
    add(store, "Dip", [395, 380])  # a drop staying above the cutoff: worth a look
    order = [e.summary.client.alias for e in triage(store.clients(), DEFAULT)]
    assert order == ["Low run", "One low", "Falling", "Dip", "Steady", "New"]


def test_the_filter_matches_part_of_the_alias_in_any_case(store: Store) -> None:
    for alias in ("Ana Example", "Ben Example", "Anabel"):
        add(store, alias, [])
    entries = triage(store.clients(), DEFAULT)
    assert sorted(e.summary.client.alias for e in matching(entries, "  ana ")) == [
        "Ana Example",
        "Anabel",
    ]
    assert len(matching(entries, "")) == 3


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=15))
def test_the_caseload_judges_a_client_as_the_history_does(
    tmp_path_factory: pytest.TempPathFactory, totals: list[int]
) -> None:
    path = Path(tmp_path_factory.mktemp("triage")) / "srs.db"
    with Store.open(path) as store:
        add(store, "Ana", totals)
        (entry,) = triage(store.clients(recent=recent_needed(DEFAULT)), DEFAULT)
        (client,) = [s.client for s in store.clients()]
        history = [a.scores for a in store.history(client.id)]
    from_history = DEFAULT.of("SRS").latest_alerts(history)
    assert [a.rule_id for a in entry.alerts] == [a.rule_id for a in from_history]
    if len(totals) <= recent_needed(DEFAULT):
        # Beyond what the caseload reads, a long low run is counted only that far back.
        assert [a.reason for a in entry.alerts] == [a.reason for a in from_history]


def test_both_sides_count_and_those_needing_attention_come_first(store: Store) -> None:
    both_measures(store)
    entries = triage(store.clients(), DEFAULT)
    order = [e.summary.client.alias for e in entries]
    # Reliable deterioration, not on track, a low and falling alliance: they need attention.
    # Then those worth a look (a low item, no early change, a high intake), the most severe
    # note first; then good signs and nothing; never seen; the ended episode.
    assert order == ["Cruz", "Ben", "Fay", "Lou", "Dee", "Eli", "Ana", "Ivy", "Gus"]
    by_alias = {e.summary.client.alias: e for e in entries}
    assert [a.rule_id for a in by_alias["Cruz"].concerns] == ["reliable_deterioration"]
    assert [a.rule_id for a in by_alias["Ben"].concerns] == ["not_on_track"]
    assert [a.rule_id for a in by_alias["Fay"].concerns] == ["below_cutoff", "falling"]
    assert [a.rule_id for a in by_alias["Fay"].notes] == ["low_item"]
    assert by_alias["Lou"].concerns == ()
    assert [a.rule_id for a in by_alias["Lou"].notes] == ["low_item"]
    needing = [alias for alias, entry in by_alias.items() if entry.needs_attention]
    assert sorted(needing) == ["Ben", "Cruz", "Fay"]
    for alias, note in (("Dee", "no_early_change"), ("Eli", "high_intake")):
        assert not by_alias[alias].needs_attention
        assert [a.rule_id for a in by_alias[alias].ors_alerts] == [note]
    assert [a.rule_id for a in by_alias["Ana"].ors_alerts] == ["recovered"]
    assert not by_alias["Ana"].needs_attention
    gus = by_alias["Gus"]
    assert (gus.alerts, gus.outcome) == ((), "deteriorated")  # history, not a call to act


def test_the_outcome_so_far_runs_from_intake_to_the_latest_ors(store: Store) -> None:
    both_measures(store)
    outcomes = {e.summary.client.alias: e.outcome for e in triage(store.clients(), DEFAULT)}
    assert outcomes == {
        "Cruz": "deteriorated",
        "Ben": "unchanged",
        "Dee": "unchanged",
        "Eli": None,  # one ORS: nothing to compare yet
        "Fay": None,  # no ORS
        "Lou": None,
        "Ana": "recovered",
        "Gus": "deteriorated",
        "Ivy": None,
    }


def test_the_outcome_does_not_depend_on_the_rules_turned_on(store: Store) -> None:
    both_measures(store)
    quiet = resolve_all(
        {
            ("ORS", "adult"): Overrides(
                off=frozenset({"recovered", "reliable_improvement", "reliable_deterioration"})
            )
        }
    )
    entries = {e.summary.client.alias: e for e in triage(store.clients(), quiet)}
    assert (entries["Ana"].outcome, entries["Ana"].ors_alerts) == ("recovered", ())
    assert (entries["Cruz"].outcome, entries["Cruz"].ors_alerts) == ("deteriorated", ())
    assert entries["Ben"].outcome == "unchanged"


def test_each_side_is_judged_with_the_profile_of_its_latest_form(store: Store) -> None:
    # A child: ORS cutoff 32.0, so 30.0 is still in the clinical range; 25.0 to 30.0 is a
    # reliable improvement, not a recovery.
    seen(store, "Kim", [250, 262, 300], [380, 385, 390], band="child")
    # A young child's forms have no norms: no alerts and no outcome on either side.
    seen(store, "Max", [150, 300], [300, 200], band="young child")
    kim, max_ = sorted(triage(store.clients(), DEFAULT), key=lambda e: e.summary.client.alias)
    assert kim.ors_profile is not None
    assert kim.profile is not None
    assert (kim.ors_profile.form.name, kim.profile.form.name) == ("child", "child")
    assert [a.rule_id for a in kim.ors_alerts] == ["reliable_improvement"]
    assert kim.outcome == "improved"
    assert (max_.alerts, max_.outcome) == ((), None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
            st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
        ).filter(lambda visit: visit != (None, None)),
        min_size=1,
        max_size=10,
    ),
    st.randoms(use_true_random=False),
)
def test_the_caseload_judges_the_ors_as_the_history_does(
    tmp_path_factory: pytest.TempPathFactory,
    visits: list[tuple[int | None, int | None]],
    order: random.Random,
) -> None:
    # Visits entered in any order (a paper log typed in later): each measure is recorded on
    # its day, the ORS joining the SRS's session or the other way round.
    path = Path(tmp_path_factory.mktemp("triage")) / "srs.db"
    entered = [
        (day, name, total)
        for day, visit in enumerate(visits)
        for name, total in zip(("ORS", "SRS"), visit, strict=True)
        if total is not None
    ]
    order.shuffle(entered)
    with Store.open(path) as store:
        client = store.add_client("Ana", now=NOW - WEEK * 20)
        for day, name, total in entered:
            when = (NOW - WEEK * (len(visits) - day)).replace(hour=9 if name == "ORS" else 10)
            store.record(
                client.id,
                Scores(name, spread(total)),
                administered_at=when,
                mode="oral",
                setting="telehealth",
                now=NOW,
            )
        (entry,) = triage(store.clients(recent=recent_needed(DEFAULT)), DEFAULT)
        history = store.all_administrations(client.id)
    judged = DEFAULT.judge(history)
    ors = [index for index, given in enumerate(history) if given.measure == "ORS"]
    srs = [index for index, given in enumerate(history) if given.measure == "SRS"]
    summary = entry.summary
    if ors:
        intake, latest = history[ors[0]], history[ors[-1]]
        assert (summary.intake, summary.intake_session) == (intake.scores, intake.session)
        assert (summary.ors, summary.ors_session) == (latest.scores, latest.session)
        assert [a.rule_id for a in entry.ors_alerts] == [a.rule_id for a in judged[ors[-1]]]
        expected = episode_outcome(intake.scores.total, latest.scores.total, DEFAULT.of("ORS"))
        assert entry.outcome == (expected if len(ors) > 1 else None)
    else:
        assert (summary.intake, summary.ors, entry.ors_alerts) == (None, None, ())
    if srs:
        assert summary.last == history[srs[-1]].scores
        assert [a.rule_id for a in entry.srs_alerts] == [a.rule_id for a in judged[srs[-1]]]
    assert summary.last_at == max(given.administered_at for given in history)
