"""The floor: a bare Textual app with a header, four rows and a footer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        for number in range(4):
            yield Static(f"row {number + 1}")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
