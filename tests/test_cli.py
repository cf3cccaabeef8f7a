"""The command line in a real subprocess: one clear line on stderr, never a traceback."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FLAT, Terminal, run_cli
from srs_tui import __version__


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, home=home)


def test_version(tmp_path: Path) -> None:
    result = run("--version", home=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"srs-tui {__version__}"


def test_help_names_the_options(tmp_path: Path) -> None:
    result = run("--help", home=tmp_path)
    assert result.returncode == 0
    for option in ("--db", "--demo", "--client", "--version"):
        assert option in result.stdout


def test_a_garbage_file_is_refused_in_one_line(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.db"
    garbage.write_bytes(b"not a database at all\n" * 50)
    before = hashlib.sha256(garbage.read_bytes()).hexdigest()
    result = run("--db", str(garbage), home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("srs-tui: ")
    assert "not an SQLite database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert hashlib.sha256(garbage.read_bytes()).hexdigest() == before


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "nope" / "srs.db"), home=tmp_path)
    assert result.returncode == 1
    assert "no such folder" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [("--bogus",), ("--demo", "--db", "x.db"), ("--db",), ("--share",)],
    ids=["unknown", "demo-and-db", "missing-value", "share-without-client"],
)
def test_usage_errors_exit_2_in_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(*args, home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "see srs-tui --help" in result.stderr


def test_a_blank_client_alias_is_refused(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "srs.db"), "--client", "   ", home=tmp_path)
    assert result.returncode == 1
    assert "Type an alias" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "srs.db").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_the_app_runs_in_a_real_terminal_and_saves(tmp_path: Path) -> None:
    import sqlite3
    import time

    db = tmp_path / "srs.db"
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("NO_COLOR", None)
    terminal = Terminal("--db", str(db), "--client", "Ana", "--new", env=env)
    try:
        terminal.read_until(b"Curtain")  # the ORS (its key bar), offered first: skipped
        since = len(terminal.seen)
        terminal.write(b"\x0e")
        terminal.read_until(b"Relationship", since=since)
        # As typed in a session: four numbers with Enter, then Ctrl+S, then Ctrl+S again
        # to finish the feedback, then q on the caseload.
        for chunk in (b"9.1\r", b"8.5\r", b"7\r", b"9.9\r"):
            terminal.write(chunk)
            time.sleep(0.05)
        terminal.write(b"\x13")
        terminal.read_until(b"Lowest item")
        terminal.write(b"\x13")
        terminal.read_until(b"Caseload")
        terminal.write(b"q")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    seen = terminal.seen
    assert b"Traceback" not in seen
    # The terminal window's title is never set, so it can never show a client's alias.
    assert b"\x1b]0;" not in seen
    assert b"\x1b]2;" not in seen
    conn = sqlite3.connect(db)
    rows = conn.execute(
        f"SELECT c.alias, relationship, goals, approach, overall FROM {FLAT} "
        "JOIN clients AS c ON c.id = client_id"
    ).fetchall()
    conn.close()
    assert rows == [("Ana", 91, 85, 70, 99)]


def test_the_passphrase_command_stores_only_a_private_hash(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "srs_tui", "passphrase"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "SRS_TUI_PASSPHRASE": "correct horse",
        },
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stored = tmp_path / "config" / "srs-tui" / "passphrase"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert b"correct horse" not in stored.read_bytes()
    from srs_tui.passphrase import check_passphrase

    assert check_passphrase(stored, "correct horse")
    assert not check_passphrase(stored, "wrong")
    cleared = run("passphrase", "--clear", home=tmp_path)
    assert cleared.returncode == 0
    assert not stored.exists()


@pytest.mark.parametrize("secret", ["", "seven77"], ids=["empty", "seven-characters"])
def test_a_short_passphrase_is_refused(tmp_path: Path, secret: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "srs_tui", "passphrase"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "SRS_TUI_PASSPHRASE": secret,
        },
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "at least 8 characters" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "config" / "srs-tui" / "passphrase").exists()


def test_a_bad_wording_file_stops_with_the_key_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "srs-tui"
    folder.mkdir(parents=True)
    (folder / "wording.toml").write_text("[relationship]\nlable = 'x'\n", encoding="utf-8")
    result = run("--db", str(tmp_path / "srs.db"), "--client", "Ana", home=tmp_path)
    assert result.returncode == 1
    assert "line 2: unknown key 'lable' in [relationship]" in result.stderr
    assert result.stderr.count("\n") == 1
