"""Share mode: the shared client's views as a screen stack of their own (an App mode).

The therapist's screens are the app's default mode. Sharing builds a new mode whose stack holds
only the shared client's client views, so nothing can be popped or reached out of it; stopping
switches back and drops it whole. Here: starting (the name asked over a blank screen), stopping
(the feedback held on each save shown then), and the end of a share whose client was erased or
changed from another window. The app (app.py) adds the rest: the curtain, the idle lock,
quitting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from srs_tui.context import NOT_SHARING, AppContext, Share
from srs_tui.screens import navigation
from srs_tui.screens.base import ClientChooser, ClientScreen, SharingApp
from srs_tui.screens.curtain import CurtainScreen
from srs_tui.screens.navigation import LaunchScreen
from srs_tui.store import Client, StoreError
from srs_tui.widgets.rating_slider import RatingSlider
from srs_tui.wording.ui import UiWords, ui_words

if TYPE_CHECKING:
    from srs_tui.screens.rate import RateScreen

SHARE_MODE = "share"


class BlankScreen(Screen[None]):
    """Nothing: what lies under the question of the name to share under."""


class ShareMode(SharingApp):
    """The app's share mode (SrsApp is one)."""

    # The therapist's screens are a mode of their own, with a name, so that the app can switch
    # back to them from share mode's stack.
    DEFAULT_MODE = "therapist"

    def __init__(self, ctx: AppContext, start_client: Client | None) -> None:
        super().__init__()
        self.ctx = ctx
        self.start_client = start_client
        # The therapist's stack is Textual's default one, built from get_default_screen; the
        # mode is added by name only when share mode first needs to switch back to it. Added
        # from the start, Textual built it as a named mode: it parsed all the CSS again for it,
        # and drew the base screen before the app's on_mount could open the first screen over
        # it (a blank frame under the rating screen of --client): together some 15 ms of a
        # start. Built as the default stack, the app mounts first, and the first frame drawn is
        # the first screen's (tests/test_start_cost.py).
        self._therapist_mode_added = False
        # Share mode's stack is built whole for each share and dropped whole when it stops.
        self._share_mode: str | None = None
        self._share_modes_made = 0
        # The shared client's record as sharing started: a change from another window (an
        # erase, a new alias) ends share mode. None once it has ended, or when not sharing.
        self._shared_client: Client | None = None
        self.ever_shared = False  # the terminal is cleared on leaving: it may still be shared
        self._share_words = ui_words("en")  # the shared client's language, to the end

    def _curtain(self) -> CurtainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, CurtainScreen)), None)

    def _client_on_screen(self) -> Client | None:
        screen = self.screen
        if isinstance(screen, ClientScreen):
            return screen.client
        if isinstance(screen, ClientChooser):
            return screen.selected_client()
        return None

    def _say(self) -> UiWords:
        """The app's own words: in the shared client's language while sharing, else English."""
        return self._share_words if self.share.active else ui_words("en")

    def _new_share_stack(self, base: Callable[[], Screen[Any]]) -> None:
        """Show a new share mode stack on base, dropping the one before it, if any."""
        if not self._therapist_mode_added:
            self.add_mode(self.DEFAULT_MODE, self.get_default_screen)
            self._therapist_mode_added = True
        self._share_modes_made += 1
        name = f"{SHARE_MODE}-{self._share_modes_made}"
        self.add_mode(name, base)
        old, self._share_mode = self._share_mode, name
        self.switch_mode(name)
        if old is not None:
            self.remove_mode(old)
        # A toast raised on the therapist's screens is not for the shared one.
        self.clear_notifications()

    def start_sharing(self, client: Client, *, handed: RateScreen | None = None) -> None:
        """Share mode for client: a screen stack of their client views only, on their history.

        handed: a rating screen the therapist had open for the client, whose measure, date and
        typed values the client's rating screen takes over (it is closed on the therapist's
        side: the ratings live in one place)."""
        from srs_tui.screens.client_history import ClientHistoryScreen

        share = Share(client.id, client.display_name)
        self.share = share
        self._shared_client = client
        self._share_words = ui_words(client.language)
        self.ever_shared = True
        self._new_share_stack(lambda: ClientHistoryScreen(self.ctx, client, share))
        if handed is None:
            return
        from srs_tui.screens.rate import RateScreen

        rating = RateScreen(
            self.ctx, client, handed.measure, details=handed.chosen_details, shared=share
        )
        for slider in handed.query(RatingSlider):
            slider.commit_entry()  # a number typed and not yet set goes over too
        values = handed.values()
        self.push_screen(rating)
        self.call_after_refresh(rating.set_values, values)

    def stop_sharing(self) -> None:
        """Back to the therapist's own screens, with the feedback on each save made while
        sharing waiting on top, the first save's first."""
        self._back_to_therapist()
        held, self.held_feedback = self.held_feedback, []
        if not held:
            return
        from srs_tui.screens.feedback import FeedbackScreen

        for one in reversed(held):
            try:
                client = self.ctx.store.client(one.client.id)  # renamed meanwhile, perhaps
            except StoreError:
                client = one.client
            self.push_screen(
                FeedbackScreen(self.ctx, client, one.saved, one.feedback, intake=one.intake)
            )

    def _back_to_therapist(self) -> None:
        self.switch_mode(self.DEFAULT_MODE)
        if self._share_mode is not None:
            self.remove_mode(self._share_mode)
            self._share_mode = None
        self.share = NOT_SHARING
        self._shared_client = None
        self.clear_notifications()
        # The therapist's screens of a client erased meanwhile (from another window) go.
        while isinstance(self.screen, ClientScreen) and not self._still_there(self.screen.client):
            self.pop_screen()
        if isinstance(self.screen, LaunchScreen):
            # Started in share mode: the client's own history, then back leads to the caseload.
            client = self.start_client
            if client is not None and self._still_there(client):
                from srs_tui.screens.history import HistoryScreen

                self.push_screen(HistoryScreen(self.ctx, self.ctx.store.client(client.id)))
            else:
                from srs_tui.screens.caseload import CaseloadScreen

                self.push_screen(CaseloadScreen(self.ctx))

    def _still_there(self, client: Client) -> bool:
        try:
            self.ctx.store.client(client.id)
        except StoreError:
            return False
        return True

    def check_shared_client(self) -> None:
        """End share mode, with a neutral page, when the shared client is erased or changed
        from another window (run every second): its screens would show what is no longer so."""
        before = self._shared_client
        if before is None or not self.share.active or self._curtain() is not None:
            return
        try:
            now: Client | None = self.ctx.store.client(before.id)
        except StoreError:
            now = None
        if now == before:
            return
        from srs_tui.screens.share_ended import ShareEndedScreen

        self._shared_client = None
        if now is None:  # erased: nothing of theirs is kept, not even the feedback
            self.held_feedback = [h for h in self.held_feedback if h.client.id != before.id]
        words = self._share_words
        self._new_share_stack(lambda: ShareEndedScreen(words))

    def action_toggle_share(self) -> None:
        """Start share mode for the client on screen, or stop it after a confirmation."""
        if self._curtain() is not None:
            return
        from srs_tui.screens.confirm import confirm_then

        if self.share.active:
            say = self._say()
            typed = any(
                isinstance(screen, ClientScreen) and screen.has_unsaved()
                for screen in self.screen_stack
            )
            confirm_then(
                self,
                say("share.stop_question_typed" if typed else "share.stop_question"),
                self.stop_sharing,
                yes=say("share.stop_yes"),
                no=say("share.stop_no"),
            )
            return
        client = self._client_on_screen()
        if client is None:
            self.notify("Choose a client first.", markup=False)
            return
        from srs_tui.screens.rate import RateScreen

        screen = self.screen
        handed = screen if isinstance(screen, RateScreen) else None
        with_rating = handed is not None or isinstance(screen, ClientChooser)

        def chosen(name: str | None) -> None:
            if name is None or client is None:
                self._back_to_therapist()
                return
            try:
                # The name alone: the alias as read may be shown escaped, never written back.
                updated = self.ctx.store.set_display_name(client.id, name)
            except StoreError as error:
                self._back_to_therapist()
                self.notify(str(error), severity="error", markup=False)
                return
            if handed is not None:
                # Closed on the therapist's side before the client's takes its values over.
                self.switch_mode(self.DEFAULT_MODE)
                self.pop_screen()
                self.start_sharing(updated, handed=handed)
            else:
                self.start_sharing(updated)
                if with_rating:
                    navigation.open_rating(self, self.ctx, updated, shared=self.share)

        from srs_tui.screens.share_start import ShareStartScreen

        # The name is asked for over a blank screen, not over the caseload: the window may
        # already be shared.
        self._new_share_stack(BlankScreen)

        def answered(name: str | None) -> None:
            # After the dialog has gone: the stack it was on is about to be replaced.
            self.call_later(chosen, name)

        self.push_screen(ShareStartScreen(client, ui_words(client.language)), answered)
