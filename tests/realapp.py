"""The real app in a real terminal, and the commands beside it, for the multi-process tests.

Everything here drives real processes: `python -m srs_tui` in a pseudo-terminal, read back as
a person reads the screen (the characters written, escape sequences left out), and the
subcommands as subprocesses. Nothing is mocked and nothing touches the real home.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import FLAT, cli_env

# The app's acknowledgement of a save, on the feedback screen.
SAVED = re.compile(r"Saved  (\S[^\r\n]*?)  ·  session (\d+)")
LOWEST = re.compile(r"Lowest item")
RATE_READY = re.compile(r"Date & mode")  # the rating screen's key bar
SRS_READY = re.compile(r"SRS  ·  ")  # the SRS rating screen's first line
SKIP_ORS = b"\x0e"  # Ctrl+N on the ORS offered first: the SRS alone
HISTORY_READY = re.compile(r"Items/total")  # the history screen's key bar
# A save is over: the feedback screen, or the rating screen's message that it was not saved.
SAVE_OVER = re.compile(r"Lowest item|nothing was saved|Not saved")
GUIDE = re.compile(r"Giving the scale aloud")  # Ctrl+G on the rating screen

# Generous: a loaded 2-core machine starts Textual slowly, and an SQLite write may wait out a
# busy timeout of 5 s behind another process.
START_TIMEOUT = 60.0
STEP_TIMEOUT = 30.0

ESCAPE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, modes
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|P[^\x1b]*\x1b\\"  # DCS
    r"|[()][0-9A-Za-z]"  # character sets
    r"|[@-Z\\-_])"  # the rest of the two-character ones
)


def plain(data: bytes) -> str:
    """What a terminal shows of data, as text: the escape sequences left out."""
    return ESCAPE.sub("", data.decode("utf-8", "replace"))


def private_env(home: Path, passphrase: str | None = None) -> dict[str, str]:
    """The environment for every process of a test: its own home and XDG folders, a colour
    terminal, and none of the variables that change how srs-tui behaves (but the vault's
    passphrase, when one is given)."""
    env = cli_env(
        home,
        TERM="xterm-256color",
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
    )
    for name in ("NO_COLOR", "SRS_TUI_PASSPHRASE", "SRS_TUI_DEBUG", "TEXTUAL"):
        env.pop(name, None)
    if passphrase is not None:
        env["SRS_TUI_PASSPHRASE"] = passphrase
    return env


def private_dir(path: Path) -> Path:
    """A folder as the app keeps its data folder (0700), so `check` has nothing to say."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


Rating = tuple[int, int, int, int]  # relationship, goals, approach, overall, in tenths


def keys_for(rating: Rating) -> list[bytes]:
    """What the therapist types for each item: the number, then Enter."""
    return [f"{value // 10}.{value % 10}\r".encode() for value in rating]


@dataclass(frozen=True)
class Ack:
    """A save the app showed as saved."""

    rating: Rating
    session: int
    since: int  # where in the window's output the save was typed


class Window:
    """One app window: `python -m srs_tui --db DB --client ALIAS --new` in a 100x30 pty."""

    def __init__(
        self,
        db: Path,
        client: str,
        home: Path,
        *,
        size: tuple[int, int] = (100, 30),
        on_caseload: bool = False,
        options: tuple[str, ...] = (),
        program: tuple[str, ...] = ("-m", "srs_tui"),
        passphrase: str | None = None,
    ):
        """on_caseload: start on the caseload (client under the cursor), without --client;
        options: more of the command line (--share); program: what Python runs (a `-c` that
        breaks the app on purpose, for the crash tests); passphrase: the vault's, for a
        database that is one."""
        import fcntl
        import struct
        import termios

        self.db = db
        self.client = client
        self.controller, terminal = os.openpty()
        columns, rows = size
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        where = () if on_caseload else ("--client", client, "--new")  # added if new
        self.process = subprocess.Popen(
            [sys.executable, *program, "--db", str(db), *where, *options],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=private_env(home, passphrase),
            close_fds=True,
            start_new_session=True,  # its own session: no signal meant for the tests reaches it
        )
        os.close(terminal)
        self.raw = bytearray()
        self.closed = False  # the terminal gave its last byte
        self.acks: list[Ack] = []

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    # Reading the screen

    def pump(self, seconds: float = 0.0) -> None:
        """Read what the app wrote, for up to seconds, so it never blocks writing."""
        deadline = time.monotonic() + seconds
        while not self.closed:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.controller], [], [], max(left, 0))
            if not ready:
                return
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:  # EIO: every process on the terminal has gone
                chunk = b""
            if not chunk:
                self.closed = True
                return
            self.raw += chunk

    def mark(self) -> int:
        """A place in the output: wait_for(since=mark) sees only what comes after it."""
        self.pump()
        return len(self.raw)

    def text(self, since: int = 0) -> str:
        return plain(bytes(self.raw[since:]))

    def wait_for(
        self, pattern: re.Pattern[str], *, since: int, timeout: float = STEP_TIMEOUT
    ) -> re.Match[str] | None:
        """The first match of pattern on screen after since; None if the app stopped first
        or timeout passed."""
        deadline = time.monotonic() + timeout
        seen = -1
        while True:
            if len(self.raw) != seen:
                seen = len(self.raw)
                found = pattern.search(self.text(since))
                if found is not None:
                    return found
            if self.closed or time.monotonic() > deadline:
                return None
            self.pump(0.05)

    def expect(
        self, pattern: re.Pattern[str], *, since: int, timeout: float = STEP_TIMEOUT
    ) -> re.Match[str]:
        found = self.wait_for(pattern, since=since, timeout=timeout)
        if found is None:
            raise AssertionError(
                f"{pattern.pattern!r} never appeared in the app's window "
                f"(alive: {self.alive()}); the screen's last text:\n{self.tail()}"
            )
        return found

    def tail(self, chars: int = 3000) -> str:
        text = self.text(max(len(self.raw) - 200_000, 0))
        lines = [line.rstrip() for line in re.split(r"[\r\n]+", text) if line.strip()]
        return "\n".join(lines)[-chars:]

    # Typing

    def send(self, keys: bytes) -> None:
        os.write(self.controller, keys)

    def started(self, timeout: float = START_TIMEOUT) -> None:
        """Wait for the rating screen of the first start, and go on to the SRS alone."""
        self.expect(RATE_READY, since=0, timeout=timeout)
        self.skip_ors()

    def skip_ors(self) -> None:
        """From the ORS offered first to the SRS alone (these windows give only the SRS)."""
        since = self.mark()
        self.send(SKIP_ORS)
        self.expect(SRS_READY, since=since)

    def type_rating(self, rating: Rating, items: int = 4) -> None:
        """Type the first items of rating, as a therapist does: number, Enter, in one burst."""
        self.send(b"".join(keys_for(rating)[:items]))

    def save(self, rating: Rating, *, timeout: float = STEP_TIMEOUT) -> Ack | None:
        """Type rating and Ctrl+S; the acknowledgement if the feedback screen showed one."""
        since = self.mark()
        self.type_rating(rating)
        self.send(b"\x13")
        self.wait_for(SAVE_OVER, since=since, timeout=timeout)
        return self.acknowledged(rating, since=since)

    def acknowledged(self, rating: Rating, *, since: int) -> Ack | None:
        """The "Saved ... session N" shown after since, recorded in self.acks once."""
        saved = SAVED.search(self.text(since))
        if saved is None:
            return None
        assert saved.group(1) == self.client, f"saved for {saved.group(1)!r}"
        ack = Ack(rating, int(saved.group(2)), since)
        if ack not in self.acks:
            self.acks.append(ack)
        return ack

    def next_rating(self) -> None:
        """From the feedback screen to a new rating of the same client: the history (Ctrl+T),
        then r."""
        since = self.mark()
        self.send(b"\x14")
        self.expect(HISTORY_READY, since=since)
        since = self.mark()
        self.send(b"r")
        self.expect(RATE_READY, since=since)
        self.skip_ors()

    def quit(self, timeout: float = STEP_TIMEOUT) -> int:
        """Ctrl+Q, and the exit code once the app has gone."""
        self.send(b"\x11")
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            self.pump(0.05)
        code = self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        self.pump(0.2)
        return code

    def quit_wait(self, timeout: float = STEP_TIMEOUT) -> int:
        """The exit code once the app has gone by itself (after a key already sent)."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            self.pump(0.05)
        code = self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        self.pump(0.2)
        return code

    def kill(self, signum: int = signal.SIGKILL, timeout: float = STEP_TIMEOUT) -> int:
        """Send signum and wait until the app has gone (SIGKILL after timeout); the output
        written before it died is read, so an acknowledgement shown at the last moment
        counts."""
        if self.alive():
            os.kill(self.pid, signum)
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            self.pump(0.05)
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        code = self.process.wait(timeout=timeout)
        self.pump(0.2)
        return code

    def close(self) -> None:
        if self.alive():
            self.process.kill()
            self.process.wait(timeout=30)
        os.close(self.controller)

    # What the process holds

    def deleted_files(self) -> list[str]:
        """The database's files (db, -wal, -shm) the app holds open though they were deleted;
        [] where /proc does not exist."""
        return deleted_files(self.pid, self.db)


def deleted_files(pid: int, db: Path) -> list[str]:
    fds = Path(f"/proc/{pid}/fd")
    found = []
    try:
        names = os.listdir(fds)
    except OSError:
        return []
    for name in names:
        try:
            target = os.readlink(fds / name)
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith(" (deleted)"):
            found.append(target)
    return sorted(found)


# The commands beside the app


class Command:
    """`python -m srs_tui --db DB ARGS` started beside the app; its output goes to files, so
    that a full pipe never stops it."""

    def __init__(
        self,
        db: Path,
        *args: str,
        home: Path,
        passphrase: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.args = args
        stem = home / f"command-{time.monotonic_ns()}"
        self._out, self._err = stem.with_suffix(".out"), stem.with_suffix(".err")
        with self._out.open("wb") as out, self._err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "srs_tui", "--db", str(db), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env={**private_env(home, passphrase), **(env or {})},
                close_fds=True,
            )

    def result(
        self, windows: tuple[Window, ...] = (), timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Wait for it to end, reading the windows' terminals meanwhile."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"srs-tui {' '.join(self.args)} took over {timeout} s")
            for window in windows:
                window.pump()
            time.sleep(0.02)
        stdout = self._out.read_text("utf-8", "replace")
        stderr = self._err.read_text("utf-8", "replace")
        self._out.unlink()
        self._err.unlink()
        return subprocess.CompletedProcess(
            self.process.args, self.process.returncode, stdout, stderr
        )


def srs(
    db: Path,
    *args: str,
    home: Path,
    windows: tuple[Window, ...] = (),
    passphrase: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m srs_tui --db DB ARGS` to its end, beside the windows."""
    return Command(db, *args, home=home, passphrase=passphrase).result(windows)


# Reading the files afterwards, through SQLite only


def reader(db: Path) -> sqlite3.Connection:
    """A connection to a database file, a vault (its key unlocked in this process) or a
    sealed backup (opened in memory by that key)."""
    from srs_tui.store import engine, vault

    if vault.is_vault(db):
        target = f"{db.resolve().as_uri()}?mode=rw"
        return engine.connect(db, target, uri=True, timeout=30)
    if not db.name.endswith(("-wal", "-shm")):
        with db.open("rb") as handle:  # a backup or a copy: no connection to it is open
            head = handle.read(len(vault.SEALED_MAGIC))
        if vault.is_sealed(head):
            image = vault.unseal(db.read_bytes())
            if image is None:
                raise AssertionError(f"{db.name}: no key of this process opens it")
            memory = sqlite3.connect(":memory:")
            memory.deserialize(image)
            return memory
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=rw", uri=True, timeout=30)


def ratings(db: Path, alias: str) -> list[Rating]:
    """Every rating of alias in the database file at db ([] if there is no file)."""
    if not db.exists():
        return []
    conn = reader(db)
    try:
        rows = conn.execute(
            f"SELECT a.relationship, a.goals, a.approach, a.overall FROM {FLAT} AS a "
            "JOIN clients AS c ON c.id = a.client_id WHERE c.alias = ? ORDER BY a.instant",
            (alias,),
        ).fetchall()
    finally:
        conn.close()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def integrity(db: Path) -> str:
    conn = reader(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as error:
        return f"cannot be read: {error}"
    finally:
        conn.close()


def _tenths(text: str) -> int:
    whole, _, fraction = text.partition(".")
    return int(whole) * 10 + int(fraction or "0")


def csv_ratings(text: str, alias: str) -> list[Rating]:
    """The SRS ratings of alias in a CSV export (a row per session and rater)."""
    return [
        (
            _tenths(row["srs_relationship"]),
            _tenths(row["srs_goals"]),
            _tenths(row["srs_approach"]),
            _tenths(row["srs_overall"]),
        )
        for row in csv.DictReader(io.StringIO(text))
        if row["client"] == alias and row["srs_total"]
    ]


def json_ratings(text: str, alias: str) -> list[Rating]:
    """The SRS ratings of alias in a JSON bundle."""
    bundle = json.loads(text)
    ids = {client["id"] for client in bundle["clients"] if client["alias"] == alias}
    return [
        (
            item["ratings_tenths"]["relationship"],
            item["ratings_tenths"]["goals"],
            item["ratings_tenths"]["approach"],
            item["ratings_tenths"]["overall"],
        )
        for item in bundle["administrations"]
        if item["client_id"] in ids and item["measure"] == "SRS"
    ]
