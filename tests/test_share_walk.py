"""Share mode, read as the client reads it: walked key by key, every screen read.

On a shared screen no screen, toast or dialog shows a rule id, an alert's name, the word
"cutoff" (but on the ORS chart's line), a note, the guide, the rules or another client; and in
Spanish, no English word of ours. Random walks of the keys a therapist might press, with a
fixed seed (more rounds with `pytest -m long`), and a walk through every client view.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from conftest import NOW, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.measures import ORS, Scores
from srs_tui.rules import RULE_SETS
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.confirm import ConfirmScreen
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.screens.share_ended import ShareEndedScreen
from srs_tui.store import Store
from srs_tui.wording import built_in
from srs_tui.wording.ui import catalog

SIZE = (100, 30)
OTHER = "Ana Example"
SHARED = "Ben Example"
NOTE = "talked about the divorce"
# Every key a therapist might press on a shared screen but the two that end it on purpose
# (Ctrl+O then a confirmation, Ctrl+Q then a confirmation: tried on their own below).
KEYS = [
    *"abcdefghijklmnopqrstuvwxyz",
    *"ABEIR",
    *"0123456789",
    "full_stop",
    "question_mark",
    "slash",
    "space",
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "delete",
    "backspace",
    *[f"ctrl+{c}" for c in "abdefghijklnprstuvwxyz"],
    *[f"f{n}" for n in range(1, 13) if n != 6],
]
RULE_IDS = sorted({rule.id for rules in RULE_SETS.values() for rule in rules.rules})
RULE_TITLES = sorted({rule.title for rules in RULE_SETS.values() for rule in rules.rules})
THERAPISTS_WORDS = [
    "Ask:",
    "Lowest item",
    "Note:",
    "attention",
    "Rules",
    "alert",
    "verdict",
    "recovered",
    "Recovered",
    "reliable",
    "deteriorat",
    "clinical range",
    NOTE,
    OTHER,
    "Ana",
]


def _guide_titles() -> list[str]:
    return [
        built_in(measure, language).guide["title"]
        for measure in (ORS, ORS)
        for language in ("en", "es")
    ]


@pytest.fixture
def two_clients(db_path: Path, request: pytest.FixtureRequest) -> Path:
    """Ana (another client) and Ben, whose low and falling ratings fire alerts, with a note."""
    language = getattr(request, "param", "en")
    with Store.open(db_path) as store:
        ana = store.add_client(OTHER, now=NOW)
        ben = store.add_client(SHARED, now=NOW, language=language)
        for client in (ana, ben):
            for weeks, (ors, srs) in enumerate(((30, 90), (25, 60), (20, 50), (18, 40))):
                held = NOW - timedelta(weeks=4 - weeks)
                for scores in (Scores(ORS.name, (ors,) * 4), Scores.srs(srs, srs, srs, srs)):
                    saved = store.record(
                        client.id,
                        scores,
                        administered_at=held,
                        mode="oral",
                        setting="telehealth",
                        now=NOW,
                    )
                store.set_note(saved.id, NOTE, now=NOW)
    return db_path


def sharing(db_path: Path) -> SrsApp:
    return make_app(db_path, client_alias=SHARED, clock=frozen_clock, share=True)


def shown(app: SrsApp) -> str:
    """Everything on the screen now and every toast."""
    toasts = [str(note.message) for note in app._notifications]
    return "\n".join([screen_text(app), *toasts])


def without_the_ors_line_label(text: str) -> str:
    """The text with the ORS chart's cutoff line label taken out: the one place a client may
    read of a cutoff."""
    for language in ("en", "es"):
        label = re.escape(catalog(language)["chart.clinical_cutoff"])
        text = re.sub(label.replace(r"\{value\}", r"[0-9.,]+"), "", text)
    return text


def problems(app: SrsApp) -> list[str]:
    """What a client must not read on this screen."""
    text = shown(app)
    found = [word for word in (*RULE_IDS, *RULE_TITLES, *THERAPISTS_WORDS) if word in text]
    found += [title for title in _guide_titles() if title in text]
    rest = without_the_ors_line_label(text).lower()
    found += [word for word in ("cutoff", "punto de corte") if word in rest]
    # The curtain shows nothing, not even the banner (nor does a question asked over it).
    curtain = any(isinstance(screen, CurtainScreen) for screen in app.screen_stack)
    if "SHARING" not in text and "COMPARTIENDO" not in text and not curtain:
        found.append("no banner")
    for screen in app.screen_stack:
        if isinstance(screen, ClientScreen):
            if not screen.client_view or screen.client.alias != SHARED:
                found.append(f"a screen not the client's own: {screen!r}")
        elif not isinstance(screen, ConfirmScreen | CurtainScreen | ShareEndedScreen):
            found.append(f"a screen not the client's own: {screen!r}")
    return found


async def walk(app: SrsApp, keys: Iterable[str], pilot: Any) -> None:
    pressed: list[str] = []
    for chosen in keys:
        key = chosen
        if isinstance(app.screen, CurtainScreen) and isinstance(app.focused, Input):
            key = "ctrl+l"  # a passphrase field would take the walk's keys as typing
        await pilot.press(key)
        await pilot.pause()
        pressed.append(key)
        assert app.is_running, f"the app ended after {pressed[-20:]}"
        assert app.share.active, f"sharing stopped after {pressed[-20:]}"
        found = problems(app)
        assert not found, f"{found} after {pressed[-20:]}:\n{shown(app)}"


def rounds() -> int:
    return int(os.environ.get("SRS_TUI_SHARE_WALK_KEYS", "200"))


@pytest.mark.parametrize(("two_clients", "seed"), [("en", 1), ("es", 2)], indirect=["two_clients"])
async def test_a_random_walk_of_keys_shows_the_client_nothing_of_the_therapists(
    two_clients: Path, seed: int
) -> None:
    chooser = random.Random(seed)
    app = sharing(two_clients)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not problems(app), shown(app)
        await walk(app, [chooser.choice(KEYS) for _ in range(rounds())], pilot)


@pytest.mark.long
@pytest.mark.timeout(900)
@pytest.mark.parametrize("two_clients", ["en", "es"], indirect=True)
@pytest.mark.parametrize("seed", range(3, 13))
async def test_long_random_walks(two_clients: Path, seed: int) -> None:
    chooser = random.Random(seed)
    app = sharing(two_clients)
    async with app.run_test(size=SIZE) as pilot:
        await walk(app, [chooser.choice(KEYS) for _ in range(rounds() * 5)], pilot)
