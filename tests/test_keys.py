"""Keys from passphrases: the scrypt cost, crafted backup headers, the lock's hash file, and
where a passphrase may be read from."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from textual.widgets import Input

from conftest import NOW, SKIP_ORS, FakeMonotonic, Terminal, cli_env, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.config import Config
from srs_tui.exchange.crypto import decrypt, encrypt
from srs_tui.key_cost import MAX_MEMORY, MIN_PASSPHRASE, N, P, R, cost_problem, memory_needed
from srs_tui.passphrase import (
    PassphraseError,
    check_passphrase,
    passphrase_problem,
    set_passphrase,
)
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store, StoreError
from srs_tui.widgets.rating_slider import RatingSlider

SECRET = "long enough secret"
HEADER = struct.Struct(">8s16sIII12s")
SIZE = (100, 36)


def run_cli(
    *args: str, home: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """srs-tui in a real subprocess with its own home, and SRS_TUI_PASSPHRASE only if given."""
    environment = cli_env(home, **(env or {}))
    if not env or "SRS_TUI_PASSPHRASE" not in env:
        environment.pop("SRS_TUI_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "srs_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def sealed_with(data: bytes, secret: str, n: int, r: int, p: int) -> bytes:
    """An encrypted backup as any version writes it, at the cost given."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header = HEADER.pack(b"SRSTENC1", salt, n, r, p, nonce)
    key = hashlib.scrypt(
        secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )
    return header + AESGCM(key).encrypt(nonce, data, header)


def header_fields(sealed: bytes) -> tuple[int, int, int]:
    _, _, n, r, p, _ = HEADER.unpack(sealed[: HEADER.size])
    return n, r, p


def hash_line(secret: str, n: int, r: int, p: int, *, salt: bytes | None = None) -> str:
    """A lock file line, as srs-tui writes it, at any cost: how a file from elsewhere is made."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**28)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}\n"


def test_our_cost_is_owasps_minimum_and_fits_the_one_memory_limit() -> None:
    assert (N, R, P) >= (2**17, 8, 1)
    assert (R, P) == (8, 1)
    assert cost_problem(N, R, P) is None
    assert memory_needed(N, R, P) <= MAX_MEMORY
    # What hashlib itself requires: above 128 MiB, so the old limit could not run it.
    assert memory_needed(N, R, P) > 128 * 1024 * 1024
    hashlib.scrypt(b"x", salt=b"salt", n=N, r=R, p=P, maxmem=MAX_MEMORY)


def test_the_cost_check_agrees_with_hashlib_at_a_memory_limit() -> None:
    # The same formula at a small limit, so the grid runs in a moment: every combination the
    # check accepts runs in hashlib under that maxmem, and every one it refuses does not run
    # (the work bound aside, which only ever refuses more).
    limit = 1024 * 1024
    for n in (1, 2, 3, 4, 6, 16, 256, 512, 1024, 2048, 4096, 2**16, 2**17):
        for r in (0, 1, 2, 3, 4, 8):
            for p in (0, 1, 2, 3):
                accepted = cost_problem(n, r, p, max_memory=limit) is None
                try:
                    hashlib.scrypt(b"x", salt=b"salt", n=n, r=r, p=p, maxmem=limit, dklen=8)
                    runs = True
                except ValueError:
                    runs = False
                assert accepted == runs, (n, r, p)


def test_new_backups_are_sealed_at_the_new_cost_and_old_ones_still_open() -> None:
    sealed = encrypt(b"records", SECRET)
    assert header_fields(sealed) == (N, R, P)
    assert decrypt(sealed, SECRET) == b"records"
    previous = sealed_with(b"older records", SECRET, 2**15, 8, 1)  # what the last version wrote
    assert decrypt(previous, SECRET) == b"older records"


def test_a_short_passphrase_never_seals_a_backup() -> None:
    with pytest.raises(StoreError, match=f"at least {MIN_PASSPHRASE} characters"):
        encrypt(b"records", "seven77")


def test_backup_encrypt_refuses_a_short_passphrase(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.db.enc"
    result = run_cli(
        "--db", str(demo_db), "backup", "--encrypt", "--to", str(target),
        home=tmp_path, env={"SRS_TUI_PASSPHRASE": "short"},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "at least 8 characters" in result.stderr
    assert not target.exists()


def _crafted(data: bytes, n: int, r: int, p: int) -> bytes:
    """A backup whose header asks for this cost (the body cannot match: it must not matter)."""
    return HEADER.pack(b"SRSTENC1", bytes(16), n, r, p, bytes(12)) + data


@pytest.mark.parametrize(
    ("sealed", "message"),
    [
        (_crafted(b"x" * 64, 3, 8, 1), "n=3 is not a power of two"),
        (_crafted(b"x" * 64, 2**20, 8, 1), "needs more than 256 MiB"),
        (_crafted(b"x" * 64, 2**31, 8, 1), "needs more than 256 MiB"),
        (_crafted(b"x" * 64, 2**14, 0, 1), "r=0 and p=1 must both be at least 1"),
        (_crafted(b"x" * 64, 2**14, 8, 0), "r=8 and p=0 must both be at least 1"),
        (_crafted(b"x" * 64, 2**17, 1, 1), "too large for r=1"),
        (_crafted(b"x" * 64, 2**16, 8, 16), "too much work"),
        (_crafted(b"x" * 64, 2**10, 2**32 - 1, 1), "needs more than 256 MiB"),
        (b"SRSTENC1" + bytes(20), "cut short"),
    ],
    ids=[
        "n-not-power-of-two", "n-too-large", "n-huge", "r-zero", "p-zero",
        "n-beyond-scrypts-rule", "too-much-work", "r-huge", "truncated-header",
    ],
)  # fmt: skip
def test_a_crafted_backup_header_is_one_line_and_changes_nothing(
    demo_db: Path, tmp_path: Path, sealed: bytes, message: str
) -> None:
    backup = tmp_path / "crafted.db.enc"
    backup.write_bytes(sealed)
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    files = sorted(tmp_path.iterdir())
    result = run_cli(
        "--db", str(demo_db), "restore", str(backup),
        home=tmp_path, env={"SRS_TUI_PASSPHRASE": SECRET},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("srs-tui: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before
    assert sorted(tmp_path.iterdir()) == files  # no before-restore copy, no decrypted file


# The idle lock's hash file


def test_the_lock_hash_is_made_at_the_new_cost(tmp_path: Path) -> None:
    secret_file = tmp_path / "passphrase"
    set_passphrase(secret_file, SECRET)
    _, n, r, p, _, _ = secret_file.read_text().strip().split("$")
    assert (int(n), int(r), int(p)) == (N, R, P)
    assert check_passphrase(secret_file, SECRET)
    assert not check_passphrase(secret_file, "wrong passphrase")


def test_a_short_lock_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PassphraseError, match="at least 8 characters"):
        set_passphrase(tmp_path / "passphrase", "seven77")
    assert not (tmp_path / "passphrase").exists()


@pytest.mark.parametrize(
    "line",
    [
        hash_line("guessable", 2, 8, 1),
        hash_line("guessable", 2**13, 8, 1),
        hash_line("guessable", 2**14, 1, 1),
        hash_line("guessable", 2**14, 8, 1, salt=b""),
        "scrypt$16384$8$0$c2FsdA==$ZGlnZXN0\n",
        "scrypt$16385$8$1$" + "A" * 24 + "$" + "A" * 88 + "\n",
        "scrypt$1048576$8$1$" + "A" * 24 + "$" + "A" * 88 + "\n",
        "scrypt$131072$8$1$" + "A" * 24 + "$" + "A" * 24 + "\n",  # a digest too short
        "scrypt$+131072$8$1$" + "A" * 24 + "$" + "A" * 88 + "\n",
        "not a passphrase file\n",
    ],
    ids=[
        "n-2", "n-below-floor", "r-below-floor", "no-salt", "p-zero", "n-not-power-of-two",
        "n-too-large", "short-digest", "signed-number", "garbage",
    ],
)  # fmt: skip
def test_a_lock_file_below_the_floor_or_malformed_is_never_accepted(
    tmp_path: Path, line: str
) -> None:
    secret_file = tmp_path / "passphrase"
    secret_file.write_text(line)
    assert passphrase_problem(secret_file) is not None
    with pytest.raises(PassphraseError):
        check_passphrase(secret_file, "guessable")
    assert secret_file.read_text() == line  # never rewritten from a file we do not trust


@pytest.mark.parametrize("secret", [SECRET, "open"], ids=["long", "shorter-than-today"])
def test_a_lock_file_of_the_previous_version_works_once_then_is_rehashed(
    tmp_path: Path, secret: str
) -> None:
    secret_file = tmp_path / "passphrase"
    old = hash_line(secret, 2**14, 8, 1)  # what the previous version wrote
    secret_file.write_text(old)
    assert passphrase_problem(secret_file) is None
    assert not check_passphrase(secret_file, "wrong passphrase")
    assert secret_file.read_text() == old  # a wrong guess changes nothing
    assert check_passphrase(secret_file, secret)
    _, n, r, p, _, _ = secret_file.read_text().strip().split("$")
    assert (int(n), int(r), int(p)) == (N, R, P)
    assert check_passphrase(secret_file, secret)
    assert not check_passphrase(secret_file, "wrong passphrase")


async def test_a_weak_lock_file_lifts_nothing_and_says_how_to_keep_the_screen(
    db_path: Path, tmp_path: Path
) -> None:
    with Store.open(db_path) as store:
        store.add_client("Ana Example", now=NOW)
    secret_file = tmp_path / "passphrase"
    set_passphrase(secret_file, SECRET)
    clock = FakeMonotonic()
    app = make_app(
        db_path,
        Config(idle_lock_seconds=60),
        client_alias="Ana Example",
        clock=frozen_clock,
        monotonic=clock,
        passphrase_file=secret_file,
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.press("9")
        # While the app runs, someone writes a file with a passphrase they know, at n=2.
        secret_file.write_text(hash_line("intruder", 2, 8, 1))
        clock.advance(60)
        app.check_idle_lock()
        await pilot.pause()
        curtain = app.screen
        assert isinstance(curtain, CurtainScreen)
        worker = curtain.try_passphrase("intruder")
        assert worker is not None
        await worker.wait()
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "no passphrase lifts this lock" in shown
        assert "srs-tui passphrase" in shown
        assert "Closing this terminal window ends srs-tui" in shown
        assert "Ana" not in shown
        assert app.screen is curtain
        # The way back without losing the screen: a new passphrase set from another terminal.
        set_passphrase(secret_file, "a new passphrase")
        curtain.query_one("#passphrase", Input).focus()
        await pilot.press(*"a new passphrase", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.query_one("#relationship", RatingSlider).entry == "9"


async def test_the_passphrase_dialog_says_when_the_file_cannot_be_used(
    db_path: Path, tmp_path: Path
) -> None:
    from srs_tui.screens.passphrase import PassphraseScreen

    secret_file = tmp_path / "passphrase"
    secret_file.write_text(hash_line("intruder", 2, 8, 1))
    app = make_app(db_path, clock=frozen_clock, passphrase_file=secret_file)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        assert isinstance(app.screen, PassphraseScreen)
        shown = " ".join(screen_text(app).split())
        assert "cannot be used" in shown
        assert "nothing lifts the idle lock" in shown


# Where a passphrase is read from


@pytest.mark.parametrize(
    "args",
    [("passphrase",), ("backup", "--encrypt", "--to", "out.db.enc")],
    ids=["lock", "backup"],
)
def test_a_passphrase_is_never_read_from_a_pipe(
    demo_db: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    # Under Git Bash on Windows standard input is a pipe, and what is typed into it shows.
    result = run_cli(
        "--db", str(demo_db), *args, home=tmp_path, stdin=f"{SECRET}\n{SECRET}\n"
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "SRS_TUI_PASSPHRASE" in result.stderr
    assert "winpty" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "config" / "srs-tui" / "passphrase").exists()
    assert not (tmp_path / "out.db.enc").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_a_short_passphrase_is_refused_before_it_is_asked_again(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("SRS_TUI_PASSPHRASE", None)

    def typed(*lines: bytes) -> tuple[int, bytes]:
        terminal = Terminal("passphrase", env=env)
        try:
            for line in lines:
                terminal.read_until(b": ", since=len(terminal.seen))  # the next prompt
                terminal.write(line)
            return terminal.wait(60), terminal.seen
        finally:
            terminal.close()

    code, seen = typed(b"short\n")
    assert code == 1
    assert b"at least 8 characters" in seen
    assert b"Again" not in seen
    assert b"short" not in seen  # never echoed
    stored = tmp_path / "config" / "srs-tui" / "passphrase"
    assert not stored.exists()
    code, seen = typed(SECRET.encode() + b"\n", SECRET.encode() + b"\n")
    assert code == 0, seen
    assert SECRET.encode() not in seen
    assert check_passphrase(stored, SECRET)
