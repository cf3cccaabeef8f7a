"""The width and height classes a screen gets from the app's breakpoints, given up front."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen


def preset_breakpoints(screen: Screen[Any]) -> None:
    """Give a new screen the classes its first Resize would give it.

    Textual adds them when the screen gets its size, after it has been styled once, and a
    change of classes restyles every widget on it: that was a fifth of opening the rating
    screen. With the classes already right, the Resize changes nothing.
    """
    app = screen.app
    width, height = app.size
    for dimension, breakpoints in (
        (width, screen.HORIZONTAL_BREAKPOINTS or app.HORIZONTAL_BREAKPOINTS),
        (height, screen.VERTICAL_BREAKPOINTS or app.VERTICAL_BREAKPOINTS),
    ):
        reached = [(edge, name) for edge, name in breakpoints or [] if dimension >= edge]
        if reached:
            screen.add_class(max(reached)[1])
