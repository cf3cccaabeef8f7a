"""Share mode: a screen stack of the shared client's own views, and nothing else.

On a shared screen, nothing of any other client whatever key is pressed; the client's thanks
after a save, the therapist's feedback kept until sharing stops; a change of the client from
another window ends share mode with a neutral page."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input, TextArea

from conftest import NOW, frozen_clock, run_cli, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.measures import Scores
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.client_history import ClientHistoryScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.screens.share_ended import ShareEndedScreen
from srs_tui.screens.share_start import ShareStartScreen
from srs_tui.screens.thanks import ThanksScreen
from srs_tui.store import Store, StoreError
from srs_tui.widgets.share_banner import ShareBanner

SIZE = (100, 36)
FOUR_NINES = ("9", "enter", "9", "enter", "9", "enter", "9", "enter")
LOW_SRS = ("3", "enter", "8", "enter", "8", "enter", "8", "enter")
KEYS_A_THERAPIST_MIGHT_PRESS = [
    "escape",
    "tab",
    "ctrl+p",
    "ctrl+t",  # the history
    "escape",
    *FOUR_NINES,
    "ctrl+s",  # save
    "question_mark",
    "ctrl+g",
    "ctrl+d",
    "ctrl+n",
    *FOUR_NINES,
    "ctrl+s",
    "ctrl+o",  # the share toggle...
    "escape",  # ...without confirming
    "q",
    "escape",
    "escape",
    "r",
    "ctrl+t",
    "escape",
    "f1",
    "ctrl+c",
    "ctrl+q",  # asks...
    "escape",  # ...and stays
    "b",
    "e",
    "delete",
    "i",
    "escape",
]


@pytest.fixture
def ana_and_ben(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        store.add_client("Ana Example", now=NOW)
        store.add_client("Ben Example", now=NOW)
        past = NOW.replace(day=24, month=11)
        ana = store.find_client("Ana Example")
        assert ana is not None
        for day in (10, 17):
            store.record(
                ana.id,
                Scores.srs(80, 80, 80, 80),
                administered_at=past.replace(day=day),
                mode="oral",
                setting="telehealth",
                now=NOW,
            )
    return db_path


def sharing_app(db_path: Path) -> SrsApp:
    return make_app(db_path, client_alias="Ben Example", clock=frozen_clock, share=True)


def only_the_shared_clients_views(app: SrsApp) -> None:
    """Share mode's stack: the shared client's views, dialogs over them, the curtain."""
    for screen in app.screen_stack:
        if isinstance(screen, ClientScreen):
            assert screen.client_view, screen
            assert screen.client.id == app.share.client_id, screen
        else:
            assert isinstance(screen, ConfirmScreen | CurtainScreen | ShareEndedScreen), screen


async def test_no_key_ever_shows_another_clients_alias(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Ben Example" in screen_text(app)
        assert "SHARING" in screen_text(app)
        for key in KEYS_A_THERAPIST_MIGHT_PRESS:
            await pilot.press(key)
            await pilot.pause()
            text = screen_text(app)
            assert "Ana" not in text, f"after {key}"
            assert "SHARING" in text, f"after {key}"
            only_the_shared_clients_views(app)
            assert not app._notifications or all(
                "quit" not in n.message.lower() for n in app._notifications
            ), f"after {key}"
        assert app.share.active


async def test_the_client_sees_thanks_and_the_therapists_feedback_waits(
    ana_and_ben: Path,
) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")  # no ORS today: the SRS
        await pilot.pause()
        await pilot.press(*LOW_SRS, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ThanksScreen)
        text = screen_text(app)
        assert "Thank you, Ben Example." in text
        assert "/ 40" in text
        assert app.screen.query_one("#thanks-digits").value == "27.0"  # type: ignore[attr-defined]
        assert "Relationship" in text
        assert "3.0" in text
        # The lowest item's own question, in the client's words.
        assert "Was there a moment today when you felt less heard?" in text
        for therapists in ("Ask", "Note", "alert", "cutoff", "attention", "persistent"):
            assert therapists not in text
        assert not app.screen.query(TextArea)
        await pilot.press("enter")  # done
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        await pilot.press("escape")  # back leads nowhere further
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert len(app.screen_stack) == 1
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        # Sharing stopped: the therapist's feedback on that save, with its note box.
        assert not app.share.active
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.saved.measure == "SRS"
        text = screen_text(app)
        assert "Ask" in text
        assert "SHARING" not in text
        app.screen.query_one("#note", TextArea).text = "talked about the pace"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    with Store.open(ana_and_ben) as store:
        ben = store.find_client("Ben Example")
        assert ben is not None
        (saved,) = store.history(ben.id)
        assert saved.note == "talked about the pace"
        assert saved.scores.total == 270


async def test_two_saves_while_sharing_wait_in_the_order_given(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, RateScreen)
        assert app.screen.measure.name == "ORS"
        await pilot.press(*FOUR_NINES, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ThanksScreen)
        await pilot.press("ctrl+n")  # the SRS of the same visit
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.measure.name == "SRS"
        assert app.screen.client_view
        await pilot.press(*FOUR_NINES, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ThanksScreen)
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.saved.measure == "ORS"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.saved.measure == "SRS"
        assert app.screen.saved.session_id != ""
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert not app.held_feedback


async def test_leaving_share_mode_takes_a_confirmation(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert app.share.active
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        assert not app.share.active
        assert not app.screen.query(ShareBanner) or not app.screen.query_one(ShareBanner).display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert "Ana Example" in screen_text(app)


async def test_sharing_from_the_caseload_asks_the_name_over_a_blank_screen(
    ana_and_ben: Path,
) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Ana Example" in screen_text(app)
        while app.screen.selected_client().alias != "Ben Example":  # type: ignore[attr-defined]
            await pilot.press("down")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ShareStartScreen)
        assert "Ana" not in screen_text(app)  # the caseload is not behind the question
        assert "Ben Example" not in screen_text(app)  # nor the alias, as a placeholder
        app.screen.query_one("#share-name", Input).value = "B."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client_view
        text = screen_text(app)
        assert "B.  ·  session 1" in text or "B." in text
        assert "Ben Example" not in text
        assert "Ana" not in text
        only_the_shared_clients_views(app)
    with Store.open(ana_and_ben) as store:
        ben = store.find_client("Ben Example")
        assert ben is not None
        assert ben.display_name == "B."


async def test_cancelling_the_name_goes_back_to_the_caseload(ana_and_ben: Path) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        caseload = app.screen
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is caseload
        assert not app.share.active
        assert app.current_mode == app.DEFAULT_MODE


def test_share_mode_needs_a_client(ana_and_ben: Path) -> None:
    with pytest.raises(StoreError, match="needs a client"):
        make_app(ana_and_ben, share=True)


async def test_the_history_over_the_rating_screen_goes_back_to_it(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9", "enter", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        await pilot.press("escape")  # unsaved ratings: asks
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert len(app.screen_stack) == 1
        assert "Ana" not in screen_text(app)


async def _open_bens_history(app: SrsApp, pilot: object) -> Screen[None]:
    await pilot.pause()  # type: ignore[attr-defined]
    while app.screen.selected_client().alias != "Ben Example":  # type: ignore[attr-defined]
        await pilot.press("down")  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


async def test_sharing_from_the_therapists_history_keeps_it_for_afterwards(
    ana_and_ben: Path,
) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        history = await _open_bens_history(app, pilot)
        await pilot.press("ctrl+o")
        app.screen.query_one("#share-name", Input).value = "B."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert "SHARING" in screen_text(app)
        assert "Ben Example" not in screen_text(app)
        only_the_shared_clients_views(app)
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        assert app.screen is history
        text = screen_text(app)
        assert "SHARING" not in text
        assert "Ben Example" in text


async def test_ratings_typed_before_sharing_go_over_to_the_clients_screen(
    ana_and_ben: Path,
) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open_bens_history(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        await pilot.press("7", "enter", "6")
        await pilot.press("ctrl+o")
        app.screen.query_one("#share-name", Input).value = "B."
        await pilot.press("enter")
        await pilot.pause()
        rating = app.screen
        assert isinstance(rating, RateScreen)
        assert rating.client_view
        # The number typed and not yet set goes over too.
        assert [v for v in rating.values().values() if v is not None] == [70, 60]
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        # One place for the ratings: the therapist's rating screen was closed.
        assert isinstance(app.screen, HistoryScreen)


async def test_quitting_a_shared_screen_asks_first_and_ctrl_c_says_nothing(
    ana_and_ben: Path,
) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not list(app._notifications)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_c_on_the_therapists_screens_still_says_how_to_quit(
    ana_and_ben: Path,
) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert any("quit" in n.message for n in app._notifications)


async def test_a_toast_of_the_therapists_screens_never_reaches_the_shared_one(
    ana_and_ben: Path,
) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open_bens_history(app, pilot)
        app.notify("Ana Example: something the therapist was told")
        await pilot.press("ctrl+o")
        await pilot.press("enter")
        await pilot.pause()
        assert app.share.active
        assert not list(app._notifications)
        assert "Ana" not in screen_text(app)


async def test_a_client_erased_from_another_window_ends_share_mode_neutrally(
    ana_and_ben: Path, tmp_path: Path
) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", *FOUR_NINES, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ThanksScreen)
        erased = run_cli("--db", str(ana_and_ben), "erase", "Ben Example", "--yes", home=tmp_path)
        assert erased.returncode == 0, erased.stderr
        await pilot.press("escape")  # the key that crashed the app once
        await pilot.pause()
        app.check_shared_client()
        await pilot.pause()
        assert isinstance(app.screen, ShareEndedScreen)
        text = screen_text(app)
        assert "This page has closed" in text
        assert "Ben" not in text
        assert "Ana" not in text
        for key in ("escape", "enter", "r", "ctrl+t", "ctrl+s", "b"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ShareEndedScreen), key
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        # The therapist's screens, without the erased client or feedback on them.
        assert isinstance(app.screen, CaseloadScreen)
        assert "Ben" not in screen_text(app)
        assert "Ana Example" in screen_text(app)
        assert app.is_running


async def test_a_client_renamed_from_another_window_ends_share_mode_and_keeps_feedback(
    ana_and_ben: Path,
) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", *FOUR_NINES, "ctrl+s")
        await pilot.pause()
        with Store.open(ana_and_ben) as other:
            ben = other.find_client("Ben Example")
            assert ben is not None
            other.edit_client(ben.id, alias="Benjamin Example", language="en", display_name="")
        app.check_shared_client()
        await pilot.pause()
        assert isinstance(app.screen, ShareEndedScreen)
        assert "Benjamin" not in screen_text(app)
        await pilot.press("ctrl+o")
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)  # the save's feedback is not lost
        assert "Benjamin Example" in screen_text(app)  # under the client's alias as it is now


async def test_stopping_with_ratings_typed_says_they_are_lost(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, ConfirmScreen)
        assert "typed" not in app.screen.question
        await pilot.press("escape", "7", "enter", "ctrl+o")
        assert isinstance(app.screen, ConfirmScreen)
        assert "ratings typed here and not saved are lost" in app.screen.question


async def test_rating_from_the_history_over_a_rating_goes_back_to_it(ana_and_ben: Path) -> None:
    app = sharing_app(ana_and_ben)
    async with app.run_test(size=SIZE) as pilot:
        rating = app.screen
        await pilot.press("3", "enter", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is rating
        assert isinstance(rating, RateScreen)
        assert 30 in rating.values().values()


async def test_the_name_is_asked_in_the_clients_language(ana_and_ben: Path) -> None:
    with Store.open(ana_and_ben) as store:
        ben = store.find_client("Ben Example")
        assert ben is not None
        store.edit_client(ben.id, alias=ben.alias, language="es", display_name="")
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open_bens_history(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        text = screen_text(app)
        assert "Compartir la pantalla" in text
        assert "Share" not in text


@pytest.mark.parametrize("name", ["", "B.", "  Ben  "])
async def test_sharing_is_not_ended_by_its_own_name(ana_and_ben: Path, name: str) -> None:
    app = make_app(ana_and_ben, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await _open_bens_history(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#share-name", Input).value = name
        await pilot.press("enter")
        await pilot.pause()
        app.check_shared_client()
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
