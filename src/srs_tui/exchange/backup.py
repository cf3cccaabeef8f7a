"""Backups: a copy of the database to a file the user names, an encrypted one made in memory
(no plaintext copy ever lands where it goes, a USB stick or a cloud folder, not even for a
moment), and the daily backup in the data folder.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from srs_tui.store.copies import keep_copy, open_source, refuse_database_target, snapshot
from srs_tui.store.database import make_private_folder
from srs_tui.store.errors import StoreError
from srs_tui.store.files import write_private
from srs_tui.store.paths import BACKUP_FOLDER, DAILY_PREFIX


def default_backup_path(data_dir: Path, now: datetime) -> Path:
    """backups/srs-tui-2026-12-01-140500.db in the data folder."""
    return data_dir / BACKUP_FOLDER / f"srs-tui-{now.strftime('%Y-%m-%d-%H%M%S')}.db"


def backup(db_path: Path, target: Path, *, force: bool = False) -> Path:
    """Copy the database at db_path to target while the app may be running; sealed with the
    vault's keys when the vault is on."""
    refuse_database_target(target, db_path)
    source = open_source(db_path)
    try:
        keep_copy(db_path, source, target, force=force)
    finally:
        source.close()
    return target


def encrypted_backup(db_path: Path, target: Path, passphrase: str, *, force: bool = False) -> Path:
    """An encrypted backup: a checked image made in memory, sealed, written whole as 0600.

    Only ciphertext ever reaches the target's folder."""
    from srs_tui.exchange.crypto import encrypt

    refuse_database_target(target, db_path)
    if target.exists() and not force:
        raise StoreError(f"{target}: already exists; choose another name or add --force.")
    sealed = encrypt(snapshot(db_path), passphrase)
    make_private_folder(target.parent)
    write_private(target, sealed, force=force)
    return target


def daily_backup(db_path: Path, folder: Path, today: datetime, keep: int) -> Path | None:
    """Today's automatic backup if there is none yet; only the newest `keep` are kept."""
    if keep <= 0:
        return None
    target = folder / f"{DAILY_PREFIX}{today.strftime('%Y-%m-%d')}.db"
    made = None
    if not target.exists():
        made = backup(db_path, target)
    dailies = sorted(folder.glob(f"{DAILY_PREFIX}????-??-??.db"))
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)
    return made
