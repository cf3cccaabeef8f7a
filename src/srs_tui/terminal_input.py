"""What the terminal sends, read so that no byte can stop the app.

Textual's POSIX drivers decode the keyboard's bytes as strict UTF-8 (textual 8.2, issue
Textualize/textual#6456): one byte that is not UTF-8 (a paste from a Latin-1 terminal or
program, C1's one-byte CSI, a terminal's 8-bit meta key) ends the input thread, and the app
stops with a traceback on the screen. Read leniently, such a byte is U+FFFD, one character
typed like any other.
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import importlib
import os
import signal
import threading
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


# Long enough for any save in flight and Textual's own shutdown; short enough that a closed
# window never leaves the app running (and its database open) behind it.
HANGUP_GRACE_SECONDS = 3.0
HANGUP_STATUS = 128 + 1  # what a shell reports for a process ended by SIGHUP


def end_on_hangup(exit_app: Callable[[], None]) -> None:
    """On SIGHUP, end the app as Ctrl+Q does, and end the process after a grace period if
    that has not finished. Called from the app's event loop.

    The terminal is gone after a hang-up. Textual still writes to it through a queue of 30
    writes, and when its writer thread stops on the dead terminal the queue fills and the
    next write waits forever (textual 8.2: one start in three hung when the window closed
    right after its first frame), in the shutdown or before the event loop could even run
    a handler. So this handler is Python's own, run between two bytecodes of the main
    thread even while it waits on that queue; it starts the grace period there and asks
    the loop to exit. SQLite has committed every save by then: ending the process loses
    nothing the closed window had not already lost."""
    loop = asyncio.get_running_loop()

    def hang_up(_signum: int, _frame: object) -> None:
        ender = threading.Timer(HANGUP_GRACE_SECONDS, os._exit, args=(HANGUP_STATUS,))
        ender.daemon = True  # a shutdown that finishes in time is never held up by it
        ender.start()
        loop.call_soon_threadsafe(exit_app)

    signal.signal(signal.SIGHUP, hang_up)
