"""The benchmark still runs: a smoke test on tiny databases. Its timings are never judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_runs_and_prints_its_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "figure",
        "median",
        "p95",
        "bare",
        "app",
        "ratio",
        "budget",
        "verdict",
    ]
    assert any(line.startswith("caseload screen open") for line in lines)
    assert any(line.startswith("history screen open") for line in lines)
    assert any(line.startswith("keypress to updated frame") for line in lines)
    assert any(line.startswith("save one rating") for line in lines)
    # The same with the vault on, and what unlocking it costs.
    assert any(line.startswith("vault: key derivation (vault.unlock") for line in lines)
    assert any(line.startswith("vault: caseload screen open") for line in lines)
    assert any(line.startswith("vault: history screen open") for line in lines)
    assert any(line.startswith("vault: save one rating") for line in lines)
    assert list(tmp_path.iterdir()) == []  # it leaves nothing behind


async def test_a_frame_that_repaints_what_is_there_is_not_counted_as_a_change() -> None:
    # The keypress figure counts to the last frame that changed the screen; a repaint of the
    # same cells (Textual's, when a Focus event arrives late) must not stretch it.
    from benchmarks.bare_app import BareApp
    from benchmarks.more import watch_frames
    from textual.widgets import Static

    app = BareApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        spy = await watch_frames(app, pilot)
        row = app.query_one("#row-2", Static)
        spy.frames.clear()
        row.refresh()
        await pilot.pause(0.05)
        assert spy.frames
        assert spy.last_change() is None
        row.update("row two")
        await pilot.pause(0.05)
        assert spy.last_change() is not None
