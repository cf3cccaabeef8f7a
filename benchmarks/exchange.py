"""Export and import of large databases: time and peak memory of the real command, each run
in its own process, against SQLite read through Python's csv writer (the floor).

python -m benchmarks.exchange PEAK floor DB OUT writes that floor: the same rows a CSV export
holds, one plain SELECT in client and time order, through csv.writer, nothing formatted.
python -m benchmarks.exchange PEAK app ARGS... runs srs-tui with ARGS. Both write their peak
memory to the file PEAK.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Figure

GROWTH_BUDGET_MB = 20.0
IMPORT_LIMIT_S = 150.0  # the importer plans a whole file in memory before it writes

# The rows of a CSV export: every administration with its session and its client.
FLOOR_QUERY = """
SELECT c.id, c.alias, s.held_at, a.measure, a.form, a.rater, a.item1, a.item2, a.item3,
       a.item4, coalesce(a.total, a.item1 + a.item2 + a.item3 + a.item4), s.mode, s.setting,
       s.note
FROM sessions AS s
JOIN clients AS c ON c.id = s.client_id
JOIN administrations AS a ON a.session_id = s.id
ORDER BY s.client_id, s.instant, s.created_at
"""


def write_floor(db: Path, out: Path) -> None:
    """SQLite's rows as CSV, as fast as Python writes them: the export's floor."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            cursor = conn.execute(FLOOR_QUERY)
            while rows := cursor.fetchmany(10_000):
                writer.writerows(rows)
    finally:
        conn.close()


def own_peak_mb() -> float:
    """This process's peak resident memory in MB.

    From /proc where there is one: Linux's ru_maxrss keeps, across exec, the parent's memory
    copied at fork, so a child started by a large benchmark would report the benchmark's.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for row in status.read_text(encoding="ascii").splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    import resource  # not on Windows

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS


def _peak_of(pid: int) -> float | None:
    """The peak memory in MB of a running process of ours, where /proc tells it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    row = next((row for row in status.splitlines() if row.startswith("VmHWM:")), None)
    return int(row.split()[1]) / 1024 if row else None


def measured(
    command: list[str], env: dict[str, str], peak_file: Path, limit: float | None = None
) -> tuple[float, float, bool]:
    """(ms, peak memory in MB, finished) of one run of a command of this module's; stopped
    after limit seconds, with its peak so far."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.exchange", str(peak_file), *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, errors = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        peak = _peak_of(process.pid) or 0.0
        process.kill()
        process.communicate()
        return (time.perf_counter() - start) * 1000, peak, False
    elapsed = (time.perf_counter() - start) * 1000
    if process.returncode != 0:
        raise RuntimeError(f"{command} ended with {process.returncode}: {errors[-500:]}")
    peak = float(peak_file.read_text(encoding="ascii"))
    peak_file.unlink()
    return elapsed, peak, True


def exchange_figures(folder: Path, databases: list[tuple[Path, int]], runs: int) -> list[Figure]:
    """Export (CSV, JSON) and import (of the CSV) of each database, with the floor's time and
    memory beside them; databases as (path, sessions), smallest first, so that the peaks show
    whether memory grows with the rows."""
    peak_file = folder / "peak.txt"
    home = folder / "exchange-home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    figures = []
    peaks: dict[str, list[float]] = {}
    for db, sessions in databases:
        label = f"{sessions:,} sessions"
        out = folder / f"{db.stem}-out"
        results: dict[str, list[tuple[float, float]]] = {
            "floor": [],
            "csv": [],
            "json": [],
            "import": [],
        }
        app = ["app", "--db", str(db)]
        commands = {
            "floor": ["floor", str(db), f"{out}.floor"],
            "csv": [*app, "export", "--format", "csv", "-o", f"{out}.csv", "--force"],
            "json": [*app, "export", "--format", "json", "-o", f"{out}.json", "--force"],
        }
        largest = db == databases[-1][0] and len(databases) > 1
        # The largest database once: each of its exports takes a minute.
        for _ in range(1 if largest else runs):
            for name, command in commands.items():
                elapsed, peak, _ = measured(command, env, peak_file)
                results[name].append((elapsed, peak))
        # The import of the export into an empty database, once, and not of the largest: the
        # importer reads and plans a whole file in memory.
        fresh = folder / f"{db.stem}-imported.db"
        imported = ""
        if not largest:
            command = ["app", "--db", str(fresh), "import", f"{out}.csv"]
            elapsed, peak, finished = measured(command, env, peak_file, IMPORT_LIMIT_S)
            results["import"].append((elapsed, peak))
            imported = "" if finished else f" (stopped unfinished at {IMPORT_LIMIT_S:.0f} s)"
        for suffix in (".floor", ".csv", ".json"):
            Path(f"{out}{suffix}").unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)
        ms = {name: [elapsed for elapsed, _ in runs_of] for name, runs_of in results.items()}
        mb = {name: [peak for _, peak in runs_of] for name, runs_of in results.items()}

        for name in results:
            if mb[name]:
                peaks.setdefault(name, []).append(max(mb[name]))
        figures += [
            Figure(f"floor: SQLite rows through csv.writer, {label}", ms["floor"], None),
            Figure(f"export CSV, {label}", ms["csv"], None, bare=ms["floor"], peer="csv floor"),
            Figure(f"export JSON, {label}", ms["json"], None, bare=ms["floor"], peer="csv floor"),
            *(
                [
                    Figure(
                        f"import the CSV, {label}{imported}",
                        ms["import"],
                        None,
                        bare=ms["floor"],
                        peer="csv floor",
                    )
                ]
                if ms["import"]
                else []
            ),
            Figure(f"peak memory (RSS), floor, {label}", mb["floor"], None, unit="MB"),
            Figure(f"peak memory (RSS), export CSV, {label}", mb["csv"], None, unit="MB"),
            Figure(f"peak memory (RSS), export JSON, {label}", mb["json"], None, unit="MB"),
            *(
                [
                    Figure(
                        f"peak memory (RSS), import CSV, {label}{imported}",
                        mb["import"],
                        None,
                        unit="MB",
                    )
                ]
                if mb["import"]
                else []
            ),
        ]
    if len(databases) > 1:
        # Flat in rows: the peak of the largest export against the smallest's. SQLite's page
        # cache and the largest client's records are the slack.
        span = f"{databases[0][1]:,} to {databases[-1][1]:,} sessions"
        for name, words, budget in (
            ("floor", "floor", None),
            ("csv", "export CSV", GROWTH_BUDGET_MB),
            ("json", "export JSON", GROWTH_BUDGET_MB),
        ):
            growth = [peaks[name][-1] - peaks[name][0]]
            figures.append(
                Figure(f"peak memory growth, {words}, {span}", growth, budget, unit="MB")
            )
    return figures


def run(argv: list[str]) -> int:
    """One measured command: PEAK floor DB OUT, or PEAK app ARGS..."""
    if len(argv) >= 2 and argv[1] == "floor" and len(argv) == 4:
        write_floor(Path(argv[2]), Path(argv[3]))
        code = 0
    elif len(argv) >= 2 and argv[1] == "app":
        from srs_tui.__main__ import main

        code = main(argv[2:])
    else:
        print("usage: python -m benchmarks.exchange PEAK (floor DB OUT | app ARGS...)")
        return 2
    Path(argv[0]).write_text(f"{own_peak_mb():.1f}", encoding="ascii")
    return code


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
