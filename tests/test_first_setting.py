"""The first start asks where sessions are usually held, once, and writes the answer to the
settings file without losing anything the therapist wrote there; it is then every new
session's setting. The real first-start app through Pilot, the real app in a pty."""

from __future__ import annotations

import os
import re
import select
import stat
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import NOW, Terminal, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.config import Config, ConfigError, load_config, remember_setting, setting_given
from srs_tui.store import Store, vault
from srs_tui.unlock import ANSWERED, PLAIN, FirstStartApp, OfferScreen

SIZE = (80, 24)
QUESTION = "Where do you usually see clients?"


def shown(app: FirstStartApp) -> str:
    return " ".join(screen_text(app).split())


async def test_the_answer_is_written_then_the_vault_is_offered(tmp_path: Path) -> None:
    db = tmp_path / "data" / "srs.db"
    settings = tmp_path / "config" / "srs-tui" / "config.toml"
    app = FirstStartApp(db, settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert QUESTION in shown(app)
        assert str(settings) in "".join(screen_text(app).split())  # where, to change it later
        assert not settings.exists()  # nothing written before the answer
        await pilot.click("#setting-in-person")
        await pilot.pause()
        assert isinstance(app.screen, OfferScreen)
        await pilot.click("#no")
    assert app.return_value == PLAIN
    assert app.setting == "in-person"
    assert load_config(settings) == replace(Config(), default_setting="in-person")
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.parent.stat().st_mode) == 0o700
    assert setting_given(settings)
    assert not db.exists()


async def test_the_question_alone_when_the_database_exists(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    app = FirstStartApp(tmp_path / "srs.db", settings=settings, offer=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the first answer has the focus: telehealth
    assert app.return_value == ANSWERED
    assert app.setting == "telehealth"
    assert load_config(settings).default_setting == "telehealth"
    assert setting_given(settings)


@pytest.mark.parametrize("key", ["escape", "ctrl+q"])
async def test_leaving_the_question_saves_nothing(tmp_path: Path, key: str) -> None:
    settings = tmp_path / "config" / "config.toml"
    app = FirstStartApp(tmp_path / "srs.db", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
    assert app.return_value is None
    assert app.setting is None
    assert not (tmp_path / "config").exists()


async def test_a_file_it_cannot_change_is_left_alone_and_the_answer_used_once(
    tmp_path: Path,
) -> None:
    settings = tmp_path / "config.toml"
    text = 'session = { mode = "paper" }  # mine\n'
    settings.write_text(text, encoding="utf-8")
    app = FirstStartApp(tmp_path / "srs.db", settings=settings, offer=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.click("#setting-in-person")
        await pilot.pause()
        words = shown(app)
        assert 'add setting = "in-person" under [session] yourself' in words
        assert "asked again next time" in words
        await pilot.press("enter")  # "Go on", focused
    assert app.return_value == ANSWERED
    assert app.setting == "in-person"
    assert settings.read_text(encoding="utf-8") == text
    assert not setting_given(settings)


def test_an_existing_file_keeps_every_line_and_comment(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    text = (
        "# my settings, kept by hand\n[alerts.srs]\ncutoff = 35.0  # my supervisor's\n\n"
        "[display]\ntheme = 'high-contrast'"  # no newline at the end
    )
    settings.write_text(text, encoding="utf-8")
    settings.chmod(0o640)
    before = load_config(settings)
    remember_setting("in-person", settings)
    after = settings.read_text(encoding="utf-8")
    assert after.startswith(text + "\n")
    assert after.splitlines()[-2:][0] == "[session]"
    assert load_config(settings) == replace(before, default_setting="in-person")
    assert stat.S_IMODE(settings.stat().st_mode) == 0o640  # the therapist's own choice
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temporary left


def test_a_session_table_gets_the_key_under_its_header(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    text = "[session]  # how I work\r\nmode = 'paper'\r\n\r\n[lock]\r\nidle_minutes = 5\r\n"
    settings.write_bytes(text.encode())
    remember_setting("telehealth", settings)
    lines = settings.read_bytes().decode().split("\r\n")
    assert lines[0] == "[session]  # how I work"
    assert lines[1].startswith('setting = "telehealth"')
    assert lines[2:] == ["mode = 'paper'", "", "[lock]", "idle_minutes = 5", ""]
    config = load_config(settings)
    assert (config.default_mode, config.default_setting) == ("paper", "telehealth")
    assert config.idle_lock_seconds == 300


def test_a_setting_already_given_is_never_asked_or_written_over(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    assert not setting_given(settings)
    settings.write_text("[session]\nmode = 'self'\n", encoding="utf-8")
    assert not setting_given(settings)
    settings.write_text("[session]\nsetting = 'in-person'\n", encoding="utf-8")
    assert setting_given(settings)
    with pytest.raises(ConfigError, match="cannot be changed safely"):
        remember_setting("telehealth", settings)
    assert settings.read_text(encoding="utf-8") == "[session]\nsetting = 'in-person'\n"


async def test_the_usual_setting_is_every_new_sessions(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        store.add_client("Ana", now=NOW)
    config = replace(Config(), default_setting="in-person")
    app = make_app(db, config, client_alias="Ana", clock=frozen_clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "in-person" in screen_text(app)
        assert "telehealth" not in screen_text(app)


# In a real terminal


pty_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
TAB, ENTER, CTRL_Q = b"\t", b"\r", b"\x11"


def see(terminal: Terminal, pattern: str, since: int = 0) -> str:
    """Read on until pattern shows after byte since (escape sequences left out); the text."""
    from realapp import plain

    deadline = time.monotonic() + 60
    while True:
        text = " ".join(plain(terminal.seen[since:]).split())
        if re.search(pattern, text):
            return text
        assert time.monotonic() < deadline, f"{pattern!r} never showed:\n{text[-2000:]}"
        ready, _, _ = select.select([terminal.controller], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(terminal.controller, 65536)
            except OSError:
                chunk = b""
            assert chunk, f"the program ended before {pattern!r}:\n{text[-2000:]}"
            terminal.seen += chunk


@pty_only
@pytest.mark.timeout(180)  # three starts of the app
def test_the_first_start_asks_once_in_a_real_terminal(tmp_path: Path) -> None:
    from realapp import private_env

    env = private_env(tmp_path)
    settings = tmp_path / "config" / "srs-tui" / "config.toml"
    default = tmp_path / "data" / "srs-tui" / "srs-tui.db"
    terminal = Terminal(env=env)
    try:
        see(terminal, re.escape(QUESTION))
        since = len(terminal.seen)
        terminal.write(TAB)  # from "Telehealth" to "In person"
        time.sleep(0.3)
        terminal.write(ENTER)
        see(terminal, r"Keep the records encrypted\?", since)
        since = len(terminal.seen)
        terminal.write(TAB)  # "Not now"
        time.sleep(0.3)
        terminal.write(ENTER)
        see(terminal, "Caseload", since)
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()
    assert load_config(settings).default_setting == "in-person"
    assert default.exists()
    assert not vault.is_vault(default)

    terminal = Terminal("--client", "Ana", "--new", env=env)  # added without being asked about
    try:
        text = see(terminal, "in-person")
        assert QUESTION not in text
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()


@pty_only
@pytest.mark.parametrize("where", [("--demo",), ("--db", "DB")], ids=["demo", "db"])
def test_no_question_on_the_demo_or_another_database(
    tmp_path: Path, where: tuple[str, ...]
) -> None:
    from realapp import private_env

    args = [str(tmp_path / "srs.db") if arg == "DB" else arg for arg in where]
    terminal = Terminal(*args, env=private_env(tmp_path))
    try:
        text = see(terminal, "Caseload")
        assert QUESTION not in text
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()
    assert not (tmp_path / "config").exists()


@pty_only
def test_with_a_database_already_the_question_alone_then_the_caseload(tmp_path: Path) -> None:
    # A therapist upgrading from a version that did not ask: asked once, no vault offered.
    from realapp import private_dir, private_env

    default = private_dir(tmp_path / "data" / "srs-tui") / "srs-tui.db"
    with Store.open(default) as store:
        store.add_client("Ana", now=NOW)
    terminal = Terminal(env=private_env(tmp_path))
    try:
        see(terminal, re.escape(QUESTION))
        since = len(terminal.seen)
        terminal.write(ENTER)  # "Telehealth", focused first
        text = see(terminal, "Caseload", since)
        assert "Keep the records encrypted" not in text
        terminal.write(CTRL_Q)
        assert terminal.wait(60) == 0
    finally:
        terminal.close()
    assert setting_given(tmp_path / "config" / "srs-tui" / "config.toml")


@pty_only
def test_a_settings_file_named_with_config_is_never_written(tmp_path: Path) -> None:
    from realapp import private_env

    settings = tmp_path / "mine.toml"
    settings.write_text("[lock]\nidle_minutes = 5\n", encoding="utf-8")
    terminal = Terminal("--config", str(settings), env=private_env(tmp_path))
    try:
        text = see(terminal, r"Keep the records encrypted\?")
        assert QUESTION not in text
        terminal.write(b"\x1b")  # quit at the offer: nothing made
        assert terminal.wait(60) == 0
    finally:
        terminal.close()
    assert settings.read_text(encoding="utf-8") == "[lock]\nidle_minutes = 5\n"
    assert not (tmp_path / "config").exists()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_keys_of_the_first_start_keep_each_phrase_on_one_line(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    settings = tmp_path / "config" / "srs-tui" / "config.toml"
    app = FirstStartApp(tmp_path / "data" / "srs.db", settings=settings)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = [" ".join(line.split()) for line in screen_text(app).splitlines()]
        assert "Tab moves, Enter chooses." in lines
        assert "Esc or Ctrl+Q: quit; nothing is saved." in lines
        await pilot.click("#setting-in-person")
        await pilot.pause()
        assert isinstance(app.screen, OfferScreen)
        lines = [" ".join(line.split()) for line in screen_text(app).splitlines()]
        assert "Esc or Ctrl+Q: quit; nothing is created." in lines
