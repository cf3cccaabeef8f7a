"""Text fit for a terminal: control characters shown as visible escapes, never sent as such.

A control character in a string that reaches the terminal is an instruction to it: ESC starts
sequences that set the window title, clear the screen or move the cursor (Textual and Rich pass
ESC through; Rich drops only a few others). Text we did not write ourselves (an alias or a note
written into the database by another tool, an export written to a terminal) goes through here.
"""

from __future__ import annotations

import re

# Unicode category Cc, exactly: C0 (U+0000 to U+001F), DEL and C1 (U+0080 to U+009F). C1 counts
# too: some terminals take U+009B as CSI, the one-character form of ESC [.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_characters(text: str, *, allowed: str = "") -> bool:
    """Whether text holds a control character other than those in allowed (e.g. "\\t")."""
    return any(char not in allowed for char in _CONTROL.findall(text))


def terminal_safe(text: str, *, keep: str = "") -> str:
    """text with every control character not in keep shown as an escape, e.g. ESC as \\x1b.

    keep is for the characters a caller means to send: "\\n\\t" for a note shown over several
    lines, "\\r\\n" for CSV rows. Everything else, printable, is left exactly as it is.
    """
    if not _CONTROL.search(text):
        return text  # the common case: nothing to copy
    return _CONTROL.sub(
        lambda found: found[0] if found[0] in keep else f"\\x{ord(found[0]):02x}", text
    )
