"""`srs-tui vault on` killed (kill -9) at random moments: one whole database is always left, with
every record, and the next `vault on` finishes the job with no plaintext left behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cli_env
from srs_tui.store import Store, vault
from srs_tui.store.engine import forget_keys, is_vault
from test_vault_core import ALIAS, PASSPHRASE, fill, holds_in_clear

SEED = int(os.environ.get("SRS_TUI_FAULT_SEED", "14"))
ROUNDS = 3
LONG_ROUNDS = int(os.environ.get("SRS_TUI_FAULT_ROUNDS", "20"))


def aliases_now(db: Path) -> list[str]:
    """The clients as the files stand: through the vault if it is one."""
    forget_keys()
    if is_vault(db) and not vault.is_plain(db):
        assert vault.unlock(db, PASSPHRASE)
    with Store.open_read_only(db) as store:
        return sorted(summary.client.alias for summary in store.clients())


def kill_vault_on(tmp_path: Path, rounds: int) -> None:
    rng = random.Random(SEED)
    env = cli_env(tmp_path, SRS_TUI_PASSPHRASE=PASSPHRASE, SRS_TUI_NEW_PASSPHRASE=PASSPHRASE)
    command = [sys.executable, "-m", "srs_tui", "--db", "DB", "vault", "on"]
    for round_number in range(rounds):
        folder = tmp_path / f"round-{round_number}"
        folder.mkdir()
        db = folder / "srs-tui.db"
        fill(db)
        fill(db, "Yak-2")
        run = [part if part != "DB" else str(db) for part in command]
        child = subprocess.Popen(run, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.3, 2.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert aliases_now(db) == ["Yak-2", ALIAS], f"round {round_number}"
        again = subprocess.run(run, env=env, capture_output=True, text=True, check=False)
        if "already on" not in again.stderr:
            assert again.returncode == 0, again.stderr
        forget_keys()
        assert vault.unlock(db, PASSPHRASE)
        assert aliases_now(db) == ["Yak-2", ALIAS]
        assert holds_in_clear(folder, ALIAS, "Yak-2", "Valpara") == []


@pytest.mark.timeout(240)
def test_vault_on_killed_at_random_moments_leaves_one_whole_database(tmp_path: Path) -> None:
    kill_vault_on(tmp_path, ROUNDS)


@pytest.mark.long
@pytest.mark.timeout(900)
def test_vault_on_killed_many_times(tmp_path: Path) -> None:
    """The same, SRS_TUI_FAULT_ROUNDS rounds (20 by default)."""
    kill_vault_on(tmp_path, LONG_ROUNDS)
