"""What the terminal sends, read so that no byte can stop the app.

Textual's POSIX drivers decode the keyboard's bytes as strict UTF-8 (textual 8.2, issue
Textualize/textual#6456): one byte that is not UTF-8 (a paste from a Latin-1 terminal or
program, C1's one-byte CSI, a terminal's 8-bit meta key) ends the input thread, and the app
stops with a traceback on the screen. Read leniently, such a byte is U+FFFD, one character
typed like any other.
"""

from __future__ import annotations

import codecs
import functools
import importlib
from collections.abc import Callable
from typing import Any

# The drivers that read a terminal's bytes, each through its module's getincrementaldecoder.
_DRIVERS = ("textual.drivers.linux_driver", "textual.drivers.linux_inline_driver")


def _lenient(encoding: str) -> Callable[..., codecs.IncrementalDecoder]:
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def read_terminal_leniently() -> None:
    """Have Textual's drivers read bytes that are not UTF-8 as U+FFFD, never as an error.

    Only where a driver looks the decoder up by the name it imports (as textual 8.2 does);
    a later Textual that reads otherwise is left as it is."""
    for name in _DRIVERS:
        try:
            module: Any = importlib.import_module(name)
        except ImportError:  # Windows has neither: its driver reads keys, not bytes
            continue
        if getattr(module, "getincrementaldecoder", None) is codecs.getincrementaldecoder:
            module.getincrementaldecoder = _lenient


class TerminalStopped(RuntimeError):
    """What stopped an app from outside its own code (Textual's panic: the keyboard's thread
    failed): named as its crash, so the command line says one line, never a traceback."""
