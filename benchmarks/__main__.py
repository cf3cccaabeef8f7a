"""Measure the app on large databases: uv run python -m benchmarks [--quick]

Builds its databases in a temporary folder and leaves nothing behind. Prints one table:
figure, median, p95, budget, and whether it is within.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.screen import Screen

from benchmarks.common import NOW, Figure, timed
from benchmarks.data import build

Screens = dict[str, tuple[Callable[[Any], Screen[Any]], Callable[[Screen[Any]], bool]]]


def bare_screen() -> tuple[Callable[[Any], Screen[Any]], Callable[[Screen[Any]], bool]]:
    """The floor a screen's opening is measured against: the bare screen, opened the same way."""
    from benchmarks.bare_app import BareScreen

    return (lambda _ctx: BareScreen()), (lambda screen: isinstance(screen, BareScreen))


async def timed_screens(db: Path, screens: Screens, runs: int) -> dict[str, list[float]]:
    """From asking for each screen to the first frame the app writes with it complete.

    The frame is caught where the app hands it to the terminal driver; Pilot's own waiting
    (about 90 ms for any screen here) is not in the figure. The screens are opened in turns,
    so that a machine that slows down for a while slows them all.
    """
    from srs_tui.app import make_app

    samples: dict[str, list[float]] = {name: [] for name in screens}
    app = make_app(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames: list[tuple[float, Screen[Any]]] = []
        display = app._display
        ready_now: list[Callable[[Screen[Any]], bool]] = []

        def spy(screen: Screen[Any], renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None and ready_now and ready_now[0](app.screen):
                frames.append((time.perf_counter(), app.screen))

        app._display = spy  # type: ignore[method-assign]
        for _ in range(runs):
            for name, (make_screen, ready) in screens.items():
                frames.clear()
                ready_now[:] = [ready]
                gc.collect()  # start each sample without the garbage of the one before
                screen = make_screen(app.ctx)
                start = time.perf_counter()
                app.push_screen(screen)
                deadline = start + 30
                while not any(shown is screen for _, shown in frames):
                    if time.perf_counter() > deadline:
                        raise RuntimeError("the screen never became complete")
                    await asyncio.sleep(0.0005)
                drawn = next(when for when, shown in frames if shown is screen)
                samples[name].append((drawn - start) * 1000)
                ready_now.clear()
                await back_to_base(app, pilot)
    return samples


async def back_to_base(app: Any, pilot: Any) -> None:
    """Pop the measured screen, and let the screen under it (the caseload) take its return:
    it reads itself again only when a record changed, never between these samples, so
    nothing of that return falls into the next sample."""
    app.pop_screen()
    await pilot.pause()


def caseload_figures(
    db: Path, clients: int, sessions: int, runs: int, budget: float, *, prefix: str = ""
) -> list[Figure]:
    """Reading and ordering the caseload, and opening its screen, against a bare screen;
    prefix names the figures of a vault."""
    from srs_tui.config import Config
    from srs_tui.screens.caseload import CaseloadScreen
    from srs_tui.store import Store
    from srs_tui.triage import recent_needed, triage

    profiles = Config().profiles

    with Store.open(db) as store:
        summaries = store.clients(recent=recent_needed(profiles))
        read = timed(lambda: store.clients(recent=recent_needed(profiles)), runs)
        ordered = timed(lambda: triage(summaries, profiles), runs)

    def complete(screen: Screen[Any]) -> bool:
        return isinstance(screen, CaseloadScreen) and len(screen.entries) == clients

    opened = asyncio.run(
        timed_screens(db, {"bare": bare_screen(), "caseload": (CaseloadScreen, complete)}, runs)
    )
    label = f"{clients:,} clients x {sessions} sessions"
    return [
        Figure(f"{prefix}caseload query (Store.clients), {label}", read, None),
        Figure(f"{prefix}caseload alerts and order (triage), {label}", ordered, None),
        Figure(
            f"{prefix}caseload screen open, {label}",
            opened["caseload"],
            budget,
            bare=opened["bare"],
            peer="bare screen",
        ),
    ]


def history_figures(folder: Path, sessions: int, runs: int, *, vault: bool = False) -> list[Figure]:
    """Reading and judging one client's history, and opening its screen; in a vault (a
    folder of its own) with vault."""
    from benchmarks.vault import encrypted_copy
    from srs_tui.config import Config
    from srs_tui.screens.history import HistoryScreen
    from srs_tui.store import Store

    if vault:
        db, (client_id,) = encrypted_copy(folder, "history.db", 1, sessions)
    else:
        db = folder / "history.db"
        (client_id,) = build(db, 1, sessions, NOW)
    prefix = "vault: " if vault else ""
    profiles = Config().profiles
    with Store.open(db) as store:

        def read_and_judge() -> None:
            # Both measures: every session has an ORS and an SRS.
            profiles.judge(store.all_administrations(client_id))

        data = timed(read_and_judge, runs)

    def make(ctx: Any) -> Screen[Any]:
        return HistoryScreen(ctx, ctx.store.client(client_id))

    def complete(screen: Screen[Any]) -> bool:
        # At least every session: a history that holds both measures has one of each.
        return isinstance(screen, HistoryScreen) and len(screen.history) >= sessions

    opened = asyncio.run(
        timed_screens(db, {"bare": bare_screen(), "history": (make, complete)}, runs)
    )
    return [
        Figure(f"{prefix}history query + alerts, {sessions} sessions", data, None),
        Figure(
            f"{prefix}history screen open, {sessions} sessions",
            opened["history"],
            100.0,
            bare=opened["bare"],
            peer="bare screen",
        ),
    ]


def taken(step: Callable[[Path], list[Figure]], folder: Path, most: int) -> list[Figure]:
    """The figures of step, given a new folder of its own in folder each time; taken again
    while one is over its budget, up to most runs: a busy machine's one slow p95 is not the
    app's, a figure over in every run is."""
    figures = step(Path(tempfile.mkdtemp(dir=folder)))
    over_in: dict[str, int] = {}
    for run in range(2, most + 1):
        over = [f.name for f in figures if f.over]
        if not over:
            break
        print(f"(over budget, taken again: {'; '.join(over)})", file=sys.stderr)
        for f in figures:
            over_in[f.name] = over_in.get(f.name, 0) + f.over
        figures = [
            replace(f, runs=run, over_in=over_in.get(f.name, 0))
            for f in step(Path(tempfile.mkdtemp(dir=folder)))
        ]
    return figures


def with_vault_peers(figures: list[Figure]) -> list[Figure]:
    """The vault's figures after the plain ones, each with the same figure without the vault
    as its peer (what the vault costs), where it has no bare peer of its own to be judged on."""
    plain = {f.name: f for f in figures if not f.name.startswith("vault:")}
    locked = []
    for f in figures:
        if not f.name.startswith("vault:"):
            continue
        without = plain.get(f.name.removeprefix("vault: "))
        if without is not None and f.budget_on != "ratio":
            locked.append(replace(f, bare=without.samples, peer="no vault"))
        else:
            locked.append(f)
    return list(plain.values()) + locked


def table(figures: list[Figure]) -> str:
    """One line a figure: its median and p95, its peer's median and what the peer is, the
    ratio to it, the budget and the verdict."""
    width = max(len(f.name) for f in figures)
    peers = [
        f"{statistics.median(f.bare):.1f} {f.unit} {f.peer}" if f.bare else "-" for f in figures
    ]
    peer_width = max(len("peer"), *(len(peer) for peer in peers))
    head = f"{'figure':<{width}}  {'median':>9}  {'p95':>9}  {'peer':>{peer_width}}  {'ratio':>6}"
    lines = [f"{head}  {'budget':>24}  verdict"]
    for f, peer in zip(figures, peers, strict=True):
        ratio = f"{f.ratio:.2f}x" if f.ratio else "-"
        lines.append(
            f"{f.name:<{width}}  {f.median:>6.1f} {f.unit}  {f.p95:>6.1f} {f.unit}  "
            f"{peer:>{peer_width}}  {ratio:>6}  {f.budget_text:>24}  {f.verdict}"
        )
    return "\n".join(lines)


PROBE_SECONDS = 20


def caseload_reads_in_time(db: Path) -> bool:
    """Whether one read of the caseload (Store.clients) ends within PROBE_SECONDS; in a
    process of its own, so that a query that never ends is stopped."""
    probe = (
        "from pathlib import Path; from srs_tui.store import Store; "
        f"Store.open_read_only(Path({str(db)!r})).clients()"
    )
    try:
        subprocess.run([sys.executable, "-c", probe], check=True, timeout=PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        print(
            f"(one read of the caseload of {db.name} took over {PROBE_SECONDS} s: "
            "its caseload figures and the start-up in a terminal are left out)",
            file=sys.stderr,
        )
        return False
    return True


def compile_environment() -> str:
    """Compile the environment's modules to bytecode, as an installed app runs them; what was
    done, for the table.

    Without bytecode every start compiles Textual and Rich from source (1.2 s against 0.4 s
    to import Textual on the development machine), which hides the app's own cost in a ratio.
    """
    import sysconfig

    import textual

    source = Path(textual.__file__)
    before = Path(importlib.util.cache_from_source(str(source))).exists()
    places = [sysconfig.get_paths()["purelib"], str(Path(__file__).resolve().parents[1] / "src")]
    result = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *places],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return "bytecode: compileall failed; figures include compiling from source"
    already = "already compiled" if before else "compiled now"
    return f"bytecode: site-packages and src {already} (python -m compileall), as installed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny databases, a few runs")
    parser.add_argument(
        "--no-large",
        action="store_true",
        help="leave out the 10,000-client caseload and the 1,000,000-session export and import "
        "(they build a 1 GB database first, which takes minutes)",
    )
    parser.add_argument(
        "--no-large-exchange",
        action="store_true",
        help="the 10,000-client caseload, but not the 1,000,000-session export and import "
        "(an import of a million sessions takes ten minutes a run)",
    )
    args = parser.parse_args(argv)
    clients, sessions, history, runs = (20, 5, 10, 2) if args.quick else (1000, 100, 200, 20)
    # The large database doubles as the export's: 10,000 clients x 100 sessions.
    large_clients, large_sessions, large_runs = (40, 5, 2) if args.quick else (10_000, 100, 7)
    from benchmarks import vault
    from benchmarks.exchange import exchange_figures
    from benchmarks.long_day import WARM
    from benchmarks.more import keypress_figure, long_day_figure, save_figures, terminal_figures

    environment = "bytecode: as found (quick run)" if args.quick else compile_environment()
    saves = 20 if args.quick else 200
    visits = 5 if args.quick else 500
    with tempfile.TemporaryDirectory(prefix="srs-tui-bench-") as name:
        folder = Path(name)
        db = folder / "caseload.db"
        build(db, clients, sessions, NOW)
        # The same caseload in a vault, in a folder of its own (its backups are sealed).
        locked = folder / "vault"
        vault_db, _ = vault.encrypted_copy(locked, "caseload.db", clients, sessions)
        readable = caseload_reads_in_time(db)
        steps: list[Callable[[Path], list[Figure]]] = []
        # The quick run (the test suite's smoke test) leaves tmux out: a terminal server is
        # not something a test may depend on.
        if not args.quick and readable:
            steps.append(lambda place: terminal_figures(place, db, clients, 20, vault_db=vault_db))
        if readable:
            steps.append(lambda _: caseload_figures(db, clients, sessions, runs, 150.0))
        steps += [
            lambda place: history_figures(place, history, runs),
            lambda place: [asyncio.run(keypress_figure(place, 40 if args.quick else 240))],
            lambda place: save_figures(place, saves),
            lambda place: [long_day_figure(place, visits, 2 if args.quick else WARM)],
            # The vault's: the same work through SQLCipher, the key unlocked in this process.
            lambda _: [vault.derivation_figure(vault_db, 2 if args.quick else 10)],
        ]
        if readable:
            steps.append(
                lambda _: caseload_figures(
                    vault_db, clients, sessions, runs, 150.0, prefix="vault: "
                )
            )
        steps += [
            lambda place: history_figures(place, history, runs, vault=True),
            lambda place: [vault.save_figure(place, saves)],
        ]
        exchanged = [(db, clients * sessions)]
        if not args.no_large:
            large = folder / "large.db"
            build(large, large_clients, large_sessions, NOW)
            if readable and caseload_reads_in_time(large):
                steps.append(
                    lambda _: caseload_figures(
                        large, large_clients, large_sessions, large_runs, 500.0
                    )
                )
            if not args.no_large_exchange:
                exchanged.append((large, large_clients * large_sessions))
        steps.append(lambda place: exchange_figures(place, exchanged, 1 if args.quick else 3))
        figures = [f for step in steps for f in taken(step, folder, 1 if args.quick else 3)]
        figures = with_vault_peers(figures)
    print(table(figures))
    print(environment)
    print(
        "A figure over its budget is taken again, up to three times; it is OVER only when over "
        "in every run."
    )
    return 1 if any(f.verdict.startswith("OVER") for f in figures) and not args.quick else 0


if __name__ == "__main__":
    raise SystemExit(main())
