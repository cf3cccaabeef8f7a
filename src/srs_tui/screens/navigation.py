"""Going back to the caseload, whether it lies under this screen or was never built."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from srs_tui.context import AppContext


class LaunchScreen(Screen[None]):
    """The empty base under a screen the app opened straight away (--client).

    The caseload shows every client's alias, so it is built only when the therapist goes back
    to it, never behind a rating screen that may be shared.
    """


def back_to_caseload(screen: Screen[Any], ctx: AppContext) -> None:
    """Close screen and show the caseload, building it if the app started elsewhere."""
    stack = screen.app.screen_stack
    below = stack[-2] if len(stack) > 1 else None
    screen.dismiss(None)
    if isinstance(below, LaunchScreen):
        from srs_tui.screens.caseload import CaseloadScreen

        screen.app.push_screen(CaseloadScreen(ctx))
