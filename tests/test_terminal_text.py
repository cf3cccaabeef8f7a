"""No control character reaches the terminal: refused on the way in, escaped on the way out."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import NOW, Terminal
from srs_tui.measures import Scores
from srs_tui.store import Store, StoreError
from srs_tui.terminal_text import control_characters, terminal_safe

TITLE = "\x1b]0;PWNED\x07"  # sets the terminal window's title
CLEAR = "\x1b[2J"  # clears the screen


def test_terminal_safe_shows_every_control_character_as_an_escape() -> None:
    assert terminal_safe(f"Ana{TITLE}{CLEAR}z") == "Ana\\x1b]0;PWNED\\x07\\x1b[2Jz"
    assert terminal_safe("a\x00b\x7fc\x9bd\x85e") == "a\\x00b\\x7fc\\x9bd\\x85e"
    assert terminal_safe("one\ntwo\tthree\r") == "one\\x0atwo\\x09three\\x0d"
    assert terminal_safe("one\ntwo\tthree", keep="\n\t") == "one\ntwo\tthree"
    assert terminal_safe("a;b\r\n", keep="\r\n") == "a;b\r\n"
    plain = "Ana Müller — [bold] ✓ 名前 \u200f"
    assert terminal_safe(plain) is plain  # printable text (and other categories) untouched
    assert control_characters("a\x1bb")
    assert not control_characters("a\tb", allowed="\t")
    assert control_characters("a\tb\x07", allowed="\t")


def record(store: Store, client_id: str, note: str) -> None:
    store.record(
        client_id,
        Scores.trusted("SRS", (90, 90, 90, 90)),
        administered_at=NOW,
        mode="oral",
        setting="telehealth",
        note=note,
        now=NOW,
    )


@pytest.mark.parametrize(
    "note", [f"felt {CLEAR}heard", f"a{TITLE}", "nul\x00", "c1 \x9b2J", "bell\x07"]
)
def test_a_note_with_control_characters_is_refused_without_repeating_it(
    db_path: Path, note: str
) -> None:
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
        with pytest.raises(StoreError) as refused:
            record(store, client.id, note)
        assert str(refused.value) == (
            "A note cannot contain control characters (new lines and tabs are fine)."
        )
        assert store.history(client.id) == []


def test_a_note_keeps_its_lines_and_tabs_and_one_kind_of_line_end(db_path: Path) -> None:
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
        record(store, client.id, "first\r\nsecond\rthird\n\tfourth")
        assert [a.note for a in store.history(client.id)] == ["first\nsecond\nthird\n\tfourth"]


def hostile_db(db_path: Path) -> None:
    """A database where another tool wrote escape sequences into an alias, a name and a note."""
    with Store.open(db_path) as store:
        client = store.add_client("Ana", now=NOW)
        record(store, client.id, "plain")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE clients SET alias = ?, display_name = ?",
            (f"Ana{TITLE}{CLEAR}z", f"A{CLEAR}"),
        )
        conn.execute("UPDATE sessions SET note = ?", (f"line one\r\n{TITLE}\tx{CLEAR}z",))
    conn.close()


def test_records_read_from_such_a_database_show_the_escapes(db_path: Path) -> None:
    hostile_db(db_path)
    with Store.open(db_path) as store:
        (summary,) = store.clients()
        client = summary.client
        assert client.alias == "Ana\\x1b]0;PWNED\\x07\\x1b[2Jz"
        assert client.display_name == "A\\x1b[2J"
        (session,) = store.history(client.id)
        assert session.note == "line one\n\\x1b]0;PWNED\\x07\tx\\x1b[2Jz"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_an_escape_sequence_in_the_database_never_reaches_the_terminal(tmp_path: Path) -> None:
    # Textual (and Rich, which drops only BEL, BS, VT, FF and CR) writes ESC in a string
    # straight to the terminal: without the escaping, this alias sets the window title and
    # clears the screen.
    import time

    db = tmp_path / "srs.db"
    hostile_db(db)
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("NO_COLOR", None)
    terminal = Terminal("--db", str(db), env=env)
    try:
        terminal.read_until(b"PWNED")
        time.sleep(0.5)
        # The client's history too, then quit.
        terminal.write(b"\r")
        terminal.read_until(b"0 to 40", seconds=10)
        terminal.write(b"\x1b")
        time.sleep(0.5)
        terminal.write(b"q")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    seen = terminal.seen
    assert b"PWNED" in seen  # the alias was drawn
    assert b"0 to 40" in seen  # on the caseload and on the client's history
    assert b"\x1b]0;PWNED" not in seen
    assert b"\x1b[2Jz" not in seen
    assert b"\\x1b]0;PWNED\\x07\\x1b[2Jz" in seen  # drawn as visible escapes instead


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_bytes_that_are_not_utf8_from_the_terminal_are_not_a_crash(tmp_path: Path) -> None:
    # A paste from a program or a terminal not in UTF-8 (here C1's CSI as one raw byte, and
    # Latin-1's "é"): the app goes on, and no traceback is ever written to the screen.
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        store.add_client("Ana", now=NOW)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("NO_COLOR", None)
    env.pop("SRS_TUI_DEBUG", None)
    terminal = Terminal("--db", str(db), env=env, size=(100, 30))
    try:
        terminal.read_until(b"Ana")
        since = len(terminal.seen)
        terminal.write(b"/caf\xe9 \x9b31m")
        terminal.read_until(b"0 match the filter", since=since, seconds=10)
        since = len(terminal.seen)
        terminal.write(b"\x1b")  # Escape: the filter cleared, the list again
        terminal.read_until(b"Ana", since=since, seconds=10)
        terminal.write(b"\x11")  # Ctrl+Q
        assert terminal.wait() == 0
    finally:
        terminal.close()
    assert b"Traceback" not in terminal.seen
    assert b"UnicodeDecodeError" not in terminal.seen


@pytest.mark.parametrize("which", ["app", "start"])
async def test_textuals_panic_is_one_crash_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    # What Textual does when its keyboard thread fails: the same way out as any crash.
    from rich.text import Text

    from conftest import build_app
    from srs_tui.terminal_input import TerminalStopped
    from srs_tui.unlock import StartApp

    monkeypatch.delenv("SRS_TUI_DEBUG", raising=False)
    db = tmp_path / "srs.db"
    app = build_app(db) if which == "app" else StartApp[None](db)
    async with app.run_test():
        app.panic(Text("Traceback (most recent call last): Ana's words"))
    assert isinstance(app.crash, TerminalStopped)
    assert app.return_code == 1
    assert app._exit_renderables == []  # nothing printed after the app
