"""Crashes, two writers, a full disk, a refused write: nothing acknowledged is ever lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import FLAT, NOW, build_app
from srs_tui.store import Store

SAVER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from srs_tui.measures import Scores
    from srs_tui.store import Store, StoreError

    path, alias, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    now = datetime(2026, 12, 1, 14, 5, tzinfo=timezone.utc)
    with Store.open(path) as store:
        client = store.get_or_add_client(alias, now=now)
        if limit:
            import resource, signal
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        for number in range(count):
            try:
                saved = store.record(client.id, Scores.srs(number % 101, 50, 50, 50),
                                     administered_at=now, mode="oral", setting="telehealth",
                                     note="x" * 2000, now=now)
            except StoreError as error:
                print("ERROR", error, flush=True)
                sys.exit(3)
            print("SAVED", saved.session, flush=True)
    """
)


def saver(tmp_path: Path) -> Path:
    script = tmp_path / "saver.py"
    script.write_text(SAVER, encoding="utf-8")
    return script


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def sessions_of(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute(f"SELECT session FROM {FLAT} ORDER BY 1")]
    finally:
        conn.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_while_saving_loses_no_acknowledged_save(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    script = saver(tmp_path)
    rng = random.Random(11)
    acknowledged = 0
    for _ in range(10):
        child = subprocess.Popen(
            [sys.executable, str(script), str(db), "Ana", "100000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        deadline = time.monotonic() + rng.uniform(0.3, 0.9)
        for line in child.stdout:
            if line.startswith("SAVED"):
                acknowledged = max(acknowledged, int(line.split()[1]))
            if time.monotonic() > deadline:
                break
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert integrity(db) == "ok"
        stored = sessions_of(db)
        assert stored[-1] >= acknowledged  # every acknowledged save is there
        assert stored == list(range(1, len(stored) + 1))
    assert acknowledged > 10


def test_two_processes_saving_500_each_into_one_file(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        store.add_client("Ana", now=NOW)
    script = saver(tmp_path)
    children = [
        subprocess.Popen(
            [sys.executable, str(script), str(db), "Ana", "500"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err + out[-500:]
        assert "ERROR" not in out
    assert sessions_of(db) == list(range(1, 1001))
    assert integrity(db) == "ok"


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE")
def test_a_full_disk_is_a_clear_error_and_keeps_what_was_saved(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    script = saver(tmp_path)
    first = subprocess.run(
        [sys.executable, str(script), str(db), "Ana", "20"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    full = subprocess.run(
        [sys.executable, str(script), str(db), "Ana", "100000", str(400_000)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert full.returncode == 3, full.stderr[-2000:]
    assert "nothing was saved." in full.stdout
    assert "disk" in full.stdout.splitlines()[-1]
    assert "Traceback" not in full.stderr
    saved = [int(line.split()[1]) for line in full.stdout.splitlines() if line.startswith("SAVED")]
    stored = sessions_of(db)
    assert stored[:20] == list(range(1, 21))
    assert stored[-1] >= (saved[-1] if saved else 20)
    assert integrity(db) == "ok"


async def test_a_refused_write_keeps_the_ratings_on_screen(db_path: Path) -> None:
    from srs_tui.screens.rate import RateScreen
    from srs_tui.widgets.rating_slider import RatingSlider

    app = build_app(db_path, client="Ana")
    async with app.run_test(size=(100, 36)) as pilot:
        for key in ("9", "enter", "8", "enter", "7", "enter", "6", "enter"):
            await pilot.press(key)
        # A real refusal from SQLite, as on a read-only file system.
        app.ctx.store._conn.execute("PRAGMA query_only = ON")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert [s.value for s in app.screen.query(RatingSlider)] == [90, 80, 70, 60]
        message = str(app.screen.query_one("#rate-message").render())
        assert "nothing was saved" in message
        app.ctx.store._conn.execute("PRAGMA query_only = OFF")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RateScreen)
    assert sessions_of(db_path) == [1]
