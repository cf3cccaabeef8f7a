"""The note of a session on the therapist's history: shown for the session under the cursor,
written or changed with n, saved with Ctrl+S, left as it was with Escape; bad notes refused."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from textual import events
from textual.widgets import TextArea

from conftest import NOW, build_app, screen_text
from srs_tui.measures import Scores
from srs_tui.screens.history import HistoryScreen, NotedAlerts
from srs_tui.screens.session_note import SessionNoteScreen
from srs_tui.store import Store
from srs_tui.store.records import NOTE_MAX

SIZE = (100, 36)
FIRST_NOTE = "[bold]Talked about[/] the pace"  # markup-like: shown as typed


def seed(db_path: Path) -> None:
    """Ana: session 1 with a note, session 2 (a week later) without."""
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
        for week, note in ((2, FIRST_NOTE), (1, "")):
            store.record(
                client.id,
                Scores.srs(95, 95, 95, 95),
                administered_at=NOW - timedelta(weeks=week),
                mode="oral",
                setting="telehealth",
                note=note,
                now=NOW,
            )


def notes(db_path: Path) -> list[str]:
    """The sessions' notes as stored, oldest first."""
    conn = sqlite3.connect(db_path)
    try:
        return [row[0] for row in conn.execute("SELECT note FROM sessions ORDER BY held_at")]
    finally:
        conn.close()


def note_line(app: object) -> str:
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    # The alerts panel, the note at its top.
    return str(app.screen.query_one(NotedAlerts).render())


async def open_history(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HistoryScreen)


async def test_the_note_of_the_session_under_the_cursor_shows_as_typed(db_path: Path) -> None:
    seed(db_path)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        # The newest session first, without a note; then the first, with its note as typed.
        assert "Note, session 2: none (n to write one)" in screen_text(app)
        await pilot.press("down")
        await pilot.pause()
        assert f"Note, session 1: {FIRST_NOTE}" in screen_text(app)


async def test_n_writes_a_note_and_ctrl_s_saves_it(db_path: Path) -> None:
    seed(db_path)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SessionNoteScreen)
        assert "Note of session 2" in screen_text(app)
        await pilot.press(*"Goals unclear", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "Note, session 2: Goals unclear" in screen_text(app)
        assert notes(db_path) == [FIRST_NOTE, "Goals unclear"]
        # Changed: the typed words added to what was there.
        await pilot.press("down", "n")
        await pilot.pause()
        assert app.screen.query_one("#note-text", TextArea).text == FIRST_NOTE
        await pilot.press(*" and the goals", "ctrl+s")
        await pilot.pause()
        assert notes(db_path) == [f"{FIRST_NOTE} and the goals", "Goals unclear"]
        assert f"Note, session 1: {FIRST_NOTE} and the goals" in screen_text(app)


async def test_escape_leaves_the_note_as_it_was(db_path: Path) -> None:
    seed(db_path)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("down", "n")
        await pilot.pause()
        await pilot.press(*" not kept", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert notes(db_path) == [FIRST_NOTE, ""]
        assert f"Note, session 1: {FIRST_NOTE}" in screen_text(app)


async def test_control_characters_show_as_codes_and_a_long_note_is_refused(db_path: Path) -> None:
    seed(db_path)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("down", "n")
        await pilot.pause()
        area = app.screen.query_one("#note-text", TextArea)
        # Pasted, control characters show as their codes, never sent to the terminal.
        app.post_message(events.Paste(" a bell \x07 and an escape \x1b[2J"))  # as a terminal does
        await pilot.pause()
        assert "\x1b" not in screen_text(app)
        assert area.text == f"{FIRST_NOTE} a bell \\x07 and an escape \\x1b[2J"
        assert "Control characters are shown as their codes" in screen_text(app)
        # However they came into the box: shown as codes, never saved as they are.
        area.load_text("a bell \x07")
        await pilot.pause()
        assert area.text == "a bell \\x07"
        area.text = "x" * (NOTE_MAX + 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SessionNoteScreen)
        assert f"The note is {NOTE_MAX + 1} characters; at most {NOTE_MAX} fit." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert notes(db_path) == [FIRST_NOTE, ""]


async def test_a_stored_note_with_control_characters_is_shown_never_obeyed(
    db_path: Path,
) -> None:
    seed(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE sessions SET note = ? WHERE note = ''", ("clear \x1b[2J here",))
    conn.close()
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        assert "\x1b" not in note_line(app)
        assert "Note, session 2: clear \\x1b[2J here" in screen_text(app)


async def test_a_long_note_shows_its_start_and_leaves_the_alerts_in_sight(db_path: Path) -> None:
    seed(db_path)
    long_note = "\n".join(f"line {number} of what we talked about" for number in range(1, 40))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE sessions SET note = ? WHERE note = ''", (long_note,))
    conn.close()
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        shown = note_line(app)
        assert "line 3 of what we talked about … (n to read it all)" in shown
        assert "line 4" not in shown
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#note-text", TextArea).text == long_note
