"""Without the passphrase nothing shows a client; with the recovery key everything opens.

Every command runs as a real subprocess on a real vault: without SRS_TUI_PASSPHRASE and with
standard input not a terminal, with a wrong one, and with the recovery key. A refusal is one
line on stderr and a non-zero exit, shows no alias, and leaves every file of the data folder as
it was, its bytes and its modification time. A wrong passphrase typed three times on a terminal
changes nothing either.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Terminal
from realapp import plain, private_env
from srs_tui.exchange.backup import backup
from srs_tui.store import Store, engine, vault
from vaultkit import (
    ASCII_ALIAS,
    PASSPHRASE,
    SECRETS,
    WIDE_ALIAS,
    add_clients,
    assert_unchanged,
    file_state,
    files_under,
    found_in,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")


@dataclass(frozen=True)
class Vault:
    """A vault with two clients, and what the commands are pointed at."""

    home: Path
    data: Path  # the data folder: the database, its key file, backups
    db: Path
    out: Path  # where the commands are asked to write (outside the data folder)
    sealed_backup: Path  # a backup made while the vault was on
    import_file: Path
    recovery_key: str


def make_vault(root: Path) -> Vault:
    home, data, out = root / "home", root / "data", root / "out"
    for folder in (home, data, out):
        folder.mkdir(mode=0o700, parents=True)
    db = data / "srs.db"
    recovery_key = vault.create_vault(db, PASSPHRASE)
    with Store.open(db) as store:
        add_clients(store)
    sealed_backup = backup(db, out / "sealed.db")
    import_file = out / "more.csv"
    import_file.write_text(
        "client,date,relationship,goals,approach,overall\n"
        f"{ASCII_ALIAS},2026-11-20T10:00:00+00:00,9.0,9.0,9.0,9.0\n",
        encoding="utf-8",
    )
    engine.forget_keys()  # the commands must find the key themselves
    return Vault(home, data, db, out, sealed_backup, import_file, recovery_key)


@pytest.fixture(autouse=True)
def _forget_keys() -> Iterator[None]:
    engine.forget_keys()
    yield
    engine.forget_keys()


@pytest.fixture(scope="module")
def shared_vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    """One vault for the tests that change nothing (every command is refused)."""
    made = make_vault(tmp_path_factory.mktemp("vault"))
    engine.forget_keys()
    return made


# Enough to show the one gate every command passes (each costs a key derivation and a
# second's wait when wrong); the others too with -m long.
FEW = ("export", "report", "restore", "erase", "vault off", "vault passphrase", "the app")


def commands(v: Vault) -> dict[str, list[str]]:
    """Every command that reads or changes the records, as a user types it; "the app" is
    srs-tui with no command, which must not open the records either."""
    return {
        "export": ["export"],
        "export json": ["export", "--format", "json", "-o", str(v.out / "e.json")],
        "report": ["report", "--client", ASCII_ALIAS, "-o", str(v.out / "r.html")],
        "import --dry-run": ["import", str(v.import_file), "--dry-run"],
        "import": ["import", str(v.import_file)],
        "backup": ["backup"],
        "backup --to": ["backup", "--to", str(v.out / "b.db")],
        "backup --encrypt": ["backup", "--encrypt", "--to", str(v.out / "b.enc")],
        "restore": ["restore", str(v.sealed_backup)],
        "check": ["check"],
        "erase": ["erase", ASCII_ALIAS, "--yes"],
        "vault off": ["vault", "off"],
        "vault remember": ["vault", "remember"],
        "vault passphrase": ["vault", "passphrase"],
        "the app": [],
    }


def start(v: Vault, args: list[str], **env: str) -> subprocess.Popen[str]:
    """srs-tui --db DB ARGS, stdin not a terminal, its own home."""
    environment = private_env(v.home)
    environment.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "srs_tui", "--db", str(v.db), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def run_all(
    v: Vault, names: tuple[str, ...] | None = None, **env: str
) -> dict[str, subprocess.CompletedProcess[str]]:
    """The commands (default: all) at once, to their ends."""
    chosen = {name: args for name, args in commands(v).items() if names is None or name in names}
    started = {name: start(v, args, **env) for name, args in chosen.items()}
    done = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return done


def refusal_problems(done: dict[str, subprocess.CompletedProcess[str]]) -> list[str]:
    problems = []
    for name, result in done.items():
        shown = result.stdout + result.stderr
        if result.returncode == 0:
            problems.append(f"{name}: exit 0")
        if result.stdout:
            problems.append(f"{name}: wrote to stdout: {result.stdout[:200]!r}")
        if len(result.stderr.splitlines()) != 1 or not result.stderr.startswith("srs-tui: "):
            problems.append(f"{name}: not one line on stderr: {result.stderr[-600:]!r}")
        problems.extend(f"{name}: shows {text!r}" for text in SECRETS if text in shown)
    return problems


def test_without_the_passphrase_every_command_is_refused_and_shows_no_client(
    shared_vault: Vault,
) -> None:
    v = shared_vault
    before = file_state(v.data)
    outputs = sorted(files_under(v.out))
    done = run_all(v)
    assert not refusal_problems(done), "\n".join(refusal_problems(done))
    assert "SRS_TUI_PASSPHRASE" in done["export"].stderr  # it says how to give it
    assert file_state(v.data) == before
    assert sorted(files_under(v.out)) == outputs


def refused_with_a_wrong_passphrase(v: Vault, names: tuple[str, ...] | None) -> None:
    before = file_state(v.data)
    outputs = sorted(files_under(v.out))
    wrong = {"SRS_TUI_PASSPHRASE": "not the passphrase", "SRS_TUI_NEW_PASSPHRASE": "x" * 12}
    done = run_all(v, names, **wrong)
    assert not refusal_problems(done), "\n".join(refusal_problems(done))
    assert "wrong passphrase" in done["export"].stderr
    assert file_state(v.data) == before
    assert sorted(files_under(v.out)) == outputs


def test_a_wrong_passphrase_is_refused_and_changes_nothing(shared_vault: Vault) -> None:
    refused_with_a_wrong_passphrase(shared_vault, FEW)


@pytest.mark.long
def test_a_wrong_passphrase_is_refused_by_every_command(shared_vault: Vault) -> None:
    refused_with_a_wrong_passphrase(shared_vault, None)


def test_the_recovery_key_opens_every_command(tmp_path: Path) -> None:
    v = make_vault(tmp_path)
    # Typed as a person might: lower case, spaces for dashes.
    typed = v.recovery_key.lower().replace("-", " ")

    def run(name: str) -> subprocess.CompletedProcess[str]:
        process = start(v, commands(v)[name], SRS_TUI_PASSPHRASE=typed)
        out, err = process.communicate(timeout=120)
        result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        assert result.returncode == 0, f"{name}: {err}"
        assert "Traceback" not in err
        return result

    check = run("check")
    assert "integrity check: ok" in check.stdout
    assert ASCII_ALIAS in run("export").stdout
    run("export json")
    assert WIDE_ALIAS in (v.out / "e.json").read_text("utf-8")
    run("report")
    assert ASCII_ALIAS in (v.out / "r.html").read_text("utf-8")
    assert "1" in run("import --dry-run").stdout
    run("backup --to")
    assert vault.is_sealed((v.out / "b.db").read_bytes())
    run("backup")
    backups = list((v.data / "backups").iterdir())
    assert len(backups) == 1
    assert vault.is_sealed(backups[0].read_bytes())
    run("restore")
    run("erase")
    assert ASCII_ALIAS not in run("export").stdout
    # Through all of it, nothing in clear in the data folder.
    assert not found_in(v.data)


def test_an_export_or_report_into_the_vaults_folders_is_refused(tmp_path: Path) -> None:
    """A plain export or report is written only outside the folders the vault keeps free of
    anything unencrypted: the data folder, its backups and its reports."""
    v = make_vault(tmp_path)
    (v.data / "backups").mkdir(mode=0o700)
    (v.data / "reports").mkdir(mode=0o700)
    before = file_state(v.data)
    targets = {
        "export": ["export", "-o", str(v.data / "all.csv")],
        "export json": ["export", "--format", "json", "-o", str(v.data / "backups" / "a.json")],
        "report": ["report", "--client", ASCII_ALIAS, "-o", str(v.data / "reports" / "r.html")],
    }
    started = {
        name: start(v, args, SRS_TUI_PASSPHRASE=v.recovery_key) for name, args in targets.items()
    }
    for name, process in started.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, f"{name}: {out} {err}"
        assert "choose a folder outside it" in err, f"{name}: {err}"
        assert len(err.splitlines()) == 1, err
    assert_unchanged(v.data, before)
    assert not found_in(v.data)


def test_a_changed_passphrase_opens_and_the_old_one_no_longer_does(tmp_path: Path) -> None:
    v = make_vault(tmp_path)
    new = "a brand new passphrase"
    process = start(
        v, ["vault", "passphrase"], SRS_TUI_PASSPHRASE=PASSPHRASE, SRS_TUI_NEW_PASSPHRASE=new
    )
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    old = start(v, ["export"], SRS_TUI_PASSPHRASE=PASSPHRASE)
    fresh = start(v, ["export"], SRS_TUI_PASSPHRASE=new)
    recovery = start(v, ["export"], SRS_TUI_PASSPHRASE=v.recovery_key)
    old_out, old_err = old.communicate(timeout=120)
    assert old.returncode == 1
    assert ASCII_ALIAS not in old_out + old_err
    for process in (fresh, recovery):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert ASCII_ALIAS in out


PROMPT = b"Vault passphrase (or recovery key): "


def test_a_wrong_passphrase_typed_three_times_changes_nothing(shared_vault: Vault) -> None:
    """On a terminal each command asks three times, with the lock's growing delay, then
    stops: no alias on the screen, every file as it was."""
    v = shared_vault
    before = file_state(v.data)
    outputs = sorted(files_under(v.out))
    env = private_env(v.home)
    names = ("export", "vault off")  # the data commands share one gate; vault off its own
    terminals = {name: Terminal("--db", str(v.db), *commands(v)[name], env=env) for name in names}
    try:
        for name, terminal in terminals.items():
            since = 0
            for attempt in range(3):
                seen = terminal.read_until(PROMPT, 30, since=since)
                since = len(seen)
                terminal.write(f"wrong guess {attempt}\r".encode())
            code = terminal.wait(60)
            shown = plain(terminal.seen)
            assert code == 1, f"{name}: exit {code}: {shown[-500:]!r}"
            assert shown.count("Wrong passphrase") == 3, f"{name}: {shown!r}"
            assert "nothing was read or changed" in shown, f"{name}: {shown!r}"
            for text in SECRETS:
                assert text not in shown, f"{name} showed {text!r}"
            assert "Traceback" not in shown
    finally:
        for terminal in terminals.values():
            terminal.close()
    assert file_state(v.data) == before
    assert sorted(files_under(v.out)) == outputs


def test_the_app_without_the_passphrase_asks_for_it_and_shows_no_client(
    shared_vault: Vault,
) -> None:
    """`srs-tui --db VAULT` in a real terminal: the passphrase prompt and nothing else; three
    wrong passphrases, then Ctrl+Q: no alias ever drawn, exit 1, every file as it was."""
    v = shared_vault
    before = file_state(v.data)
    terminal = Terminal("--db", str(v.db), env=private_env(v.home))
    try:
        terminal.read_until(b"passphrase or recovery key", 30)
        for attempt in range(3):
            since = len(terminal.seen)
            terminal.write(f"wrong guess {attempt}\r".encode())
            terminal.read_until(b"Wrong passphrase", 30, since=since)
        terminal.write(b"\x11")  # Ctrl+Q
        code = terminal.wait(30)
        shown = plain(terminal.seen)
        for text in SECRETS:
            assert text not in shown, f"the app showed {text!r}"
        assert "Traceback" not in shown
        assert code == 1
    finally:
        terminal.close()
    assert_unchanged(v.data, before)


def test_the_recovery_key_typed_at_the_apps_prompt_opens_the_records(tmp_path: Path) -> None:
    v = make_vault(tmp_path)
    terminal = Terminal("--db", str(v.db), env=private_env(v.home))
    try:
        terminal.read_until(b"passphrase or recovery key", 30)
        since = len(terminal.seen)
        # As read off paper: lower case, spaces where the dashes were.
        terminal.write(v.recovery_key.lower().replace("-", " ").encode() + b"\r")
        terminal.read_until(ASCII_ALIAS[:15].encode(), 30, since=since)  # cut short at 80
        terminal.write(b"\x11")  # Ctrl+Q
        assert terminal.wait(30) == 0
        assert b"Traceback" not in terminal.seen
    finally:
        terminal.close()
    assert not found_in(v.data)
