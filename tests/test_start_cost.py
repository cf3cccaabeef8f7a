"""What starting costs, in modules loaded and work done: a data command loads what it runs and
nothing of the app; the app's start loads no screen, start app or vault code it does not show,
and pauses the garbage collector until its first frame.

Shapes, not timings (timings are the benchmark's): each cut of the start-up's cost is guarded
here, so that an import put back at the top of a module cannot bring the cost back unseen.
Real processes throughout: the command line in a subprocess, the app in a pseudo-terminal."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, cli_env
from realapp import RATE_READY, START_TIMEOUT, Window, private_dir
from srs_tui.store import Store

# No data command needs the app, its toolkit, or the vault's code on a plain database.
NOT_FOR_ANY_COMMAND = (
    "textual",
    "rich",
    "srs_tui.app",
    "srs_tui.screens",
    "srs_tui.widgets",
    "srs_tui.unlock",
    "srs_tui.sharing",
    "srs_tui.vault_commands",
    "srs_tui.store.vault",
    "sqlcipher3",
    "cryptography",
    "keyring",
)

# What each command must also do without: the others' machinery.
NOT_FOR = {
    "check": ("srs_tui.exchange", "json", "csv", "secrets", "srs_tui.passphrase"),
    "backup": (
        "srs_tui.exchange.export",
        "srs_tui.config",
        "srs_tui.rules",
        "srs_tui.wording",
        "srs_tui.passphrase",  # asked only for --encrypt
        "uuid",  # ids are made only when records are
    ),
    "export": (
        "srs_tui.exchange.backup",
        "srs_tui.exchange.restore",
        "srs_tui.wording",
        "srs_tui.passphrase",
        "uuid",
    ),
}

# The command line's main, then the modules it loaded, as the last line of standard error
# (printed without json, which `check` itself must not load).
LOADED_AFTER_MAIN = (
    "import sys\n"
    "from srs_tui.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "print(sorted(sys.modules), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _database(tmp_path: Path) -> Path:
    db = private_dir(tmp_path / "data") / "srs.db"
    with Store.open(db) as store:
        store.add_client("Ana Example", now=NOW)
    return db


def _loaded(name: str, modules: list[str]) -> list[str]:
    return [module for module in modules if module == name or module.startswith(name + ".")]


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("check", ()),
        ("backup", ("--to", "{tmp}/copy.db")),
        ("export", ("-o", "{tmp}/out.csv")),
    ],
)
def test_a_data_command_loads_only_what_it_runs(
    tmp_path: Path, command: str, args: tuple[str, ...]
) -> None:
    db = _database(tmp_path)
    argv = [command, *(arg.format(tmp=tmp_path) for arg in args)]
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER_MAIN, "--db", str(db), *argv],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path / "home"),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    modules = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    assert "srs_tui.commands" in modules  # the command did run through the command line
    for name in (*NOT_FOR_ANY_COMMAND, *NOT_FOR[command]):
        assert _loaded(name, modules) == [], f"{command} loaded {name}"


def _watching_the_first_frame(record: Path) -> tuple[str, ...]:
    """The command line's main, with a look at each frame Textual writes (App._display, its
    private name for it): the screen of the first frame, and the modules loaded and whether
    the collector runs, at the rating screen's first frame and at the latest."""
    script = (
        "import gc, json, os, sys\n"
        "from textual.app import App\n"
        "shown = App._display\n"
        "seen = {}\n"
        "def display(self, screen, renderable):\n"
        "    shown(self, screen, renderable)\n"
        "    if renderable is not None:\n"
        "        seen.setdefault('first_drawn', type(screen).__name__)\n"
        "    if renderable is None or type(screen).__name__ != 'RateScreen':\n"
        "        return\n"
        "    now = {'collector': gc.isenabled(), 'modules': sorted(sys.modules)}\n"
        "    seen.setdefault('first', now)\n"
        "    seen['latest'] = now\n"
        f"    open({str(record)!r} + '.new', 'w').write(json.dumps(seen))\n"
        f"    os.replace({str(record)!r} + '.new', {str(record)!r})\n"
        "App._display = display\n"
        "from srs_tui.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return ("-c", script)


def test_the_app_starts_on_the_rating_screen_with_nothing_it_does_not_show(
    tmp_path: Path,
) -> None:
    db = _database(tmp_path)
    record = tmp_path / "frames.json"
    window = Window(db, "Ana Example", tmp_path, program=_watching_the_first_frame(record))
    try:
        window.expect(RATE_READY, since=0, timeout=START_TIMEOUT)
        window.pump(1.0)  # the collector back on after the first frame; the day's backup
        window.skip_ors()  # the SRS instead: frames after the first
        window.pump(0.5)
        seen = json.loads(record.read_text())
        assert window.quit() == 0
    finally:
        window.close()
    first = seen["first"]
    # The first frame is the rating screen's: no blank frame of the base screen under it.
    assert seen["first_drawn"] == "RateScreen"
    # No collection during the start-up: all it built lives as long as the app.
    assert first["collector"] is False
    assert seen["latest"]["collector"] is True
    for name in (
        "srs_tui.unlock",  # the passphrase and first-start apps: not asked for here
        "srs_tui.store.vault",  # a plain database
        "srs_tui.vault_commands",
        "srs_tui.screens.caseload",  # built only if the therapist goes back to it
        "srs_tui.exchange.backup",  # the day's backup: once the first screen is up
        "srs_tui.commands",
        "zipfile",  # importlib.resources' reader: the words are read from beside the module
        "textual.widgets._text_area",  # the note's TextArea: the rating screen has none
        "textual.document",
    ):
        assert _loaded(name, first["modules"]) == [], f"{name} loaded before the first frame"
