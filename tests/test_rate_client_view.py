"""The rating screen as a client view: the client's language, no cutoff or verdict while
rating, none of the therapist's keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from conftest import NOW, build_app, screen_text
from srs_tui.app import SrsApp
from srs_tui.config import load_config
from srs_tui.context import Share
from srs_tui.measures import ORS, SRS, Measure
from srs_tui.screens.client_history import ClientHistoryScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store
from srs_tui.widgets.rating_slider import RatingSlider
from srs_tui.widgets.total_panel import DIGITS_WIDTH, TotalPanel

# English words of the rating screen (its catalog, the words around the total, the
# therapist's keys) that a Spanish client must never read.
ENGLISH = (
    "Save",
    "session",
    "Back",
    "History",
    "answered",
    "items set",
    "done",
    "cutoff",
    "below",
    "above",
    "telehealth",
    "Set & next",
    "Guide",
    "Date",
    "Share",
    "Rating Scale",
    "not saved",
    "Not saved",
)


def add_client(db_path: Path, language: str = "es", age_band: str = "adult") -> str:
    with Store.open(db_path) as store:
        return store.add_client("Ana", now=NOW, language=language, age_band=age_band).id


async def open_view(
    app: SrsApp, pilot: Pilot[None], client_id: str, measure: Measure = SRS
) -> RateScreen:
    """The rating screen as share mode opens it, under the name chosen for sharing."""
    await pilot.pause()
    client = app.ctx.store.client(client_id)
    screen = RateScreen(app.ctx, client, measure, shared=Share(client_id, "Anita"))
    await app.push_screen(screen)
    await pilot.pause()
    assert app.screen is screen
    return screen


def gauge(app: SrsApp) -> str:
    """What the total panel shows beside its large digits: "/ 40", the bar, the count."""
    region = app.screen.query_one(TotalPanel).content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x + DIGITS_WIDTH : region.right] for line in lines)


def typed(*entries: str) -> list[str]:
    keys: list[str] = []
    for entry in entries:
        keys += [{".": "full_stop"}.get(char, char) for char in entry]
        keys.append("enter")
    return keys


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize("age_band", ["adult", "child", "young child"])
@pytest.mark.parametrize("measure", [ORS, SRS])
async def test_a_spanish_client_reads_no_english_word(
    db_path: Path, measure: Measure, age_band: str, size: tuple[int, int]
) -> None:
    client_id = add_client(db_path, "es", age_band)
    app = build_app(db_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_view(app, pilot, client_id, measure)
        seen = [screen_text(app)]
        await pilot.press(*typed("3", "4"))
        seen.append(screen_text(app))
        await pilot.press("ctrl+s")  # two missing: the message line
        await pilot.pause()
        seen.append(screen_text(app))
        await pilot.press("1", "2", "tab")  # refused: the slider's error
        seen.append(screen_text(app))
        await pilot.press("escape", "escape")  # the question before losing the ratings
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        seen.append(screen_text(app))
        text = "\n".join(seen)
        for word in ENGLISH:
            assert word not in text, word
        assert "Anita" in seen[0]
        assert "sesión 1" in seen[0]
        assert "en línea" in seen[0]
        assert "Guardar" in seen[0]
        assert "Sin guardar: primero marca" in seen[2]
        assert "12 es mayor que 10.0" in seen[3]
        assert "¿Borrar las respuestas dadas hasta ahora?" in seen[4]
        assert screen.sub_title.startswith("Escala de valoración")
        key_bar = seen[0].splitlines()[-1]
        assert "Volver" in key_bar
        assert "^g" not in key_bar
        assert "^d" not in key_bar


@pytest.mark.parametrize(("language", "words"), [("en", ("cutoff", "below", "above", "36.0"))])
@pytest.mark.parametrize("entries", [("9", "9", "9", "8.9"), ("9", "9", "9", "9.1")])
async def test_no_cutoff_and_no_verdict_while_the_client_rates(
    db_path: Path, language: str, words: tuple[str, ...], entries: tuple[str, ...]
) -> None:
    client_id = add_client(db_path, language)
    app = build_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, client_id)
        await pilot.press(*typed(*entries))
        text = screen_text(app)
        assert "4 of 4 items set" in text
        for word in (*words, "▲", "✓"):
            assert word not in text, word
        assert "┃" not in gauge(app)
        assert "/ 40" in gauge(app)


@pytest.mark.parametrize("entries", [("9", "9", "9", "8.9"), ("9", "9", "9", "9.1")])
async def test_no_cutoff_and_no_verdict_in_spanish_either(
    db_path: Path, entries: tuple[str, ...]
) -> None:
    client_id = add_client(db_path, "es")
    app = build_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, client_id)
        await pilot.press(*typed(*entries))
        text = screen_text(app)
        assert "4 de 4 respondidas" in text
        for word in ("corte", "debajo", "encima", "36.0", "▲", "✓"):
            assert word not in text, word
        assert "┃" not in gauge(app)


async def test_the_settings_can_show_the_cutoff_to_the_client(
    db_path: Path, tmp_path: Path
) -> None:
    from conftest import frozen_clock
    from srs_tui.app import make_app

    settings = tmp_path / "config.toml"
    settings.write_text("[share]\nshow_cutoff_while_rating = true\n")
    client_id = add_client(db_path, "es")
    app = make_app(db_path, load_config(settings), clock=frozen_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, client_id)
        await pilot.press(*typed("9", "9"))
        text = screen_text(app)
        assert "punto de corte 36.0" in text
        assert "┃" in gauge(app)
        assert "debajo" not in text  # two of four: no standing yet
        await pilot.press(*typed("9", "8"))
        assert "▲ por debajo del punto de corte" in screen_text(app)


async def test_the_guide_and_the_date_dialog_are_not_there_for_a_client(db_path: Path) -> None:
    client_id = add_client(db_path, "en")
    app = build_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_view(app, pilot, client_id)
        before = screen_text(app)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert app.screen is screen
        assert screen_text(app) == before
        assert not screen.query("#guide")
        assert "Giving the scale aloud" not in screen_text(app)
        key_bar = before.splitlines()[-1]
        assert "Save" in key_bar
        assert "Guide" not in key_bar
        assert "Date" not in key_bar
        await pilot.press(*typed("9"))
        assert screen.query_one("#relationship", RatingSlider).value == 90


async def test_history_from_a_client_view_is_the_clients_own(db_path: Path) -> None:
    client_id = add_client(db_path, "es")
    app = build_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_view(app, pilot, client_id)
        await pilot.press(*typed("7"), "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert app.screen.client_view
        await pilot.press("escape")
        await pilot.pause()
        if app.screen is not screen:  # the stub history has no back key yet
            app.pop_screen()
            await pilot.pause()
        assert screen.query_one("#relationship", RatingSlider).value == 70


async def test_skipping_the_ors_on_a_client_view_opens_the_srs_as_one(db_path: Path) -> None:
    client_id = add_client(db_path, "es")
    app = build_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(app, pilot, client_id, ORS)
        await pilot.press(*typed("5"), "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "¿Borrar las respuestas del ORS" in text
        assert "al SRS?" in text
        assert "Borrar" in text
        assert "Seguir respondiendo" in text
        await pilot.click("#yes")
        await pilot.pause()
        srs = app.screen
        assert isinstance(srs, RateScreen)
        assert srs.measure is SRS
        assert srs.client_view
        assert "Anita" in screen_text(app)
        assert srs.say.language == "es"
