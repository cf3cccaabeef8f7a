"""What a closed screen leaves behind in Textual, let go: the watchers of its Header and
TextArea on the app, and its widgets' drawn lines in a cache of Textual's.

Each watches the app (Header its title and sub-title, TextArea its theme), and Textual drops a
closed widget's watcher only when the watched value next changes: the app's title and theme
hardly ever do, so every closed screen's Header and TextArea stayed alive, with their screen and
all it held, about 0.25 MB a rating (128 MB over a day of 500). These forget their watchers as
they unmount (NoteArea, the TextArea, is in note_area.py: the rating screen, the first a start
may show, has none, and TextArea's modules cost a start some 5 ms).
"""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.dom import DOMNode
from textual.widgets import Header


def forget_watchers(watched: DOMNode, node: DOMNode) -> None:
    """Drop every watcher node has on watched."""
    # Textual keeps them in this attribute of the watched object (textual/reactive.py, _watch).
    watchers: dict[str, list[tuple[object, object]]] = getattr(watched, "__watchers", {})
    for name, watching in watchers.items():
        watchers[name] = [entry for entry in watching if entry[0] is not node]


class AppHeader(Header):
    def _on_unmount(self) -> None:
        super()._on_unmount()
        forget_watchers(self.app, self)


def forget_closed_styles() -> None:
    """Empty the cache that keeps every widget's drawn lines alive after its screen closed.

    StylesCache.get_inner_outer is an lru_cache of 1,024 entries on a method: its key holds
    the widget's StylesCache, and with it every line the widget last drew. About 50 ratings
    filled it, holding some 28 MB of closed screens' lines for the rest of the day. Its values
    are two styles worked out again on the next frame, for the widgets still shown.
    """
    StylesCache.get_inner_outer.cache_clear()
