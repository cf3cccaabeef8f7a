"""The vault at start in a real terminal: `python -m srs_tui` in a pty, keys as bytes.

The passphrase asked before anything is read (Ctrl+Q: exit code 1, nothing shown), and the
first start's offer on the default database (no --db), taken and declined."""

from __future__ import annotations

import os
import re
import select
import sys
import time
from pathlib import Path

import pytest

from conftest import NOW, Terminal
from realapp import plain, private_env
from srs_tui.store import Store, engine, vault

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

SECRET = "correct horse"
CTRL_Q, ENTER, ESCAPE, TAB = b"\x11", b"\r", b"\x1b", b"\t"
PROMPT = re.compile(r"passphrase or recovery key")
CASELOAD = re.compile(r"Caseload")
OFFER = re.compile(r"Keep the records encrypted\?")


def see(terminal: Terminal, pattern: re.Pattern[str], *, since: int, seconds: float = 60) -> str:
    """Read on until pattern shows after byte since (escape sequences left out); the text."""
    deadline = time.monotonic() + seconds
    while True:
        text = plain(terminal.seen[since:])
        if pattern.search(text):
            return text
        assert time.monotonic() < deadline, f"{pattern.pattern!r} never showed:\n{text[-2000:]}"
        ready, _, _ = select.select([terminal.controller], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(terminal.controller, 65536)
            except OSError:
                chunk = b""
            assert chunk, f"the program ended before {pattern.pattern!r}:\n{text[-2000:]}"
            terminal.seen += chunk


def setting_answered(home: Path) -> dict[str, str]:
    """The private environment of a therapist who has answered the first start's question
    already (tests/test_first_setting.py asks it): the vault's offer comes first."""
    folder = home / "config" / "srs-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text('[session]\nsetting = "telehealth"\n', encoding="utf-8")
    return private_env(home)


def a_vault(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "srs.db"
    vault.create_vault(db, SECRET)
    with Store.open(db) as store:
        store.add_client("Ana Example", now=NOW)
    engine.forget_keys()
    return db


@pytest.mark.timeout(180)  # two starts, and scrypt twice
def test_the_passphrase_is_asked_first_and_ctrl_q_shows_nothing(tmp_path: Path) -> None:
    db = a_vault(tmp_path)
    terminal = Terminal("--db", str(db), env=private_env(tmp_path))
    try:
        see(terminal, PROMPT, since=0)
        terminal.write(b"half typed")
        time.sleep(0.3)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 1
        assert b"Ana" not in terminal.seen
        assert b"Traceback" not in terminal.seen
    finally:
        terminal.close()

    terminal = Terminal("--db", str(db), env=private_env(tmp_path))
    try:
        see(terminal, PROMPT, since=0)
        since = len(terminal.seen)
        terminal.write(b"wrong one" + ENTER)
        see(terminal, re.compile("Wrong passphrase or recovery key"), since=since)
        since = len(terminal.seen)
        terminal.write(SECRET.encode() + ENTER)
        see(terminal, re.compile("Ana Example"), since=since)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
        assert SECRET.encode() not in terminal.seen
    finally:
        terminal.close()


def test_the_passphrase_from_the_environment_is_not_asked(tmp_path: Path) -> None:
    db = a_vault(tmp_path)
    env = {**private_env(tmp_path), "SRS_TUI_PASSPHRASE": SECRET}
    terminal = Terminal("--db", str(db), env=env)
    try:
        text = see(terminal, re.compile("Ana Example"), since=0)
        assert not PROMPT.search(text)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()


@pytest.mark.timeout(180)  # three starts of the app
def test_the_first_start_declined_starts_plain_and_never_asks_again(tmp_path: Path) -> None:
    env = setting_answered(tmp_path)
    default = tmp_path / "data" / "srs-tui" / "srs-tui.db"
    terminal = Terminal(env=env)
    try:
        see(terminal, OFFER, since=0)
        terminal.write(ESCAPE)  # quit: nothing made
        assert terminal.wait(60) == 0
    finally:
        terminal.close()
    assert not default.exists()

    terminal = Terminal(env=env)
    try:
        see(terminal, OFFER, since=0)
        since = len(terminal.seen)
        terminal.write(TAB)  # from "Make a vault" to "Not now"
        time.sleep(0.3)
        terminal.write(ENTER)
        see(terminal, CASELOAD, since=since)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()
    assert default.exists()
    assert not vault.is_vault(default)

    terminal = Terminal(env=env)
    try:
        text = see(terminal, CASELOAD, since=0)
        assert not OFFER.search(text)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()


@pytest.mark.timeout(180)  # three starts of the app, and scrypt twice, on a loaded machine
def test_the_first_start_taken_makes_a_vault_then_runs_the_app(tmp_path: Path) -> None:
    env = setting_answered(tmp_path)
    default = tmp_path / "data" / "srs-tui" / "srs-tui.db"
    terminal = Terminal(env=env)
    try:
        see(terminal, OFFER, since=0)
        since = len(terminal.seen)
        terminal.write(ENTER)  # "Make a vault", focused first
        see(terminal, re.compile("A passphrase for the vault"), since=since)
        # At a person's pace: keys sent in one burst would all reach the first field before
        # Enter has moved the focus to the second.
        for line in (SECRET, SECRET):
            terminal.write(line.encode() + ENTER)
            time.sleep(1.0)
        text = see(terminal, re.compile(r"[A-Z2-7]{4}( - [A-Z2-7]{4}){7}"), since=since)
        recovery = re.search(r"[A-Z2-7]{4}( - [A-Z2-7]{4}){7}", text)
        assert recovery is not None
        assert "with neither the passphrase nor this key, the records are gone" in " ".join(
            text.split()
        )
        since = len(terminal.seen)
        terminal.write(TAB)  # from the file's field to "go on"
        time.sleep(0.3)
        terminal.write(ENTER)
        see(terminal, CASELOAD, since=since)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
        assert SECRET.encode() not in terminal.seen
    finally:
        terminal.close()
    assert vault.is_vault(default)
    assert vault.check_secret(default, recovery.group(0).replace(" ", ""))
    assert not default.read_bytes().startswith(b"SQLite format 3")


def test_a_first_start_in_share_mode_offers_nothing_on_the_shared_window(tmp_path: Path) -> None:
    # The recovery key must never be shown on a window that may be shared.
    env = private_env(tmp_path)
    terminal = Terminal("--client", "Ana Example", "--new", "--share", env=env)
    try:
        text = see(terminal, re.compile("SHARING"), since=0)
        assert not OFFER.search(text)
    finally:
        terminal.close()
    assert not vault.is_vault(tmp_path / "data" / "srs-tui" / "srs-tui.db")
