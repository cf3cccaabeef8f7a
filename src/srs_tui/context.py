"""What every screen needs: the store, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from srs_tui.config import Config
from srs_tui.store import Store


def local_now() -> datetime:
    """Now, in the local time zone with its offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


@dataclass(frozen=True)
class AppContext:
    """Handed to each screen, so screens hold no globals and tests can freeze the clock."""

    store: Store
    config: Config
    clock: Callable[[], datetime] = local_now
    passphrase_file: Path | None = None  # the idle lock's passphrase hash, if one is set
