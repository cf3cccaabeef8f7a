"""KeysPanel: every key of the screen, beside it (Textual's KeyPanel, with our keys only).

Textual's own KeyPanel lists the focused widget's keys first, and Textual's built-in ones
(scrolling, focus, copy) among them: at 80x24 the screen's own keys were below the fold. This
one lists the app's bindings only (each has an id; Textual's have none): the screen's first,
then the focused widget's, then those that work everywhere, each with its tooltip. Every key
is there, the ones the bar leaves out included. Never on a shared screen (the app's
check_action): its bar shows the client's keys in their language.
"""

from __future__ import annotations

from collections import defaultdict

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import KeyPanel, Static

SCREEN_TITLE = "This screen"
APP_TITLE = "Everywhere"


class KeysTable(Static):
    """The keys as a table: one row an action, its keys, what it does."""

    COMPONENT_CLASSES = {"keys-table--key", "keys-table--title", "keys-table--tooltip"}
    DEFAULT_CSS = """
    KeysTable {
        width: 1fr;
        /* The panel's left border is not counted in its content region: without this the
           last column ran under the scrollbar. */
        margin-right: 1;
        height: auto;
    }
    KeysTable > .keys-table--key {
        color: $text-accent;
        text-style: bold;
    }
    KeysTable > .keys-table--title {
        color: $text-primary;
        text-style: bold underline;
    }
    KeysTable > .keys-table--tooltip {
        color: $text-muted;
    }
    """

    def groups(self) -> list[tuple[str, list[tuple[str, Binding, bool]]]]:
        """(title, [(keys shown, binding, enabled)]) for the screen, the focused widget's own
        nodes, then the app; each action once, with every key bound to it."""
        by_node: dict[DOMNode, dict[str, list[tuple[Binding, bool]]]] = defaultdict(dict)
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.id is None:  # Textual's own (scrolling, focus, copy)
                continue
            by_node[node].setdefault(binding.action, []).append((binding, enabled))
        screen = [node for node in by_node if isinstance(node, Screen)]
        app = [node for node in by_node if node is self.app]
        widgets = [node for node in by_node if node not in screen and node not in app]
        found = []
        for node in (*screen, *widgets, *app):
            if node in screen:
                title = SCREEN_TITLE
            elif node is self.app:
                title = APP_TITLE
            else:
                title = node.BINDING_GROUP_TITLE or type(node).__name__
            rows = []
            for bound in by_node[node].values():
                keys = " ".join(dict.fromkeys(self.app.get_key_display(b) for b, _ in bound))
                binding, enabled = bound[0]
                rows.append((keys, binding, enabled))
            found.append((title, rows))
        return found

    def render(self) -> Table:
        key_style = self.get_component_rich_style("keys-table--key")
        title_style = self.get_component_rich_style("keys-table--title")
        tooltip_style = self.get_component_rich_style("keys-table--tooltip")
        table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column("keys", justify="right", no_wrap=True)
        table.add_column("what")
        for index, (title, rows) in enumerate(self.groups()):
            if index:
                table.add_row("", "")
            table.add_row("", Text(title, style=title_style))
            for keys, binding, enabled in rows:
                what = Text(binding.description, style="bold")
                if binding.tooltip:
                    what.append(": " + binding.tooltip, style=tooltip_style)
                style = key_style if enabled else key_style + Style(dim=True)
                table.add_row(Text(keys, style=style), what)
        return table


class KeysPanel(KeyPanel):
    """Textual's keys panel (beside the screen, kept up to date as the focus moves), with
    KeysTable in it."""

    DEFAULT_CSS = """
    KeysPanel {
        width: 40%;
        min-width: 32;
        max-width: 56;
    }
    """

    def compose(self) -> ComposeResult:
        yield KeysTable()
