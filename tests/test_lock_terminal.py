"""The passphrase lock in a real terminal: the keys that quit elsewhere do nothing on it.

A pseudo-terminal, the real app (`python -m srs_tui --client ALIAS`), keys as bytes, with a
passphrase and an idle time of three seconds in the test's own config folder."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from conftest import NOW
from realapp import Window, private_dir
from srs_tui.passphrase import set_passphrase
from srs_tui.store import Store

CTRL_C, CTRL_Q, CTRL_L, CTRL_O, ESCAPE, F12 = (
    b"\x03",
    b"\x11",
    b"\x0c",
    b"\x0f",
    b"\x1b",
    b"\x1b[24~",
)
SECRET = "correct horse"
LOCK = re.compile(r"passphrase")  # the lock's field
QUIT_HINT = re.compile(r"quit", re.IGNORECASE)  # Textual's "Press ctrl+q to quit the app"


def locked_home(tmp_path: Path) -> Path:
    """The database, and a config folder with a passphrase and an idle time of 3 seconds."""
    db = private_dir(tmp_path / "data") / "srs.db"
    with Store.open(db) as store:
        store.add_client("Ana Example", now=NOW)
    config = private_dir(tmp_path / "config" / "srs-tui")
    (config / "config.toml").write_text("[lock]\nidle_minutes = 0.05\n")
    set_passphrase(config / "passphrase", SECRET)
    return db


@pytest.mark.timeout(180)  # a start, the idle time, and each key given time to act
def test_ctrl_q_and_ctrl_c_leave_the_lock_on_screen_and_the_app_running(tmp_path: Path) -> None:
    db = locked_home(tmp_path)
    window = Window(db, "Ana Example", tmp_path)
    try:
        window.started()
        since = window.mark()
        window.send(CTRL_L)  # a manual curtain: it becomes the lock after the idle time
        window.expect(LOCK, since=since, timeout=30)
        since = window.mark()
        for key in (CTRL_Q, CTRL_C, CTRL_Q, CTRL_L, F12, CTRL_O, ESCAPE, CTRL_C):
            window.send(key)
            window.pump(0.7)
            assert window.alive()
        shown = window.text(since)
        assert not QUIT_HINT.search(shown), shown
        assert "Ana" not in shown

        since = window.mark()
        window.send(b"nope\r")  # the lock is still there, and still answers
        window.expect(re.compile("Wrong passphrase"), since=since)
        assert window.alive()

        since = window.mark()
        window.send(SECRET.encode() + b"\r")
        window.expect(re.compile("Ana Example"), since=since)
        assert window.quit() == 0
        assert b"Traceback" not in bytes(window.raw)
    finally:
        window.close()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_from_outside_still_ends_the_locked_app(
    tmp_path: Path, ending: signal.Signals
) -> None:
    # The machine's owner can always end it: the terminal is given back, nothing is shown.
    db = locked_home(tmp_path)
    window = Window(db, "Ana Example", tmp_path)
    try:
        window.started()
        since = window.mark()
        window.expect(LOCK, since=since, timeout=30)  # the idle lock, after 3 s
        window.pump(0.5)
        since = window.mark()
        os.kill(window.pid, ending)
        assert window.quit_wait() == 0
        assert "Ana" not in window.text(since)
        assert b"\x1b[?1049l" in bytes(window.raw)[since:]  # the alternate screen left
    finally:
        window.close()
