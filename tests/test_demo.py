"""The demo's fictional caseload tells the stories it is there to show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from conftest import NOW
from srs_tui.config import Config
from srs_tui.demo import DEMO_CLIENTS
from srs_tui.store import Store


def latest_alerts(demo_db: Path) -> dict[str, dict[str, list[str]]]:
    """Each client's latest alerts per measure, by rule id."""
    profiles = Config().profiles
    found: dict[str, dict[str, list[str]]] = {}
    with Store.open(demo_db) as store:
        for summary in store.clients(include_archived=True):
            given = store.all_administrations(summary.client.id)
            judged = profiles.judge(given)
            latest = found.setdefault(summary.client.alias, {})
            for administration, alerts in zip(given, judged, strict=True):
                latest[administration.scores.measure] = [alert.rule.id for alert in alerts]
    return found


def test_each_outcome_story_ends_as_told(demo_db: Path) -> None:
    latest = latest_alerts(demo_db)
    assert "recovered" in latest["Avery (demo)"]["ORS"]
    assert "reliable_deterioration" in latest["Casey (demo)"]["ORS"]
    assert "reliable_improvement" in latest["Devon (demo)"]["ORS"]  # still below the cutoff
    assert "not_on_track" in latest["Kai (demo)"]["ORS"]  # the adolescent, at session 7
    assert "recovered" in latest["Robin (demo)"]["ORS"]  # the child, on the child's cutoff
    assert latest["Sky (demo)"] == {"ORS": [], "SRS": []}  # the young child: never judged
    # The alliance stories are those the demo always told.
    assert "persistent_low" in latest["Blake (demo)"]["SRS"]
    assert "falling" in latest["Casey (demo)"]["SRS"]
    assert "SRS" in latest["Gray (demo)"]
    assert "ORS" not in latest["Gray (demo)"]
    assert latest["Finley (demo)"] == {}


def test_each_session_holds_the_ors_at_its_start_and_the_srs_at_its_end(demo_db: Path) -> None:
    with Store.open(demo_db) as store:
        for demo in DEMO_CLIENTS:
            client = store.find_client(demo.alias)
            assert client is not None
            assert client.age_band == demo.age_band
            given = store.all_administrations(client.id)
            assert len(given) == len(demo.totals) + len(demo.outcome)
            sessions = sorted({a.session for a in given})
            assert sessions == list(range(1, len(demo.totals) + 1))
            assert {a.form for a in given} <= {demo.age_band}  # the band's own forms
            if demo.outcome:
                assert [a.scores.measure for a in given[:2]] == ["ORS", "SRS"]
                intake = store.history(client.id, measure="ORS")[0]
                assert intake.scores.total == round(demo.outcome[0] * 10)
            last_week = NOW - timedelta(days=1 + 7 * demo.weeks_away)
            visit = store.visit(client.id, last_week.date())
            if demo.totals:
                assert visit is not None
                assert visit.measures == ({"ORS", "SRS"} if demo.outcome else {"SRS"})
