"""Text on its way to a terminal: control characters shown, never obeyed.

A note or an alias written by another program, a file name handed to us, a cell of an
imported file: any of them could hold an escape sequence that sets the window title (where a
shared screen shows it), clears the screen or moves the cursor. Every line the command line
prints goes through here.
"""

from __future__ import annotations

import unicodedata


def terminal_safe(text: str, keep: str = "") -> str:
    """text with every control character (but those in keep) replaced by a visible escape."""
    if text.isprintable() and not keep:
        return text
    return "".join(
        char
        if char in keep or unicodedata.category(char) != "Cc"
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
