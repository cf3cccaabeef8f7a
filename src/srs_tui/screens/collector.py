"""No garbage collection while a large screen opens, until its first frame is drawn.

Every object a caseload or a history builds as it opens lives as long as the screen, so a
collection in the middle frees nothing; yet each one walks all of them, and they were about a
sixth of opening the caseload of 1,000 clients. The collector runs again once the screen is on
the terminal, where a pause is not seen.
"""

from __future__ import annotations

import gc

from textual.message_pump import MessagePump


class OpeningPause:
    """start() as the screen is composed; drawn(screen) once its data is in: the collector
    comes back after the next frame. end() brings it back at once: the screen calls it as it
    is suspended or closed, so that a screen left before its frame never leaves it off.
    Nothing if the collector was already off (the start-up keeps it off until its own first
    frame, and brings it back itself)."""

    def __init__(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def start(self) -> None:
        if gc.isenabled():
            gc.disable()
            self._paused = True

    def drawn(self, node: MessagePump) -> None:
        if self._paused and not node.call_after_refresh(self.end):
            self.end()

    def end(self) -> None:
        if self._paused:
            self._paused = False
            gc.enable()
