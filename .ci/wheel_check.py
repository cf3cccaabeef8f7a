"""CI: the built wheel, installed in a clean virtual environment, works as a user meets it.

    python .ci/wheel_check.py WHEEL SRC_PACKAGE SRS_TUI

1. Every file of the package that is not Python source (wording data, anything read at run time
   from beside the module that reads it) is in the wheel.
2. `SRS_TUI --version` answers with the version the wheel was built as.
3. `SRS_TUI --demo` in a real terminal (a pseudo-terminal from the pty module; tmux may be
   missing on a clean machine) draws the caseload, opens a client's rating screen with its
   words (read from the packaged data files), and Ctrl+Q exits with 0.

It runs from an empty folder with its own home, so neither the checkout nor the real user's
files can stand in for what the wheel lacks. Exit code 0 when all is well; 1 with the reason.
Python's standard library only (POSIX: CI runs on Linux): it runs in the clean environment, apart
from the project's.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
import zipfile
from pathlib import Path

ESCAPE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")
SECONDS = 60


def missing_files(wheel: Path, package: Path) -> list[str]:
    """The package's non-Python files that the wheel does not hold."""
    with zipfile.ZipFile(wheel) as archive:
        held = set(archive.namelist())
    wanted = [
        path.relative_to(package.parent).as_posix()
        for path in sorted(package.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".py", ".pyc")
    ]
    return [name for name in wanted if name not in held]


class Screen:
    """A program in a pseudo-terminal of 100 x 30, read as text."""

    def __init__(self, program: list[str], env: dict[str, str], cwd: Path) -> None:
        self.controller, terminal = os.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            program,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=env,
            cwd=cwd,
            close_fds=True,
            start_new_session=True,
        )
        os.close(terminal)
        self.seen = b""

    def text(self, since: int = 0) -> str:
        return " ".join(ESCAPE.sub(b"", self.seen[since:]).decode("utf-8", "replace").split())

    def read(self, until: re.Pattern[str] | None, since: int = 0) -> None:
        """Read until the pattern shows after byte since (None: until the program ends)."""
        deadline = time.monotonic() + SECONDS
        while until is None or not until.search(self.text(since)):
            if time.monotonic() > deadline:
                shown = self.text(since)[-600:]
                raise AssertionError(
                    f"never showed {until.pattern if until else 'the end'!r}: {shown}"
                )
            ready, _, _ = select.select([self.controller], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.controller, 65536)
            except OSError:  # the program ended and the terminal closed
                chunk = b""
            if not chunk:
                if until is None:
                    return
                raise AssertionError(f"ended before {until.pattern!r}: {self.text(since)[-600:]}")
            self.seen += chunk

    def close(self) -> int | None:
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait(timeout=SECONDS)
        os.close(self.controller)
        return code


def demo_in_a_terminal(srs_tui: str, home: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    screen = Screen([srs_tui, "--demo"], env, home)
    try:
        screen.read(re.compile(r"Caseload.*\(demo\)"))
        since = len(screen.seen)
        os.write(screen.controller, b"r")  # rate the client under the cursor
        # An item's poles, from the packaged wording (the ORS, or the SRS after today's ORS),
        # and the key bar's words, from the packaged interface wording.
        screen.read(re.compile(r"(going well|fully heard).*Set & next"), since)
        os.write(screen.controller, b"\x11")  # Ctrl+Q
        screen.read(None)
        if b"Traceback" in screen.seen:
            raise AssertionError("a traceback was shown")
    finally:
        code = screen.close()
    if code != 0:
        raise AssertionError(f"Ctrl+Q ended the demo with exit code {code}")


def main(wheel: str, package: str, srs_tui: str) -> int:
    missing = missing_files(Path(wheel), Path(package))
    if missing:
        print(f"the wheel lacks: {', '.join(missing)}", file=sys.stderr)
        return 1
    version = subprocess.run([srs_tui, "--version"], capture_output=True, text=True, check=False)
    built = Path(wheel).name.split("-")[1]  # srs_tui-0.1.0-py3-none-any.whl
    if version.returncode != 0 or version.stdout.strip() != f"srs-tui {built}":
        said = f"{version.stdout}{version.stderr}".strip()
        print(f"--version said {said!r}, not srs-tui {built}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="srs-tui-wheel-") as home:
        try:
            demo_in_a_terminal(srs_tui, Path(home))
        except AssertionError as error:
            print(f"the installed app in a terminal: {error}", file=sys.stderr)
            return 1
    print(f"{version.stdout.strip()}: the wheel holds every data file; the demo runs and quits")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
