"""After an erase: what else on this machine still holds the client, and removing it.

The live database is not the only copy. The backups folder, the copies a restore keeps beside
the database and the reports folder can all hold the client's records; the therapist is told
which, and may erase the client from the plain backups (the other clients' records stay) and
delete the reports. Encrypted backups cannot be read without their passphrase, so they are
only listed. Nothing here removes anything without being called for it after a confirmation.
"""

from __future__ import annotations

import re
import sqlite3
import string
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

from srs_tui.store.database import BUSY_TIMEOUT_S, check_versions, read_only
from srs_tui.store.errors import StoreError
from srs_tui.store.errors import describe as describe_error
from srs_tui.store.paths import BACKUP_FOLDER

REPORT_FOLDER = "reports"
ENCRYPTED_SUFFIX = ".enc"
ENCRYPTED_MAGIC = b"SRSTENC1"  # crypto.MAGIC, without importing the cipher to compare it
REPORT_META = "srs-tui-client"
# Enough of a report to reach its <meta> tag and its heading, which come first.
_REPORT_HEAD_CHARS = 64 * 1024


_META = re.compile(r'<meta name="srs-tui-client" content="([^"]*)"')
_HEADING = re.compile(r"<h1>Session Rating Scale: (.*?)</h1>", re.DOTALL)


def client_meta(client_id: str) -> str:
    """The tag that marks a report as being about this client, so an erase can find it."""
    return f'<meta name="{REPORT_META}" content="{escape(client_id, quote=True)}">'


def delete_client_rows(conn: sqlite3.Connection, client_id: str) -> int:
    """Delete one client's rows inside the caller's transaction; how many clients went (0, 1).

    The one list of what a client is made of, shared by the live database and the backups, so
    that a table added later is erased everywhere at once.
    """
    if _has_table(conn, "sessions"):
        conn.execute(
            "DELETE FROM administrations WHERE session_id IN "
            "(SELECT id FROM sessions WHERE client_id = ?)",
            (client_id,),
        )
        conn.execute("DELETE FROM sessions WHERE client_id = ?", (client_id,))
        conn.execute("DELETE FROM episodes WHERE client_id = ?", (client_id,))
    else:  # a backup made before schema 4
        conn.execute("DELETE FROM administrations WHERE client_id = ?", (client_id,))
    return conn.execute("DELETE FROM clients WHERE id = ?", (client_id,)).rowcount


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return bool(row[0])


@dataclass(frozen=True)
class Remains:
    """Where a client's records may still be, found after (or before) an erase."""

    holding: tuple[Path, ...] = ()
    """Plain backups (daily, manual, before-restore copies) with the client's records."""
    unchecked: tuple[Path, ...] = ()
    """Files where backups live that are not a readable srs-tui database of this version."""
    encrypted: tuple[Path, ...] = ()
    """Encrypted backups: they may hold the client; they cannot be read without a passphrase."""
    reports: tuple[Path, ...] = ()
    """Reports in the reports folder about the client (by their tag, or an older one's heading)."""

    @property
    def removable(self) -> bool:
        """Whether there is anything the erase can offer to remove."""
        return bool(self.holding or self.reports)

    @property
    def nothing(self) -> bool:
        """Whether nothing at all is left, not even a file that could not be read."""
        return not (self.holding or self.unchecked or self.encrypted or self.reports)


def copies_of(db_path: Path) -> list[Path]:
    """Every file that is, or may be, a backup of the database at db_path."""
    folder = db_path.parent / BACKUP_FOLDER
    found: list[Path] = []
    if folder.is_dir():
        found.extend(
            path
            for path in folder.iterdir()
            # A hidden .tmp is a backup being written, or one left whole or in part by a
            # backup that was killed: a copy of the records all the same.
            if path.suffix in (".db", ENCRYPTED_SUFFIX)
            or (path.name.startswith(".") and path.suffix == ".tmp")
        )
    # Left beside the database by a restore or a report that was killed half-way.
    found.extend(db_path.parent.glob(f".{db_path.name}.before-restore-*.tmp"))
    # The copies restore keeps aside, and the copies a window keeps of a database deleted or
    # replaced under it; never their -journal, -wal or -shm companions.
    found.extend(
        path
        for kept in ("before-restore", "rescued")
        for path in db_path.parent.glob(f"{db_path.name}.{kept}-*")
        if not path.name.endswith(("-journal", "-wal", "-shm"))
    )
    return sorted(path for path in found if path.is_file())


def _is_encrypted(path: Path) -> bool:
    if path.suffix == ENCRYPTED_SUFFIX:
        return True
    # Read before any connection to this file exists in this process: a backup, never the
    # live database, whose locks a close() would drop.
    try:
        with path.open("rb") as handle:
            # SRSTENC1: sealed by a passphrase; SRSTENC2: by a vault.
            return handle.read(len(ENCRYPTED_MAGIC)).startswith(ENCRYPTED_MAGIC[:7])
    except OSError:
        return False


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Raise StoreError unless conn is an srs-tui database this version reads, with exactly
    our schema: a planted trigger or view could act on the deletes of an erase."""
    if check_versions(conn, str(path)) < 1:
        raise StoreError(f"{path}: not an srs-tui database")


def _opened_sealed(path: Path) -> tuple[bytes, sqlite3.Connection] | None:
    """A copy sealed by a vault this process has unlocked, in memory (read-write, never
    written to disk as plaintext), with its file's bytes; None if it is not one, or nothing
    here opens it."""
    from srs_tui.store.vault import is_sealed, open_sealed

    try:
        data = path.read_bytes()
        opened = open_sealed(data) if is_sealed(data) else None
    except (OSError, StoreError):
        return None
    if opened is None:
        return None
    conn = sqlite3.connect(":memory:", isolation_level=None)
    image = bytearray(opened.image)
    if len(image) >= 20:
        image[18:20] = b"\x01\x01"  # no write-ahead log in memory
    conn.deserialize(bytes(image))
    conn.execute("PRAGMA trusted_schema = OFF")
    return data, conn


def _holds(path: Path, client_id: str) -> bool:
    """Whether the backup at path holds the client; sqlite3.Error if it cannot be told."""
    sealed = _opened_sealed(path) if _is_encrypted(path) else None
    conn = sealed[1] if sealed is not None else read_only(path)
    try:
        _check_ours(conn, path)
        rows = "sessions" if _has_table(conn, "sessions") else "administrations"
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM clients WHERE id = ?) "
            f"OR EXISTS (SELECT 1 FROM {rows} WHERE client_id = ?)",
            (client_id, client_id),
        ).fetchone()
    finally:
        conn.close()
    return bool(row[0])


def _about(path: Path, client_id: str, alias: str) -> bool:
    """Whether a report is about the client.

    A report with a tag is judged by its tag alone: ids do not change, aliases can. A report
    written before reports carried a tag is judged by its heading, the alias escaped as the
    report wrote it, compared as aliases are (ignoring ASCII case); one written under an alias
    the client no longer has is not found.
    """
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(_REPORT_HEAD_CHARS)
    except OSError:
        return False
    tagged = _META.search(head)
    if tagged is not None:
        return unescape(tagged.group(1)) == client_id
    heading = _HEADING.search(head)
    return heading is not None and _ascii_lower(unescape(heading.group(1))) == _ascii_lower(alias)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _ascii_lower(alias: str) -> str:
    # As the store's NOCASE compares aliases: casefold() would take "ä"'s report for "Ä"'s.
    return alias.translate(_ASCII_LOWER)


def _is_open_sealed(path: Path) -> bool:
    """Whether path is a copy sealed by a vault this process holds the key of."""
    sealed = _opened_sealed(path)
    if sealed is None:
        return False
    sealed[1].close()
    return True


def find_remains(db_path: Path, client_id: str, alias: str) -> Remains:
    """What still holds the client beside the database at db_path (its data folder)."""
    holding: list[Path] = []
    unchecked: list[Path] = []
    encrypted: list[Path] = []
    for path in copies_of(db_path):
        if _is_encrypted(path) and not _is_open_sealed(path):
            encrypted.append(path)
            continue
        try:
            if _holds(path, client_id):
                holding.append(path)
        except (sqlite3.Error, StoreError):
            unchecked.append(path)
    reports: list[Path] = []
    folder = db_path.parent / REPORT_FOLDER
    if folder.is_dir():
        reports = sorted(
            path
            for path in folder.iterdir()
            if path.suffix.lower() in (".html", ".htm")
            and path.is_file()
            and _about(path, client_id, alias)
        )
    return Remains(tuple(holding), tuple(unchecked), tuple(encrypted), tuple(reports))


def erase_from_backup(path: Path, client_id: str, now: str) -> None:
    """Erase the client from one plain backup; the other clients' records stay.

    The rows go with secure_delete on, an audit row says when (in a backup whose schema has
    the audit table; an older one is not given a table it never had), and VACUUM rebuilds the
    file so that no freed page keeps them. The work is done in WAL mode: a rollback journal
    would write a copy of the pages being changed, the client's records included, into a new
    file beside the backup; the WAL only ever receives the new pages. VACUUM's temporary
    database stays in memory, not in the system's temporary folder. Back in DELETE mode after,
    the backup is one self-contained file again. StoreError if the file cannot be changed.

    A copy sealed by the vault is erased in memory and sealed again as it was.
    """
    if _is_encrypted(path):
        _erase_from_sealed(path, client_id, now)
        return
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be opened ({describe_error(error)}).") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        _check_ours(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        if str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower() != "wal":
            raise sqlite3.OperationalError("the folder does not allow a write-ahead log")
        conn.execute("BEGIN IMMEDIATE")
        try:
            delete_client_rows(conn, client_id)
            if _has_table(conn, "audit"):
                conn.execute("INSERT INTO audit (at, event) VALUES (?, 'client erased')", (now,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as error:
        raise StoreError(f"{path}: could not be changed ({describe_error(error)}).") from None
    finally:
        conn.close()
    if result != "ok":
        raise StoreError(f"{path}: fails its integrity check after the erase.")


def _erase_from_sealed(path: Path, client_id: str, now: str) -> None:
    """The client erased from a vault's sealed copy: opened in memory, rows deleted, VACUUM,
    sealed again under the same keys and header, written whole over the old ciphertext."""
    from srs_tui.store.files import write_private
    from srs_tui.store.vault import open_sealed, seal_with

    sealed = _opened_sealed(path)
    if sealed is None:
        raise StoreError(f"{path}: cannot be opened with the vault's key.")
    data, conn = sealed
    try:
        _check_ours(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        delete_client_rows(conn, client_id)
        if _has_table(conn, "audit"):
            conn.execute("INSERT INTO audit (at, event) VALUES (?, 'client erased')", (now,))
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        image = conn.serialize()
    except sqlite3.Error as error:
        raise StoreError(f"{path}: could not be changed ({describe_error(error)}).") from None
    finally:
        conn.close()
    opened = open_sealed(data)
    assert opened is not None  # it opened a moment ago, with the same keys
    write_private(path, seal_with(image, opened.data_key, opened.key_text), force=True)


@dataclass(frozen=True)
class Removal:
    """What removing the remains did."""

    erased_from: tuple[Path, ...]
    deleted: tuple[Path, ...]
    failed: tuple[Path, ...]
    """The files that could not be changed (a backup may have failed half-way, its
    transaction rolled back or committed whole), each with its line in failures."""
    failures: tuple[str, ...]


def remove_remains(
    remains: Remains,
    client_id: str,
    now: str,
) -> Removal:
    """Erase the client from each backup that holds them and delete their reports.

    One failure does not stop the rest; each is one line in failures.
    """
    erased: list[Path] = []
    deleted: list[Path] = []
    failed: list[Path] = []
    failures: list[str] = []
    for path in remains.holding:
        try:
            erase_from_backup(path, client_id, now)
        except StoreError as error:
            failed.append(path)
            failures.append(str(error))
        else:
            erased.append(path)
    for path in remains.reports:
        try:
            path.unlink()
        except FileNotFoundError:
            deleted.append(path)  # gone already: the wish is met
        except OSError as error:
            failed.append(path)
            failures.append(f"{path}: could not be deleted ({error.strerror}).")
        else:
            deleted.append(path)
    return Removal(tuple(erased), tuple(deleted), tuple(failed), tuple(failures))


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def summary_counts(remains: Remains) -> list[str]:
    """What remains, in counts only (no paths): for a screen that may be seen by others."""
    lines = []
    if remains.holding:
        lines.append(
            f"{_count(len(remains.holding), 'plain backup holds', 'plain backups hold')} "
            "this client's records."
        )
    if remains.reports:
        lines.append(
            f"{_count(len(remains.reports), 'report is', 'reports are')} about this client."
        )
    if remains.encrypted:
        one = len(remains.encrypted) == 1
        lines.append(
            f"{_count(len(remains.encrypted), 'encrypted backup', 'encrypted backups')} may hold "
            f"this client, unreadable without {'its' if one else 'their'} passphrase: delete "
            f"{'it' if one else 'them'} if no longer needed (other clients are in "
            f"{'it' if one else 'them'} too), or keep {'it' if one else 'them'} knowing that a "
            "restore brings this client back."
        )
    if remains.unchecked:
        lines.append(
            f"{_count(len(remains.unchecked), 'file', 'files')} among the backups could not "
            "be checked (not a readable srs-tui database)."
        )
    return lines


ENCRYPTED_ADVICE = (
    "They cannot be read without their passphrase, so they were not checked or changed. "
    "Delete one if you no longer need it (it holds the other clients' records too), or keep "
    "it knowing that restoring it brings this client back."
)

NOT_SEARCHED = (
    "Not searched: backups made with --to and reports written with -o elsewhere, copies you "
    "exported, and what no program can reach (see 'What erase cannot reach' in the README)."
)


def describe(remains: Remains) -> list[str]:
    """What remains, path by path, for the command line."""
    if remains.nothing:
        return ["No backup or report in the data folder holds this client."]
    lines = ["Still holding this client:"]
    sections = (
        (remains.holding, "plain backups with their records"),
        (remains.reports, "reports about them"),
        (remains.encrypted, "encrypted backups, which may hold them"),
        (remains.unchecked, "could not be checked (not a readable srs-tui database)"),
    )
    for paths, title in sections:
        if not paths:
            continue
        lines.append(f"  {title} ({len(paths)}):")
        lines.extend(f"    {path}" for path in paths)
        if paths is remains.encrypted:
            lines.append(f"    {ENCRYPTED_ADVICE}")
    return lines
