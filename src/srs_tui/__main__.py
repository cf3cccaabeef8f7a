"""The command line: parse the arguments, then run the app."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn, TypeAlias

from srs_tui import __version__

PROG = "srs-tui"


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message} (see {PROG} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = _Parser(
        prog=PROG,
        description="Administer the Session Rating Scale, keep the scores in a local SQLite "
        "file, and see each client's alliance.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="the database file to use (created if missing); default: in the user data folder",
    )
    where.add_argument(
        "--demo",
        action="store_true",
        help="try the app on fictional sample data, in a throwaway database",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="the settings file to use; default: config.toml in the user config folder",
    )
    parser.add_argument(
        "--client",
        metavar="ALIAS",
        help="rate this client straight away: the ORS, or the SRS after today's ORS; the alias "
        "in any case (with no client of that alias, the app asks first: the closest aliases, or "
        "adding it)",
    )
    parser.add_argument(
        "--new",
        action="store_true",
        help="with --client: add the client, without asking, if no client has the alias",
    )
    parser.add_argument(
        "--share",
        action="store_true",
        help="start in share mode, for a shared screen: only --client's own screens",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_secret_commands(commands)
    _add_file_commands(commands)
    _add_care_commands(commands)
    return parser


Commands: TypeAlias = "argparse._SubParsersAction[_Parser]"


def _add_secret_commands(commands: Commands) -> None:
    """The passphrase and the vault."""
    secret = commands.add_parser(
        "passphrase",
        help="set the passphrase that lifts the idle lock (or --clear it)",
        description="Set the passphrase that lifts the idle lock (at least 8 characters). It is "
        "stored only as a salted scrypt hash in the user config folder. Typed twice on the "
        "terminal, or taken from SRS_TUI_PASSPHRASE; never read from a pipe, where it could "
        "show (under Git Bash on Windows, run it as: winpty srs-tui passphrase).",
    )
    secret.add_argument("--clear", action="store_true", help="remove the passphrase")

    safe = commands.add_parser(
        "vault",
        help="encrypt the records at rest (on), decrypt them (off), change the passphrase",
        description="The vault encrypts the database, its write-ahead log and every backup "
        "(SQLCipher). It opens with a passphrase, or with the recovery key shown once when it is "
        "made. Lose both and the records are gone.",
    )
    steps = safe.add_subparsers(dest="vault_command", metavar="ACTION", required=True)
    turn_on = steps.add_parser("on", help="encrypt the database (a new vault if there is none)")
    turn_on.add_argument(
        "--recovery-file",
        type=Path,
        metavar="FILE",
        help="also save the recovery key to FILE (keep it away from this computer)",
    )
    steps.add_parser("off", help="decrypt the vault back into a plain database")
    steps.add_parser("passphrase", help="change the passphrase (the recovery key stays)")
    steps.add_parser("status", help="whether the vault is on, and what opens it")
    steps.add_parser("remember", help="keep the key in this machine's keychain (off by default)")
    steps.add_parser("forget", help="remove the key from this machine's keychain")


def _add_file_commands(commands: Commands) -> None:
    """The records out and in: export, report, import, backup, restore."""
    out = commands.add_parser("export", help="every record as CSV or a JSON bundle")
    out.add_argument("--format", choices=("csv", "json"), default="csv", dest="form")
    out.add_argument("--client", dest="export_client", metavar="ALIAS", help="one client only")
    out.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: standard output")
    out.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    out.add_argument(
        "--excel",
        action="store_true",
        help="CSV for spreadsheets: a byte order mark, dates a spreadsheet reads as dates",
    )
    out.add_argument(
        "--no-notes", dest="notes", action="store_false", help="leave every session note out"
    )

    sheet = commands.add_parser("report", help="one client's report, a self-contained HTML file")
    sheet.add_argument("--client", dest="report_client", metavar="ALIAS", required=True)
    sheet.add_argument("-o", "--output", type=Path, metavar="FILE.html", required=True)
    sheet.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    sheet.add_argument(
        "--no-notes", dest="notes", action="store_false", help="leave the session notes out"
    )
    sheet.add_argument(
        "--open",
        dest="open_after",
        action="store_true",
        help="then open it in the default web browser",
    )

    bring = commands.add_parser("import", help="records from a CSV or a JSON bundle")
    bring.add_argument("file", type=Path, metavar="FILE")
    bring.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    bring.add_argument(
        "--dates",
        choices=("dmy", "mdy", "ymd"),
        help="the order of a CSV's dates: dmy 14/01/2026, mdy 1/14/2026, ymd 2026/01/14",
    )

    copy = commands.add_parser("backup", help="a consistent copy, while the app may run")
    copy.add_argument("--to", type=Path, metavar="FILE", help="default: the backups folder")
    copy.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    copy.add_argument(
        "--encrypt",
        action="store_true",
        help="AES-GCM with a key from a passphrase (asked, or SRS_TUI_PASSPHRASE)",
    )

    back = commands.add_parser("restore", help="check a backup, then put it in place")
    back.add_argument("file", type=Path, metavar="FILE")


def _add_care_commands(commands: Commands) -> None:
    """Looking after the files: check, config, erase."""
    inspect = commands.add_parser(
        "check",
        help="the settings and wording files; the database's paths, schema, integrity, "
        "permissions, size",
        description="The settings and wording files, then the database: its paths, schema, "
        "integrity (SQLite's quick_check: every page read), every record, permissions and "
        "size. --full runs SQLite's whole integrity_check instead, which also matches each "
        "index to its table: slower on a large file.",
    )
    inspect.add_argument(
        "--full",
        action="store_true",
        help="SQLite's whole integrity_check (also each index against its table), not the "
        "quick_check",
    )
    settings = commands.add_parser(
        "config",
        help="where the settings file is; --example: every setting, commented",
        description="Without options: the settings file srs-tui reads, and whether it exists. "
        "With --example: a settings file with every setting, its default and its meaning, to "
        "save as that file (srs-tui config --example > FILE) and edit.",
    )
    settings.add_argument(
        "--example", action="store_true", help="print a commented settings file with the defaults"
    )
    for command in (inspect, settings):
        # Also after the command's name (srs-tui check --config FILE); SUPPRESS keeps the
        # one given before it when none is given here.
        command.add_argument(
            "--config",
            type=Path,
            metavar="PATH",
            default=argparse.SUPPRESS,
            help="the settings file",
        )

    wipe = commands.add_parser("erase", help="erase every record of one client, on request")
    wipe.add_argument("alias", metavar="ALIAS")
    wipe.add_argument(
        "--yes",
        action="store_true",
        help="do not ask to type the alias again; backups and reports are then only listed",
    )
    wipe.add_argument(
        "--purge-copies",
        action="store_true",
        help="also erase the client from the plain backups and delete their reports, unasked",
    )


def _not_seen_weeks(config_path: Path | None) -> int:
    """The caseload's not-seen setting, for the import's word on it; a settings file with a
    problem does not stop an import (check names it), so the default serves then."""
    from srs_tui.config import Config, ConfigError, load_config

    try:
        return load_config(config_path).not_seen_weeks
    except ConfigError:
        return Config().not_seen_weeks


def _data_command(args: argparse.Namespace) -> int:
    from srs_tui import commands
    from srs_tui.context import local_now
    from srs_tui.store import default_data_dir, default_db_path
    from srs_tui.store.engine import is_vault

    db_path = args.db if args.db is not None else default_db_path()
    if args.command == "vault":
        return _vault_command(args, db_path)
    if is_vault(db_path):  # a plain database loads none of the vault's code
        from srs_tui.vault_commands import unlock_for_command

        refused = unlock_for_command(db_path)
        if refused is not None:
            return refused  # in one line, and nothing else: not even about the settings
    files = commands.check_files(args.config) if args.command == "check" else 0
    now = local_now()
    if args.command in ("export", "report"):
        from srs_tui.config import ConfigError, load_config

        try:
            config = load_config(args.config)
        except ConfigError as error:
            return _fail(str(error))
        if args.command == "report":
            return commands.report(
                db_path,
                config,
                alias=args.report_client,
                output=args.output,
                force=args.force,
                now=now,
                notes=args.notes,
                open_after=args.open_after,
            )
        return commands.export(
            db_path,
            config,
            form=args.form,
            alias=args.export_client,
            output=args.output,
            force=args.force,
            now=now,
            excel=args.excel,
            notes=args.notes,
        )
    data_dir = db_path.parent if args.db is not None else default_data_dir()
    # Like the app: the default data folder is made (0700) when a command first writes to it;
    # a folder named with --db must exist.
    fresh = args.db is None
    run: dict[str, Callable[[], int]] = {
        "backup": lambda: commands.make_backup(
            db_path, args.to, data_dir, now, encrypt=args.encrypt, force=args.force
        ),
        "import": lambda: commands.import_file(
            db_path,
            args.file,
            dry_run=args.dry_run,
            now=now,
            create_parents=fresh,
            dates=args.dates,
            not_seen_weeks=_not_seen_weeks(args.config),
        ),
        "restore": lambda: commands.restore_backup(args.file, db_path, now, create_parents=fresh),
        "check": lambda: max(commands.check(db_path, full=args.full), files),
        "erase": lambda: commands.erase(
            db_path, args.alias, yes=args.yes, purge_copies=args.purge_copies, now=now
        ),
    }
    return run[args.command]()


def _any_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "config":
        return _config_command(args.config, example=args.example)
    if args.command == "passphrase":
        from srs_tui.commands import set_lock_passphrase

        return set_lock_passphrase(clear=args.clear)
    if args.demo:
        parser.error(f"{args.command} works on your data, not on --demo")
    return _run_command(args)


def _config_command(config_path: Path | None, *, example: bool) -> int:
    from srs_tui.config import EXAMPLE, default_config_path
    from srs_tui.terminal_text import terminal_safe

    if example:
        print(EXAMPLE, end="")
        return 0
    path = config_path if config_path is not None else default_config_path()
    state = "" if os.path.lexists(path) else " (does not exist: the defaults are used)"
    print(terminal_safe(f"settings file: {path}{state}"))
    return 0


def _vault_command(args: argparse.Namespace, db_path: Path) -> int:
    from srs_tui import vault_commands as vault

    if args.vault_command == "on":
        return vault.vault_on(db_path, args.recovery_file)
    if args.vault_command == "off":
        return vault.vault_off(db_path)
    if args.vault_command == "passphrase":
        return vault.vault_passphrase(db_path)
    if args.vault_command == "status":
        return vault.vault_status(db_path)
    return vault.vault_remember(db_path, forget=args.vault_command == "forget")


def _fail(message: str) -> int:
    from srs_tui.terminal_text import terminal_safe

    print(f"{PROG}: {terminal_safe(message)}", file=sys.stderr)
    return 1


def _run_command(args: argparse.Namespace) -> int:
    """A data command, with the promise kept that no traceback ever reaches the user."""
    try:
        return _data_command(args)
    except KeyboardInterrupt:
        _fail("interrupted; nothing more was done.")
        return 130
    except BrokenPipeError:
        # The reader went away (`srs-tui export | head`): quietly, and without Python's
        # own complaint when it flushes standard output at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except MemoryError:
        return _fail("out of memory; nothing was changed.")
    except Exception as error:  # the last net: one line, never a traceback
        if os.environ.get("SRS_TUI_DEBUG"):
            raise
        return _fail(
            f"stopped on an internal error ({type(error).__name__}); set SRS_TUI_DEBUG=1 to "
            "see the details."
        )


# Clear the screen and the scrollback, cursor home: what the terminal showed before the app
# (an export naming another client, a path) must not reappear on a window still shared.
BLANK = "\x1b[H\x1b[2J\x1b[3J"


def _blank_terminal() -> None:
    """Leave the terminal blank, where it is one."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream.isatty():
                stream.write(BLANK)
                stream.flush()
                return
        except (OSError, ValueError):
            continue


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _first_start(
    db_path: Path, theme: str, *, settings: Path | None, offer: bool
) -> tuple[int | None, str | None]:
    """The first start's question (the usual setting, written to settings) and the vault's
    offer, each if due: (None to go on, else the exit code; the setting chosen, if asked). A
    vault made here is left open in this process."""
    if settings is None and not offer:
        return None, None
    from srs_tui.unlock import first_start  # a Textual app of its own: only when it shows

    gc.enable()  # it waits on the user: collected as usual
    shown = first_start(db_path, theme, settings=settings, offer=offer)
    if shown.crash is not None:
        return _fail(f"stopped on an internal error ({type(shown.crash).__name__})."), None
    if not shown.return_value:
        return 0, None  # a choice not to start, at the first start: nothing made
    return None, shown.setting


def _open_vault(db_path: Path, theme: str) -> int | None:
    """Before anything of the records is read: the vault's passphrase. None to go on to the
    app; else the exit code."""
    from srs_tui.store.engine import is_vault

    if not is_vault(db_path):
        return None  # a plain database: nothing of the vault's code is loaded
    from srs_tui.passphrase import ENVIRONMENT
    from srs_tui.store import vault

    if vault.is_unlocked(db_path):
        return None
    if ENVIRONMENT in os.environ or not _terminal():
        from srs_tui.vault_commands import unlock_for_command

        # One try from the environment (a wrong one: one line, exit code 1); without a
        # terminal to ask on, a refusal in one line, as every command gives.
        return unlock_for_command(db_path)
    from srs_tui.unlock import ask_passphrase  # a Textual app of its own: only for a vault

    gc.enable()  # it waits on the user: collected as usual
    # The keychain, if remembered there, is tried once the prompt is drawn.
    shown = ask_passphrase(db_path, theme)
    if shown.crash is not None:
        return _fail(f"stopped on an internal error ({type(shown.crash).__name__}).")
    return None if shown.return_value else 1  # quit: nothing was read


def _run(
    db_path: Path,
    client: str | None,
    config_path: Path | None,
    *,
    create_parents: bool,
    share: bool = False,
    new: bool = False,
    first_start: bool = False,
) -> int:
    """The app on db_path. first_start: the default database, which may not exist yet: in a
    terminal, unless the window may be shared, the usual setting of a session is asked until
    the default settings file names it, and the vault is offered when there is no database."""
    from srs_tui.config import ConfigError, default_config_path, load_config, setting_given
    from srs_tui.passphrase import default_passphrase_path
    from srs_tui.store import StoreError
    from srs_tui.store.engine import is_vault
    from srs_tui.store.records import clean_alias
    from srs_tui.themes import THEMES
    from srs_tui.wording import WordingError, load_wording

    try:
        config = load_config(config_path)
        licensed = load_wording()
        if client is not None:
            clean_alias(client)  # refused before the vault is asked for, or made
    except (StoreError, ConfigError, WordingError) as error:
        return _fail(str(error))
    theme = THEMES[config.theme]
    # The first start (the default database, a terminal, a window not shared): the usual
    # setting asked until the default settings file names one; the vault offered when there
    # is no database yet.
    asking = first_start and not share and _terminal()
    settings = default_config_path() if asking and config_path is None else None
    if settings is not None and setting_given(settings):
        settings = None
    offer = asking and not os.path.lexists(db_path) and not is_vault(db_path)
    stopped, setting = _first_start(db_path, theme, settings=settings, offer=offer)
    if stopped is None:
        stopped = _open_vault(db_path, theme)
    if stopped is not None:
        return stopped
    if setting is not None:
        config = replace(config, default_setting=setting)
    from srs_tui.app import make_app  # after the passphrase: its first frame comes first

    try:
        app = make_app(
            db_path,
            config,
            client_alias=client,
            create_parents=create_parents,
            passphrase_file=default_passphrase_path(),
            share=share,
            licensed_wording=licensed,
            daily_backup=True,
            new_client=new,
        )
    except StoreError as error:
        return _fail(str(error))
    app.handle_signals = True
    try:
        app.run()
    finally:
        if app.ever_shared:
            _blank_terminal()
    if app.crash is not None:
        return _fail(
            f"stopped on an internal error ({type(app.crash).__name__}). Saved sessions are "
            "safe; set SRS_TUI_DEBUG=1 to see the details."
        )
    return app.return_code or 0


def _run_demo(client: str | None, config_path: Path | None, share: bool, new: bool) -> int:
    import shutil
    import tempfile

    from srs_tui.context import local_now
    from srs_tui.demo import seed
    from srs_tui.store import Store

    folder = Path(tempfile.mkdtemp(prefix=f"{PROG}-demo-"))
    try:
        db_path = folder / "demo.db"
        with Store.open(db_path) as store:
            seed(store, local_now())
        return _run(db_path, client, config_path, create_parents=False, share=share, new=new)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run srs-tui; returns the exit code."""
    os.umask(0o077)  # every file and folder we create is the user's alone
    # A Windows console in cp1252 cannot print every alias: a character it lacks is shown
    # escaped rather than stopping the command with a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.config is not None and not os.path.lexists(args.config):
        # Named on purpose, so not the defaults in its place: a typo would go unnoticed.
        from srs_tui.terminal_text import terminal_safe

        missing = terminal_safe(str(args.config))
        parser.error(f"--config {missing}: no such settings file; nothing was done")
    if args.command is not None:
        return _any_command(args, parser)
    if args.share and not args.client:
        build_parser().error("--share needs --client ALIAS: the client whose screen is shared")
    if args.new and not args.client:
        build_parser().error("--new needs --client ALIAS: the client to add")
    # Start-up builds what lives as long as the app (Textual, its styles, the first screen): a
    # collection in the middle frees next to nothing, yet each walks all of it, and they cost
    # a start-up a tenth of its time. None until the first frame is up: the app collects then
    # and turns the collector back on (the start apps, which wait on the user, turn it on).
    gc.disable()
    from srs_tui.terminal_input import read_terminal_leniently

    read_terminal_leniently()  # before any screen: a stray byte never stops one
    try:
        if args.demo:
            return _run_demo(args.client, args.config, args.share, args.new)
        if args.db is not None:
            return _run(
                args.db,
                args.client,
                args.config,
                create_parents=False,
                share=args.share,
                new=args.new,
            )
        from srs_tui.store import default_db_path

        return _run(
            default_db_path(),
            args.client,
            args.config,
            create_parents=True,
            share=args.share,
            new=args.new,
            first_start=True,
        )
    except KeyboardInterrupt:
        return 130
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
