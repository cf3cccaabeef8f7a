"""ActionButton: the rating screen's Save, in the look of Textual's primary Button.

Textual's Button carries the CSS of every variant, style and state, and parsing it was a
third of the CSS parsed to open the rating screen. This one carries one look.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget


class ActionButton(Widget, can_focus=True):
    """A button: Enter, Space or a click presses it, and it posts Pressed."""

    DEFAULT_CSS = """
    ActionButton {
        width: auto;
        min-width: 12;
        height: 3;
        padding: 0 1;
        content-align: center middle;
        text-align: center;
        text-style: bold;
        color: $button-color-foreground;
        background: $primary;
        border-top: tall $primary-lighten-3;
        border-bottom: tall $primary-darken-3;
        pointer: pointer;
        &:hover {
            background: $primary-darken-2;
            border-top: tall $primary;
        }
        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
    }
    """

    BINDINGS = [Binding("enter,space", "press", "Press", show=False, id="button.press")]

    class Pressed(Message):
        """The button was pressed."""

        def __init__(self, button: ActionButton) -> None:
            super().__init__()
            self.button = button

        @property
        def control(self) -> ActionButton:
            """The button that was pressed."""
            return self.button

    def __init__(self, label: str, *, id: str | None = None, tooltip: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.label = label
        if tooltip:
            self.tooltip = tooltip

    def render(self) -> str:
        return self.label

    def action_press(self) -> None:
        """Press the button."""
        self.post_message(self.Pressed(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()
