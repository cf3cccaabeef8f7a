"""Share mode in a real terminal: what the shared window shows as the app leaves it.

A pseudo-terminal, the real app (`python -m srs_tui --client ALIAS --share`), keys as bytes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import NOW
from realapp import Window, private_dir, private_env
from srs_tui.store import Store

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
CLEAR_SCREEN = b"\x1b[2J"
CLEAR_SCROLLBACK = b"\x1b[3J"
CTRL_C, CTRL_Q, ESCAPE, TAB, ENTER = b"\x03", b"\x11", b"\x1b", b"\t", b"\r"


def spanish_client(tmp_path: Path) -> Path:
    db = private_dir(tmp_path / "data") / "srs.db"
    with Store.open(db) as store:
        store.add_client("Beatriz Ejemplo", now=NOW, language="es", display_name="B.")
    return db


def test_a_shared_window_is_left_blank_and_quitting_asks_first(tmp_path: Path) -> None:
    db = spanish_client(tmp_path)
    window = Window(db, "Beatriz Ejemplo", tmp_path, options=("--share",))
    try:
        since = window.mark()
        window.expect(re.compile("COMPARTIENDO"), since=since, timeout=60)
        window.pump(0.5)

        since = window.mark()
        window.send(CTRL_C)
        window.pump(1.0)
        assert "quit" not in window.text(since).lower()  # Textual's hint never shows

        since = window.mark()
        window.send(CTRL_Q)
        window.expect(re.compile("Cerrar srs-tui"), since=since)
        window.send(ESCAPE)  # the question's no
        window.pump(1.0)
        assert window.alive()

        since = window.mark()
        window.send(CTRL_Q)
        window.expect(re.compile("Cerrar srs-tui"), since=since)
        window.send(TAB)  # from "keep open" to "close"
        window.pump(0.3)
        window.send(ENTER)
        code = window.quit_wait()
        assert code == 0
        raw = bytes(window.raw)
        # After the app gave the terminal back, the screen and the scrollback are cleared,
        # and nothing is written after that.
        after = raw[raw.rindex(LEAVE_ALTERNATE_SCREEN) + len(LEAVE_ALTERNATE_SCREEN) :]
        assert CLEAR_SCREEN in after
        assert CLEAR_SCROLLBACK in after
        tail = after[after.rindex(CLEAR_SCROLLBACK) + len(CLEAR_SCROLLBACK) :]
        assert tail == b""
        assert b"Traceback" not in raw
    finally:
        window.close()


def test_a_therapists_window_keeps_the_terminals_own_output(tmp_path: Path) -> None:
    db = spanish_client(tmp_path)
    window = Window(db, "Beatriz Ejemplo", tmp_path)
    try:
        since = window.mark()
        window.expect(re.compile("Beatriz Ejemplo"), since=since, timeout=60)
        assert window.quit() == 0
        after = bytes(window.raw)[bytes(window.raw).rindex(LEAVE_ALTERNATE_SCREEN) :]
        assert CLEAR_SCROLLBACK not in after
    finally:
        window.close()


def _state(pid: int) -> str:
    """The process's state letter from /proc (T: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ending_a_shared_window_leaves_it_blank(
    tmp_path: Path, ending: signal.Signals
) -> None:
    db = spanish_client(tmp_path)
    window = Window(db, "Beatriz Ejemplo", tmp_path, options=("--share",))
    try:
        window.expect(re.compile("COMPARTIENDO"), since=window.mark(), timeout=60)
        window.pump(0.5)
        # Ctrl+Z's signal, from outside: a suspended app would show the terminal's own
        # output on the shared window. Refused: the app goes on.
        os.kill(window.pid, signal.SIGTSTP)
        window.pump(1.0)
        assert window.alive()
        assert _state(window.pid) != "T"
        since = window.mark()
        window.send(b"7\r")
        window.expect(re.compile("7.0"), since=since)

        os.kill(window.pid, ending)
        assert window.quit_wait() == 0
        raw = bytes(window.raw)
        after = raw[raw.rindex(LEAVE_ALTERNATE_SCREEN) + len(LEAVE_ALTERNATE_SCREEN) :]
        assert after.endswith(CLEAR_SCREEN + CLEAR_SCROLLBACK)
        assert b"Traceback" not in raw
    finally:
        window.close()


# The app as the command line runs it, with one fault put in on purpose: saving raises.
CRASHING = (
    "-c",
    "import sys\n"
    "from srs_tui.__main__ import main\n"
    "from srs_tui.screens.rate import RateScreen\n"
    "def broken(self): raise RuntimeError('a fault put in by the test')\n"
    "RateScreen.action_save = broken\n"
    "sys.exit(main(sys.argv[1:]))\n",
)


def test_a_crash_on_a_shared_window_leaves_it_blank_with_one_plain_line(
    tmp_path: Path,
) -> None:
    db = spanish_client(tmp_path)
    window = Window(db, "Beatriz Ejemplo", tmp_path, options=("--share",), program=CRASHING)
    try:
        window.expect(re.compile("COMPARTIENDO"), since=window.mark(), timeout=60)
        window.pump(0.5)
        window.send(b"\x13")  # Ctrl+S
        assert window.quit_wait() == 1
        raw = bytes(window.raw)
        after = raw[raw.rindex(LEAVE_ALTERNATE_SCREEN) + len(LEAVE_ALTERNATE_SCREEN) :]
        assert CLEAR_SCROLLBACK in after
        shown = after[after.rindex(CLEAR_SCROLLBACK) + len(CLEAR_SCROLLBACK) :].decode()
        # What the blank window shows: one line, with no traceback and nothing of the client.
        assert "internal error (RuntimeError)" in shown
        assert len(shown.strip().splitlines()) == 1
        assert "Traceback" not in raw.decode("utf-8", "replace")
        assert "Beatriz" not in shown
        assert "a fault put in by the test" not in shown
    finally:
        window.close()


def _tmux(socket: str, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux: a terminal that closes")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_window_closed_right_after_its_first_frame_ends_the_app(tmp_path: Path) -> None:
    # Closing the terminal window (tmux's server going is the same): the terminal goes, then
    # SIGHUP. Textual's shutdown then wrote into the dead terminal, and its output queue
    # filled and held the app for ever, its database open: one start in three, right after
    # the first frame. Now the app ends within its grace period.
    db = spanish_client(tmp_path)
    socket = f"srs-hup-{os.getpid()}"
    command = " ".join(f"'{part}'" for part in (sys.executable, "-m", "srs_tui", "--db", str(db)))
    env = private_env(tmp_path, None)
    hung = 0
    try:
        for _ in range(8):
            subprocess.run(
                ["tmux", "-L", socket, "new-session", "-d", "-s", "w", "-x", "100", "-y", "30",
                 f"exec {command}"],
                env=env, check=True, timeout=30,
            )  # fmt: skip
            deadline = time.monotonic() + 60
            while "Caseload" not in _tmux(socket, "capture-pane", "-p", "-t", "w"):
                assert time.monotonic() < deadline, "the caseload never showed"
                time.sleep(0.002)
            pid = int(_tmux(socket, "display-message", "-p", "-t", "w", "#{pane_pid}"))
            _tmux(socket, "kill-server")
            deadline = time.monotonic() + 6  # the grace period is 3 s
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            if Path(f"/proc/{pid}").exists():
                hung += 1
                os.kill(pid, signal.SIGKILL)
    finally:
        _tmux(socket, "kill-server")
    assert hung == 0
