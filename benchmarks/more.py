"""Start-up and memory in a real terminal, keypress to frame, saving and exporting."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

from textual import events

from benchmarks.common import NOW, Figure, timed
from benchmarks.frames import FrameSpy

BARE_APP = Path(__file__).with_name("bare_app.py")
TERMINAL = ("100", "30")


def _environment(folder: Path) -> dict[str, str]:
    # Its own home, so no real settings, passphrase or data are touched.
    home = folder / "home"
    home.mkdir(exist_ok=True)
    return {
        **{name: value for name, value in os.environ.items() if name != "SRS_TUI_PASSPHRASE"},
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TERM": "xterm-256color",
    }


# A tmux server of the benchmark's own, started afresh for each run: a session added to a
# server already running takes that server's environment, not the one given here (its home,
# SRS_TUI_PASSPHRASE), and other sessions on the machine are never touched.
SOCKET = f"srs-bench-{os.getpid()}"


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False, timeout=30
    ).stdout


class Run(NamedTuple):
    """One start in tmux: ms from start to the marker drawn; the process's peak memory (RSS,
    VmHWM) and its resident memory then (VmRSS), in MB."""

    ms: float
    peak_mb: float
    resident_mb: float


def start_in_terminal(command: list[str], marker: str, env: dict[str, str]) -> Run:
    """One run of command in tmux, to its marker drawn."""
    session = SOCKET
    _tmux("kill-server")
    line = "exec " + " ".join(f"'{part}'" for part in command)
    size = ["-x", TERMINAL[0], "-y", TERMINAL[1]]
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "-L", SOCKET, "new-session", "-d", "-s", session, *size, line],
        env=env,
        check=True,
        timeout=30,
    )
    pid = ""
    try:
        while marker not in _tmux("capture-pane", "-p", "-t", session):
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"{marker!r} never appeared")
            time.sleep(0.002)
        drawn = (time.perf_counter() - start) * 1000
        pid = _tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        kib = {
            row.split(":")[0]: int(row.split()[1])
            for row in status.splitlines()
            if row.startswith(("VmHWM", "VmRSS"))
        }
    finally:
        _tmux("kill-server")  # the app gets SIGHUP, as when a terminal window is closed
        if pid:
            _end_after_hangup(int(pid), command)
    return Run(drawn, kib["VmHWM"] / 1024, kib["VmRSS"] / 1024)


def _end_after_hangup(pid: int, command: list[str]) -> None:
    """Wait for the app to end on its SIGHUP; one that has not within 5 s is killed, and said:
    an app left running after its terminal closed is a fault, and the benchmark leaves none."""
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    if not Path(f"/proc/{pid}").exists():
        return
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return
    if cmdline[: len(command)] != [part.encode() for part in command]:
        return  # not ours: the pid went to another process
    os.kill(pid, signal.SIGKILL)
    print(f"(did not end on SIGHUP within 5 s, killed: {' '.join(command[1:])})", file=sys.stderr)


def terminal_figures(
    folder: Path, db: Path, clients: int, runs: int, vault_db: Path | None = None
) -> list[Figure]:
    """Start-up to the full first screen, and peak memory, against the bare app; with
    vault_db (the same caseload in a vault), the vault's start-ups too, in the same turns."""
    from benchmarks import vault

    if shutil.which("tmux") is None or not Path("/proc/self/status").exists():
        print("(no tmux or /proc here: start-up and memory not measured)", file=sys.stderr)
        return []
    env = _environment(folder)
    python = sys.executable
    app = [python, "-m", "srs_tui", "--db", str(db)]
    rate = [*app, "--client", "Client 0001"]
    try:
        start_in_terminal(rate, "Date & mode", env)  # the day's automatic backup, made once
        commands = {
            "bare": ([python, str(BARE_APP)], "Quit", env),
            "rate": (rate, "Date & mode", env),
            "caseload": (app, "Rules", env),
        }
        if vault_db is not None:
            started = vault.start_commands(vault_db, env)
            start_in_terminal(*started["vault caseload"])  # the vault's sealed daily backup
            commands.update(started)
        runs_of: dict[str, list[Run]] = {name: [] for name in commands}
        # Taken in turns, so that a machine that slows down for a while slows them all.
        for _ in range(runs):
            for name, (command, marker, command_env) in commands.items():
                runs_of[name].append(start_in_terminal(command, marker, command_env))
    except (RuntimeError, subprocess.SubprocessError, OSError, StopIteration) as error:
        print(f"(start-up and memory not measured: {error})", file=sys.stderr)
        return []
    bare_ms = [ms for ms, _, _ in runs_of["bare"]]
    bare_mb = [mb for _, mb, _ in runs_of["bare"]]
    label = f"{clients:,} clients"
    locked = vault.terminal_figures(runs_of, bare_ms, bare_mb, clients) if vault_db else []
    return [
        *locked,
        Figure(
            "start to rating screen (--client), tmux",
            [ms for ms, _, _ in runs_of["rate"]],
            1.3,
            "ratio",
            bare_ms,
        ),
        Figure(
            f"start to caseload, {label}, tmux",
            [ms for ms, _, _ in runs_of["caseload"]],
            None,
            bare=bare_ms,
        ),
        Figure(
            f"peak memory (RSS), caseload of {label}",
            [mb for _, mb, _ in runs_of["caseload"]],
            60.0,
            bare=bare_mb,
            unit="MB",
        ),
    ]


# Keys come at a person's pace: the client says a number, the therapist types it. Textual draws
# at most one frame per 1/60 s, so a key sent the moment the last frame was written waits for
# the next slot: that is frame pacing, not the app's work, and no typist meets it.
TYPING_GAPS_MS = (40, 120)
SETTLED_MS = 25  # no frame for this long after a key: its last frame has been written


async def watch_frames(app: Any, pilot: Any) -> FrameSpy:
    """Catch the app's frames from now on, starting from one full frame, so that the shadow
    screen starts as the terminal is."""
    spy = FrameSpy(app)
    app.screen.refresh()
    await pilot.pause(0.1)
    return spy


async def keys_to_frames(spy: FrameSpy, keys: list[str], seed: int) -> list[tuple[str, float]]:
    """For each key: ms from the key reaching the app to the last frame that changed the
    screen because of it (a frame that repaints what is there already is not counted)."""
    pace = random.Random(seed)
    samples: list[tuple[str, float]] = []
    for key in keys:
        character = key if len(key) == 1 else {"enter": "\r"}.get(key)
        spy.frames.clear()
        sent = time.perf_counter()
        spy.app.post_message(events.Key(key, character))
        await asyncio.sleep(pace.uniform(*TYPING_GAPS_MS) / 1000)
        while spy.frames and time.perf_counter() - spy.frames[-1][0] < SETTLED_MS / 1000:
            await asyncio.sleep(0.002)
            if time.perf_counter() - sent > 2:
                break
        changed = spy.last_change()
        if changed is not None:
            samples.append((key, (changed - sent) * 1000))
    return samples


async def keypress_floor(keys: int) -> list[float]:
    """The bare app: a key changes one of its rows."""
    from benchmarks.bare_app import BareApp

    app = BareApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        spy = await watch_frames(app, pilot)
        samples = await keys_to_frames(spy, ["a", "b", "c", "d"] * (keys // 4), seed=2)
    return [ms for _, ms in samples]


async def keypress_samples(folder: Path, keys: int) -> list[tuple[str, float]]:
    """Keypress to the frame it changes, on the rating screen: digits, the point, Enter, arrows."""
    from srs_tui.app import make_app
    from srs_tui.widgets.rating_slider import RatingSlider

    db = folder / "keys.db"
    app = make_app(db, client_alias="Ana", clock=lambda: NOW, new_client=True)
    samples: list[tuple[str, float]] = []
    # Four items typed and set, then the arrows on the last: 20 keys a round.
    script = ["5", ".", "5", "enter"] * 4 + ["right", "left", "shift+right", "home"]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sliders = list(app.screen.query(RatingSlider))
        spy = await watch_frames(app, pilot)
        round_number = 0
        while len(samples) < keys:
            for slider in sliders:
                slider.clear()
            sliders[0].focus()
            await pilot.pause()
            samples += await keys_to_frames(spy, script[:16], seed=round_number)
            sliders[3].focus()
            await pilot.pause()
            samples += await keys_to_frames(spy, script[16:], seed=round_number)
            round_number += 1
    return samples


async def keypress_figure(folder: Path, keys: int) -> Figure:
    """Keypress to updated frame on the rating screen, against the bare app's floor."""
    samples = [ms for _, ms in await keypress_samples(folder, keys)]
    floor = await keypress_floor(len(samples))
    return Figure(
        "keypress to updated frame, rating screen", samples, 16.7, "p95", floor, median_budget=8.0
    )


def save_figures(folder: Path, saves: int) -> list[Figure]:
    """Saving one rating (WAL, synchronous FULL)."""
    from srs_tui.measures import Scores
    from srs_tui.store import Store

    db = folder / "saves.db"
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
    return [Figure("save one rating (WAL, synchronous FULL)", save_ms, 5.0, "p95")]


def long_day_figure(folder: Path, visits: int, warm: int) -> Figure:
    """Memory growth over visits ratings given from the caseload, the app left open (in a
    process of its own: benchmarks/long_day.py)."""
    import json

    from benchmarks.data import build
    from benchmarks.long_day import BUDGET_MB

    db = folder / "long-day.db"
    build(db, 20, 10, NOW)
    out = folder / "long-day.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.long_day", str(db), str(warm), str(visits), str(out)],
        cwd=Path(__file__).resolve().parents[1],
        check=True,
        timeout=3600,
        env=_environment(folder),
    )
    held = json.loads(out.read_text(encoding="utf-8"))
    return Figure(
        f"memory growth over {visits} visits (rate, save, back), after {warm} to warm; "
        f"{held['warm']:.0f} MB then",
        [held["end"] - held["warm"]],
        BUDGET_MB,
        unit="MB",
    )
