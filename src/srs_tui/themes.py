"""The built-in high-contrast theme, for a small video tile or a bright room."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="srs-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF6060",
    success="#60FF60",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#303030",
    boost="#202020",
    dark=True,
    variables={
        "text-muted": "#E0E0E0",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "footer-key-foreground": "#FFFF00",
    },
)

THEMES = {"default": "textual-dark", "high-contrast": HIGH_CONTRAST.name}
