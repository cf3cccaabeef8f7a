"""Add or edit a client: an alias or a code (not necessarily a real name), the language of the
client-facing text, the age band that chooses each measure's form, and a name to show while the
screen is shared."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from srs_tui.context import AppContext
from srs_tui.measures import AGE_BANDS, AGE_SPANS
from srs_tui.screens.dialog import Dialog
from srs_tui.store import Client, StoreError
from srs_tui.store.records import ALIAS_MAX, DISPLAY_NAME_MAX, LANGUAGES


class AddClientScreen(Dialog[Client | None]):
    """Returns the added or edited client, or None if cancelled."""

    # The choices side by side; in a window too short for it all, the dialog scrolls.
    DEFAULT_CSS = """
    AddClientScreen .dialog {
        max-height: 100%;
        overflow-y: auto;
    }
    AddClientScreen #language {
        layout: horizontal;
        width: 100%;
    }
    AddClientScreen #language RadioButton {
        margin-right: 2;
    }
    AddClientScreen #age-band {
        layout: grid;
        grid-size: 2;
        grid-rows: 1;
        width: 100%;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Change nothing", id="client.cancel"),
    ]

    def __init__(self, ctx: AppContext, client: Client | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.client = client  # None: a new client

    def compose(self) -> ComposeResult:
        client = self.client
        language = client.language if client else "en"
        band = client.age_band if client else AGE_BANDS[0]
        with Vertical(classes="dialog"):
            yield Label("Edit the client" if client else "Add a client", classes="dialog-title")
            yield Static(
                "An alias or a record code is enough; it need not be a real name.",
                classes="dialog-text",
            )
            yield Input(
                client.alias if client else "",
                placeholder="alias or code",
                max_length=ALIAS_MAX,
                id="alias",
            )
            yield Label("Language of what the client sees:")
            with RadioSet(id="language"):
                for code, name in LANGUAGES.items():
                    yield RadioButton(name, value=code == language, name=code)
            yield Label("Age band: it chooses the forms of the sessions to come")
            with RadioSet(id="age-band"):
                for name in AGE_BANDS:
                    yield RadioButton(f"{name} {AGE_SPANS[name]}", value=name == band, name=name)
            yield Label("Name to show while sharing the screen (optional: initials, first name):")
            yield Input(
                (client.display_name or "") if client else "",
                placeholder="the alias is shown",
                max_length=DISPLAY_NAME_MAX,
                id="display-name",
            )
            yield Static("", id="alias-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save" if client else "Add", id="add", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#alias", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add":
            self._save()
        else:
            self.dismiss(None)

    def _language(self) -> str:
        pressed = self.query_one("#language", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "en"

    def _age_band(self) -> str:
        pressed = self.query_one("#age-band", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else AGE_BANDS[0]

    def _save(self) -> None:
        alias = self.query_one("#alias", Input).value
        name = self.query_one("#display-name", Input).value
        store = self.ctx.store
        try:
            if self.client is None:
                saved = store.add_client(
                    alias,
                    now=self.ctx.clock(),
                    language=self._language(),
                    display_name=name,
                    age_band=self._age_band(),
                )
            else:
                saved = store.edit_client(
                    self.client.id,
                    alias=alias,
                    language=self._language(),
                    display_name=name,
                    age_band=self._age_band(),
                )
        except StoreError as error:
            self.query_one("#alias-error", Static).update(str(error))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
