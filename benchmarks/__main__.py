"""Measure the app on large databases: uv run python -m benchmarks [--quick]

Builds its databases in a temporary folder and leaves nothing behind. Prints one table:
figure, median, p95, budget, and whether it is within.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from benchmarks.common import NOW, Figure, timed
from benchmarks.data import build


async def timed_screen(
    db: Path,
    make_screen: Callable[[Any], Screen[Any]],
    ready: Callable[[Screen[Any]], bool],
    runs: int,
) -> list[float]:
    """From asking for a screen to the first frame the app writes with it complete.

    The frame is caught where the app hands it to the terminal driver; Pilot's own waiting
    (about 90 ms for any screen here) is not in the figure.
    """
    from srs_tui.app import make_app

    samples = []
    app = make_app(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames: list[tuple[float, Screen[Any]]] = []
        display = app._display

        def spy(screen: Screen[Any], renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None and ready(app.screen):
                frames.append((time.perf_counter(), app.screen))

        app._display = spy  # type: ignore[method-assign]
        for _ in range(runs):
            frames.clear()
            gc.collect()  # start each sample without the garbage of the one before
            screen = make_screen(app.ctx)
            start = time.perf_counter()
            app.push_screen(screen)
            deadline = start + 10
            while not any(shown is screen for _, shown in frames):
                if time.perf_counter() > deadline:
                    raise RuntimeError("the screen never became complete")
                await asyncio.sleep(0.0005)
            drawn = next(when for when, shown in frames if shown is screen)
            samples.append((drawn - start) * 1000)
            app.pop_screen()
            await pilot.pause()
    return samples


def caseload_figures(folder: Path, clients: int, sessions: int, runs: int) -> list[Figure]:
    from srs_tui.config import Config
    from srs_tui.screens.caseload import CaseloadScreen
    from srs_tui.store import Store
    from srs_tui.triage import recent_needed, triage

    db = folder / "caseload.db"
    build(db, clients, sessions, NOW)
    profiles = Config().profiles

    with Store.open(db) as store:

        def read_and_triage() -> None:
            triage(store.clients(recent=recent_needed(profiles)), profiles)

        data = timed(read_and_triage, runs)

    def complete(screen: Screen[Any]) -> bool:
        return isinstance(screen, CaseloadScreen) and len(screen.entries) == clients

    screen = asyncio.run(timed_screen(db, CaseloadScreen, complete, runs))
    label = f"{clients:,} clients x {sessions} sessions"
    return [
        Figure(f"caseload query + alerts, {label}", data, None),
        Figure(f"caseload screen open, {label}", screen, 150.0),
    ]


def history_figures(folder: Path, sessions: int, runs: int) -> list[Figure]:
    from srs_tui.config import Config
    from srs_tui.screens.history import HistoryScreen
    from srs_tui.store import Store

    db = folder / "history.db"
    (client_id,) = build(db, 1, sessions, NOW)
    profiles = Config().profiles
    with Store.open(db) as store:

        def read_and_judge() -> None:
            profiles.alerts_by_session([a.scores for a in store.history(client_id)])

        data = timed(read_and_judge, runs)

    def make(ctx: Any) -> Screen[Any]:
        return HistoryScreen(ctx, ctx.store.client(client_id))

    def complete(screen: Screen[Any]) -> bool:
        return isinstance(screen, HistoryScreen) and len(screen.history) == sessions

    screen = asyncio.run(timed_screen(db, make, complete, runs))
    return [
        Figure(f"history query + alerts, {sessions} sessions", data, None),
        Figure(f"history screen open, {sessions} sessions", screen, 100.0),
    ]


def table(figures: list[Figure]) -> str:
    width = max(len(f.name) for f in figures)
    head = f"{'figure':<{width}}  {'median':>9}  {'p95':>9}  {'bare app':>9}  {'ratio':>6}"
    lines = [f"{head}  {'budget':>24}  verdict"]
    for f in figures:
        bare = f"{statistics.median(f.bare):.1f} {f.unit}" if f.bare else "-"
        ratio = f"{f.ratio:.2f}x" if f.ratio else "-"
        budget = f.budget_text
        lines.append(
            f"{f.name:<{width}}  {f.median:>6.1f} {f.unit}  {f.p95:>6.1f} {f.unit}  {bare:>9}  "
            f"{ratio:>6}  {budget:>24}  {f.verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny databases, a few runs")
    args = parser.parse_args(argv)
    clients, sessions, history, runs = (20, 5, 10, 2) if args.quick else (1000, 100, 200, 20)
    from benchmarks.more import keypress_figure, save_and_export_figures, terminal_figures

    with tempfile.TemporaryDirectory(prefix="srs-tui-bench-") as folder:
        # The quick run (the test suite's smoke test) leaves tmux out: a terminal server is
        # not something a test may depend on.
        figures = [] if args.quick else terminal_figures(Path(folder), clients, sessions, 20)
        figures += caseload_figures(Path(folder), clients, sessions, runs)
        figures += history_figures(Path(folder), history, runs)
        figures.append(asyncio.run(keypress_figure(Path(folder), 40 if args.quick else 240)))
        figures += save_and_export_figures(Path(folder), 20 if args.quick else 200)
    print(table(figures))
    return 1 if any(f.verdict == "OVER" for f in figures) and not args.quick else 0


if __name__ == "__main__":
    raise SystemExit(main())
