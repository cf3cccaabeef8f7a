"""The app and every other command on one database file, as real processes, then the app killed.

The app runs for real in a pseudo-terminal, on its first start of the day (so its daily backup
runs), for the client Ana. Beside it run the other commands (export, import, report, backup,
check, erase, restore, a second window), with ratings saved in the app between them, and then
the app is killed (SIGKILL or SIGHUP) at a random moment. What must hold:

- every save the app showed as saved ("Saved  Ana  ·  session N") is in the file afterwards,
  and in every backup and export taken after it;
- the app numbers each save after the sessions the file holds (it sees the file as it is);
- the app never holds a deleted -wal or -shm (checked in /proc after each other command; not
  checked where there is no /proc, as on macOS);
- the file passes PRAGMA integrity_check.

Restore under the running app must reach the app (its next saves land in the restored file) or
be refused with one clear line. A database deleted or replaced under the app must not take a
save that the app then shows as saved.

Randomness is seeded: SRS_TUI_FAULT_SEED repeats a run, SRS_TUI_FAULT_ROUNDS sets the number
of rounds of the long test (`pytest -m long`). A failure names the seed and the round.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from realapp import (
    GUIDE,
    SAVE_OVER,
    Command,
    Rating,
    Window,
    csv_ratings,
    integrity,
    json_ratings,
    private_dir,
    ratings,
    srs,
)

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals, locks and pseudo-terminals"),
    # Real processes in real terminals: a round of every command takes 20 to 50 s on a busy
    # machine. The long rounds set their own.
    pytest.mark.timeout(300),
]

SEED = int(os.environ.get("SRS_TUI_FAULT_SEED", "1201"))
DEFAULT_ROUNDS = 2
LONG_ROUNDS = int(os.environ.get("SRS_TUI_FAULT_ROUNDS", "60"))

CLIENT = "Ana"
COMMANDS = (
    "export",
    "export-json",
    "import",
    "report",
    "backup",
    "check",
    "erase",
    "restore",
    "window",
)
KILLS = ("after-ack", "idle", "mid-save", "mid-typing", "during-backup")
# Clients in the database before the app starts: some to erase, one for the second window.
OTHERS = ("Other1", "Other2", "Other3")
SECOND = "Bea"


class Stop(Exception):
    """The round cannot go on (a save was not acknowledged, the app stopped): kill and check."""


class Round:
    """One start of the app, the commands beside it, the kill, and the checks after."""

    def __init__(
        self, home: Path, seed: int, number: int | str, *, passphrase: str | None = None
    ) -> None:
        """passphrase: the database is a vault, which every process opens with it."""
        self.rng = random.Random(f"{seed}:{number}")
        self.home = private_dir(home)
        self.db = self.home / "srs.db"
        self.passphrase = passphrase
        self.used: set[Rating] = set()  # every rating typed or imported, so each is unique
        self.live: list[Rating] = []  # Ana's ratings the live file must hold, in order
        self.in_flight: set[Rating] = set()  # typed and saved when the app was killed
        self.failures: list[str] = []
        self.steps: list[str] = []
        self.window: Window | None = None
        self.on_feedback = False
        self.files = 0
        self.erased = 0
        self.held_deleted = False

    # Bookkeeping

    def fail(self, kind: str, message: str) -> None:
        self.failures.append(f"[{kind}] after {' > '.join(self.steps) or 'start'}: {message}")

    def path(self, stem: str, suffix: str) -> Path:
        self.files += 1
        return self.home / f"{stem}-{self.files}{suffix}"

    def rating(self) -> Rating:
        """A new rating, unlike any other of the round, so each row tells which save it was."""
        while True:
            draw = self.rng.randrange
            rating = (draw(101), draw(101), draw(101), draw(101))
            if rating not in self.used:
                self.used.add(rating)
                return rating

    def app(self) -> Window:
        assert self.window is not None
        return self.window

    def missing(self, found: list[Rating]) -> list[Rating]:
        have = set(found)
        return [rating for rating in self.live if rating not in have]

    # The round

    def prepare(self) -> None:
        """The database as a day before left it: Ana, Bea and others with a few sessions."""
        lines = ["client,date,relationship,goals,approach,overall"]
        for day, alias in enumerate((CLIENT, CLIENT, SECOND, *OTHERS), start=1):
            rating = self.rating()
            if alias == CLIENT:
                self.live.append(rating)
            values = ",".join(f"{value / 10:.1f}" for value in rating)
            lines.append(f"{alias},2025-11-{day:02d}T10:00:00+00:00,{values}")
        seed_file = self.home / "seed.csv"
        seed_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if self.passphrase is not None:
            from srs_tui.store import vault

            vault.create_vault(self.db, self.passphrase)  # its key kept here, to read it after
        result = srs(self.db, "import", str(seed_file), home=self.home, passphrase=self.passphrase)
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        """The app's first start of the day: it shows the rating screen and makes the day's
        backup in the background; the commands begin once that backup is there."""
        assert not list((self.home / "backups").glob("daily-*.db"))
        self.window = Window(self.db, CLIENT, self.home, passphrase=self.passphrase)
        window = self.window
        window.started()
        deadline = time.monotonic() + 60
        while not list((self.home / "backups").glob("daily-*.db")):
            assert time.monotonic() < deadline, "the day's backup never appeared"
            window.pump(0.05)
        self.check_open_files("the start")

    def save(self) -> None:
        """One rating, typed and saved in the app, which must show it as saved."""
        window = self.app()
        if self.on_feedback:
            window.next_rating()
        rating = self.rating()
        ack = window.save(rating)
        if ack is None:
            self.fail("not-saved", f"a save was not acknowledged; the screen:\n{window.tail(800)}")
            raise Stop
        self.on_feedback = True
        if ack.session != len(self.live) + 1:
            self.fail(
                "session-number",
                f"the app saved {rating} as session {ack.session} but the file held "
                f"{len(self.live)} sessions of {CLIENT}: it does not see the file as it is",
            )
        self.live.append(rating)

    def saves(self, low: int, high: int) -> None:
        for _ in range(self.rng.randint(low, high)):
            self.save()

    def check_open_files(self, after: str) -> None:
        window = self.app()
        if not window.alive():
            self.fail("app-stopped", f"the app stopped after {after}:\n{window.tail(800)}")
            raise Stop
        deleted = [Path(name).name for name in window.deleted_files()]
        if deleted and not self.held_deleted:  # once a round: later commands find it so
            self.held_deleted = True
            self.fail("deleted-wal", f"after {after} the running app holds {deleted}")

    def command(self, *args: str) -> tuple[int, str, str]:
        result = srs(
            self.db, *args, home=self.home, windows=(self.app(),), passphrase=self.passphrase
        )
        if "Traceback" in result.stderr:
            self.fail("traceback", f"srs-tui {args[0]}: {result.stderr[-1500:]}")
        return result.returncode, result.stdout, result.stderr

    def step(self, name: str) -> None:
        self.steps.append(name)
        STEPS[name](self)
        self.check_open_files(f"`{name}`")
        self.check_sealed(f"`{name}`")

    def check_sealed(self, after: str) -> None:
        """With the vault on: no client's alias in clear in any file srs-tui wrote (the
        exports, reports and import files the round asked for are plaintext by request)."""
        if self.passphrase is None:
            return
        asked = re.compile(r"^(seed\.csv|import-|export-|report-|command-)")
        for path in sorted(self.home.rglob("*")):
            if not path.is_file() or asked.match(path.name):
                continue
            data = path.read_bytes()
            for alias in OTHERS:
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    if alias.encode(encoding) in data:
                        self.fail(
                            "in-clear", f"after {after}: {alias!r} ({encoding}) in {path.name}"
                        )

    # The other commands

    def do_export(self) -> None:
        code, out, err = self.command("export")
        if code != 0:
            self.fail("command", f"export: exit {code}: {err.strip()}")
        elif lost := self.missing(csv_ratings(out, CLIENT)):
            self.fail("export", f"the CSV export misses acknowledged saves {lost}")

    def do_export_json(self) -> None:
        target = self.path("export", ".json")
        code, _, err = self.command("export", "--format", "json", "-o", str(target))
        if code != 0:
            self.fail("command", f"export --format json: exit {code}: {err.strip()}")
        elif lost := self.missing(json_ratings(target.read_text("utf-8"), CLIENT)):
            self.fail("export", f"the JSON export misses acknowledged saves {lost}")

    def do_import(self) -> None:
        source = self.path("import", ".csv")
        lines = ["client,date,relationship,goals,approach,overall"]
        for _ in range(2):
            self.files += 1
            day = self.files % 28 + 1
            values = ",".join(f"{value / 10:.1f}" for value in self.rating())
            lines.append(f"Cleo,2025-10-{day:02d}T{self.files % 24:02d}:00:00+00:00,{values}")
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, out, err = self.command("import", str(source))
        if code != 0 or "Imported" not in out:
            self.fail("command", f"import: exit {code}: {err.strip()} {out.strip()}")

    def do_report(self) -> None:
        target = self.path("report", ".html")
        code, _, err = self.command("report", "--client", CLIENT, "-o", str(target))
        if code != 0 or not target.exists():
            self.fail("command", f"report: exit {code}: {err.strip()}")

    def backup(self) -> Path | None:
        """A backup with `backup --to`, which must hold every acknowledged save."""
        target = self.path("backup", ".db")
        code, _, err = self.command("backup", "--to", str(target))
        if code != 0:
            self.fail("command", f"backup: exit {code}: {err.strip()}")
            return None
        if lost := self.missing(ratings(target, CLIENT)):
            self.fail("backup", f"the backup misses acknowledged saves {lost}")
        if (result := integrity(target)) != "ok":
            self.fail("integrity", f"the backup: {result}")
        return target

    def do_backup(self) -> None:
        self.backup()

    def do_check(self) -> None:
        code, out, err = self.command("check")
        if code != 0 or "integrity check: ok" not in out:
            self.fail("command", f"check: exit {code}: {out.strip()} {err.strip()}")

    def do_erase(self) -> None:
        alias = OTHERS[self.erased % len(OTHERS)]
        self.erased += 1
        code, _, err = self.command("erase", alias, "--yes")
        if code != 0 and "No client" not in err:  # a restore may have taken it away before
            self.fail("command", f"erase: exit {code}: {err.strip()}")

    def do_restore(self) -> None:
        """A backup, a save it does not hold, then the backup restored under the running app.

        Restored: the save is in the copy kept aside, the file holds the backup's records, and
        the next saves (numbered after the restored sessions) must land in it. Refused: with a
        clear message, and nothing changed.
        """
        backup = self.backup()
        if backup is None:
            return
        self.save()
        before = list(self.live)
        code, out, err = self.command("restore", str(backup))
        if code != 0:
            message = err.strip()
            if not message.startswith("srs-tui: ") or "\n" in message:
                self.fail("restore", f"restore refused without one clear line: {err!r} {out!r}")
            return
        asides = sorted(self.home.glob(f"{self.db.name}.before-restore-*"))
        if not asides:
            self.fail("restore", "restored, but the database as it was is not kept aside")
        else:
            found = ratings(asides[-1], CLIENT)
            if lost := [rating for rating in before if rating not in found]:
                self.fail("backup", f"the copy kept aside by restore misses saves {lost}")
        self.live = ratings(backup, CLIENT)

    def do_window(self) -> None:
        """A second window on the same file, opened and closed with Ctrl+Q."""
        second = Window(self.db, SECOND, self.home, passphrase=self.passphrase)
        try:
            second.started()
            code = second.quit()
            if code != 0:
                self.fail("command", f"the second window exited with {code}")
        finally:
            second.close()

    # The end

    def kill(self, how: str | None = None, signum: int | None = None) -> None:
        """Kill the app at a random moment, with SIGKILL (or SIGHUP: its window closed)."""
        window = self.app()
        chosen = (
            self.rng.choice(KILLS),
            self.rng.choice((signal.SIGKILL, signal.SIGKILL, signal.SIGHUP)),
        )
        how = how or chosen[0]
        signum = signum or chosen[1]
        self.steps.append(f"{how} {signal.Signals(signum).name}")
        if how == "after-ack":
            self.save()
            window.kill(signum)
        elif how == "idle":
            window.pump(self.rng.uniform(0, 1.0))
            window.kill(signum)
        elif how == "during-backup":
            target = self.path("backup", ".db")
            backing_up = Command(
                self.db, "backup", "--to", str(target), home=self.home, passphrase=self.passphrase
            )
            window.pump(self.rng.uniform(0, 0.3))
            window.kill(signum)
            result = backing_up.result()
            if result.returncode != 0:
                self.fail("command", f"backup as the app died: {result.stderr.strip()}")
            elif lost := self.missing(ratings(target, CLIENT)):
                self.fail("backup", f"the backup misses acknowledged saves {lost}")
        else:
            if self.on_feedback:
                window.next_rating()
            rating = self.rating()
            since = window.mark()
            if how == "mid-typing":
                window.type_rating(rating, items=self.rng.randint(1, 3))
                window.pump(self.rng.uniform(0, 0.1))
            else:
                window.type_rating(rating)
                window.send(b"\x13")
                self.in_flight.add(rating)
                window.pump(self.rng.uniform(0, 0.3))
            window.kill(signum)
            if window.acknowledged(rating, since=since) is not None:
                self.live.append(rating)  # shown as saved just before it died: it counts

    def verify(self) -> None:
        """After the app is gone: every acknowledged save in the file, nothing else, intact."""
        result = integrity(self.db)
        if result != "ok":
            self.fail("integrity", result)
            return
        found = ratings(self.db, CLIENT)
        if lost := self.missing(found):
            self.fail(
                "lost-save",
                f"{len(lost)} of {len(self.live)} acknowledged saves are not in the file: {lost}",
            )
        allowed = set(self.live) | self.in_flight
        if extra := [rating for rating in found if rating not in allowed]:
            self.fail("unexpected-rows", f"the file holds ratings no longer expected: {extra}")

    def run(
        self,
        steps: list[str],
        saves_between: tuple[int, int] = (1, 2),
        kill: tuple[str, int] | None = None,
    ) -> list[str]:
        """The whole round; the failures found (empty when all held)."""
        self.prepare()
        try:
            self.start()
            try:
                self.saves(0, 2)
                for name in steps:
                    self.step(name)
                    self.saves(*saves_between)
                self.kill(*(kill or ()))
            except Stop:
                pass
            except AssertionError as error:  # the app stopped answering
                self.fail("app", str(error))
        finally:
            if self.window is not None:
                if self.window.alive():
                    self.window.kill(signal.SIGKILL)
                self.window.close()
        self.verify()
        self.check_sealed("the kill")
        return self.failures


STEPS: dict[str, Callable[[Round], None]] = {
    "export": Round.do_export,
    "export-json": Round.do_export_json,
    "import": Round.do_import,
    "report": Round.do_report,
    "backup": Round.do_backup,
    "check": Round.do_check,
    "erase": Round.do_erase,
    "restore": Round.do_restore,
    "window": Round.do_window,
}


def report(failed: dict[int | str, Round], rounds: int) -> None:
    """One failure that names the seed, each failed round, what it did and what failed."""
    if not failed:
        return
    kinds = Counter(
        failure.split("]")[0] + "]" for round_ in failed.values() for failure in round_.failures
    )
    lines = [
        f"{len(failed)} of {rounds} rounds failed (seed {SEED}; repeat with "
        f"SRS_TUI_FAULT_SEED={SEED}): {dict(kinds)}"
    ]
    for number, round_ in failed.items():
        lines.append(f"seed {SEED}, round {number}: {' > '.join(round_.steps)}")
        lines += [f"    {failure}" for failure in round_.failures]
    pytest.fail("\n".join(lines), pytrace=False)


def shuffled(round_: Round) -> list[str]:
    steps = list(COMMANDS)
    round_.rng.shuffle(steps)
    return steps


def run_rounds(tmp_path: Path, rounds: int, passphrase: str | None = None) -> None:
    """Rounds of every other command in a random order, saves between, a random kill."""
    failed: dict[int | str, Round] = {}
    for number in range(rounds):
        round_ = Round(tmp_path / f"round-{number}", SEED, number, passphrase=passphrase)
        if round_.run(shuffled(round_)):
            failed[number] = round_
    report(failed, rounds)


@pytest.mark.parametrize("name", COMMANDS)
def test_the_app_beside_one_other_command_loses_nothing(tmp_path: Path, name: str) -> None:
    """Saves, one other command on the same file, saves, and the app killed."""
    round_ = Round(tmp_path, SEED, name)
    report({name: round_} if round_.run([name]) else {}, 1)


def test_rounds_of_every_command_saves_and_a_kill(tmp_path: Path) -> None:
    """Each round: every other command in a random order, saves between, a random kill."""
    run_rounds(tmp_path, DEFAULT_ROUNDS)


@pytest.mark.long
@pytest.mark.timeout(4 * 3600)  # about 10 s a round
def test_many_rounds_of_every_command_saves_and_a_kill(tmp_path: Path) -> None:
    """The same, enough rounds (SRS_TUI_FAULT_ROUNDS, 60 by default) that a fault of one round
    in ten cannot hide."""
    run_rounds(tmp_path, LONG_ROUNDS)


def test_a_restore_under_the_running_app_is_seen_or_refused(tmp_path: Path) -> None:
    """A backup, a save, the backup restored while the app runs, two saves, kill -9.

    Either the restore goes through SQLite into the live file, and the app sees it (its next
    saves are numbered after the restored sessions and are in the file after the kill, the
    save made after the backup is kept aside and gone from the file), or it is refused with
    one clear line and nothing is lost.
    """
    round_ = Round(tmp_path, SEED, "restore under the app")
    failures = round_.run(["restore"], saves_between=(2, 2), kill=("after-ack", signal.SIGKILL))
    report({"restore under the app": round_} if failures else {}, 1)


def file_alone(db: Path, folder: Path) -> Path:
    """A copy of the database file alone, without the -wal and -shm beside it.

    After a file was moved over the database, the -wal beside it still belongs to the file that
    was replaced; SQLite would replay it onto the new one (a mismatched WAL, as SQLite's "How
    To Corrupt An SQLite Database File" explains). What the user put there is the file alone.
    """
    folder.mkdir()
    copy = folder / db.name
    copy.write_bytes(db.read_bytes())  # the test process holds no connection to it
    return copy


@pytest.mark.parametrize("change", ["rm", "mv"])
def test_a_database_deleted_or_replaced_under_the_app_is_never_confirmed(
    tmp_path: Path, change: str
) -> None:
    """rm DB, or an older copy moved over it, while the app runs: the next save must not be
    shown as saved unless it is in the file found at the path afterwards."""
    round_ = Round(tmp_path / "data", SEED, change)
    round_.prepare()
    round_.start()
    window = round_.app()
    try:
        round_.save()
        if change == "mv":
            copy = round_.backup()
            assert copy is not None, round_.failures
            round_.save()  # a save the copy does not hold
            os.replace(copy, round_.db)
        else:
            round_.db.unlink()
        round_.steps.append(change)
        window.next_rating()
        rating = round_.rating()
        since = window.mark()
        window.type_rating(rating)
        window.send(b"\x13")  # Ctrl+S
        window.send(b"\x07")  # Ctrl+G: shows the guide if the rating screen is still there
        window.wait_for(re.compile(f"{SAVE_OVER.pattern}|{GUIDE.pattern}"), since=since)
        stayed = window.alive()
        window.kill(signal.SIGKILL)
        ack = window.acknowledged(rating, since=since)
    finally:
        window.close()
    label = f"seed {SEED}, round {change}"
    assert stayed, f"{label}: the app stopped at the save:\n{window.tail(800)}"
    found: list[tuple[int, int, int, int]] = []
    if round_.db.exists():
        alone = file_alone(round_.db, tmp_path / "alone")
        assert integrity(alone) == "ok", label
        found = ratings(alone, CLIENT)
    assert ack is None or rating in found, (
        f"{label}: after `{change}` the app showed {rating} as saved (session {ack.session}), "
        f"but the file at {round_.db.name} does not hold it ({len(found)} ratings of {CLIENT})"
    )
    if ack is None:  # refused: and said so, in the words of every refused write
        assert re.search(r"nothing\s+was\s+saved", window.text(since)), (
            f"{label}: the save was neither acknowledged nor refused with a message:\n"
            f"{window.tail(1500)}"
        )
