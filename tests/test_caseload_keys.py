"""The caseload's keys: a filter typed fast, and archiving with one key undone with one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.widgets import Input

from conftest import NOW, Terminal, build_app, cli_env, screen_text
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable

SIZE = (100, 36)


def rows(app: object) -> list[str]:
    """The aliases in the caseload table, top to bottom."""
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    table = app.screen.query_one("#clients", RowTable)
    return [str(row.cells[0]) for row in table.rows]


def press_at_once(app: App[object], *characters: str) -> None:
    """Keys as a terminal delivers them when they come in one read (typed fast, or pasted):
    all queued before the app handles the first."""
    for character in characters:
        key = "slash" if character == "/" else character
        app.post_message(events.Key(key, character))


def archived(db: Path) -> list[str]:
    with Store.open(db) as store:
        return [s.client.alias for s in store.clients(include_archived=True)
                if s.client.archived_at is not None]  # fmt: skip


async def test_keys_typed_at_once_after_slash_all_go_to_the_filter(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "x", "a")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)  # no "Add" dialog
        assert app.screen.query_one("#filter", Input).value == "xa"
        await pilot.press("escape")
        press_at_once(app, "/", "x", "a")  # before the filter could take the focus
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.query_one("#filter", Input).value == "xa"
        assert len(rows(app)) == 0
        assert "No client matches the filter." in screen_text(app)
    assert archived(demo_db) == []


async def test_a_slash_typed_in_the_filter_is_part_of_the_alias(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("A/B", now=NOW)
        store.add_client("AB", now=NOW)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "a", "slash")
        assert app.screen.query_one("#filter", Input).value == "a/"
        assert rows(app) == ["A/B"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_slash_and_keys_in_one_write_filter_in_a_real_terminal(
    demo_db: Path, tmp_path: Path
) -> None:
    env = cli_env(tmp_path)
    env.pop("NO_COLOR", None)
    terminal = Terminal("--db", str(demo_db), env=env, size=(100, 30))
    try:
        terminal.read_until(b"need")  # the count line: the caseload is drawn
        since = len(terminal.seen)
        terminal.write(b"/xa")  # one write, as a fast typist's keys or a paste arrive
        terminal.read_until(b"No client matches the filter.", since=since)
        terminal.write(b"\x1b")  # Escape: the filter cleared, back on the list
        terminal.read_until(b"Blake (demo)", since=since)
        terminal.write(b"\x11")  # Ctrl+Q
        assert terminal.wait() == 0
    finally:
        terminal.close()
    assert b"Add a client" not in terminal.seen
    assert archived(demo_db) == []


def toasts(app: App[object]) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def test_x_archives_at_once_and_u_undoes_it(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = rows(app)[0]
        await pilot.press("x")
        await pilot.pause()
        assert first not in rows(app)
        assert f"{first} archived. u to undo; z shows archived clients." in toasts(app)
        assert archived(demo_db) == [first]
        await pilot.press("u")
        await pilot.pause()
        assert rows(app)[0] == first
        assert app.screen.query_one("#clients", RowTable).cursor == 0  # back under the cursor
        assert f"Undone: {first} is back in the caseload." in toasts(app)
        assert archived(demo_db) == []
        await pilot.press("u")  # once: nothing more to undo
        await pilot.pause()
        assert "Nothing to undo: x archives the client under the cursor." in toasts(app)
        assert archived(demo_db) == []


async def test_u_undoes_bringing_a_client_back_too(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.set_archived(store.add_client("[b]R-17", now=NOW).id, True, now=NOW)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z", "x")
        await pilot.pause()
        assert "[b]R-17 is back in the caseload. u to undo." in toasts(app)
        assert archived(db_path) == []
        await pilot.press("u")
        await pilot.pause()
        assert archived(db_path) == ["[b]R-17"]
        assert "[b]R-17" in screen_text(app)  # archived shown, as typed
