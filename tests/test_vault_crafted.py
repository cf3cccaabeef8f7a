"""Crafted files around a vault: each is a clear one-line refusal, no traceback, nothing written.

A key file that asks for a cheap key (n=2), one damaged, cut short, huge or not a file at all, a
key file from another vault, a database swapped for another vault's, a key file beside a plain
database (a `vault on` that was interrupted), a sealed backup with one byte changed, and one
whose header asks for n=2^30. Each is tried through a real command, with the right passphrase
in SRS_TUI_PASSPHRASE: what is refused is the file, never the person.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import NOW
from realapp import private_env
from srs_tui.exchange.backup import backup
from srs_tui.store import Store, StoreError, engine, vault
from vaultkit import (
    ASCII_ALIAS,
    OTHER_PASSPHRASE,
    PASSPHRASE,
    SECRETS,
    WIDE_ALIAS,
    add_clients,
    assert_unchanged,
    file_state,
    files_under,
    found_in,
    plain_aliases,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files (a FIFO, a link)")

# A refusal must come at once: a key derivation or two, never a hang.
COMMAND_TIMEOUT = 60


@pytest.fixture(autouse=True)
def _forget_keys() -> Iterator[None]:
    engine.forget_keys()
    yield
    engine.forget_keys()


def new_vault(folder: Path, passphrase: str = PASSPHRASE) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    db = folder / "srs.db"
    vault.create_vault(db, passphrase)
    with Store.open(db) as store:
        add_clients(store)
    return db


def run(
    db: Path, *args: str, home: Path, secret: str = PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    env = private_env(home)
    env["SRS_TUI_PASSPHRASE"] = secret
    return subprocess.run(
        [sys.executable, "-m", "srs_tui", "--db", str(db), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    shown = result.stdout + result.stderr
    assert result.returncode == 1, shown
    assert not result.stdout, shown
    assert len(result.stderr.splitlines()) == 1, shown
    assert result.stderr.startswith("srs-tui: "), shown
    assert "Traceback" not in shown
    assert "internal error" not in shown, shown
    for text in SECRETS:
        assert text not in shown
    for word in words:
        assert word in result.stderr, shown


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    return folder


# -- the key file


def cheap_key_file(db: Path) -> None:
    """The vault's own data key, wrapped again with the right passphrase at n=2: if it were
    taken, a stolen copy could be guessed at a million passphrases a second."""
    data_key = engine.key_for(db)
    assert data_key is not None
    keys = vault.read_key_file(db)
    recovery = os.urandom(vault.RECOVERY_BYTES)
    cheap = vault.new_key_file(data_key, PASSPHRASE, recovery, cost=(2, 8, 1))
    vault.write_key_file(vault.key_file(db), cheap)
    assert cheap.n == 2
    assert keys.n == 2**17


def damaged(db: Path) -> None:
    text = vault.key_file(db).read_text("ascii")
    at = text.index("passphrase scrypt") + 60  # inside the wrapped key's base64
    swapped = "A" if text[at] != "A" else "B"
    vault.key_file(db).write_text(text[:at] + swapped + text[at + 1 :], "ascii")


def header_damaged(db: Path) -> None:
    text = vault.key_file(db).read_text("ascii")
    vault.key_file(db).write_text(text.replace("vault 1", "vault 9"), "ascii")


def truncated(db: Path) -> None:
    data = vault.key_file(db).read_bytes()
    vault.key_file(db).write_bytes(data[: len(data) // 2])


def emptied(db: Path) -> None:
    vault.key_file(db).write_bytes(b"")


def huge(db: Path) -> None:
    text = vault.key_file(db).read_text("ascii")
    vault.key_file(db).write_text(text + "#" * 20_000_000, "ascii")


def not_text(db: Path) -> None:
    vault.key_file(db).write_bytes(b"srs-tui vault 1\n\xff\xfe\x00garbage\n")


def a_folder(db: Path) -> None:
    vault.key_file(db).unlink()
    vault.key_file(db).mkdir()


def endless(db: Path) -> None:
    """A link to a file that never ends: no size to check first."""
    vault.key_file(db).unlink()
    vault.key_file(db).symlink_to("/dev/zero")


def a_pipe(db: Path) -> None:
    """A FIFO no one writes to: reading it would wait for ever."""
    vault.key_file(db).unlink()
    os.mkfifo(vault.key_file(db))


def dangling(db: Path) -> None:
    vault.key_file(db).unlink()
    vault.key_file(db).symlink_to(db.parent / "nowhere")


KEY_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "n=2": (cheap_key_file, "less work"),
    "a wrapped key changed": (damaged, "wrong passphrase"),
    "its header changed": (header_damaged, "key file"),
    "cut short": (truncated, "key file"),
    "empty": (emptied, "key file"),
    "20 MB": (huge, "key file"),
    "not text": (not_text, "key file"),
    "a folder": (a_folder, "key file"),
    "a link to /dev/zero": (endless, "key file"),
    "a FIFO": (a_pipe, "key file"),
    "a dangling link": (dangling, "key file"),
}


@pytest.mark.parametrize("kind", list(KEY_FILES))
def test_a_crafted_key_file_is_refused_in_one_line(tmp_path: Path, home: Path, kind: str) -> None:
    db = new_vault(tmp_path / "data")
    craft, word = KEY_FILES[kind]
    craft(db)
    engine.forget_keys()
    before = file_state_safe(db.parent)
    result = run(db, "export", home=home)
    assert_refused(result, word)
    assert file_state_safe(db.parent) == before
    # The same refusal in the process, for the app's start.
    if kind != "a wrapped key changed":
        with pytest.raises(StoreError):
            vault.unlock(db, PASSPHRASE)
    else:
        assert not vault.unlock(db, PASSPHRASE)
    assert not vault.is_unlocked(db)


def file_state_safe(folder: Path) -> dict[str, object]:
    """file_state, for a folder that may hold a FIFO or a link to a device: those by name."""
    state: dict[str, object] = {}
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() or not (entry.is_file() or entry.is_dir()):
            state[entry.name] = ("special", os.readlink(entry) if entry.is_symlink() else None)
        elif entry.is_dir():
            state[entry.name] = ("folder", sorted(p.name for p in entry.iterdir()))
        else:
            state[entry.name] = (entry.read_bytes(), entry.stat().st_mtime_ns)
    return state


def test_a_key_file_from_another_vault_opens_neither(tmp_path: Path, home: Path) -> None:
    db = new_vault(tmp_path / "data")
    other = new_vault(tmp_path / "other", OTHER_PASSPHRASE)
    shutil.copyfile(vault.key_file(other), vault.key_file(db))
    engine.forget_keys()
    before = file_state(db.parent)
    assert_refused(run(db, "export", home=home), "wrong passphrase")
    assert_refused(run(db, "export", home=home, secret=OTHER_PASSPHRASE), "does not open")
    assert_unchanged(db.parent, before)


def test_a_database_swapped_for_another_vaults_is_refused(tmp_path: Path, home: Path) -> None:
    db = new_vault(tmp_path / "data")
    other = new_vault(tmp_path / "other", OTHER_PASSPHRASE)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(other, db)
    engine.forget_keys()
    before = file_state(db.parent)
    assert_refused(run(db, "export", home=home), "does not open")
    assert_refused(run(db, "check", home=home), "does not open")
    assert_unchanged(db.parent, before)


def test_a_key_file_beside_a_plain_database_is_refused(tmp_path: Path, home: Path) -> None:
    """What an interrupted `vault on` leaves: the plain database, and the key file written
    first. No command reads it as if nothing were amiss, nor writes to it."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    db = folder / "srs.db"
    with Store.open(db) as store:
        add_clients(store)
    other = new_vault(tmp_path / "other")  # the same passphrase: only the file is wrong
    shutil.copyfile(vault.key_file(other), vault.key_file(db))
    engine.forget_keys()
    before = file_state(folder)
    for command in (["export"], ["check"], ["backup"], ["vault", "off"]):
        assert_refused(run(db, *command, home=home), "interrupted", "vault on")
    assert_unchanged(folder, before)
    assert len(plain_aliases(db)) == 2  # the records are still there, in the plain file


def test_vault_on_starts_over_after_an_interrupted_one(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    db = folder / "srs.db"
    with Store.open(db) as store:
        add_clients(store)
    other = new_vault(tmp_path / "other", OTHER_PASSPHRASE)
    shutil.copyfile(vault.key_file(other), vault.key_file(db))
    engine.forget_keys()
    env = private_env(home)
    env["SRS_TUI_NEW_PASSPHRASE"] = PASSPHRASE
    turned = subprocess.run(
        [sys.executable, "-m", "srs_tui", "--db", str(db), "vault", "on"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert turned.returncode == 0, turned.stderr
    assert "The vault is on" in turned.stdout
    assert not found_in(folder)
    exported = run(db, "export", home=home)
    assert exported.returncode == 0, exported.stderr
    assert all(alias in exported.stdout for alias in (ASCII_ALIAS, WIDE_ALIAS))
    assert_refused(run(db, "export", home=home, secret=OTHER_PASSPHRASE), "wrong passphrase")


# -- sealed backups


def sealed_parts(data: bytes) -> tuple[str, bytes]:
    """A sealed backup's key-file text and what follows it (the nonce and the ciphertext)."""
    start = len(vault.SEALED_MAGIC) + 2
    length = int.from_bytes(data[len(vault.SEALED_MAGIC) : start], "big")
    return data[start : start + length].decode("ascii"), data[start + length :]


def sealed_with(text: str, rest: bytes) -> bytes:
    encoded = text.encode("ascii")
    return vault.SEALED_MAGIC + len(encoded).to_bytes(2, "big") + encoded + rest


def one_byte_changed(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def asking_for(n: int) -> Callable[[bytes], bytes]:
    def craft(data: bytes) -> bytes:
        text, rest = sealed_parts(data)
        return sealed_with(text.replace("scrypt 131072 ", f"scrypt {n} "), rest)

    return craft


def cut_short(data: bytes) -> bytes:
    return data[:200]


def length_beyond(data: bytes) -> bytes:
    return vault.SEALED_MAGIC + (65535).to_bytes(2, "big") + data[10:]


SEALED: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "one byte changed": (one_byte_changed, "changed"),
    "its header asks n=2^30": (asking_for(2**30), "memory"),
    "its header asks n=2": (asking_for(2), "less work"),
    "cut short": (cut_short, "backup"),
    "a header longer than the file": (length_beyond, "backup"),
}


@pytest.mark.parametrize("kind", list(SEALED))
def test_a_crafted_sealed_backup_is_refused_by_restore(
    tmp_path: Path, home: Path, kind: str
) -> None:
    db = new_vault(tmp_path / "data")
    sealed = backup(db, tmp_path / "sealed.db")
    craft, word = SEALED[kind]
    crafted = tmp_path / "crafted.db"
    crafted.write_bytes(craft(sealed.read_bytes()))
    with Store.open(db) as store:
        store.add_client("After-The-Backup", now=NOW)
    engine.forget_keys()
    before = file_state(db.parent)
    result = run(db, "restore", str(crafted), home=home)
    assert_refused(result, word)
    assert_unchanged(db.parent, before)
    assert [p.name for p in files_under(tmp_path) if "before-restore" in p.name] == []
