"""The subcommands that work on the data without the app: export, backup, restore, check, erase.

Each returns an exit code and prints one clear line per problem on stderr; none imports Textual.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from srs_tui.config import Config
from srs_tui.passphrase import read_passphrase
from srs_tui.store import Client, Store, StoreError
from srs_tui.store.backup import backup, default_backup_path, health, restore
from srs_tui.store.export import export_csv, export_json
from srs_tui.store.files import write_private


def _fail(message: str) -> int:
    print(f"srs-tui: {message}", file=sys.stderr)
    return 1


def _chosen_clients(store: Store, alias: str | None) -> list[Client]:
    everyone = [summary.client for summary in store.clients(include_archived=True)]
    if alias is None:
        return everyone
    client = store.find_client(alias)
    if client is None:
        raise StoreError("No client with that alias.")
    return [client]


def export(
    db_path: Path,
    config: Config,
    *,
    form: str,
    alias: str | None,
    output: Path | None,
    force: bool,
    now: datetime,
) -> int:
    """Every record (or one client's) as CSV or a JSON bundle, to a file or standard output."""
    if output is not None and output.exists() and not force:
        return _fail(f"{output}: already exists; choose another name or add --force.")
    try:
        with Store.open(db_path) as store:
            clients = _chosen_clients(store, alias)
            if form == "csv":
                text = export_csv(store, clients, config.thresholds)
            else:
                text = export_json(store, clients, now)
        if output is None:
            # Bytes, so that no platform turns the CSV's CRLF line ends into CR CR LF.
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            write_private(output, text.encode("utf-8"), force=force)
    except StoreError as error:
        return _fail(str(error))
    return 0


def import_file(db_path: Path, path: Path, *, dry_run: bool, now: datetime) -> int:
    """Check a whole CSV or JSON bundle, then write all of it, or nothing if anything is wrong."""
    from srs_tui.store.importer import apply, plan_file

    try:
        with Store.open(db_path) as store:
            plan = plan_file(store, path, now)
            for duplicate in plan.duplicates:
                print(f"already there, skipped: {duplicate}")
            if plan.errors:
                for error in plan.errors:
                    print(f"srs-tui: {error}", file=sys.stderr)
                return _fail("nothing was imported.")
            if dry_run:
                print(f"Would import: {plan.summary()}. Nothing was written (--dry-run).")
                return 0
            apply(store, plan)
    except StoreError as error:
        return _fail(str(error))
    print(f"Imported: {plan.summary(done=True)}.")
    return 0


def report(
    db_path: Path, config: Config, *, alias: str, output: Path, force: bool, now: datetime
) -> int:
    """One client's self-contained HTML report."""
    from srs_tui.store.report import report_html

    try:
        with Store.open(db_path) as store:
            (client,) = _chosen_clients(store, alias)
            html = report_html(client, store.history(client.id), config.thresholds, now)
        write_private(output, html.encode("utf-8"), force=force)
    except StoreError as error:
        return _fail(str(error))
    print(f"Report written to {output}")
    return 0


def set_lock_passphrase(*, clear: bool) -> int:
    """Set (typed twice) or remove the passphrase that lifts the idle lock."""
    from srs_tui.passphrase import (
        PassphraseError,
        clear_passphrase,
        default_passphrase_path,
        set_passphrase,
    )

    path = default_passphrase_path()
    if clear:
        removed = clear_passphrase(path)
        print("Passphrase removed." if removed else "No passphrase was set.")
        return 0
    try:
        set_passphrase(path, read_passphrase("New passphrase: ", twice=True))
    except StoreError as error:
        return _fail(str(error))
    except (PassphraseError, OSError) as error:
        return _fail(f"{error} Nothing was changed.")
    print("Passphrase set: the idle lock now asks for it.")
    return 0


def make_backup(
    db_path: Path, target: Path | None, data_dir: Path, now: datetime, *, encrypt: bool = False
) -> int:
    """A consistent copy of the database, by default into the backups folder."""
    from srs_tui.store.backup import encrypted_backup

    destination = target if target is not None else default_backup_path(data_dir, now)
    if encrypt and target is None:
        destination = destination.with_name(destination.name + ".enc")
    try:
        if encrypt:
            secret = read_passphrase("Passphrase for the backup: ", twice=True)
            encrypted_backup(db_path, destination, secret)
        else:
            backup(db_path, destination)
    except StoreError as error:
        return _fail(str(error))
    print(f"Backed up to {destination}")
    return 0


def restore_backup(backup_path: Path, db_path: Path, now: datetime) -> int:
    """Check the backup, then put it in place of the database, keeping the old one aside."""
    try:
        aside = restore(
            backup_path, db_path, now, lambda: read_passphrase("Passphrase of the backup: ")
        )
        with Store.open(db_path):
            pass  # migrates an older backup to this version's schema
    except StoreError as error:
        return _fail(str(error))
    if aside is not None:
        print(f"Restored. The database as it was is kept in {aside}")
    else:
        print("Restored.")
    return 0


def check(db_path: Path) -> int:
    """Report the database's health; exit 1 if anything needs doing."""
    found = health(db_path)
    for fact in found.facts:
        print(fact)
    for problem in found.problems:
        print(f"srs-tui: {problem}", file=sys.stderr)
    return 1 if found.problems else 0


def erase(db_path: Path, alias: str, *, yes: bool, now: datetime) -> int:
    """Erase every record of one client, after the alias is typed again (or --yes)."""
    try:
        with Store.open(db_path) as store:
            client = store.find_client(alias)
            if client is None:
                return _fail("No client with that alias; nothing was erased.")
            if not yes:
                print(
                    "This erases every record of this client for good. "
                    "Type the alias again to confirm: ",
                    end="",
                    flush=True,
                )
                typed = sys.stdin.readline().strip()
                if " ".join(typed.split()).casefold() != client.alias.casefold():
                    return _fail("the alias typed does not match; nothing was erased.")
            store.erase_client(client.id, now=now)
    except StoreError as error:
        return _fail(str(error))
    print("Erased. The audit keeps only the date of the erasure.")
    return 0
