"""Shared fixtures: a frozen clock, real SQLite files in tmp_path, the real app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.app import App

from srs_tui.app import SrsApp, make_app
from srs_tui.demo import seed
from srs_tui.store import Store

NOW = datetime(2026, 12, 1, 14, 5, tzinfo=timezone(timedelta(hours=1)))


def frozen_clock() -> datetime:
    """The tests' fixed "now"."""
    return NOW


class FakeMonotonic:
    """A monotonic clock that moves only when a test moves it: the idle lock without sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let seconds go by."""
        self.now += seconds


@pytest.fixture(autouse=True)
def _no_vault_left_unlocked() -> Iterator[None]:
    """Each test starts with no vault unlocked: the keys are kept process-wide."""
    from srs_tui.store.engine import forget_keys

    forget_keys()
    yield
    forget_keys()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "srs.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    with Store.open(path) as opened:
        seed(opened, NOW)
    return path


def screen_text(app: App[object]) -> str:
    """The characters on the screen now, line by line, as a user reads them."""
    # The compositor's strips are what is written to the terminal, without styles.
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a command run by a test: its own home, so nothing real is touched."""
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        **extra,
    }


def run_cli(
    *args: str, home: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """srs-tui in a real subprocess, with its own home so nothing real is touched; env: more
    variables (SRS_TUI_PASSPHRASE for a vault)."""
    env = cli_env(home, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "srs_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


# On the ORS offered first when a client is opened: the SRS alone, nothing saved.
SKIP_ORS = "ctrl+n"


def build_app(db_path: Path, client: str | None = None, *, daily_backup: bool = False) -> SrsApp:
    """The app as the command line builds it, on a frozen clock: with client, as
    `--client ALIAS --new` (added if new); the day's backup on start only for the tests about
    it."""
    return make_app(
        db_path,
        client_alias=client,
        clock=frozen_clock,
        daily_backup=daily_backup,
        new_client=client is not None,
    )


class Terminal:
    """`python -m srs_tui ARGS` in a real pseudo-terminal (POSIX), read as a person sees it.

    Everything the program writes is kept in `seen`, raw; reading goes on until a marker
    appears, so the program never blocks writing and no test waits on a fixed sleep alone."""

    def __init__(self, *args: str, env: dict[str, str], size: tuple[int, int] = (80, 24)) -> None:
        import fcntl
        import struct
        import termios

        self.controller, terminal = os.openpty()
        columns, rows = size
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "srs_tui", *args],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env={**env, "TERM": "xterm-256color"},
            close_fds=True,
            start_new_session=True,
        )
        os.close(terminal)
        self.seen = b""

    def read_until(self, marker: bytes | None, seconds: float = 30, *, since: int = 0) -> bytes:
        """Read until marker is written after byte since of the output (None: until the
        program exits); fails on timeout."""
        import select
        import time

        deadline = time.monotonic() + seconds
        while marker is None or marker not in self.seen[since:]:
            assert time.monotonic() < deadline, f"{marker!r} never appeared"
            ready, _, _ = select.select([self.controller], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.controller, 65536)
                except OSError:  # the terminal closed: the program has exited
                    chunk = b""
                if not chunk:
                    break
                self.seen += chunk
        return self.seen

    def write(self, keys: bytes) -> None:
        os.write(self.controller, keys)

    def wait(self, seconds: float = 30) -> int:
        """The exit code, reading on meanwhile so the last frames never block."""
        self.read_until(None, seconds)
        return self.process.wait(timeout=seconds)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        os.close(self.controller)


# The administrations as one flat table with the SRS item names and the session's number
# (its place in time within its episode), for tests that read the file with plain sqlite3.
FLAT = (
    "(SELECT a.id, s.client_id, a.measure, a.form, a.rater, s.episode_id, "
    "row_number() OVER (PARTITION BY s.episode_id ORDER BY s.instant, s.created_at, s.rowid) "
    "AS session, s.held_at AS administered_at, a.item1 AS relationship, a.item2 AS goals, "
    "a.item3 AS approach, a.item4 AS overall, s.mode, s.setting, s.note, a.created_at, "
    "a.updated_at, s.instant FROM sessions AS s JOIN administrations AS a "
    "ON a.session_id = s.id)"
)
