"""--client with an alias no client has: asked first in the app, refused while shared, added
with --new; never a second record made silently for a typo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import NOW, Terminal, cli_env, frozen_clock, run_cli, screen_text
from srs_tui.alias_match import Known, closest
from srs_tui.app import make_app
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.no_client import NoClientScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store, StoreError

SIZE = (100, 30)


@pytest.fixture
def coded(db_path: Path) -> Path:
    """Clients known by codes: R-17, R-71 (archived), B-22."""
    with Store.open(db_path) as store:
        store.add_client("R-17", now=NOW)
        store.set_archived(store.add_client("R-71", now=NOW).id, True, now=NOW)
        store.add_client("B-22", now=NOW)
    return db_path


def aliases(db: Path) -> list[str]:
    with Store.open(db) as store:
        return sorted(alias for alias, _ in store.aliases())


def test_the_closest_aliases_ignore_case_spaces_and_punctuation() -> None:
    known = [Known("R-17", False), Known("R-71", True), Known("B-22", False), Known("Ana", False)]
    assert closest("R17", known) == [Known("R-17", False), Known("R-71", True)]
    assert closest("r 17", known)[0] == Known("R-17", False)
    assert closest("r_1.7", known)[0] == Known("R-17", False)
    assert closest("Zoë", known) == []
    many = [Known(f"R-1{digit}", False) for digit in range(10)]
    assert len(closest("R1", many)) == 3  # a short list, not a search


async def test_an_unknown_alias_asks_and_enter_opens_the_closest(coded: Path) -> None:
    app = make_app(coded, client_alias="R17", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoClientScreen)
        text = screen_text(app)
        assert "No client 'R17'. Did you mean: R-17, R-71 (archived)?" in text
        assert "Open R-17" in text
        assert "Add R17 as a new client" in text
        assert "B-22" not in text  # only the close ones
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "R-17"
    assert aliases(coded) == ["B-22", "R-17", "R-71"]  # nobody added


async def test_adding_is_a_choice_of_its_own(coded: Path) -> None:
    app = make_app(coded, client_alias="R17", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # past: Add R17
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "R17"
    assert aliases(coded) == ["B-22", "R-17", "R-71", "R17"]


async def test_escape_adds_nobody_and_shows_the_caseload(coded: Path) -> None:
    app = make_app(coded, client_alias="R17", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
    assert aliases(coded) == ["B-22", "R-17", "R-71"]


async def test_with_nothing_close_only_adding_or_cancel_is_offered(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Ana", now=NOW)
    app = make_app(db_path, client_alias="[bold]Zed", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "No client '[bold]Zed'." in text  # as typed, never as markup
        assert "Did you mean" not in text
        assert "Ana" not in text
        await pilot.press("enter")  # the first choice here: add it
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "[bold]Zed"


async def test_an_alias_in_another_case_opens_that_client_at_once(coded: Path) -> None:
    app = make_app(coded, client_alias="r-17", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "R-17"


async def test_new_adds_without_asking(coded: Path) -> None:
    app = make_app(coded, client_alias="R17", clock=frozen_clock, new_client=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "R17"


def test_sharing_an_unknown_alias_is_refused_before_the_app(coded: Path) -> None:
    with pytest.raises(StoreError, match="no client 'R17'; add them with --new") as refused:
        make_app(coded, client_alias="R17", clock=frozen_clock, share=True)
    assert "R-17" not in str(refused.value)


def test_the_command_line_refuses_to_share_an_unknown_alias_in_one_line(
    coded: Path, tmp_path: Path
) -> None:
    done = run_cli("--db", str(coded), "--client", "R17", "--share", home=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        "srs-tui: no client 'R17'; add them with --new, or use the exact alias.\n"
    )
    assert "R-17" not in done.stdout + done.stderr  # nothing of another client
    assert aliases(coded) == ["B-22", "R-17", "R-71"]


def test_new_needs_a_client(tmp_path: Path) -> None:
    done = run_cli("--db", str(tmp_path / "srs.db"), "--new", home=tmp_path)
    assert done.returncode == 2
    assert "--new needs --client ALIAS" in done.stderr
    assert not (tmp_path / "srs.db").exists()


def _terminal_env(home: Path) -> dict[str, str]:
    env = cli_env(home)
    env.pop("NO_COLOR", None)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_typo_in_a_real_terminal_asks_then_opens_the_client(coded: Path, tmp_path: Path) -> None:
    terminal = Terminal("--db", str(coded), "--client", "R17", env=_terminal_env(tmp_path))
    try:
        terminal.read_until(b"Did you mean")
        since = len(terminal.seen)
        terminal.write(b"\r")  # the closest: R-17
        terminal.read_until(b"Curtain", since=since)  # its rating screen
        terminal.write(b"\x11")  # Ctrl+Q
        assert terminal.wait() == 0
    finally:
        terminal.close()
    assert b"Traceback" not in terminal.seen
    assert aliases(coded) == ["B-22", "R-17", "R-71"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_new_in_a_real_terminal_adds_and_opens_at_once(coded: Path, tmp_path: Path) -> None:
    args = ("--db", str(coded), "--client", "R17", "--new")
    terminal = Terminal(*args, env=_terminal_env(tmp_path))
    try:
        terminal.read_until(b"Curtain")
        terminal.write(b"\x11")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    assert b"Did you mean" not in terminal.seen
    assert aliases(coded) == ["B-22", "R-17", "R-71", "R17"]
    assert os.path.exists(coded)


async def test_share_with_new_adds_the_client_and_shares_only_them(coded: Path) -> None:
    app = make_app(coded, client_alias="R17", clock=frozen_clock, share=True, new_client=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.share.active
        text = screen_text(app)
        assert "R-17" not in text
        assert "R-71" not in text
    assert aliases(coded) == ["B-22", "R-17", "R-71", "R17"]


async def test_a_crafted_alias_in_the_question_is_shown_not_obeyed(coded: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(coded)
    # Another tool wrote an alias with a terminal's escape sequence and Rich markup in it.
    conn.execute("UPDATE clients SET alias = ? WHERE alias = 'R-71'", ("R\x1b17\x07",))
    conn.commit()
    conn.close()
    app = make_app(coded, client_alias="R17", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoClientScreen)
        text = screen_text(app)
        assert "\x1b" not in text
        assert "\x07" not in text
        assert "R\\x1b17\\x07 (archived)" in text, text
        await pilot.press("down", "enter")  # open the crafted one: it is found as stored
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "R\\x1b17\\x07"
