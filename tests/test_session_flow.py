"""A visit through the real app: the ORS at its start, the SRS at its end, one session; either
skipped or given alone; the form of the client's age band; the progress since intake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Label, RadioButton

from conftest import NOW, SKIP_ORS, build_app, screen_text
from srs_tui.measures import ORS, Scores
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.correct_session import Correction, CorrectSessionScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store
from srs_tui.widgets.total_panel import TotalPanel

SIZE = (100, 36)


def four(*values: str) -> list[str]:
    """Number, Enter, four times."""
    keys: list[str] = []
    for value in values:
        keys += [{".": "full_stop"}.get(char, char) for char in value]
        keys.append("enter")
    return keys


def add(db_path: Path, alias: str, age_band: str = "adult", language: str = "en") -> str:
    with Store.open(db_path) as store:
        return store.add_client(alias, now=NOW, age_band=age_band, language=language).id


def ors(values: tuple[int, int, int, int]) -> Scores:
    return Scores.of(ORS, dict(zip(ORS.keys, values, strict=True)))


def rating_measure(app: object) -> str:
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    assert isinstance(app.screen, RateScreen)
    return app.screen.measure.name


async def test_the_caseload_offers_the_ors_then_the_srs_and_both_make_one_session(
    db_path: Path,
) -> None:
    client_id = add(db_path, "Ana")
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert rating_measure(app) == "ORS"
        text = screen_text(app)
        assert "ORS  ·  Ana  ·  session 1" in text
        assert "Outcome Rating Scale" in text
        assert "^n SRS" in text  # the key that skips to the SRS
        assert "clinical cutoff 25.0" in text
        await pilot.press(*four("6", "5", "7", "6"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("escape")  # done: back to the caseload
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.press("r")  # later in the session
        assert rating_measure(app) == "SRS"
        text = screen_text(app)
        assert "SRS  ·  Ana  ·  session 1" in text  # the same session, not a second one
        assert "^n SRS" not in text
        await pilot.press(*four("9", "9", "9", "9"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        assert "session 1  ·  SRS" in screen_text(app)
    with Store.open(db_path) as store:
        given = store.all_administrations(client_id)
        assert [a.measure for a in given] == ["ORS", "SRS"]
        assert len({a.session_id for a in given}) == 1
        assert [a.session for a in given] == [1, 1]
        assert given[0].scores.as_dict() == {
            "individually": 60, "interpersonally": 50, "socially": 70, "overall": 60,
        }  # fmt: skip
        assert store.measure_to_offer(client_id, NOW.date()) == "ORS"  # the next visit


async def test_from_the_ors_feedback_one_key_gives_the_srs_of_the_same_session(
    db_path: Path,
) -> None:
    client_id = add(db_path, "Ana")
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        assert rating_measure(app) == "ORS"
        await pilot.press(*four("4", "5", "5", "4"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        assert "SRS now" in screen_text(app)
        await pilot.press("ctrl+n")
        assert rating_measure(app) == "SRS"
        assert "session 1" in screen_text(app)
        await pilot.press(*four("9", "8", "9", "9"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        assert "SRS now" not in screen_text(app)  # nothing follows the SRS
    with Store.open(db_path) as store:
        given = store.all_administrations(client_id)
        assert [(a.measure, a.session) for a in given] == [("ORS", 1), ("SRS", 1)]
        assert given[0].session_id == given[1].session_id


async def test_the_note_typed_after_the_ors_stays_with_the_session(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*four("4", "5", "5", "4"), "ctrl+s")
        await pilot.press(*"work stress", "ctrl+n")
        assert rating_measure(app) == "SRS"
        await pilot.press(*four("9", "9", "9", "9"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        assert "work stress" in screen_text(app)  # the session's note, shown to go on with
    with Store.open(db_path) as store:
        assert {a.note for a in store.all_administrations(client_id)} == {"work stress"}


async def test_skipping_the_ors_saves_nothing_and_gives_the_srs_alone(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7", "enter", SKIP_ORS)  # typed, then skipped: asks first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")  # Discard
        await pilot.pause()
        assert rating_measure(app) == "SRS"
        await pilot.press(*four("9", "9", "9", "9"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        assert "SRS now" not in screen_text(app)
    with Store.open(db_path) as store:
        assert [a.measure for a in store.all_administrations(client_id)] == ["SRS"]


async def test_the_ors_can_be_given_alone(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*four("4", "5", "5", "4"), "ctrl+s")
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
    with Store.open(db_path) as store:
        assert [a.measure for a in store.all_administrations(client_id)] == ["ORS"]


async def test_the_history_offers_the_srs_after_todays_ors(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    with Store.open(db_path) as store:
        store.record(
            client_id, ors((50, 50, 50, 50)), administered_at=NOW - timedelta(hours=1),
            mode="oral", setting="telehealth", now=NOW,
        )  # fmt: skip
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("r")
        assert rating_measure(app) == "SRS"
        await pilot.press(*four("9", "9", "9", "9"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
    with Store.open(db_path) as store:
        given = store.all_administrations(client_id)
        assert [(a.measure, a.session) for a in given] == [("ORS", 1), ("SRS", 1)]


async def test_a_child_is_given_the_child_forms_and_their_words(db_path: Path) -> None:
    client_id = add(db_path, "Kid", age_band="child")
    app = build_app(db_path, client="Kid")
    async with app.run_test(size=SIZE) as pilot:
        assert rating_measure(app) == "ORS"
        text = screen_text(app)
        assert "clinical cutoff 32.0" in text  # the child form's cutoff, not the adult's
        assert "School" in text  # the child's words
        await pilot.press(*four("8", "8", "8", "7"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        assert "in the clinical range" in screen_text(app)  # 31.0 is below 32.0
        await pilot.press("ctrl+n", *four("9", "9", "9", "9"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
    with Store.open(db_path) as store:
        given = store.all_administrations(client_id)
        assert [(a.measure, a.form) for a in given] == [("ORS", "child"), ("SRS", "child")]


async def test_a_young_child_form_shows_no_cutoff_and_no_verdict(db_path: Path) -> None:
    client_id = add(db_path, "Tot", age_band="young child")
    app = build_app(db_path, client="Tot")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.screen.query_one(TotalPanel)
        assert panel.profile.cutoff is None
        await pilot.press(*four("2", "2", "2", "2"))
        text = screen_text(app)
        assert "cutoff" not in text
        assert "/ 40" in text
        assert "▲" not in text
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(app)
        assert "clinical range" not in text
        assert "clinical cutoff" not in text
        assert "no norms: no cutoff, no alerts" in text
        assert "▲" not in text
    with Store.open(db_path) as store:
        (given,) = store.all_administrations(client_id)
        assert given.form == "young child"


async def test_the_ors_feedback_shows_the_progress_since_intake(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    with Store.open(db_path) as store:
        store.record(
            client_id, ors((50, 50, 50, 50)), administered_at=NOW - timedelta(days=14),
            mode="oral", setting="telehealth", now=NOW,
        )  # fmt: skip
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        assert "session 2" in screen_text(app)
        await pilot.press(*four("6.5", "6.5", "6.5", "6.5"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(app)
        assert "Saved  Ana  ·  session 2  ·  ORS" in text
        assert "20.0 (session 1) → 26.0 today: +6.0" in text
        assert "(reliable change: 5.0)" in text
        assert "Outcome so far  recovered" in text
        assert "out of the clinical range" in text
        assert "Recovered" in text
        assert "recovered" in text  # the rule's id beside its title
        assert "Total is 6.0 above intake (20.0 to 26.0)" in text


async def test_the_ors_feedback_names_a_reliable_deterioration(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    with Store.open(db_path) as store:
        store.record(
            client_id, ors((70, 70, 70, 70)), administered_at=NOW - timedelta(days=14),
            mode="oral", setting="telehealth", now=NOW,
        )  # fmt: skip
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*four("5", "5", "5", "5"), "ctrl+s")
        text = screen_text(app)
        assert "28.0 (session 1) → 20.0 today: −8.0" in text
        assert "Outcome so far  deteriorated" in text
        assert "in the clinical range" in text
        assert "reliable_deterioration" in text
        assert "8.0 below intake" in text


async def test_the_first_ors_is_the_intake(db_path: Path) -> None:
    add(db_path, "Ana")
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*four("9", "9", "9", "9"), "ctrl+s")
        text = screen_text(app)
        assert "Intake  the first ORS of this episode" in text
        assert "high_intake" in text  # 36.0 above 32.0: ask
        assert "Outcome so far" not in text


async def test_a_spanish_client_reads_the_ors_in_spanish(db_path: Path) -> None:
    add(db_path, "Lucía", language="es")
    app = build_app(db_path, client="Lucía")
    async with app.run_test(size=SIZE):
        assert rating_measure(app) == "ORS"
        assert app.screen.wording.language == "es"  # type: ignore[attr-defined]


async def test_the_client_dialog_sets_and_changes_the_age_band(db_path: Path) -> None:
    add(db_path, "Ana")
    app = build_app(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("a")
        app.screen.query_one("#alias", Input).value = "Kid"
        default = next(b for b in app.screen.query(RadioButton) if b.name == "adult")
        assert default.value  # adult unless changed
        next(b for b in app.screen.query(RadioButton) if b.name == "child").value = True
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        while app.screen.selected_client().alias != "Kid":  # type: ignore[union-attr]
            await pilot.press("down")
        await pilot.press("e")
        await pilot.pause()
        said = " ".join(str(label.content) for label in app.screen.query(Label))
        assert "the forms of the sessions to come" in said
        band = next(b for b in app.screen.query(RadioButton) if b.name == "child")
        assert band.value
        next(b for b in app.screen.query(RadioButton) if b.name == "adolescent").value = True
        app.screen.query_one("#alias", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
    with Store.open(db_path) as store:
        kid = store.find_client("Kid")
        assert kid is not None
        assert kid.age_band == "adolescent"


async def test_a_saved_ors_is_corrected_with_its_own_items(db_path: Path) -> None:
    client_id = add(db_path, "Ana")
    with Store.open(db_path) as store:
        saved = store.record(
            client_id, ors((50, 60, 70, 80)), administered_at=NOW - timedelta(days=1),
            mode="oral", setting="telehealth", now=NOW,
        )  # fmt: skip
    app = build_app(db_path)
    corrections: list[Correction | None] = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CorrectSessionScreen([saved], NOW), corrections.append)
        await pilot.pause()
        text = screen_text(app)
        assert "Correct session 1: ORS" in text
        assert "Interpersonally" in text
        field = app.screen.query_one("#fix-ors-socially", Input)
        assert field.value == "7.0"
        field.value = "3.5"
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
    (correction,) = corrections
    assert correction is not None
    (scores,) = correction.scores
    assert scores.measure == "ORS"
    assert scores.as_dict()["socially"] == 35


async def test_a_young_childs_srs_has_no_verdict_either(db_path: Path) -> None:
    client_id = add(db_path, "Tot", age_band="young child")
    app = build_app(db_path, client="Tot")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS, *four("3", "3", "3", "3"), "ctrl+s")
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(app)
        assert "cutoff 36.0" not in text
        assert "below the cutoff" not in text
        assert "no norms: no cutoff, no alerts" in text
    with Store.open(db_path) as store:
        (given,) = store.all_administrations(client_id)
        assert (given.measure, given.form) == ("SRS", "young child")
