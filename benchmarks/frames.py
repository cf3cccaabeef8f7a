"""The frames an app writes, caught where it hands them to the terminal driver."""

from __future__ import annotations

import time
from typing import Any

from rich.segment import ControlType, Segment
from rich.style import Style
from textual.app import App


class ShadowScreen:
    """What the terminal shows, cell by cell, rebuilt from the updates the app writes.

    It tells a frame that changes the screen from one that paints what is already there:
    Textual repaints a widget when its Focus or Blur event arrives, which can be a frame after
    the change itself was drawn.
    """

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[str, Style | None]] = {}

    def apply(self, app: App[Any], update: Any) -> bool:
        """Put update on the screen; True if any cell changed."""
        changed = False
        x = y = 0
        cells = self.cells
        segments: Any = update.__rich_console__(app.console, app.console.options)
        for segment in segments:
            if not isinstance(segment, Segment):
                continue
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(control[1]), int(control[2])
                continue
            if segment.text == "\n":
                x, y = 0, y + 1
                continue
            for character in segment.text:
                cell = (character, segment.style)
                if cells.get((x, y)) != cell:
                    cells[(x, y)] = cell
                    changed = True
                x += 1
        return changed


class FrameSpy:
    """Records when the app writes a frame, and whether that frame changed the screen."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.shadow = ShadowScreen()
        self.frames: list[tuple[float, bool]] = []
        display = app._display

        def spy(screen: Any, update: Any) -> None:
            display(screen, update)
            if update is not None:
                when = time.perf_counter()  # before the shadow's own work
                self.frames.append((when, self.shadow.apply(app, update)))

        app._display = spy  # type: ignore[method-assign]

    def last_change(self) -> float | None:
        """When the last frame that changed the screen was written, if any was."""
        return next((when for when, changed in reversed(self.frames) if changed), None)
