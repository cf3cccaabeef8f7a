"""The subcommands that work on the data without the app: export, backup, restore, check, erase.

Each returns an exit code and prints one clear line per problem on stderr; none imports Textual.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# Each command imports what it alone needs, in its own body: a command's fixed cost is the
# modules it runs (`check` loads no exporter, no backup, no Textual).
if TYPE_CHECKING:
    from srs_tui.config import Config
    from srs_tui.exchange.importer import ImportPlan
from srs_tui.store import Client, Store, StoreError
from srs_tui.store.database import check_file, is_database_file
from srs_tui.store.files import refuse_unless_regular, write_private, writing_private
from srs_tui.terminal_text import terminal_safe


def _fail(message: str) -> int:
    print(f"srs-tui: {terminal_safe(message)}", file=sys.stderr)
    return 1


def say(message: str) -> None:
    """One line for the user on standard output, control characters escaped."""
    print(terminal_safe(message))


def _chosen_clients(store: Store, alias: str | None) -> list[Client]:
    """Every client (alias None), or the one with that alias, found by its alias alone: one
    client's export or report never reads the others."""
    if alias is None:
        from srs_tui.store.stream import all_clients

        return all_clients(store)
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
    excel: bool = False,
    notes: bool = True,
) -> int:
    """Every record (or one client's) as CSV or a JSON bundle, to a file or standard output;
    excel: the CSV as a spreadsheet opens it (see write_csv); notes=False: with every session
    note left out."""
    from srs_tui.exchange.export import write_csv, write_json

    if excel and form != "csv":
        return _fail("--excel is a CSV for spreadsheets; leave out --format json.")
    try:
        if output is not None:
            from srs_tui.exchange.report import refuse_plain_target

            _writable_output(output, db_path, force=force)
            refuse_plain_target(output, db_path, "an export is plain text")
        with Store.open_read_only(db_path) as store:
            clients = _chosen_clients(store, alias)

            def write(out: TextIO) -> None:
                if form == "csv":
                    write_csv(store, clients, config.profiles, out, excel=excel, notes=notes)
                else:
                    write_json(store, clients, now, out, notes=notes)

            # Written as it is read: a million sessions never sit in memory whole.
            if output is None:
                _stream_stdout(write)
            else:
                with writing_private(output, force=force) as handle:
                    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                    try:
                        write(text)
                    finally:
                        text.detach()  # flushes; the handle is its owner's to sync and close
    except StoreError as error:
        return _fail(str(error))
    return 0


def _writable_output(output: Path, db_path: Path, *, force: bool) -> None:
    """Refuse, before any work, an output that would write over the database or over
    something that is not a plain file, or an existing file without --force."""
    if is_database_file(output, db_path):
        raise StoreError(f"{output}: that is the database itself; choose another file.")
    refuse_unless_regular(output)
    if output.exists() and not force:
        raise StoreError(f"{output}: already exists; choose another name or add --force.")


def write_stdout(text: str) -> None:
    """Text to standard output as UTF-8 bytes, so that no platform turns the CSV's CRLF line
    ends into CR CR LF, nor a console's code page (cp1252) refuses a character.

    A terminal gets control characters escaped, so a note can never move the cursor or set
    the window title; a file or a pipe gets the text exactly."""
    if sys.stdout.isatty():
        text = terminal_safe(text, keep="\n\r\t")
    sys.stdout.flush()
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise  # the reader stopped reading (`| head`): not an error of ours
    except OSError as error:
        raise StoreError(
            f"standard output could not be written ({error.strerror}); the export is incomplete."
        ) from None


def _stream_stdout(write: Callable[[TextIO], None]) -> None:
    """What write() writes, to standard output as it comes (a pipe or a file), as UTF-8 with
    the line ends untouched; a terminal gets it whole through write_stdout()."""
    if sys.stdout.isatty():
        whole = io.StringIO(newline="")
        write(whole)
        write_stdout(whole.getvalue())
        return
    sys.stdout.flush()
    text = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        write(text)
        text.flush()
    except BrokenPipeError:
        raise  # the reader stopped reading (`| head`): not an error of ours
    except OSError as error:
        raise StoreError(
            f"standard output could not be written ({error.strerror}); the export is incomplete."
        ) from None
    finally:
        # Standard output stays open for what comes after; what could not be written is lost.
        with contextlib.suppress(OSError, ValueError):
            text.detach()


def _checked_plan(
    store: Store,
    path: Path,
    now: datetime,
    *,
    dry_run: bool,
    quiet: bool = False,
    dates: str | None = None,
) -> ImportPlan | None:
    """The file's plan against store, after saying what it found (only its errors if quiet);
    None if it has errors. A dry run says what would be added, problems or not."""
    from srs_tui.exchange.importer import plan_file

    plan = plan_file(store, path, now, dates)
    for duplicate in [] if quiet else plan.duplicates:
        say(f"already stored, skipped: {duplicate}")
    if dry_run and not quiet:
        for line in plan.tally.lines(plan):
            say(line)
        below = " (below; the lines above count the rows without one)" if plan.errors else ""
        say(f"problems: {len(plan.errors)}{below}")
    elif plan.tally.ignored and not quiet:
        say(f"columns left out (not srs-tui's): {', '.join(map(repr, plan.tally.ignored))}")
    if plan.errors:
        for error in plan.errors:
            _fail(error)
        _fail("nothing was imported.")
        return None
    if dry_run:
        say(f"Would import: {plan.summary()}. Nothing was written (--dry-run).")
    return plan


def import_file(
    db_path: Path,
    path: Path,
    *,
    dry_run: bool,
    now: datetime,
    create_parents: bool = False,
    dates: str | None = None,
    not_seen_weeks: int = 0,
) -> int:
    """Check a whole CSV or JSON bundle, then write all of it, or nothing if anything is wrong.
    not_seen_weeks: the caseload's setting, to say which of the file's clients it will mark."""
    from srs_tui.exchange.importer import apply

    try:
        # Nothing is created (no folder, no database) for a dry run or a file with errors:
        # with no database yet, the file is planned against an empty one in memory first.
        if check_file(db_path):
            with Store.empty() as empty:
                plan = _checked_plan(
                    empty, path, now, dry_run=dry_run, quiet=not dry_run, dates=dates
                )
            if plan is None or dry_run:
                return 1 if plan is None else 0
        with Store.open(db_path, create_parents=create_parents) as store:
            plan = _checked_plan(store, path, now, dry_run=dry_run, dates=dates)
            if plan is None or dry_run:
                return 1 if plan is None else 0
            apply(store, plan)
            gone = _not_seen_in(store, plan, now, not_seen_weeks)
    except StoreError as error:
        return _fail(str(error))
    say(f"Imported: {plan.summary(done=True)}.")
    if gone:
        say(
            f"{gone} of the file's clients {'is' if gone == 1 else 'are'} still in care but not "
            f"seen for {not_seen_weeks}+ weeks: a file cannot say whose therapy ended. End an "
            "episode with E on the client's history (it ends at the last session), or archive "
            "a client with x on the caseload."
        )
    return 0


def _not_seen_in(store: Store, plan: ImportPlan, now: datetime, weeks: int) -> int:
    """How many of the plan's clients the caseload will mark as not seen lately: last year's
    records come in as episodes still open, and the therapist should hear it here first."""
    if weeks <= 0:
        return 0
    from srs_tui.not_seen import not_seen

    # By alias: a CSV's new clients get their ids when the file is read the second time.
    aliases = {c.alias.casefold() for c in plan.clients}
    aliases |= {alias.casefold() for alias in plan.tally.known.values()}
    summaries = [s for s in store.clients() if s.client.alias.casefold() in aliases]
    return len(not_seen(summaries, now, weeks))


def report(
    db_path: Path,
    config: Config,
    *,
    alias: str,
    output: Path,
    force: bool,
    now: datetime,
    notes: bool = True,
    open_after: bool = False,
) -> int:
    """One client's self-contained HTML report; from a vault, with a word that it is not
    encrypted (and never into the vault's own folders). notes=False: without the session
    notes; open_after: then opened in the default browser."""
    from srs_tui.exchange.report import (
        PLAIN_FILE_WARNING,
        refuse_report_target,
        report_html,
        report_records,
    )
    from srs_tui.store.engine import is_vault

    try:
        _writable_output(output, db_path, force=force)
        refuse_report_target(output, db_path)
        with Store.open_read_only(db_path) as store:
            (client,) = _chosen_clients(store, alias)
            records = report_records(store, client.id)
            html = report_html(client, records, config.profiles, now, notes=notes)
        write_private(output, html.encode("utf-8"), force=force)
    except StoreError as error:
        return _fail(str(error))
    if is_vault(db_path):
        print(f"srs-tui: {PLAIN_FILE_WARNING}", file=sys.stderr)
    say(f"Report written to {output}")
    if open_after:
        from srs_tui.exchange.report import open_in_browser

        if not open_in_browser(output):
            say(f"No web browser could open it: open {os.path.abspath(output)} yourself.")
    return 0


def set_lock_passphrase(*, clear: bool) -> int:
    """Set (typed twice) or remove the passphrase that lifts the idle lock."""
    from srs_tui.passphrase import (
        PassphraseError,
        clear_passphrase,
        default_passphrase_path,
        read_passphrase,
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
    db_path: Path,
    target: Path | None,
    data_dir: Path,
    now: datetime,
    *,
    encrypt: bool = False,
    force: bool = False,
) -> int:
    """A consistent copy of the database, by default into the backups folder."""
    from srs_tui.exchange.backup import backup, default_backup_path, encrypted_backup

    destination = target if target is not None else default_backup_path(data_dir, now)
    if encrypt and target is None:
        destination = destination.with_name(destination.name + ".enc")
    try:
        if check_file(db_path):
            return _fail(f"no records yet: there is no database at {db_path}.")
        if encrypt:
            from srs_tui.passphrase import read_passphrase

            secret = read_passphrase("Passphrase for the backup: ", twice=True)
            encrypted_backup(db_path, destination, secret, force=force)
        else:
            backup(db_path, destination, force=force)
    except StoreError as error:
        return _fail(str(error))
    say(f"Backed up to {destination}")
    return 0


def restore_backup(
    backup_path: Path, db_path: Path, now: datetime, *, create_parents: bool = False
) -> int:
    """Check the backup, then put its records in place, keeping the old ones aside."""
    from srs_tui.exchange.restore import restore
    from srs_tui.passphrase import read_passphrase

    try:
        restored = restore(
            backup_path,
            db_path,
            now,
            lambda: read_passphrase("Passphrase of the backup: "),
            create_parents=create_parents,
        )
    except StoreError as error:
        return _fail(str(error))
    if restored.aside is not None:
        say(f"Restored. The records as they were are kept in {restored.aside}")
    elif restored.damaged:
        say("Restored. The database was damaged, so it could not be kept aside.")
    else:
        say("Restored.")
    return 0


def check_files(config_path: Path | None) -> int:
    """Report on the settings file and the licensed wording file: every problem in each, with
    the file and the key; exit 1 if either cannot be used as it is."""
    from srs_tui.config import check_config
    from srs_tui.wording import check_wording

    settings = check_config(config_path)
    say(
        f"settings: {settings.path}"
        if settings.found
        else f"settings: none ({settings.path} does not exist): the defaults"
    )
    wording_path, wording_found, wording_problems = check_wording()
    say(f"wording: {wording_path}" if wording_found else "wording: none: our own words")
    for problem in (*settings.problems, *wording_problems):
        _fail(problem)
    return 1 if settings.problems or wording_problems else 0


def check(db_path: Path, *, full: bool = False) -> int:
    """Report the database's health (full: with SQLite's whole integrity_check, not its
    quick_check); exit 1 if anything needs doing."""
    from srs_tui.store.health import health

    found = health(db_path, full=full)
    for fact in found.facts:
        say(fact)
    for problem in found.problems:
        _fail(problem)
    return 1 if found.problems else 0


def _ask(question: str) -> bool:
    """A y/N question on standard input; anything but yes (an empty line, no input) is no."""
    print(f"{question} [y/N] ", end="", flush=True)
    return sys.stdin.readline().strip().casefold() in ("y", "yes")


def erase(db_path: Path, alias: str, *, yes: bool, purge_copies: bool, now: datetime) -> int:
    """Erase every record of one client, after the alias is typed again (or --yes); then say
    what still holds them and offer to erase them from the backups and delete their reports
    (without asking with --purge-copies; --yes alone never touches a backup or a report)."""
    try:
        with Store.open(db_path, create=False) as store:
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
            emptied = store.erase_client(client.id, now=now)
    except StoreError as error:
        return _fail(str(error))
    print("Erased. The audit keeps only the date of the erasure.")
    if emptied:
        print("The write-ahead log was folded into the database and truncated.")
    else:
        print(
            "The write-ahead log could not be emptied now: another srs-tui window is reading "
            "the database. It still holds the client's records until the last window closes."
        )
    return _erase_remains(db_path, client, yes=yes, purge_copies=purge_copies, now=now)


def _erase_remains(
    db_path: Path, client: Client, *, yes: bool, purge_copies: bool, now: datetime
) -> int:
    """Say which backups and reports still hold the erased client; remove them if agreed."""
    from srs_tui.store.erasure import describe, find_remains, remove_remains
    from srs_tui.store.records import timestamp

    try:
        remains = find_remains(db_path, client.id, client.alias)
    except OSError as error:
        return _fail(f"the backups and reports could not be searched ({error.strerror}).")
    for line in describe(remains):
        say(line)
    if not remains.removable:
        return 0
    if yes and not purge_copies:
        # --yes answers the alias question only: rewriting backups needs its own consent.
        say(
            "Left as they are (--yes asks nothing): delete them yourself, or next time erase "
            "with --yes --purge-copies to remove them in the same step."
        )
        return 0
    if not purge_copies:
        offer = []
        if remains.holding:
            offer.append(
                f"Erase this client from the {len(remains.holding)} plain backup(s) above "
                "(the other clients' records stay in them)"
            )
        if remains.reports:
            offer.append(f"delete the {len(remains.reports)} report(s) about them")
        question = ", and ".join(offer) + "?"
        if not _ask(question[0].upper() + question[1:]):
            print("The backups and reports were left as they are.")
            return 0
    done = remove_remains(remains, client.id, timestamp(now))
    for path in done.erased_from:
        say(f"erased from {path}")
    for path in done.deleted:
        say(f"deleted {path}")
    for failure in done.failures:
        _fail(failure)
    return 1 if done.failures else 0
