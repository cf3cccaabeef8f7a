"""Dialog: the base of every question, form and list shown over a screen."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen with the dialogs' shared look.

    The look is here rather than in the app's stylesheet, so that it is parsed when the first
    dialog opens, not on the way to the rating screen.
    """

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog .dialog {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    Dialog .wide-dialog {
        width: 90;
        max-height: 90%;
    }
    Dialog .dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }
    Dialog .dialog-text {
        margin-bottom: 1;
    }
    Dialog .dialog-error {
        color: $text-error;
        text-style: bold;
        height: auto;
    }
    Dialog .dialog-choices {
        height: auto;
        margin-top: 1;
    }
    Dialog .dialog-choices RadioSet {
        width: 1fr;
    }
    Dialog .dialog-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    Dialog .dialog-buttons Button {
        margin-left: 2;
    }
    /* Forms */
    Dialog .field {
        height: auto;
    }
    Dialog .field-label {
        width: 22;
        padding: 0 1 0 0;
    }
    Dialog .field Input {
        width: 1fr;
    }
    """
