"""Going back to the caseload, whether it lies under this screen or was never built."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from srs_tui.context import AppContext, Share
from srs_tui.rules import Feedback
from srs_tui.screens.base import ClientScreen, share_of
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

    While the screen is shared, back never leads out of the client's own screens: it ends on
    the client's history, which stays.
    """
    share = share_of(screen)
    if share.active:
        _back_while_sharing(screen, ctx, share.client_id)
        return
    stack = screen.app.screen_stack
    below = stack[-2] if len(stack) > 1 else None
    screen.dismiss(None)
    if isinstance(below, LaunchScreen):
        from srs_tui.screens.caseload import CaseloadScreen

        screen.app.push_screen(CaseloadScreen(ctx))


def _back_while_sharing(screen: Screen[Any], ctx: AppContext, client_id: str | None) -> None:
    from srs_tui.screens.history import HistoryScreen

    below = screen_below(screen)
    if isinstance(below, ClientScreen) and below.client.id == client_id:
        screen.dismiss(None)  # another of this client's screens
    elif isinstance(screen, HistoryScreen):
        screen.notify("Sharing: this client's screens only. Ctrl+O stops sharing.")
    elif client_id is not None:
        screen.app.switch_screen(HistoryScreen(ctx, ctx.store.client(client_id)))


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
    from srs_tui.screens.feedback import FeedbackScreen  # its TextArea: only when needed

    therapist = FeedbackScreen(screen.ctx, screen.client, saved, feedback, intake=intake)
    screen.app.switch_screen(therapist)
