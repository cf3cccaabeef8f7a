"""The vault's core: made, locked, unlocked by the passphrase or the recovery key, its passphrase
changed, turned on and off with every record kept, its backups sealed and restored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import NOW, run_cli
from srs_tui.exchange.backup import backup, daily_backup
from srs_tui.exchange.restore import restore
from srs_tui.measures import Scores
from srs_tui.store import Store, StoreError, vault
from srs_tui.store.engine import forget_keys, key_file
from srs_tui.store.errors import VaultLocked
from srs_tui.store.vault_switch import same_records, turn_off, turn_on

PASSPHRASE = "correct horse battery"
ALIAS = "Zebrafinch-17"
NOTE = "talked about the move to Valparaíso"


def fill(db: Path, alias: str = ALIAS) -> None:
    with Store.open(db) as store:
        client = store.get_or_add_client(alias, now=NOW)
        store.record(
            client.id,
            Scores.srs(90, 80, 70, 60),
            administered_at=NOW,
            mode="oral",
            setting="telehealth",
            note=NOTE,
            now=NOW,
        )


def aliases(db: Path) -> list[str]:
    with Store.open(db) as store:
        return sorted(summary.client.alias for summary in store.clients())


def holds_in_clear(folder: Path, *words: str) -> list[str]:
    """Files under folder whose bytes hold any of words (UTF-8 or UTF-16)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            for word in words:
                if any(form in data for form in (word.encode(), word.encode("utf-16-le"))):
                    found.append(f"{path.name}: {word}")
    return found


def test_a_new_vault_opens_only_with_its_passphrase_or_recovery_key(tmp_path: Path) -> None:
    db = tmp_path / "srs-tui.db"
    recovery = vault.create_vault(db, PASSPHRASE)
    fill(db)
    assert holds_in_clear(tmp_path, ALIAS, "Valpara") == []
    forget_keys()
    with pytest.raises(VaultLocked):
        Store.open(db)
    assert not vault.unlock(db, "not the passphrase")
    assert not vault.unlock(db, "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567")
    with pytest.raises(VaultLocked):
        Store.open_read_only(db)
    assert vault.unlock(db, recovery.lower().replace("-", " "))
    assert aliases(db) == [ALIAS]
    forget_keys()
    assert vault.unlock(db, PASSPHRASE)
    assert aliases(db) == [ALIAS]
    # Plain SQLite cannot read it at all.
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT count(*) FROM sqlite_schema").fetchone()


def test_a_new_passphrase_wraps_the_same_key_and_the_recovery_key_stays(tmp_path: Path) -> None:
    db = tmp_path / "srs-tui.db"
    recovery = vault.create_vault(db, PASSPHRASE)
    fill(db)
    assert not vault.change_passphrase(db, "wrong guess!", "another one here")
    assert vault.change_passphrase(db, recovery, "another one here")
    forget_keys()
    assert not vault.unlock(db, PASSPHRASE)
    assert vault.check_secret(db, "another one here")
    assert vault.unlock(db, recovery)
    assert aliases(db) == [ALIAS]


def test_turning_the_vault_on_and_off_keeps_every_record_and_seals_the_backups(
    tmp_path: Path,
) -> None:
    db = tmp_path / "srs-tui.db"
    fill(db)
    fill(db, "Yak-2")
    backup(db, tmp_path / "backups" / "by-hand.db")
    before = sqlite3.connect(db)
    plain_copy = tmp_path / "plain-before.db"
    before.backup(sqlite3.connect(plain_copy))
    before.close()
    switched = turn_on(db, PASSPHRASE)
    assert switched.overwritten
    assert [path.name for path in switched.sealed] == ["by-hand.db"]
    plain_copy.rename(tmp_path.parent / f"{tmp_path.name}-plain-before.db")
    assert holds_in_clear(tmp_path, ALIAS, "Yak-2", "Valpara") == []
    assert aliases(db) == ["Yak-2", ALIAS]
    # The sealed backup still restores, in a process that has only the passphrase.
    forget_keys()
    assert vault.unlock(db, PASSPHRASE)
    forget_keys()
    with pytest.raises(StoreError):
        restore(tmp_path / "backups" / "by-hand.db", tmp_path / "other.db", NOW, lambda: "nope")
    restore(tmp_path / "backups" / "by-hand.db", tmp_path / "other.db", NOW, lambda: PASSPHRASE)
    assert aliases(tmp_path / "other.db") == ["Yak-2", ALIAS]
    assert vault.unlock(db, PASSPHRASE)
    turn_off(db)
    assert not key_file(db).exists()
    old = sqlite3.connect(tmp_path.parent / f"{tmp_path.name}-plain-before.db")
    now = sqlite3.connect(db)
    assert same_records(old, now)
    old.close()
    now.close()


def test_the_vault_goes_on_only_with_no_other_window_on_the_file(tmp_path: Path) -> None:
    db = tmp_path / "srs-tui.db"
    fill(db)
    with Store.open(db), pytest.raises(StoreError, match="another srs-tui window"):
        turn_on(db, PASSPHRASE)
    assert not key_file(db).exists()
    assert holds_in_clear(tmp_path, ALIAS)  # still the plain file, untouched


def test_the_daily_backup_of_a_vault_is_sealed_and_erase_reaches_into_it(tmp_path: Path) -> None:
    db = tmp_path / "srs-tui.db"
    vault.create_vault(db, PASSPHRASE)
    fill(db)
    fill(db, "Yak-2")
    made = daily_backup(db, tmp_path / "backups", NOW, 7)
    assert made is not None
    assert made.read_bytes().startswith(b"SRSTENC2")
    env = {"SRS_TUI_PASSPHRASE": PASSPHRASE}
    erased = run_cli(
        "--db", str(db), "erase", ALIAS, "--yes", "--purge-copies", home=tmp_path, env=env
    )
    assert erased.returncode == 0, erased.stderr
    assert f"erased from {made}" in erased.stdout
    forget_keys()
    restore(made, tmp_path / "again.db", NOW, lambda: PASSPHRASE)
    assert aliases(tmp_path / "again.db") == ["Yak-2"]


def test_the_commands_turn_it_on_say_so_and_refuse_a_wrong_passphrase(tmp_path: Path) -> None:
    db = tmp_path / "srs-tui.db"
    fill(db)
    env = {"SRS_TUI_PASSPHRASE": PASSPHRASE, "SRS_TUI_NEW_PASSPHRASE": PASSPHRASE}
    turned = run_cli("--db", str(db), "vault", "on", home=tmp_path, env=env)
    assert turned.returncode == 0, turned.stderr
    key = next(line.strip() for line in turned.stdout.splitlines() if line.startswith("    "))
    assert vault.parse_recovery(key) is not None
    status = run_cli("--db", str(db), "vault", "status", home=tmp_path)
    assert "The vault is on" in status.stdout
    assert "n=131072" in status.stdout
    wrong = run_cli(
        "--db", str(db), "export", home=tmp_path, env={"SRS_TUI_PASSPHRASE": "guess1234"}
    )
    assert wrong.returncode == 1
    assert ALIAS not in wrong.stdout + wrong.stderr
    assert "wrong passphrase" in wrong.stderr
    by_key = run_cli("--db", str(db), "export", home=tmp_path, env={"SRS_TUI_PASSPHRASE": key})
    assert by_key.returncode == 0
    assert ALIAS in by_key.stdout
    off = run_cli("--db", str(db), "vault", "off", home=tmp_path, env=env)
    assert off.returncode == 0, off.stderr
    assert aliases(db) == [ALIAS]
