"""The width and height classes a screen gets from the app's breakpoints, given up front."""

from __future__ import annotations

from typing import Any

from textual.events import ScreenResume
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


class StyledOnMount:
    """Spares a new screen the second styling Textual gives it when it is first shown.

    Textual styles each widget as it is mounted, then again, every widget of the screen,
    when the screen is resumed: for a screen shown again after another (the theme may have
    changed meanwhile), not for one composed a moment ago, whose widgets have the styles
    that pass would give them. It was a tenth of opening the history. Kept only when the
    stylesheet is the one the widgets were styled with: a widget class used for the first
    time adds its CSS as it is mounted, which may restyle widgets mounted before it.
    """

    def __init__(self) -> None:
        self._rules: object | None = None

    def composing(self, screen: Screen[Any]) -> None:
        """Called as the screen composes: the stylesheet its widgets are styled with."""
        self._rules = screen.app.stylesheet.rules

    def resumed(self, screen: Screen[Any], event: ScreenResume) -> None:
        """Called with each ScreenResume before Textual's own handler: the first, straight
        after composing with the stylesheet unchanged, leaves the styles as they are."""
        if self._rules is not None and screen.app.stylesheet.rules is self._rules:
            event.refresh_styles = False
        self._rules = None
