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


def screen_below(screen: Screen[Any]) -> Screen[Any] | None:
    """The screen that closing this one would show."""
    stack = screen.app.screen_stack
    return stack[-2] if len(stack) > 1 and stack[-1] is screen else None


def go_back(screen: Screen[Any], ctx: AppContext) -> None:
    """Close screen, back to where the therapist came from; to the caseload, built only now,
    if the app started on this screen."""
    stack = screen.app.screen_stack
    below = stack[-2] if len(stack) > 1 else None
    screen.dismiss(None)
    if isinstance(below, LaunchScreen):
        from srs_tui.screens.caseload import CaseloadScreen

        screen.app.push_screen(CaseloadScreen(ctx))
