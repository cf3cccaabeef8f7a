"""What the vault's tests share: a passphrase, clients whose words are easy to look for in
bytes, and the look itself (what `strings` would find, and more: UTF-16 too)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from conftest import NOW
from srs_tui.measures import Scores
from srs_tui.store import Store

PASSPHRASE = "quiet harbour 1729"
OTHER_PASSPHRASE = "another vault 4242"

# Aliases and notes no file could hold by chance: one ASCII, one with letters outside ASCII
# (and outside Latin-1), so that each encoding a program might use is looked for.
ASCII_ALIAS = "Quillfeather-Zanzibar"
WIDE_ALIAS = "Ðorđe Ñúñez-Ølstad 雪"
ASCII_NOTE = "marmalade-periscope-ventriloquist"
WIDE_NOTE = "Rücksprache über Fernweh; 夢の続き"
SECRETS = (ASCII_ALIAS, WIDE_ALIAS, ASCII_NOTE, WIDE_NOTE)


def needles(texts: Iterable[str] = SECRETS) -> dict[bytes, str]:
    """Each text as the bytes a file could hold it in: UTF-8, UTF-16 either way round."""
    found: dict[bytes, str] = {}
    for text in texts:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            found[text.encode(encoding)] = f"{text!r} in {encoding}"
    return found


def files_under(folder: Path) -> list[Path]:
    """Every regular file under folder, hidden ones too."""
    return sorted(
        Path(root) / name
        for root, _, names in os.walk(folder)
        for name in names
        if (Path(root) / name).is_file()
    )


def found_in(folder: Path, texts: Iterable[str] = SECRETS) -> list[str]:
    """Which of texts any file under folder holds as bytes: "file: text in encoding".

    A test process that holds a connection to the database reads its files all the same: only
    this test's own connections are closed by it, never another process's locks."""
    looked = needles(texts)
    hits = []
    for path in files_under(folder):
        data = path.read_bytes()
        hits.extend(f"{path.name}: {what}" for needle, what in looked.items() if needle in data)
    return hits


def names_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in files_under(folder)}


def add_clients(store: Store, now: datetime = NOW) -> None:
    """The two clients with a session each, their notes in it."""
    for alias, note in ((ASCII_ALIAS, ASCII_NOTE), (WIDE_ALIAS, WIDE_NOTE)):
        client = store.add_client(alias, now=now)
        store.record(
            client.id,
            Scores.srs(91, 85, 70, 99),
            administered_at=now,
            mode="oral",
            setting="telehealth",
            note=note,
            now=now,
        )


def file_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time (ns), to show nothing changed."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in files_under(folder)
    }


def assert_unchanged(folder: Path, before: dict[str, tuple[bytes, int]]) -> None:
    """Every file as it was, bytes and modification time, and no new one but what any SQLite
    reader leaves beside a database in write-ahead logging: an empty log and its index (a
    read-only connection cannot remove them; they hold no record)."""
    after = file_state(folder)
    for name in set(after) - set(before):
        if name.endswith("-shm") or (name.endswith("-wal") and not after[name][0]):
            del after[name]
    assert after == before, (
        f"changed: {sorted(n for n in after if after.get(n) != before.get(n))}; "
        f"gone: {sorted(set(before) - set(after))}"
    )


def plain_aliases(db: Path) -> list[str]:
    """The aliases in a plain database file, read with Python's own SQLite."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT alias FROM clients ORDER BY alias")]
    finally:
        conn.close()
