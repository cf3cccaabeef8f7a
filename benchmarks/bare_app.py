"""The floors: a bare Textual app (a header, four rows, a footer), and the same as a screen."""

from textual.app import App, ComposeResult
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        for number in range(4):
            yield Static(f"row {number + 1}", id=f"row-{number + 1}")
        yield Footer()

    def on_key(self, event: Key) -> None:
        # The floor for keypress to frame: a key changes one row.
        self.query_one("#row-1", Static).update(f"key {event.key}")


class BareScreen(Screen[None]):
    """The floor for opening a screen: the bare app's header, four rows and footer, pushed
    the way the app's own screens are."""

    def compose(self) -> ComposeResult:
        yield Header()
        for number in range(4):
            yield Static(f"row {number + 1}", id=f"row-{number + 1}")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
