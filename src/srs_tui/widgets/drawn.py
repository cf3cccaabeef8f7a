"""What the widgets drawn through the line API share."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual.strip import Strip


def line_at(lines: Sequence[Strip], y: int, width: int, style: Style) -> Strip:
    """Line y of a widget that draws all its lines at once; blank below them (a taller box)."""
    return lines[y] if 0 <= y < len(lines) else Strip.blank(width, style)
