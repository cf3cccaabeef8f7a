"""Triage: the caseload's order and its alerts, on real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW
from srs_tui.measures import Scores
from srs_tui.rules import DEFAULT_PROFILES
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
    order = [e.summary.client.alias for e in triage(store.clients(), DEFAULT)]
    assert order == ["Low run", "One low", "Falling", "Steady", "New"]


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
