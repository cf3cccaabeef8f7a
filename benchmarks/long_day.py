"""Memory over a long day: python -m benchmarks.long_day DB WARM VISITS OUT

The real app, left open (headless, through Pilot), gives VISITS ratings from the caseload as a
therapist does: r, four numbers, Ctrl+S, the feedback, Escape back; ORS and SRS in turns, as the
visits of one day alternate. Writes to OUT, as JSON, the process's resident memory (MB, VmRSS)
after WARM visits and after WARM + VISITS. In a process of its own: the benchmark's own
allocations before it would be reused and hide growth.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from pathlib import Path

from benchmarks.common import NOW

# The first visits fill what is filled once (styles, SQLite's page cache, the wording, the
# allocator's arenas, Textual's bounded caches): 40 MB at the first frame, 47 MB after 50
# visits, then level (before the closed screens were let go: 68 MB after 50, 175 after 500).
WARM = 50
BUDGET_MB = 5.0


def resident_mb() -> float:
    gc.collect()
    for row in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def day(db: Path, warm: int, visits: int) -> dict[str, float]:
    from srs_tui.app import make_app
    from srs_tui.screens.caseload import CaseloadScreen
    from srs_tui.screens.feedback import FeedbackScreen

    app = make_app(db, clock=lambda: NOW)
    held: dict[str, float] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        held["start"] = resident_mb()
        for number in range(warm + visits):
            if number == warm:
                held["warm"] = resident_mb()
            await pilot.press("r")
            await pilot.press("5", "enter", "6", "enter", "7", "enter", "8", "enter", "ctrl+s")
            if not isinstance(app.screen, FeedbackScreen):
                raise RuntimeError(f"visit {number + 1}: the rating was not saved")
            await pilot.press("escape")
            await pilot.pause()
            if not isinstance(app.screen, CaseloadScreen):
                raise RuntimeError(f"visit {number + 1}: not back at the caseload")
        held["end"] = resident_mb()
    return held


def main(argv: list[str]) -> int:
    db, warm, visits, out = Path(argv[0]), int(argv[1]), int(argv[2]), Path(argv[3])
    out.write_text(json.dumps(asyncio.run(day(db, warm, visits))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
