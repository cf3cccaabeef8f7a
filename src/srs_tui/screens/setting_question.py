"""The first start's question: where sessions are usually held (telehealth or in person).

The answer is written to the settings file ([session] setting) and is then the setting of every
new session; the rating screen's details (Ctrl+D) still change it for one session. Asked until
the settings file names a setting. Shown by `unlock.FirstStartApp`; the words are in
`start_words`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from srs_tui.config import ConfigError, remember_setting
from srs_tui.measures import SETTINGS
from srs_tui.screens.start_words import say


class SettingScreen(Screen[None]):
    """Telehealth or in person; the answer saved, then given to chosen."""

    BINDINGS = [Binding("escape", "app.quit", "Quit", show=False, id="setting.quit")]

    def __init__(self, settings_path: Path, chosen: Callable[[str], None]) -> None:
        super().__init__()
        self.settings_path = settings_path
        self.chosen = chosen
        self.answer: str | None = None  # given, but not saved: "Go on" goes on with it

    def compose(self) -> ComposeResult:
        with Vertical(classes="start-box"):
            yield Static("srs-tui", id="start-name")
            yield Static(say("setting.title"), classes="start-title")
            yield Static(say("setting.text"), classes="start-text")
            where = say("setting.where", path=self.settings_path)
            yield Static(where, classes="start-text", markup=False)
            with Horizontal(classes="start-buttons", id="choices"):
                for setting in SETTINGS:
                    yield Button(say(f"setting.{setting}"), id=f"setting-{setting}")
            yield Static("", id="message", classes="start-message", markup=False)
            yield Static(say("setting.keys"), classes="start-words")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "go-on" and self.answer is not None:
            self.chosen(self.answer)
            return
        setting = (event.button.id or "").removeprefix("setting-")
        if setting in SETTINGS:
            self.choose(setting)

    def choose(self, setting: str) -> None:
        """Save the answer; if the file cannot take it, say why and go on when asked."""
        try:
            remember_setting(setting, self.settings_path)
        except ConfigError as error:
            self.answer = setting
            message = self.query_one("#message", Static)
            message.update(f"{error}. {say('setting.unsaved')}")
            choices = self.query_one("#choices", Horizontal)
            choices.remove_children()
            go_on = Button(say("setting.go_on"), id="go-on", variant="primary")
            choices.mount(go_on)
            go_on.focus()
            return
        self.chosen(setting)
