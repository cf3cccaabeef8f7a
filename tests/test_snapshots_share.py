"""SVG snapshots of every client view on a shared screen: at 80x24 and 120x36, in English and
Spanish; in the high-contrast theme and with NO_COLOR too. A regression shows as a picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import frozen_clock
from srs_tui.app import SrsApp, make_app
from srs_tui.config import Config
from srs_tui.store import Store

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
# Casey speaks English, Devon Spanish (the demo's); both shown under a first name.
CLIENTS = [pytest.param("Casey (demo)", id="en"), pytest.param("Devon (demo)", id="es")]
PARTLY_RATED = ["9", "full_stop", "1", "enter", "4", "enter", "7"]
FULLY_RATED = ["9", "full_stop", "1", "enter", "4", "enter", "7", "enter", "6", "enter"]

# Each client view, as the keys that reach it from the start of share mode (the ORS).
VIEWS = {
    "ors-being-rated": PARTLY_RATED,
    "srs-rated": ["ctrl+n", *FULLY_RATED],
    "thanks": ["ctrl+n", *FULLY_RATED, "ctrl+s"],
    "history": ["escape"],
}


def sharing(demo_db: Path, client: str, *, theme: str = "default") -> SrsApp:
    with Store.open(demo_db) as store:
        found = store.find_client(client)
        assert found is not None
        store.set_display_name(found.id, client.split(maxsplit=1)[0])
    return make_app(
        demo_db, Config(theme=theme), client_alias=client, clock=frozen_clock, share=True
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_client_view(
    snap_compare: Any, demo_db: Path, view: str, client: str, size: tuple[int, int]
) -> None:
    assert snap_compare(sharing(demo_db, client), press=VIEWS[view], terminal_size=size)


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_client_view_high_contrast(
    snap_compare: Any, demo_db: Path, view: str, client: str
) -> None:
    app = sharing(demo_db, client, theme="high-contrast")
    assert snap_compare(app, press=VIEWS[view], terminal_size=(120, 36))


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_client_view_no_color(
    snap_compare: Any, demo_db: Path, view: str, client: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(sharing(demo_db, client), press=VIEWS[view], terminal_size=(80, 24))


@pytest.mark.parametrize("client", CLIENTS)
def test_the_page_a_closed_share_leaves(snap_compare: Any, demo_db: Path, client: str) -> None:
    async def renamed_elsewhere(pilot: Pilot[Any]) -> None:
        with Store.open(demo_db) as other:
            found = other.find_client(client)
            assert found is not None
            other.set_display_name(found.id, "someone else")
        app = pilot.app
        assert isinstance(app, SrsApp)
        app.check_shared_client()
        await pilot.pause()

    app = sharing(demo_db, client)
    assert snap_compare(app, run_before=renamed_elsewhere, terminal_size=(80, 24))
