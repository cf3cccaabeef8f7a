"""KeyBar: the keys of the screen and the focused widget in one line, as Textual's Footer shows
them, drawn by one widget.

The Footer is a container with a widget per key, and it composes them all again whenever the
focus moves. On the rating screen the focus moves on every Enter, so that put a restyle of
a dozen widgets on the keypress path, and the Footer's widgets were a fifth of the start-up.

Where the keys do not fit the width, the bar leaves some out (the screen's `drop_first`, then
from the right), never the pinned ones at its end: the key that opens the keys panel, where
every key is, and the curtain where a screen shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from srs_tui.wording.ui import UiWords

# Kept at the end of the bar, in this order, whatever the width: every other key is in the
# keys panel, and the curtain must be found at once.
PINNED = ("app.curtain", "app.keys")


class KeyCell(NamedTuple):
    """Where one key sits on the bar, and what it does."""

    start: int
    end: int
    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str
    binding_id: str | None = None

    @property
    def width(self) -> int:
        """The cells it takes on the bar."""
        return self.end - self.start


class KeyBar(Widget):
    """One line of keys: the key in its colour, then what it does. A click presses the key."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--hover {
        background: $block-hover-background;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover"}

    def __init__(
        self,
        *,
        id: str | None = None,
        words: UiWords | None = None,
        also_show: Iterable[str] = (),
        drop_first: Iterable[str] = (),
    ) -> None:
        """words: a client view's: only the keys with a label in them are shown, in the
        client's language (a therapist-only key has none); None: every key, as bound.
        also_show: ids of bindings bound with show=False to show on this bar all the same.
        drop_first: ids of the keys to leave out first, in this order, when the bar is too
        narrow for every key."""
        super().__init__(id=id)
        self.words = words
        self.also_show = frozenset(also_show)
        self.drop_first = tuple(drop_first)
        self._cells: list[KeyCell] = []
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        # Sent on every move of the focus (every Enter on a rating screen): drawn again only
        # when the keys shown have changed, which there they seldom do.
        if self._hover is None and self.shown_keys() == self._cells:
            return
        self._hover = None
        self.refresh()

    def shown_keys(self, width: int | None = None) -> list[KeyCell]:
        """The keys shown now, one per action, in the order Textual's Footer shows them, the
        pinned ones last; as many as fit width (None: the bar's own width, if laid out)."""
        cells = self._all_keys()
        cells.sort(key=_pinned_place)  # stable: the others keep their order
        room = self.size.width if width is None else width
        if room > 0:
            cells = _fitted(cells, room, self.drop_first)
        placed: list[KeyCell] = []
        x = 0
        for cell in cells:
            placed.append(cell._replace(start=x, end=x + cell.width))
            x += cell.width
        return placed

    def _all_keys(self) -> list[KeyCell]:
        cells: list[KeyCell] = []
        seen: set[str] = set()
        x = 0
        for active in self.screen.active_bindings.values():
            binding = active.binding
            shown = binding.show or (binding.id is not None and binding.id in self.also_show)
            if not shown or binding.action in seen:
                continue
            description, tooltip = binding.description, active.tooltip or binding.tooltip
            if self.words is not None:
                label = self.words.key_label(binding.id) if binding.id else None
                if label is None:
                    continue
                description, tooltip = label, ""
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            # Drawn as " key " then "description ".
            width = cell_len(display) + cell_len(description) + 3
            cells.append(
                KeyCell(
                    x,
                    x + width,
                    binding.key,
                    display,
                    description,
                    active.enabled,
                    tooltip,
                    binding.id,
                )
            )
            x += width
        return cells

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        if y != 0:
            return Strip.blank(width, base)
        self._cells = self.shown_keys()
        key_style = base + self.get_component_rich_style("key-bar--key")
        text_style = base + self.get_component_rich_style("key-bar--description")
        hover = self.get_component_rich_style("key-bar--hover")
        segments: list[Segment] = []
        for index, cell in enumerate(self._cells):
            key, text = key_style, text_style
            if index == self._hover:
                key, text = key + hover, text + hover
            if not cell.enabled:
                key, text = key + Style(dim=True), text + Style(dim=True)
            segments.append(Segment(f" {cell.display} ", key))
            segments.append(Segment(f"{cell.description} ", text))
        return Strip(segments).adjust_cell_length(width, base)

    def _cell_at(self, x: int) -> int | None:
        return next(
            (index for index, cell in enumerate(self._cells) if cell.start <= x < cell.end), None
        )

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._cell_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.tooltip = None if hover is None else (self._cells[hover].tooltip or None)
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._cell_at(event.x)
        if index is None:
            return
        cell = self._cells[index]
        if cell.enabled:
            self.app.simulate_key(cell.key)
        else:
            self.app.bell()


def _pinned_place(cell: KeyCell) -> int:
    """0 for a key that is not pinned; else its place among the pinned, from 1."""
    return PINNED.index(cell.binding_id) + 1 if cell.binding_id in PINNED else 0


def _fitted(cells: list[KeyCell], room: int, drop_first: tuple[str, ...]) -> list[KeyCell]:
    """cells less those that do not fit room: first those named in drop_first, in its order,
    then from the right; never a pinned one."""
    kept = list(cells)

    def width() -> int:
        return sum(cell.width for cell in kept)

    for binding_id in drop_first:
        if width() <= room:
            return kept
        kept = [cell for cell in kept if cell.binding_id != binding_id]
    for cell in reversed(list(kept)):
        if width() <= room:
            break
        if cell.binding_id not in PINNED:
            kept.remove(cell)
    return kept
