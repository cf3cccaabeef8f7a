"""RatingSlider: one 0-to-10 item, set by typing the number the client says, by keys or mouse.

It starts unset, with no value and no knob: a preset position would bias the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import parse as parse_action
from textual.binding import Binding, NoBinding
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from srs_tui.measures import RatingError, format_tenths, parse_rating
from srs_tui.terminal_text import terminal_safe
from srs_tui.widgets.big_number import aligned_rows, digits_text
from srs_tui.widgets.drawn import line_at
from srs_tui.wording import ItemWords
from srs_tui.wording.ui import UiWords, ui_words

ITEM_MAX = 100
POLE_WIDTH = 13  # the longest built-in English pole label
POLE_WIDTH_MAX = 20  # longer poles (a licensed wording) go under the track instead
VALUE_WIDTH = 7
MIN_TRACK = 21
ENTRY_MAX = 6
MINOR_TICKS_FROM = 31  # cells of track: room for a tick at every whole point
GUTTER_LEFT = 1  # the focus bar, drawn by the widget
GUTTER_RIGHT = 1
# The value again in large digits at the right, readable in a small video tile, when the
# widget is wide enough that the track keeps its room.
DIGITS_FROM = 70
DIGITS_WIDTH = 12  # a margin, "10.0" in 3x3 glyphs (10 cells), a margin

# Each part of the drawing: its component class (None: the widget's own colour), and bold.
PART_LOOKS: dict[str, tuple[str | None, bool]] = {
    "label": (None, True),
    "description": ("muted", False),
    "error": ("error", False),
    "value": (None, True),
    "entry": (None, True),  # and reversed: a cursor in the value's cell
    "unset": ("muted", False),
    "filled": ("accent", False),
    "empty": ("muted", False),
    "knob": ("accent", True),
    "pole": ("muted", False),
}


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

    # The keys panel's heading over this widget's keys.
    BINDING_GROUP_TITLE = "The item in focus"

    DEFAULT_CSS = """
    RatingSlider {
        height: 3;
    }
    /* The focus look (a boosted background, a bar in the accent colour at the left edge) is
       drawn by the widget, not by a :focus style: restyling a slider and its parts cost about
       5 ms each on every Enter, as the focus moved on. */
    RatingSlider > .rating-slider--focus {
        background: $boost;
    }
    /* Three looks for all the parts (the rest is the widget's own colour, bold or not). */
    RatingSlider > .rating-slider--muted {
        color: $text-muted;
    }
    RatingSlider > .rating-slider--accent {
        color: $accent;
    }
    RatingSlider > .rating-slider--error {
        color: $text-error;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {
        "rating-slider--focus",
        "rating-slider--muted",
        "rating-slider--accent",
        "rating-slider--error",
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

    def __init__(
        self,
        item: ItemWords,
        *,
        pole_width: int = POLE_WIDTH,
        id: str | None = None,
        words: UiWords | None = None,
    ) -> None:
        """words: the screen's, for the slider's messages (English when not given)."""
        super().__init__(id=id or item.key)
        self.item = item
        self.words = words or ui_words("en")
        # The same for all four items (the longest pole), so that the tracks line up.
        self.pole_width = pole_width
        self._dragging = False
        self._render_styles: dict[tuple[str, bool], Style] = {}
        # The lines drawn, with the (width, focus, value, entry, error) they were drawn for.
        self._drawn: tuple[tuple[int, bool, int | None, str, str], list[Strip]] | None = None

    # What the user does

    def _set(self, value: int | None) -> None:
        self.error = ""
        self.value = value

    def commit_entry(self) -> bool:
        """Set the typed entry, if any; False if it is refused (the error shows, the value
        stays as it was)."""
        if not self.entry:
            return True
        entry, self.entry = self.entry, ""
        try:
            value = parse_rating(entry, ITEM_MAX)
        except RatingError as error:
            self.error = self.words(
                f"slider.error.{error.kind}",
                entry=terminal_safe(entry),
                top=format_tenths(ITEM_MAX).removesuffix(".0"),
                highest=format_tenths(ITEM_MAX),
            )
            return False
        self._set(value)
        return True

    def action_commit(self) -> None:
        """Set the typed entry; with none, confirm the current value."""
        if self.entry:
            if not self.commit_entry():
                return
        elif self.value is None:
            self.error = self.words("slider.error.unset")
            return
        # Move on at once, not through a message: the client's next number may already be
        # in the input queue, and it belongs to the next item.
        self.screen.focus_next()

    def _move_on(self, forward: bool) -> bool:
        """Tab or Shift+Tab: a typed entry is set as Enter sets it, then the focus moves;
        refused, it stays here with its error. True if the key was ours (an entry typed)."""
        if not self.entry:
            return False  # nothing typed: the screen's own Tab moves the focus
        if self.commit_entry():
            if forward:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
        return True

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
        # "?" goes on to the app: the keys panel's key, on the rating screen as everywhere.
        if event.is_printable and event.character is not None and event.character != "?":
            if event.character != " " and len(self.entry) < ENTRY_MAX:
                self.entry += event.character
                self.error = ""
            return True
        if event.key in ("tab", "shift+tab"):
            return self._move_on(event.key == "tab")
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
        # A click elsewhere, or any other move of the focus, sets what was typed as Enter
        # would; a number that cannot be set leaves its error showing, and nothing set.
        # Not when the terminal window itself loses the focus: it comes back here, to go on.
        if self.app.app_focus:
            self.commit_entry()

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
        """The track's place in the widget's own lines, the drawn gutter included."""
        inner = self._inner_layout()
        return TrackLayout(inner.start + GUTTER_LEFT, inner.width, inner.poles_beside)

    def _inner_layout(self) -> TrackLayout:
        return track_layout(self._inner_width(), self.pole_width)

    @property
    def shows_digits(self) -> bool:
        """Whether the value is drawn in large digits beside the item."""
        return self.content_size.width >= DIGITS_FROM

    def _inner_width(self) -> int:
        digits = DIGITS_WIDTH if self.shows_digits else 0
        return max(self.content_size.width - GUTTER_LEFT - GUTTER_RIGHT - digits, 1)

    def _base(self) -> Style:
        """The widget's style, with the focus background while it has the focus."""
        return self._style("base")

    def _style(self, part: str) -> Style:
        # The line API draws no base of its own: each part is the base, then its look, then
        # the base's background again (a part's own style carries the unfocused one).
        # Cached for both focus states until the styles change: the focus moves on every
        # Enter, and looking the styles up again then cost more than drawing the lines.
        cache = self._render_styles
        key = (part, self.has_focus)
        if key not in cache:
            if part == "base":
                style = self.rich_style
                if self.has_focus:
                    style += self.get_component_rich_style("rating-slider--focus")
            elif part == "digits":
                style = self.rich_style + Style(bold=True)
            else:
                look, bold = PART_LOOKS[part]
                base = self._base()
                style = base
                if look is not None:
                    style += self.get_component_rich_style(f"rating-slider--{look}")
                    style += Style(bgcolor=base.bgcolor)
                if bold:
                    style += Style(bold=True, reverse=part == "entry")
            cache[key] = style
        return cache[key]

    def watch_has_focus(self, _has_focus: bool) -> None:
        # Drawn, not restyled: see the focus look in DEFAULT_CSS.
        self._drawn = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._render_styles.clear()
        self._drawn = None

    def _value_cell(self) -> list[Segment]:
        """The value, right-aligned in its cells; only the text itself takes its style."""
        if self.entry:
            text, part = f" {self.entry}▏", "entry"
        elif self.value is None:
            text, part = " – ", "unset"
        else:
            text, part = f" {format_tenths(self.value)} ", "value"
        text = set_cell_size(text, min(cell_len(text), VALUE_WIDTH))
        pad = Segment(" " * (VALUE_WIDTH - cell_len(text)), self._base())
        return [pad, Segment(text, self._style(part))]

    def _heading(self, width: int) -> list[Segment]:
        label = self.item.label
        if self.error:
            message, part = f"  ✗ {self.error}", "error"
        else:
            message, part = f"  {self.item.description}", "description"
        room = max(width - VALUE_WIDTH - cell_len(label), 0)
        message = _fit(message, room)
        gap = " " * max(width - VALUE_WIDTH - cell_len(label) - cell_len(message), 0)
        return [
            Segment(label, self._style("label")),
            Segment(message + gap, self._style(part)),
            *self._value_cell(),
        ]

    def _track(self, layout: TrackLayout) -> list[Segment]:
        knob = None if self.value is None else layout.position(self.value)
        ticks: dict[int, str] = {}
        if layout.width >= MINOR_TICKS_FROM:
            ticks = {layout.position(point * 10): "┬" for point in range(1, 10)}
        ticks.update({0: "├", layout.position(50): "┼", layout.width - 1: "┤"})
        if knob is None:
            return [Segment(self._empty_track(layout.width, ticks), self._style("empty"))]
        # Three spans (filled, knob, the rest), whatever the width: this is the keypress path.
        rest = "".join(ticks.get(cell, "─") for cell in range(knob + 1, layout.width))
        return [
            Segment("━" * knob, self._style("filled")),
            Segment("●", self._style("knob")),
            Segment(rest, self._style("empty")),
        ]

    @staticmethod
    def _empty_track(width: int, ticks: dict[int, str]) -> str:
        return "".join(ticks.get(cell, "─") for cell in range(width))

    def _scale(self, layout: TrackLayout, width: int) -> str:
        if layout.poles_beside:
            middle = layout.start + layout.position(50)
            end = layout.start + layout.width - 1
            scale = " " * layout.start + "0"
            scale += "5".rjust(middle - len(scale) + 1)
            return scale + "10".rjust(end - len(scale) + 1)
        low = f"0 {self.item.low}"
        high = f"{self.item.high} 10"
        if cell_len(low) + cell_len(high) + 1 > width:  # a long licensed wording: half a line each
            half = max((width - 1) // 2, 1)
            low = _fit(low, half)
            high = high if cell_len(high) <= half else "…" + high[-(half - 1) :]
        return low + high.rjust(max(width - cell_len(low), cell_len(high) + 1))

    def _lines(self) -> list[Strip]:
        """The three lines: heading and value, the track between its poles, the scale."""
        width = self._inner_width()
        state = (self.content_size.width, self.has_focus, self.value, self.entry, self.error)
        if self._drawn is not None and self._drawn[0] == state:
            return self._drawn[1]
        layout = self._inner_layout()
        pole = self._style("pole")
        if layout.poles_beside:
            track_line = [
                Segment(self.item.low.rjust(self.pole_width) + " ", pole),
                *self._track(layout),
                Segment(" " + self.item.high, pole),
            ]
        else:
            track_line = self._track(layout)
        base = self._base()
        marker = Segment(
            "▌" if self.has_focus else " ",
            self._style("filled"),  # the accent colour
        )
        right = Segment(" " * GUTTER_RIGHT, base)
        items = [self._heading(width), track_line, [Segment(self._scale(layout, width), pole)]]
        digits: list[Strip] = [Strip([])] * len(items)
        if self.shows_digits:
            # Outside the focus background, as a value apart from the item.
            plain = self._style("digits")
            margin = Segment(" ", plain)
            rows = aligned_rows(digits_text(self.value), DIGITS_WIDTH - 2, plain)
            digits = [Strip([margin, *row, margin]) for row in rows]
        full = self.content_size.width
        lines = [
            Strip(
                [marker, *Strip(item).adjust_cell_length(width, base), right, *beside]
            ).adjust_cell_length(full, base)
            for item, beside in zip(items, digits, strict=True)
        ]
        self._drawn = (state, lines)
        return lines

    def render_line(self, y: int) -> Strip:
        return line_at(self._lines(), y, self.content_size.width, self._base())


def _fit(text: str, cells: int) -> str:
    """text cut to cells, with an ellipsis where it was cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…" if cells > 0 else ""
