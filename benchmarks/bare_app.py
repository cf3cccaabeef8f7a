"""The floor: a bare Textual app with a header, four rows and a footer."""

from textual.app import App, ComposeResult
from textual.events import Key
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


if __name__ == "__main__":
    BareApp().run()
