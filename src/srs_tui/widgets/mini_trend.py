"""A few cells of trend for a caseload row, on a fixed window so equal totals look equal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Span, Text

BLOCKS = "▁▂▃▄▅▆▇█"
WINDOW_LOW = 300  # tenths: 30.0 and below is the lowest block
WINDOW_HIGH = 400
CELLS = 6


def mini_trend(totals: Sequence[int], below: Sequence[bool]) -> Text:
    """The last totals as blocks on a fixed 30-to-40 window; a total below the cutoff is
    drawn in the warning style and the last change as an arrow, so the cells read without
    colour too."""
    shown = list(zip(totals, below, strict=True))[-CELLS:]
    # The text and its spans made at once, not a block at a time through Text.append: every
    # caseload row on screen draws one.
    blank = CELLS - len(shown)
    blocks = []
    spans = []
    span = WINDOW_HIGH - WINDOW_LOW
    for place, (total, is_below) in enumerate(shown, blank):
        level = min(max(total - WINDOW_LOW, 0), span) * (len(BLOCKS) - 1) // span
        blocks.append(BLOCKS[level])
        if is_below:
            spans.append(Span(place, place + 1, "bold yellow"))
    if len(totals) >= 2:
        change = totals[-1] - totals[-2]
        arrow = " ↑" if change > 0 else " ↓" if change < 0 else " →"
    else:
        arrow = "  "
    return Text(f"{' ' * blank}{''.join(blocks)}{arrow}", no_wrap=True, spans=spans)
