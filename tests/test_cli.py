"""The command line in a real subprocess: one clear line on stderr, never a traceback."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from srs_tui import __version__


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    return subprocess.run(
        [sys.executable, "-m", "srs_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


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
    [("--bogus",), ("--demo", "--db", "x.db"), ("--db",)],
    ids=["unknown", "demo-and-db", "missing-value"],
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
