"""Regenerate the README pictures from the real app on demo data.

Run: uv run python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from textual.widgets import TextArea

from srs_tui.app import make_app
from srs_tui.demo import seed
from srs_tui.store import Store

OUT = Path(__file__).resolve().parent.parent / "screenshots"
NOW = datetime(2026, 12, 1, 14, 5, tzinfo=timezone(timedelta(hours=1)))
CLIENT = "Casey (demo)"
SPANISH = "Devon (demo)"
TYPED = ["9", "full_stop", "1", "enter", "8", "full_stop", "5", "enter", "7"]
ALL_FOUR = [*TYPED, "enter", "9", "full_stop", "9", "enter"]

SHOTS: list[tuple[str, tuple[int, int], str | None, list[str]]] = [
    # Share mode for Devon, who speaks Spanish: Ctrl+O on his rating screen, the name as is.
    ("rate-share-es-120x36", (120, 36), SPANISH, ["ctrl+o", "enter", *TYPED]),
    ("thanks-share-es-80x24", (80, 24), SPANISH, ["ctrl+o", "enter", *ALL_FOUR, "ctrl+s"]),
    ("history-share-120x36", (120, 36), CLIENT, ["ctrl+o", "enter", "escape"]),
    ("caseload-80x24", (80, 24), None, []),
    ("caseload-120x36", (120, 36), None, []),
    ("history-80x24", (80, 24), None, ["enter"]),
    ("history-120x36", (120, 36), None, ["enter"]),
    ("history-items-120x36", (120, 36), None, ["enter", "i"]),
    ("rate-80x24", (80, 24), CLIENT, TYPED),
    ("rate-120x36", (120, 36), CLIENT, TYPED),
    ("feedback-80x24", (80, 24), CLIENT, [*ALL_FOUR, "ctrl+s"]),
    ("feedback-120x36", (120, 36), CLIENT, [*ALL_FOUR, "ctrl+s"]),
    # The SRS at the end of the same visit: from the ORS's feedback, Ctrl+N.
    ("rate-srs-120x36", (120, 36), CLIENT, [*ALL_FOUR, "ctrl+s", "ctrl+n", *TYPED]),
    (
        "feedback-srs-120x36",
        (120, 36),
        CLIENT,
        [*ALL_FOUR, "ctrl+s", "ctrl+n", *ALL_FOUR, "ctrl+s"],
    ),
    ("history-child-120x36", (120, 36), None, ["slash", *"robin", "enter"]),
]


async def shoot(
    db: Path, name: str, size: tuple[int, int], client: str | None, keys: list[str]
) -> None:
    app = make_app(db, client_alias=client, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    print(f"screenshots/{name}.svg")


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, size, client, keys in SHOTS:
            # A fresh demo database for each picture, so one shot's save never shows in another.
            db = Path(folder) / f"{name}.db"
            with Store.open(db) as store:
                seed(store, NOW)
            await shoot(db, name, size, client, keys)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
