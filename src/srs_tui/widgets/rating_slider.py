"""RatingSlider: one 0-to-10 item, set by typing the number the client says, by keys or mouse.

It starts unset, with no value and no knob: a preset position would bias the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import parse as parse_action
from textual.binding import Binding, NoBinding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from srs_tui.measures import Item, RatingError, format_tenths, parse_rating

ITEM_MAX = 100
POLE_WIDTH = 13  # the longest built-in English pole label
POLE_WIDTH_MAX = 20  # longer poles (a licensed wording) go under the track instead
VALUE_WIDTH = 7
MIN_TRACK = 21
ENTRY_MAX = 6
MINOR_TICKS_FROM = 31  # cells of track: room for a tick at every whole point


@dataclass(frozen=True)
class TrackLayout:
    """Where the track sits in a line of the slider, in cells."""

    start: int
    width: int
    poles_beside: bool

    def position(self, value: int) -> int:
        """The cell offset within the track that shows value."""
        return round(value * (self.width - 1) / ITEM_MAX)

    def value_at(self, x: int) -> int:
        """The value at a cell offset of the whole line (clamped to the track)."""
        cell = min(max(x - self.start, 0), self.width - 1)
        return round(cell * ITEM_MAX / (self.width - 1))


def track_layout(width: int, pole_width: int = POLE_WIDTH) -> TrackLayout:
    """Poles beside the track when it stays wide enough, otherwise on the line below."""
    beside = width - 2 * (pole_width + 1)
    if beside >= MIN_TRACK and pole_width <= POLE_WIDTH_MAX:
        return TrackLayout(start=pole_width + 1, width=beside, poles_beside=True)
    return TrackLayout(start=0, width=max(width, 3), poles_beside=False)


class RatingSlider(Widget, can_focus=True):
    """A 0.0 to 10.0 rating in tenths, or None while unset."""

    DEFAULT_CSS = """
    RatingSlider {
        height: 3;
        padding: 0 1;
        outline-left: blank;
    }
    /* An outline, present in both states (only its look changes): it draws over the padding
       and changes no layout, so moving the focus repaints two items instead of laying out the
       whole screen again. */
    RatingSlider:focus {
        background: $boost;
        outline-left: thick $accent;
    }
    RatingSlider > .rating-slider--label {
        text-style: bold;
    }
    RatingSlider > .rating-slider--description {
        color: $text-muted;
    }
    RatingSlider > .rating-slider--error {
        color: $text-error;
        text-style: bold;
    }
    RatingSlider > .rating-slider--value {
        color: $text;
        text-style: bold;
    }
    RatingSlider > .rating-slider--entry {
        color: $text;
        text-style: bold reverse;
    }
    RatingSlider > .rating-slider--unset {
        color: $text-muted;
    }
    RatingSlider > .rating-slider--filled {
        color: $accent;
    }
    RatingSlider > .rating-slider--empty {
        color: $text-muted;
    }
    RatingSlider > .rating-slider--knob {
        color: $accent;
        text-style: bold;
    }
    RatingSlider > .rating-slider--pole {
        color: $text-muted;
    }
    """

    COMPONENT_CLASSES = {
        "rating-slider--label",
        "rating-slider--description",
        "rating-slider--error",
        "rating-slider--value",
        "rating-slider--entry",
        "rating-slider--unset",
        "rating-slider--filled",
        "rating-slider--empty",
        "rating-slider--knob",
        "rating-slider--pole",
    }

    BINDINGS = [
        Binding("enter", "commit", "Set & next", tooltip="Set the typed value", id="slider.commit"),
        Binding("left", "step(-1)", "-0.1", show=False, tooltip="Lower by 0.1", id="slider.down"),
        Binding("right", "step(1)", "+0.1", show=False, tooltip="Raise by 0.1", id="slider.up"),
        Binding(
            "shift+left", "step(-10)", "-1", show=False, tooltip="Lower by 1", id="slider.down_1"
        ),
        Binding(
            "shift+right", "step(10)", "+1", show=False, tooltip="Raise by 1", id="slider.up_1"
        ),
        Binding("home", "jump(0)", "0", show=False, tooltip="Set to 0", id="slider.min"),
        Binding("end", "jump(100)", "10", show=False, tooltip="Set to 10", id="slider.max"),
        Binding("backspace", "erase", "Erase", show=False, id="slider.erase"),
    ]

    value: reactive[int | None] = reactive(None)
    entry: reactive[str] = reactive("")
    error: reactive[str] = reactive("")

    class Changed(Message):
        """The value changed (set, stepped, dragged)."""

        def __init__(self, slider: RatingSlider, value: int | None) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

        @property
        def control(self) -> RatingSlider:
            """The slider that changed."""
            return self.slider

    def __init__(self, item: Item, *, pole_width: int = POLE_WIDTH, id: str | None = None) -> None:
        super().__init__(id=id or item.key)
        self.item = item
        # The same for all four items (the longest pole), so that the tracks line up.
        self.pole_width = pole_width
        self._dragging = False
        self._render_styles: dict[str, Style] = {}

    # What the user does

    def _set(self, value: int | None) -> None:
        self.error = ""
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))

    def action_commit(self) -> None:
        """Set the typed entry; with none, confirm the current value."""
        if self.entry:
            try:
                value = parse_rating(self.entry, ITEM_MAX)
            except RatingError as error:
                self.error = str(error)
                self.entry = ""
                return
            self.entry = ""
            self._set(value)
        elif self.value is None:
            self.error = "type a number from 0 to 10, then Enter"
            return
        # Move on at once, not through a message: the client's next number may already be
        # in the input queue, and it belongs to the next item.
        self.screen.focus_next()

    def action_step(self, tenths: int) -> None:
        """Move by a step; an unset slider starts from the middle."""
        self.entry = ""
        if self.value is None:
            self._set(ITEM_MAX // 2)
        else:
            self._set(min(max(self.value + tenths, 0), ITEM_MAX))

    def action_jump(self, value: int) -> None:
        """Set an end of the scale."""
        self.entry = ""
        self._set(value)

    def action_erase(self) -> None:
        """Delete the last typed character."""
        self.entry = self.entry[:-1]
        self.error = ""

    def clear(self) -> None:
        """Back to unset, as for a new administration."""
        self.entry = ""
        self._set(None)

    def _handle_key(self, event: events.Key) -> bool:
        """Act on a key at once; True if it was ours."""
        if event.is_printable and event.character is not None:
            if event.character != " " and len(self.entry) < ENTRY_MAX:
                self.entry += event.character
                self.error = ""
            return True
        if event.key == "escape" and (self.entry or self.error):
            # Escape first drops a half-typed number; only a second one leaves the screen.
            self.entry = ""
            self.error = ""
            return True
        try:
            bindings = self._bindings.get_bindings_for_key(event.key)
        except NoBinding:
            return False
        for binding in bindings:
            _, name, arguments = parse_action(binding.action)
            action = getattr(self, f"action_{name}", None)
            if action is not None:
                action(*arguments)
                return True
        return False

    def on_key(self, event: events.Key) -> None:
        # Keys are handled here, in the order they came, rather than through bindings (which
        # run only after the key has bubbled up to the app): typed fast, "8.5 Enter 7 Enter"
        # arrives in one burst, all queued for this slider before Enter has moved the focus.
        # A key that arrives after this slider has passed the focus on goes where it went.
        focused = self.screen.focused
        target = focused if isinstance(focused, RatingSlider) else None
        if target is not None and target._handle_key(event):
            event.stop()
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        # A pasted number is treated as typed: it still needs Enter, so nothing is set unseen.
        event.stop()
        self.entry = "".join(event.text.split())[:ENTRY_MAX]
        self.error = ""

    def on_blur(self) -> None:
        self.entry = ""

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        self.focus()
        if offset.y >= 1:  # the track or the scale under it; the heading only focuses
            self._dragging = True
            self.capture_mouse()
            self._set_from_x(offset.x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._set_from_x(event.get_content_offset_capture(self).x)

    def on_mouse_up(self) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def _set_from_x(self, x: int) -> None:
        self.entry = ""
        self._set(self._layout().value_at(x))

    # Drawing

    def _layout(self) -> TrackLayout:
        return track_layout(self.content_size.width, self.pole_width)

    def _style(self, part: str) -> Style:
        # Cached for one render: a component style lookup per track cell would put the
        # lookups, not the drawing, on the keypress path.
        cache = self._render_styles
        if part not in cache:
            cache[part] = self.get_component_rich_style(f"rating-slider--{part}")
        return cache[part]

    def _value_cell(self) -> Text:
        if self.entry:
            cell = Text.assemble((f" {self.entry}▏", self._style("entry")))
        elif self.value is None:
            cell = Text.assemble((" – ", self._style("unset")))
        else:
            cell = Text.assemble((f" {format_tenths(self.value)} ", self._style("value")))
        cell.align("right", VALUE_WIDTH)
        return cell

    def _heading(self, width: int) -> Text:
        line = Text.assemble((self.item.label, self._style("label")), no_wrap=True)
        room = width - VALUE_WIDTH - len(line)
        if self.error:
            message = Text.assemble((f"  ✗ {self.error}", self._style("error")))
        else:
            message = Text.assemble((f"  {self.item.description}", self._style("description")))
        message.truncate(max(room, 0), overflow="ellipsis")
        line.append_text(message)
        line.pad_right(width - VALUE_WIDTH - len(line))
        line.append_text(self._value_cell())
        return line

    def _track(self, layout: TrackLayout) -> Text:
        knob = None if self.value is None else layout.position(self.value)
        ticks: dict[int, str] = {}
        if layout.width >= MINOR_TICKS_FROM:
            ticks = {layout.position(point * 10): "┬" for point in range(1, 10)}
        ticks.update({0: "├", layout.position(50): "┼", layout.width - 1: "┤"})
        track = Text(no_wrap=True)
        if knob is None:
            track.append(self._empty_track(layout.width, ticks), self._style("empty"))
            return track
        # Three spans (filled, knob, the rest), whatever the width: this is the keypress path.
        track.append("━" * knob, self._style("filled"))
        track.append("●", self._style("knob"))
        rest = "".join(ticks.get(cell, "─") for cell in range(knob + 1, layout.width))
        track.append(rest, self._style("empty"))
        return track

    @staticmethod
    def _empty_track(width: int, ticks: dict[int, str]) -> str:
        return "".join(ticks.get(cell, "─") for cell in range(width))

    def render(self) -> Text:
        self._render_styles.clear()
        width = self.content_size.width
        layout = self._layout()
        pole = self._style("pole")
        track_line = Text(no_wrap=True)
        scale = Text(no_wrap=True)
        middle = layout.start + layout.position(50)
        end = layout.start + layout.width - 1
        if layout.poles_beside:
            track_line.append(self.item.low_pole.rjust(self.pole_width) + " ", pole)
            track_line.append_text(self._track(layout))
            track_line.append(" " + self.item.high_pole, pole)
            scale.append(" " * layout.start + "0", pole)
            scale.append("5".rjust(middle - len(scale) + 1), pole)
            scale.append("10".rjust(end - len(scale) + 1), pole)
        else:
            track_line.append_text(self._track(layout))
            low = f"0 {self.item.low_pole}"
            high = f"{self.item.high_pole} 10"
            if len(low) + len(high) + 1 > width:  # a long licensed wording: each half a line
                half = max((width - 1) // 2, 1)
                low = low if len(low) <= half else low[: half - 1] + "…"
                high = high if len(high) <= half else "…" + high[-(half - 1) :]
            scale.append(low, pole)
            scale.append(high.rjust(max(width - len(low), len(high) + 1)), pole)
        lines = Text("\n", no_wrap=True).join([self._heading(width), track_line, scale])
        lines.no_wrap = True
        return lines
