"""A Spanish-speaking client's shared screen, every client view read: no English word of ours.

The English words looked for are all of ours: every screen word (wording/data/ui/en) and every
word of our English measure wording, less the few that Spanish spells the same (ORS, total ...),
listed here rather than read from the Spanish files, which are what is being tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import NOW, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.measures import AGE_BANDS, MEASURES, ORS, Scores, measure_named
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.store import Store
from srs_tui.wording import built_in
from srs_tui.wording.ui import catalog

ALIAS = "Beatriz Ejemplo"
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]{3,}")
# Key names as Textual draws them on the key bar, the same in every language; the scales' and
# the app's names; words Spanish spells as English does; the commands named in messages.
SAME_IN_BOTH = {"esc", "tab", "ctrl", "shift", "ors", "srs", "tui", "rci", "total", "oral"}
SAME_IN_BOTH |= {"terminal", "backup", "check", "passphrase", "has"}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _words(language: str) -> Iterator[str]:
    yield from catalog(language).values()
    for measure in map(measure_named, MEASURES):
        for band in AGE_BANDS:
            wording = built_in(measure, language, measure.form_for(band).name)
            for item in wording.items:
                yield from (item.label, item.description, item.low, item.high, item.question)
            yield from wording.total.values()
            yield wording.general_question


def _vocabulary(language: str) -> set[str]:
    return {
        word.lower()
        for text in _words(language)
        for word in WORD.findall(PLACEHOLDER.sub("", text))
    }


ENGLISH_ONLY = _vocabulary("en") - SAME_IN_BOTH


def english_words(app: SrsApp) -> set[str]:
    toasts = [str(note.message) for note in app._notifications]
    text = "\n".join([screen_text(app), *toasts])
    return {word for word in WORD.findall(text) if word.lower() in ENGLISH_ONLY}


@pytest.fixture
def beatriz(db_path: Path, request: pytest.FixtureRequest) -> Path:
    band = getattr(request, "param", "adult")
    with Store.open(db_path) as store:
        client = store.add_client(ALIAS, now=NOW, language="es", age_band=band)
        for weeks, (ors, srs) in enumerate(((30, 90), (25, 60), (20, 50))):
            held = NOW - timedelta(weeks=3 - weeks)
            for scores in (Scores(ORS.name, (ors,) * 4), Scores.srs(srs, srs, srs, srs)):
                store.record(
                    client.id,
                    scores,
                    administered_at=held,
                    mode="oral",
                    setting="telehealth",
                    now=NOW,
                    form=None,
                )
    return db_path


class Reader:
    """Presses keys and reads the screen after each step, keeping what was English."""

    def __init__(self, app: SrsApp, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot
        self.found: dict[str, set[str]] = {}
        self.screens: set[str] = set()

    async def read(self, *keys: str, step: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            await self.pilot.pause()
        await self.pilot.pause()
        self.screens.add(type(self.app.screen).__name__)
        english = english_words(self.app)
        if english:
            self.found[step] = english
        # The banner on every screen but the curtain (which shows nothing), at 80x24 too.
        if not any(isinstance(screen, CurtainScreen) for screen in self.app.screen_stack):
            assert "COMPARTIENDO" in screen_text(self.app), step


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("beatriz", ["adult", "child"], indirect=True)
async def test_every_client_view_in_spanish_has_no_english_word(
    beatriz: Path, size: tuple[int, int]
) -> None:
    app = make_app(beatriz, client_alias=ALIAS, clock=frozen_clock, share=True)
    async with app.run_test(size=size) as pilot:
        reader = Reader(app, pilot)
        await reader.read(step="the ORS, nothing set")
        await reader.read("7", "enter", "4", step="the ORS, one set, one typed")
        await reader.read("ctrl+s", step="saving with items missing")
        await reader.read("1", "2", "tab", step="a number out of range")
        await reader.read("ctrl+t", step="the history over the rating")
        await reader.read("escape", step="back to the rating")
        await reader.read("escape", step="leaving with ratings typed")
        await reader.read("escape", step="kept rating")
        await reader.read("ctrl+n", step="skipping the ORS with ratings typed")
        await reader.read("escape", step="kept the ORS")
        await reader.read("5", "enter", "6", "enter", step="the ORS, all set")
        await reader.read("ctrl+s", step="thanks after the ORS")
        assert type(app.screen).__name__ == "ThanksScreen"
        await reader.read("ctrl+n", step="the SRS")
        await reader.read("9", "enter", "9", "enter", "3", "enter", "9", "enter", step="SRS set")
        await reader.read("ctrl+s", step="thanks after the SRS")
        await reader.read("enter", step="the history")
        await reader.read("i", step="the history's other view")
        await reader.read("escape", step="nothing to go back to")
        await reader.read("r", step="rating again")
        await reader.read("escape", step="back from rating")
        await reader.read("ctrl+l", step="the curtain")
        await reader.read("escape", step="asked to lift the curtain")
        await reader.read("escape", "ctrl+l", step="the curtain lifted")
        await reader.read("ctrl+q", step="asked to quit")
        await reader.read("escape", step="not quitting")
        await reader.read("ctrl+o", step="asked to stop sharing")
        await reader.read("escape", step="still sharing")
        with Store.open(beatriz) as other:
            client = other.find_client(ALIAS)
            assert client is not None
            other.set_display_name(client.id, "B. E.")
        app.check_shared_client()
        await reader.read(step="the page that closed")
        await reader.read("ctrl+o", step="asked to stop sharing, after it closed")
        assert app.share.active
        assert {"RateScreen", "ThanksScreen", "ClientHistoryScreen", "CurtainScreen"} <= (
            reader.screens
        )
        assert reader.found == {}
