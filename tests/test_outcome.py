"""The outcome rules (the ORS), each at, just inside and just outside its threshold, and the
settings that move them; the episode's outcome; the visit a measure joins in the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from srs_tui.config import ConfigError, load_config
from srs_tui.measures import ORS, SRS, Scores
from srs_tui.rules import DEFAULT_PROFILES, Overrides, Profile, concerns, resolve
from srs_tui.rules.outcome import episode_outcome, progress, rci
from srs_tui.store import Store, StoreError

ADULT = DEFAULT_PROFILES.of(ORS.name, "adult")


def ors(total: int) -> Scores:
    """An ORS whose four items add up to total tenths, as evenly as possible."""
    base, extra = divmod(total, 4)
    return Scores(ORS.name, tuple(base + (1 if index < extra else 0) for index in range(4)))


def fired(
    totals: list[int], numbers: list[int] | None = None, judged: Profile = ADULT
) -> list[str]:
    """The rule ids of the last session of an ORS series."""
    return [alert.rule_id for alert in judged.latest_alerts([ors(t) for t in totals], numbers)]


@pytest.mark.parametrize(
    ("intake", "now", "expected"),
    [
        (200, 150, ["reliable_deterioration"]),  # exactly the RCI below
        (200, 151, []),  # session 2: within the RCI, too early to say
        (200, 250, ["recovered"]),  # from the clinical range (below 25) to its cutoff
        (150, 200, ["reliable_improvement"]),  # improved, still in the clinical range
        (250, 300, ["reliable_improvement"]),  # intake not in the clinical range
        (249, 299, ["recovered"]),
        (200, 149, ["reliable_deterioration"]),
    ],
)
def test_change_from_intake_against_the_reliable_change_index(
    intake: int, now: int, expected: list[str]
) -> None:
    assert fired([intake, now]) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(2, []), (3, ["no_early_change"]), (5, ["no_early_change"]), (6, ["not_on_track"]),
     (40, ["not_on_track"])],
)  # fmt: skip
def test_no_change_is_a_note_early_and_off_track_from_session_6(
    number: int, expected: list[str]
) -> None:
    # The number is the session's place in the episode, ORS or not: intake at 1, this ORS at n.
    assert fired([210, 254], [1, number]) == expected
    assert fired([210, 166], [1, number]) == expected


def test_an_intake_above_32_is_worth_asking_about_and_nothing_else_fires_at_intake() -> None:
    assert fired([321]) == ["high_intake"]
    assert fired([320]) == []
    assert fired([100], [4]) == []  # the intake itself is never "no change yet"
    assert fired([400, 400], [1, 2]) == []  # high_intake belongs to the intake session only


def test_notes_and_good_signs_never_count_as_needing_attention() -> None:
    for totals, numbers in (([321], [1]), ([200, 201], [1, 3]), ([200, 260], [1, 2])):
        alerts = ADULT.latest_alerts([ors(t) for t in totals], numbers)
        assert alerts
        assert concerns(alerts) == ()
    worse = ADULT.latest_alerts([ors(200), ors(100)], [1, 2])
    assert [a.rule_id for a in concerns(worse)] == ["reliable_deterioration"]
    stuck = ADULT.latest_alerts([ors(200), ors(200)], [1, 6])
    assert [a.rule_id for a in concerns(stuck)] == ["not_on_track"]


def test_every_session_is_judged_against_the_episodes_intake() -> None:
    series = [ors(t) for t in (180, 190, 200, 260, 120)]
    judged = ADULT.alerts_by_session(series, [1, 2, 3, 6, 7])
    assert [[a.rule_id for a in alerts] for alerts in judged] == [
        [],
        [],
        ["no_early_change"],
        ["recovered"],
        ["reliable_deterioration"],
    ]


@pytest.mark.parametrize(("form", "cutoff"), [("adolescent", 280), ("child", 320)])
def test_each_form_has_its_own_clinical_cutoff(form: str, cutoff: int) -> None:
    judged = DEFAULT_PROFILES.of(ORS.name, form)
    assert judged.cutoff == cutoff
    assert fired([cutoff - 60, cutoff], judged=judged) == ["recovered"]
    assert fired([cutoff - 60, cutoff - 1], judged=judged) == ["reliable_improvement"]


def test_the_young_childs_forms_are_recorded_but_never_judged() -> None:
    for measure in (ORS, SRS):
        judged = DEFAULT_PROFILES.of(measure.name, "young child")
        assert judged.cutoff is None
        assert not judged.below_cutoff(0)
    young = DEFAULT_PROFILES.of(ORS.name, "young child")
    assert fired([400, 0, 0, 0, 0, 0, 0], judged=young) == []


def test_the_reliable_change_index_is_a_setting_or_computed_from_sd_and_reliability(
    tmp_path: Path,
) -> None:
    assert rci(ADULT) == 50
    six = resolve(ORS, ORS.form("adult"), Overrides(values={"rci": 60}))
    assert fired([200, 145], judged=six) == []
    assert fired([200, 140], judged=six) == ["reliable_deterioration"]
    path = tmp_path / "config.toml"
    # 1.96 * sqrt(2) * 7.0 * sqrt(1 - 0.8) = 8.68 points
    path.write_text("[alerts.ors]\nrci_sd = 7.0\nrci_reliability = 0.8\n", encoding="utf-8")
    computed = load_config(path).profiles.of(ORS.name, "adult")
    assert rci(computed) == 87
    assert fired([200, 114], judged=computed) == []
    assert fired([200, 113], judged=computed) == ["reliable_deterioration"]
    path.write_text("[alerts.ors]\nrci_reliability = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="rci_reliability"):
        load_config(path)


def test_the_session_numbers_and_high_intake_are_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[alerts.ors]\nearly_session = 2\non_track_session = 4\nhigh_intake = 30.0\n"
        "[alerts.ors.child]\ncutoff = 28.0\n",
        encoding="utf-8",
    )
    profiles = load_config(path).profiles
    adult = profiles.of(ORS.name, "adult")
    assert fired([200, 200], [1, 2], adult) == ["no_early_change"]
    assert fired([200, 200], [1, 4], adult) == ["not_on_track"]
    assert fired([301], judged=adult) == ["high_intake"]
    assert profiles.of(ORS.name, "child").cutoff == 280
    assert profiles.of(ORS.name, "adolescent").cutoff == 280  # its own published number


@pytest.mark.parametrize(
    ("intake", "latest", "outcome"),
    [(200, 250, "recovered"), (150, 200, "improved"), (260, 310, "improved"),
     (200, 151, "unchanged"), (200, 249, "unchanged"), (200, 150, "deteriorated")],
)  # fmt: skip
def test_the_episode_outcome_follows_jacobson_and_truax(
    intake: int, latest: int, outcome: str
) -> None:
    assert episode_outcome(intake, latest, ADULT) == outcome
    assert progress(intake, latest, False, ADULT).outcome == outcome
    assert progress(intake, intake, True, ADULT).outcome is None


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, 2, hour, tzinfo=UTC) + timedelta(days=day)


def test_the_ors_and_the_srs_of_one_day_are_one_session(tmp_path: Path) -> None:
    with Store.open(tmp_path / "srs.db") as store:
        client = store.add_client("Ivy (fixture)", now=at(0), age_band="child")
        assert store.measure_to_offer(client.id, at(0).date()) == ORS.name
        kw = {"mode": "oral", "setting": "telehealth"}
        first = store.record(client.id, ors(200), administered_at=at(0, 10), now=at(0, 10), **kw)
        assert first.form == "child"
        assert store.measure_to_offer(client.id, at(0).date()) == SRS.name
        srs = Scores.srs(90, 90, 90, 90)
        second = store.record(client.id, srs, administered_at=at(0, 11), now=at(0, 11), **kw)
        assert (second.session_id, second.session) == (first.session_id, 1)
        assert second.administered_at == first.administered_at  # the visit keeps its time
        assert store.measure_to_offer(client.id, at(0).date()) == ORS.name
        # The same measure again that day is a second visit.
        third = store.record(client.id, srs, administered_at=at(0, 15), now=at(0, 15), **kw)
        assert third.session_id != first.session_id
        assert third.session == 2
        visit = store.visit(client.id, at(0).date())
        assert visit is not None
        assert (visit.session_id, visit.measures) == (third.session_id, frozenset({"SRS"}))
        # Next week: a new session, numbered after both.
        later = store.record(client.id, ors(250), administered_at=at(7), now=at(7), **kw)
        assert later.session == 3
        records = store.all_administrations(client.id)
        assert [(r.measure, r.session, r.form) for r in records] == [
            ("ORS", 1, "child"), ("SRS", 1, "child"), ("SRS", 2, "child"), ("ORS", 3, "child"),
        ]  # fmt: skip


def test_an_age_band_chooses_the_forms_to_come_and_is_checked(tmp_path: Path) -> None:
    with Store.open(tmp_path / "srs.db") as store:
        client = store.add_client("Oak (fixture)", now=at(0))
        kw = {"mode": "oral", "setting": "telehealth"}
        assert store.record(client.id, ors(200), administered_at=at(0), now=at(0), **kw).form == (
            "adult"
        )
        store.edit_client(client.id, alias=client.alias, language="en", display_name="",
                          age_band="adolescent")  # fmt: skip
        assert store.client(client.id).age_band == "adolescent"
        assert store.record(client.id, ors(200), administered_at=at(7), now=at(7), **kw).form == (
            "adolescent"
        )
        assert [r.form for r in store.all_administrations(client.id)] == ["adult", "adolescent"]
        with pytest.raises(StoreError, match="age band must be one of"):
            store.add_client("Elm (fixture)", now=at(0), age_band="teen")
        with pytest.raises(StoreError, match="no group form"):
            store.record(client.id, ors(1), administered_at=at(9), now=at(9), form="group", **kw)
        assert len(store.all_administrations(client.id)) == 2


def test_a_form_a_measure_does_not_come_in_is_judged_as_its_default(tmp_path: Path) -> None:
    # "group" is a known form (lookup table) that no measure of this version comes in; a
    # record with it (another program's) is shown and judged, never a crash.
    with Store.open(tmp_path / "srs.db") as store:
        client = store.add_client("Fir (fixture)", now=at(0))
        kw = {"mode": "oral", "setting": "telehealth"}
        saved = store.record(client.id, ors(200), administered_at=at(0), now=at(0), **kw)
        store._conn.execute("UPDATE administrations SET form = 'group' WHERE id = ?", (saved.id,))
        store.record(client.id, ors(100), administered_at=at(7), now=at(7), **kw)
        records = store.all_administrations(client.id)
    assert records[0].form == "group"
    judged = DEFAULT_PROFILES.judge(records)
    assert [[a.rule_id for a in alerts] for alerts in judged] == [[], ["reliable_deterioration"]]


def test_the_reasons_say_the_numbers_in_plain_words() -> None:
    (same,) = ADULT.latest_alerts([ors(200), ors(200)], [1, 6])
    assert same.reason == (
        "Session 6: the total is the same as at intake (20.0), within the 5.0 of reliable "
        "change: not on track. Change course together, or consult."
    )
    (worse,) = ADULT.latest_alerts([ors(200), ors(120)], [1, 2])
    assert (
        worse.reason == "Total is 8.0 below intake (20.0 to 12.0): reliably worse. Talk about it."
    )
