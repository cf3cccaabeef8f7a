"""Rate: the four sliders of one measure (the ORS or the SRS, in the client's form), the live
total, save. Client-facing: shows only this client; as a client view (shared), in the client's
language, with no cutoff or verdict while rating (unless the settings show them), and without
the therapist's guide and date & mode dialog."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Static

from srs_tui.context import AppContext, Share
from srs_tui.details import DISPLAY_FORMAT, SessionDetails
from srs_tui.measures import ORS, SRS, Measure, Scores, total_of
from srs_tui.rules import summarize
from srs_tui.screens.base import ClientScreen
from srs_tui.screens.navigation import after_save, go_back
from srs_tui.screens.sizing import preset_breakpoints
from srs_tui.store import Administration, Client, StoreError
from srs_tui.widgets.action_button import ActionButton
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.rating_slider import RatingSlider
from srs_tui.widgets.total_panel import TotalPanel
from srs_tui.widgets.unwatched import AppHeader
from srs_tui.wording import guide_text


class RateScreen(ClientScreen):
    """Administer one measure to one client, in the form of the client's age band."""

    DEFAULT_CSS = """
    RateScreen #session-info {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    /* The items and the guide beside them, under the header and the session line, which the
       guide never covers. */
    RateScreen #rate-main {
        height: 1fr;
    }
    RateScreen #rate-body {
        height: 1fr;
    }
    /* Taller terminals: air between the items, so a video tile reads them apart. */
    RateScreen.-tall RatingSlider {
        margin-top: 1;
    }
    RateScreen #total {
        padding: 0 1;
        margin-top: 1;
    }
    RateScreen #rate-actions {
        height: 3;
        padding: 0 1;
    }
    RateScreen #rate-actions ActionButton {
        min-width: 12;
        margin-right: 2;
    }
    RateScreen #rate-message {
        width: 1fr;
        height: 3;
        content-align: left middle;
        color: $text-warning;
        text-style: bold;
    }
    /* The guide for giving the scale aloud: a side panel. */
    RateScreen #guide {
        dock: right;
        width: 46;
        height: 1fr;
        padding: 1 2;
        background: $panel;
        overflow-y: auto;
        display: none;
    }
    """

    AUTO_FOCUS = "RatingSlider"

    # Textual repaints the whole screen when the focus moves; on this screen it moves on every
    # Enter. The two widgets that gain and lose it repaint themselves.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the four ratings", id="rate.save"),
        Binding(
            "ctrl+d",
            "details",
            "Date & mode",
            tooltip="Change the date (paper records), mode or setting",
            id="rate.details",
        ),
        Binding(
            "ctrl+g",
            "guide",
            "Guide",
            tooltip="How to give the scale aloud, in the client's language",
            id="rate.guide",
        ),
        Binding(
            "ctrl+t",
            "history",
            "History",
            tooltip="This client's trend; the ratings typed here stay",
            id="rate.history",
        ),
        Binding(
            "ctrl+n",
            "skip",
            # Short, so that Escape keeps its place on an 80-column key bar.
            "SRS",
            tooltip="No ORS today: the SRS instead, nothing saved",
            id="rate.skip",
        ),
        Binding(
            "escape",
            "leave",
            "Back",
            tooltip="Back, asking first if ratings would be lost",
            id="rate.back",
        ),
    ]

    # The therapist's own: not there at all on a client's view.
    THERAPIST_ACTIONS = frozenset({"guide", "details"})

    def __init__(
        self,
        ctx: AppContext,
        client: Client,
        measure: Measure = SRS,
        *,
        details: SessionDetails | None = None,
        shared: Share | None = None,
    ) -> None:
        """details: the date, mode and setting of the session this rating joins (the SRS after
        a back-dated ORS); None: now, with the default mode and setting. shared: a client
        view, in share mode."""
        super().__init__(ctx, client, shared=shared)
        preset_breakpoints(self)
        self.measure = measure
        self.form = measure.form_for(client.age_band).name
        self.profile = ctx.config.profiles.of(measure.name, self.form)
        self.sub_title = self.say.get(f"rate.title.{measure.name.lower()}") or measure.title
        self.details = details or SessionDetails(
            administered_at=ctx.clock(),
            mode=ctx.config.default_mode,
            setting=ctx.config.default_setting,
        )
        self.wording = ctx.wording(client, measure, self.form)
        self._later = 0  # sessions held after the chosen date: a back-dated form goes before
        # Until the therapist sets a date, the save time is used.
        self._details_chosen = details is not None
        self._session = 1
        self._session = self._number(self.details.administered_at)
        self._saving = False
        self._said = ""

    def _number(self, held_at: datetime) -> int:
        """The number the session will have: that of the session of the day this measure joins
        (the SRS after the visit's ORS), else where a new session at held_at goes."""
        store = self.ctx.store
        with suppress(StoreError):  # unreadable: the save says what is wrong
            visit = store.visit(self.client.id, held_at.date())
            if visit is not None and self.measure.name not in visit.measures:
                self._later = 0
                return visit.number
            if self._details_chosen:
                number, self._later, _ = store.place(self.client.id, held_at)
                return number
            return store.next_session(self.client.id)
        return self._session

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        # Skipping leads from the ORS to the SRS; on the SRS there is nothing to skip to.
        if action == "skip":
            return self.measure is ORS
        if action in self.THERAPIST_ACTIONS:
            return not self.client_view
        return True

    def compose(self) -> ComposeResult:
        yield AppHeader(icon="")
        yield self.share_banner()
        yield Static(self._info(), id="session-info")
        show_cutoff = not self.client_view or self.ctx.config.show_cutoff_while_rating
        with Horizontal(id="rate-main"):
            with VerticalScroll(id="rate-body", can_focus=False):
                poles = max(len(p) for i in self.wording.items for p in (i.low, i.high))
                for item in self.wording.items:
                    yield RatingSlider(item, pole_width=poles, words=self.say)
                yield TotalPanel(
                    self.measure,
                    self.profile,
                    self.wording.total,
                    show_cutoff=show_cutoff,
                    id="total",
                )
                with Horizontal(id="rate-actions"):
                    yield ActionButton(self.say("rate.save"), id="save", tooltip="Ctrl+S")
                    yield Static("", id="rate-message", markup=False)
            if not self.client_view:
                yield Static(guide_text(self.wording), id="guide", markup=False)
        # The curtain's key on the bar: this is the screen a client may be looking at. At 80
        # columns the keys a therapist needs least during a rating give way first.
        yield KeyBar(
            words=self.say if self.client_view else None,
            also_show=("app.curtain",),
            drop_first=("rate.guide", "rate.details", "rate.history"),
        )

    def action_guide(self) -> None:
        """Show or hide the script for giving the scale aloud (the therapist's view only)."""
        if self.client_view:
            return
        guide = self.query_one("#guide")
        guide.display = not guide.display

    def _info(self) -> Text:
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(self.measure.name, style="bold")
        info.append("  ·  ")
        info.append(self.shown_name(), style="bold")
        say = self.say
        info.append("  ·  " + say("rate.session", number=self._session))
        if self._later:
            # Said before saving, early in the line so a narrow window keeps it: an older form
            # takes its place in time, not the next number.
            later = (
                say("rate.before_latest_one")
                if self._later == 1
                else say("rate.before_latest", count=self._later)
            )
            info.append(later, style="bold")
        info.append("  ·  ")
        info.append(self.details.administered_at.strftime(DISPLAY_FORMAT))
        mode = say.get(f"session.mode.{self.details.mode}") or self.details.mode
        setting = say.get(f"session.setting.{self.details.setting}") or self.details.setting
        info.append(f"  ·  {mode}  ·  {setting}")
        return info

    def action_history(self) -> None:
        """This client's history, over the rating screen (a client view: the client's own)."""
        if self.shared is not None:
            from srs_tui.screens.client_history import ClientHistoryScreen

            self.app.push_screen(ClientHistoryScreen(self.ctx, self.client, self.shared))
            return
        from srs_tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.ctx, self.client))

    def _sliders(self) -> list[RatingSlider]:
        return list(self.query(RatingSlider))

    def values(self) -> dict[str, int | None]:
        """The current value of each item, None while unset."""
        return {slider.item.key: slider.value for slider in self._sliders()}

    def has_unsaved(self) -> bool:
        """Whether leaving now would lose ratings typed or set."""
        if self._saving:
            return False
        return any(s.value is not None or s.entry for s in self._sliders())

    def _say(self, message: str) -> None:
        # Static.update lays the screen out again: not on every keypress when nothing changes.
        if message != self._said:
            self._said = message
            self.query_one("#rate-message", Static).update(message)

    def watch_focused(self, blurred: Widget | None, focused: Widget | None) -> None:
        # Set now, so the focus marker moves in the frame that shows the value just set; the
        # Focus and Blur events reach the two widgets a frame later, with nothing to change.
        if blurred is not None:
            blurred.has_focus = False
        if focused is not None:
            focused.has_focus = True

    def on_mount(self) -> None:
        # Watched, not messaged: a watcher runs as the value is set, so the total reaches the
        # same frame as the slider. A message bubbling up to the screen arrived a frame later,
        # 17 to 35 ms after the key.
        for slider in self._sliders():
            self.watch(slider, "value", self._show_total, init=False)

    def _show_total(self) -> None:
        values = self.values()
        items_set = sum(value is not None for value in values.values())
        self.query_one(TotalPanel).show(total_of(values), items_set)
        self._say("")

    @on(ActionButton.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save when all four items are set; otherwise say which are missing."""
        if self._saving:
            return
        for slider in self._sliders():
            # A number typed and not yet set (Ctrl+S, or a click on Save, right after it) is
            # set as Enter would; one that cannot be set stops the save, its error showing.
            if not slider.commit_entry():
                slider.focus()
                return
        values = self.values()
        missing = [self.wording.item(key) for key, value in values.items() if value is None]
        if missing:
            names = ", ".join(item.label for item in missing)
            self._say(self.say("rate.not_saved", items=names))
            self.query_one(f"#{missing[0].key}", RatingSlider).focus()
            return
        scores = Scores.of(
            self.measure, {key: value for key, value in values.items() if value is not None}
        )
        store = self.ctx.store
        try:
            saved = store.record(
                self.client.id,
                scores,
                administered_at=(
                    self.details.administered_at if self._details_chosen else self.ctx.clock()
                ),
                mode=self.details.mode,
                setting=self.details.setting,
                now=self.ctx.clock(),
                form=self.form,
            )
        except StoreError as error:
            # The reason is the therapist's (English, about files); the client reads that
            # nothing was lost.
            self._say(self.say("rate.not_saved_error") if self.client_view else str(error))
            return
        self._saving = True
        series = self._history_to(saved)
        feedback = summarize(
            [given.scores for given in series], self.profile, [given.session for given in series]
        )
        after_save(self, saved, feedback, series[0])

    def _history_to(self, saved: Administration) -> list[Administration]:
        """The measure's series in the saved session's episode in time order, up to and
        including it: a back-dated form is judged against the sessions before it, not after."""
        try:
            history = self.ctx.store.history(
                self.client.id, measure=self.measure.name, episode_id=saved.episode_id
            )
        except StoreError:
            return [saved]  # saved, but unreadable after: judged on its own
        ids = [administration.id for administration in history]
        upto = ids.index(saved.id) + 1 if saved.id in ids else len(history)
        return history[:upto] or [saved]

    def action_details(self) -> None:
        """Open the date, mode and setting (the therapist's view only)."""
        if self.client_view:
            return
        from srs_tui.screens.session_details import SessionDetailsScreen  # its radio buttons

        def apply(details: SessionDetails | None) -> None:
            if details is not None:
                self._details_chosen = True
                self.details = details
                self._session = self._number(details.administered_at)
                self.query_one("#session-info", Static).update(self._info())

        self.app.push_screen(SessionDetailsScreen(self.details, self.ctx.clock()), apply)

    def action_skip(self) -> None:
        """No ORS today: the SRS in its place, with nothing saved (asking first if ratings
        typed here would be lost)."""
        if self.measure is not ORS:
            return

        def to_srs() -> None:
            self._saving = True  # nothing to keep: the quit check must not ask about it
            self.app.switch_screen(RateScreen(self.ctx, self.client, SRS, shared=self.shared))

        if not self.has_unsaved():
            to_srs()
            return

        from srs_tui.screens.confirm import confirm_then

        say = self.say
        confirm_then(
            self.app,
            say("rate.discard_ors"),
            to_srs,
            yes=say("rate.discard_yes"),
            no=say("rate.discard_no"),
        )

    def action_leave(self) -> None:
        """Back to the caseload, asking first if ratings would be lost."""
        if not self.has_unsaved():
            go_back(self, self.ctx)
            return

        from srs_tui.screens.confirm import confirm_then

        say = self.say
        confirm_then(
            self.app,
            say("rate.discard"),
            lambda: go_back(self, self.ctx),
            yes=say("rate.discard_yes"),
            no=say("rate.discard_no"),
        )

    @property
    def chosen_details(self) -> SessionDetails | None:
        """The date, mode and setting the therapist chose (None: now, with the defaults)."""
        return self.details if self._details_chosen else None

    def set_values(self, values: Mapping[str, int | None]) -> None:
        """Set the items to values: ratings handed over from another rating screen."""
        for slider in self._sliders():
            value = values.get(slider.item.key)
            if value is not None:
                slider.value = value
