"""The vault on the command line: `srs-tui vault on|off|passphrase|status|remember|forget`, and
the passphrase every data command asks for when the records are a vault.

No Textual here. Each command returns an exit code and says one clear line per problem on
stderr; a wrong passphrase changes nothing and shows nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from srs_tui.passphrase import ENVIRONMENT, PassphraseRefused, delay_after, read_passphrase
from srs_tui.store import StoreError, vault
from srs_tui.terminal_text import terminal_safe

# For scripts that change the passphrase: the new one (the current one is SRS_TUI_PASSPHRASE).
NEW_ENVIRONMENT = "SRS_TUI_NEW_PASSPHRASE"
TRIES = 3
PROMPT = "Vault passphrase (or recovery key): "

GONE = (
    "With neither the passphrase nor the recovery key the records are gone: nobody, "
    "srs-tui's authors included, can open them. Keep an encrypted backup off this machine "
    "(srs-tui backup --to FILE on a USB stick)."
)
UNREACHABLE = (
    "What no program can reach: copies the file system or the disk may keep on their own "
    "(journals, snapshots, an SSD's spare blocks), and any copy made before, elsewhere "
    "(Time Machine, a cloud folder). Full-disk encryption covers those."
)


def _fail(message: str) -> int:
    print(f"srs-tui: {terminal_safe(message)}", file=sys.stderr)
    return 1


def _unlocked(db_path: Path) -> bool:
    """Try the passphrase: from SRS_TUI_PASSPHRASE (one try), or typed (three tries, with the
    lock's growing delay). PassphraseRefused where it cannot be asked; StoreError."""
    if ENVIRONMENT in os.environ:
        if vault.unlock(db_path, os.environ[ENVIRONMENT]):
            return True
        time.sleep(1)  # as the lock waits: a script cannot guess faster than by hand
        return False
    if not sys.stdin.isatty():
        raise PassphraseRefused(
            "the records are encrypted (a vault). Run this from a terminal to type the "
            f"passphrase, or set {ENVIRONMENT}."
        )
    for attempt in range(1, TRIES + 1):
        if vault.unlock(db_path, read_passphrase(PROMPT)):
            return True
        print("Wrong passphrase or recovery key.", file=sys.stderr)
        time.sleep(delay_after(attempt))
    return False


def unlock_for_command(db_path: Path) -> int | None:
    """Unlock the vault at db_path before a command reads it: None to go on, else the exit
    code. Nothing is read from the database before this; a wrong passphrase shows nothing."""
    if not vault.is_vault(db_path) or vault.is_unlocked(db_path):
        return None
    if vault.unlock_remembered(db_path):
        return None
    try:
        if _unlocked(db_path):
            return None
    except StoreError as error:
        return _fail(str(error))
    except PassphraseRefused as refused:
        print(refused.code, file=sys.stderr)
        return 1
    return _fail("wrong passphrase or recovery key; nothing was read or changed.")


def _new_passphrase() -> str:
    """A new passphrase: SRS_TUI_NEW_PASSPHRASE for scripts, else typed twice."""
    if NEW_ENVIRONMENT in os.environ:
        return os.environ[NEW_ENVIRONMENT]
    saved = os.environ.pop(ENVIRONMENT, None)  # asked afresh, never the current one reused
    try:
        return read_passphrase("New vault passphrase (at least 8 characters): ", twice=True)
    finally:
        if saved is not None:
            os.environ[ENVIRONMENT] = saved


def _show_recovery(recovery_key: str, file: Path | None, db_path: Path) -> int:
    print()
    print("Recovery key (shown this once; write it down and keep it away from this computer):")
    print()
    print(f"    {recovery_key}")
    print()
    print("It opens the vault if the passphrase is forgotten. " + GONE)
    if file is not None:
        try:
            vault.save_recovery_key(file, recovery_key, db_path)
        except StoreError as error:
            return _fail(f"{error} The recovery key is above: write it down.")
        print(f"The recovery key was also saved to {terminal_safe(str(file))}.")
    return 0


def vault_on(db_path: Path, recovery_file: Path | None) -> int:
    """Encrypt the database (or make a new, empty vault where there is none yet)."""
    from srs_tui.store.database import check_file
    from srs_tui.store.vault_switch import clean_leftovers, drop_stale_key, turn_on

    clean_leftovers(db_path)
    if drop_stale_key(db_path):
        print("The last `vault on` was interrupted; the database is still plain. Starting again.")
    if vault.is_vault(db_path):
        return _fail(f"{db_path}: the vault is already on; nothing was changed.")
    try:
        if recovery_file is not None and recovery_file.exists():
            return _fail(f"{recovery_file}: already exists; choose another file.")
        missing = check_file(db_path)
        passphrase = _new_passphrase()
        if missing:
            recovery = vault.create_vault(db_path, passphrase)
            print(f"A new vault was made at {terminal_safe(str(db_path))}.")
            return _show_recovery(recovery, recovery_file, db_path)
        switched = turn_on(db_path, passphrase)
    except StoreError as error:
        return _fail(str(error))
    except PassphraseRefused as refused:
        print(refused.code, file=sys.stderr)
        return 1
    print("The vault is on: the database and its write-ahead log are encrypted.")
    if switched.sealed:
        print(f"{len(switched.sealed)} plain backup(s) in the data folder were encrypted too.")
    from srs_tui.store.erasure import REPORT_FOLDER

    folder = db_path.parent / REPORT_FOLDER
    reports = sorted(folder.glob("*.htm*")) if folder.is_dir() else []
    if reports:
        print(
            f"{len(reports)} report(s) in {terminal_safe(str(folder))} were written before the "
            "vault and are plain HTML: delete them when you no longer need them."
        )
    if switched.overwritten:
        print("The plaintext database was overwritten with zeros and removed.")
    print(UNREACHABLE)
    assert switched.recovery_key is not None
    return _show_recovery(switched.recovery_key, recovery_file, db_path)


def vault_off(db_path: Path) -> int:
    """Decrypt the vault back into a plain database."""
    from srs_tui.store.vault_switch import turn_off

    if not vault.is_vault(db_path):
        return _fail(f"{db_path}: the vault is not on; nothing was changed.")
    refused = unlock_for_command(db_path)
    if refused is not None:
        return refused
    try:
        turn_off(db_path)
    except StoreError as error:
        return _fail(str(error))
    print("The vault is off: the records are a plain SQLite file again, readable by anyone")
    print("who can read the file. Backups made while it was on stay encrypted: they open with")
    print("the passphrase or recovery key of the day they were made.")
    return 0


def vault_passphrase(db_path: Path) -> int:
    """Change the vault's passphrase; the recovery key stays."""
    if not vault.is_vault(db_path):
        return _fail(f"{db_path}: the vault is not on; `srs-tui vault on` makes one.")
    try:
        current = read_passphrase("Current vault passphrase (or recovery key): ")
        new = _new_passphrase()
        if not vault.change_passphrase(db_path, current, new):
            time.sleep(1)
            return _fail("wrong passphrase or recovery key; nothing was changed.")
    except StoreError as error:
        return _fail(str(error))
    except PassphraseRefused as refused:
        print(refused.code, file=sys.stderr)
        return 1
    print("The vault's passphrase was changed; the recovery key is the same.")
    print("Backups made before open with the passphrase of their day, or the recovery key.")
    return 0


def vault_status(db_path: Path) -> int:
    """Whether the vault is on, and what opens it; reads nothing of the records."""
    if not vault.is_vault(db_path):
        print(f"The vault is off: {terminal_safe(str(db_path))} is a plain SQLite file.")
        print("`srs-tui vault on` encrypts it.")
        return 0
    if vault.is_plain(db_path):
        # Never "encrypted" for a file anyone can read: the key file beside it opens nothing.
        return _fail(
            f"{db_path}: the database is not encrypted: turning the vault on was interrupted. "
            "Run `srs-tui vault on` again."
        )
    try:
        keys = vault.read_key_file(db_path)
    except StoreError as error:
        return _fail(str(error))
    print(f"The vault is on: {terminal_safe(str(db_path))} is encrypted (SQLCipher).")
    print(f"Key file: {terminal_safe(str(vault.key_file(db_path)))}")
    print(f"Passphrase key: scrypt, n={keys.n}, r={keys.r}, p={keys.p}.")
    remembered = vault.is_remembered(db_path)
    print("Remembered in this machine's keychain." if remembered else "Not remembered here.")
    return 0


def vault_remember(db_path: Path, *, forget: bool) -> int:
    """Keep the vault's key in the operating system's keychain, or remove it from there."""
    if forget:
        removed = vault.forget(db_path)
        print("Forgotten: the passphrase is asked again." if removed else "Nothing remembered.")
        return 0
    if not vault.is_vault(db_path):
        return _fail(f"{db_path}: the vault is not on; nothing to remember.")
    refused = unlock_for_command(db_path)
    if refused is not None:
        return refused
    try:
        vault.remember(db_path)
    except StoreError as error:
        return _fail(str(error))
    print("Remembered in this machine's keychain: your login to this computer now opens the")
    print("vault without the passphrase. Only worth it if that login is a strong one.")
    print("`srs-tui vault forget` undoes it.")
    return 0
