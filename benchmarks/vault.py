"""The figures again with the vault on: the same databases encrypted (SQLCipher), unlocked in
this process as the app unlocks them; the key derivation alone; start-up in a real terminal.

Each vault lives in a folder of its own, so that its sealed backups never meet the plain
databases' backups (the day's backup is made once per folder and name).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.common import NOW, Figure, timed
from benchmarks.data import build

if TYPE_CHECKING:
    from benchmarks.more import Run

PASSPHRASE = "a benchmark's passphrase, nothing kept with it"


def encrypted_copy(folder: Path, name: str, clients: int, sessions: int) -> tuple[Path, list[str]]:
    """The database build() makes, turned into a vault (row by row, as `srs-tui vault on`
    does), in folder; its path and the clients' ids. Left unlocked in this process."""
    from srs_tui.store.vault_switch import turn_on

    folder.mkdir(mode=0o700, exist_ok=True)
    db = folder / name
    ids = build(db, clients, sessions, NOW)
    turn_on(db, PASSPHRASE)
    return db, ids


def start_commands(
    db: Path, env: dict[str, str]
) -> dict[str, tuple[list[str], str, dict[str, str]]]:
    """The vault's start-ups to time in a terminal: (command, the marker of its full first
    screen, environment) by name.

    To the passphrase prompt: nothing of the records is read, no key derived before it. To the
    caseload with SRS_TUI_PASSPHRASE: the key derived (scrypt), the vault opened, the caseload
    read and drawn."""
    app = [sys.executable, "-m", "srs_tui", "--db", str(db)]
    given = {**env, "SRS_TUI_PASSPHRASE": PASSPHRASE}
    asked = {name: value for name, value in env.items() if name != "SRS_TUI_PASSPHRASE"}
    return {
        "vault prompt": (app, "The records are encrypted", asked),
        "vault caseload": (app, "Rules", given),
    }


def terminal_figures(
    runs_of: dict[str, list[Run]],
    bare_ms: list[float],
    bare_mb: list[float],
    clients: int,
) -> list[Figure]:
    """The vault's start-up figures from the runs taken in turns with the bare app."""
    caseload = runs_of["vault caseload"]
    return [
        Figure(
            "vault: start to passphrase prompt, tmux",
            [run.ms for run in runs_of["vault prompt"]],
            1.3,
            "ratio",
            bare_ms,
        ),
        Figure(
            f"vault: start to caseload (SRS_TUI_PASSPHRASE), {clients:,} clients, tmux",
            [run.ms for run in caseload],
            None,
            bare=bare_ms,
        ),
        # scrypt's working memory (128 x N x r bytes: 128 MiB) is in the peak, and given
        # back before the caseload is drawn: the memory held then is the second figure.
        Figure(
            f"vault: peak memory (RSS), caseload of {clients:,} clients",
            [run.peak_mb for run in caseload],
            None,
            bare=bare_mb,
            unit="MB",
        ),
        Figure(
            f"vault: memory held at first frame (RSS), caseload of {clients:,} clients",
            [run.resident_mb for run in caseload],
            60.0,
            unit="MB",
        ),
    ]


def derivation_figure(db: Path, runs: int) -> Figure:
    """vault.unlock alone: the key file read, scrypt (N=2^17, r=8, p=1), the data key
    unwrapped and tried on the database. What a start with the vault on adds before the first
    screen that shows a record."""
    from srs_tui.store import vault

    def unlock() -> None:
        if not vault.unlock(db, PASSPHRASE):
            raise RuntimeError("the benchmark's vault did not open")

    return Figure("vault: key derivation (vault.unlock, scrypt N=2^17)", timed(unlock, runs), None)


def save_figure(folder: Path, saves: int) -> Figure:
    """Saving one rating into a vault (SQLCipher, WAL, synchronous FULL)."""
    from srs_tui.measures import Scores
    from srs_tui.store import Store, vault

    folder.mkdir(mode=0o700, exist_ok=True)
    db = folder / "saves.db"
    vault.create_vault(db, PASSPHRASE)
    with Store.open(db) as store:
        client = store.add_client("Ana", now=NOW)

        def save() -> None:
            store.record(
                client.id,
                Scores.srs(91, 85, 70, 99),
                administered_at=NOW,
                mode="oral",
                setting="telehealth",
                now=NOW,
            )

        save_ms = timed(save, saves)
    return Figure("vault: save one rating (WAL, synchronous FULL)", save_ms, 5.0, "p95")
