"""Triage's cost keeps its shape: a client with nothing to say costs no alert and nothing
more as the caseload grows, and an alert's reason is kept as data, worded only when shown,
never a closure (a function and its cells) made for every alert of every client."""

from __future__ import annotations

import gc
import types
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from caseload_data import seen
from srs_tui.rules import DEFAULT_PROFILES, Alert
from srs_tui.rules.alliance import RULES as ALLIANCE_RULES
from srs_tui.store import Store
from srs_tui.triage import Triaged, recent_needed, triage

T = TypeVar("T")
KINDS = (Alert, types.FunctionType, types.CellType)


def made(work: Callable[[], T]) -> tuple[T, Counter[type], int]:
    """What work returns, with the objects of KINDS it left behind by type, and how many
    objects the collector tracks more than before (its result held)."""
    gc.collect()
    gc.disable()
    try:
        before = gc.get_objects()
        kinds_before = Counter(type(one) for one in before if isinstance(one, KINDS))
        count_before = len(before)
        del before
        result = work()
        after = gc.get_objects()
        kinds_after = Counter(type(one) for one in after if isinstance(one, KINDS))
        grown = len(after) - count_before
        del after
    finally:
        gc.enable()
    return result, kinds_after - kinds_before, grown


def quiet(store: Store, first: int, count: int) -> None:
    """count clients more with nothing to say: a steady, high alliance and an ORS that has
    barely moved by the second session."""
    for number in range(first, first + count):
        seen(store, f"Q{number:03d}", [300, 310], [380, 385])


def test_clients_with_nothing_to_say_cost_no_alert_and_the_same_each(store: Store) -> None:
    grown = []
    for first, more in ((0, 10), (10, 30)):
        quiet(store, first, more)
        summaries = store.clients(recent=recent_needed(DEFAULT_PROFILES))
        entries, kinds, objects = made(lambda s=summaries: triage(s, DEFAULT_PROFILES))
        assert len(entries) == first + more
        assert all(not entry.alerts and entry.outcome == "unchanged" for entry in entries)
        assert kinds == Counter()  # no alert, and nothing to word one
        grown.append(objects)
    # Thirty clients more keep at most one object each: their entry, nothing beside it.
    assert grown[1] - grown[0] <= 30


def test_alerts_keep_their_reasons_as_data_worded_when_shown(store: Store) -> None:
    for number in range(20):
        # Low and falling, a low item, and an outcome reliably worse: most rules fire.
        seen(store, f"L{number:03d}", [300, 280, 240], [340, 330, 320, (90, 55, 80, 90)])
    summaries = store.clients(recent=recent_needed(DEFAULT_PROFILES))
    entries: list[Triaged]
    entries, kinds, _ = made(lambda: triage(summaries, DEFAULT_PROFILES))
    fired = [alert for entry in entries for alert in entry.alerts]
    assert {alert.rule_id for alert in fired} == {
        "reliable_deterioration",
        "persistent_low",
        "below_cutoff",
        "falling",
        "low_item",
    }
    assert kinds[Alert] == len(fired) == 20 * 5
    assert kinds[types.FunctionType] == kinds[types.CellType] == 0
    below = next(alert for alert in entries[0].alerts if alert.rule_id == "below_cutoff")
    assert below.reason == (
        "Total 31.5 is below the cutoff of 36.0: the alliance may need attention."
    )
    worse = entries[0].alerts[0]
    assert (
        worse.reason == "Total is 6.0 below intake (30.0 to 24.0): reliably worse. Talk about it."
    )


def test_the_alliance_rules_are_listed_most_urgent_first() -> None:
    # The rules are checked in this order and their alerts come out in it, unsorted: a rule
    # moved out of its place by its severity would reorder every caseload.
    severities = [rule.severity for rule in ALLIANCE_RULES]
    assert severities == sorted(severities)
    assert len(set(severities)) == len(severities)
