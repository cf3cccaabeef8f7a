"""Going back to the caseload, whether it lies under this screen or was never built."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from srs_tui.context import AppContext, Share
from srs_tui.rules import Feedback
from srs_tui.screens.base import ClientScreen, HeldFeedback, SharingApp
from srs_tui.store import Administration, Client, StoreError


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
    if the app started on this screen.

    In share mode, back never leaves the shared client's screens: share mode's stack holds
    nothing else, and its base (the client's history) stays.
    """
    stack = screen.app.screen_stack
    below = stack[-2] if len(stack) > 1 else None
    if isinstance(screen, ClientScreen) and screen.client_view:
        if below is None:
            screen.notify(screen.say("share.nothing_back"), markup=False)
        else:
            screen.dismiss(None)
        return
    screen.dismiss(None)
    if isinstance(below, LaunchScreen):
        from srs_tui.screens.caseload import CaseloadScreen

        screen.app.push_screen(CaseloadScreen(ctx))


def open_rating(
    app: App[Any], ctx: AppContext, client: Client, *, shared: Share | None = None
) -> None:
    """Open the rating screen for client with the measure this moment of their visit needs:
    the ORS when today's session has none (the start of a visit), the SRS when it has an ORS
    and no SRS (its end). Either can be skipped or given alone from there. shared: as a
    client view, in share mode."""
    from srs_tui.measures import ORS, measure_named
    from srs_tui.screens.rate import RateScreen

    try:
        name = ctx.store.measure_to_offer(client.id, ctx.clock().date())
    except StoreError:
        name = ORS.name  # unreadable now: the start of a visit, and the save says what is wrong
    app.push_screen(RateScreen(ctx, client, measure_named(name), shared=shared))


def after_save(
    screen: ClientScreen,
    saved: Administration,
    feedback: Feedback,
    intake: Administration,
) -> None:
    """What follows a save, in place of the rating screen: the therapist's feedback (alerts,
    what to ask, the note); on a shared screen, the client's thanks, while the therapist's
    feedback waits for sharing to stop."""
    app = screen.app
    if screen.shared is not None and isinstance(app, SharingApp):
        from srs_tui.screens.thanks import ThanksScreen

        app.hold_feedback(HeldFeedback(screen.client, saved, feedback, intake))
        app.switch_screen(
            ThanksScreen(screen.ctx, screen.client, saved, feedback, shared=screen.shared)
        )
        return
    from srs_tui.screens.feedback import FeedbackScreen  # its TextArea: only when needed

    therapist = FeedbackScreen(screen.ctx, screen.client, saved, feedback, intake=intake)
    screen.app.switch_screen(therapist)
