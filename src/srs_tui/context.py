"""What every screen needs: the store, the settings and the clocks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

# For the annotations only: a command that wants local_now alone loads no settings, store or
# wording through this module.
if TYPE_CHECKING:
    from srs_tui.config import Config
    from srs_tui.measures import Measure
    from srs_tui.store import Client, Store
    from srs_tui.wording import LicensedWording, Wording


def local_now() -> datetime:
    """Now, in the local time zone with its offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


@dataclass(frozen=True)
class Share:
    """Whether the screen is being shared: for which client, under which name.

    A value, never changed in place: the app holds the current one in a reactive, and the
    screens that show a name watch it."""

    client_id: str | None = None
    display_name: str | None = None  # the name chosen for sharing; None: the alias

    @property
    def active(self) -> bool:
        """Whether share mode is on."""
        return self.client_id is not None

    def shown_name(self, client: Client) -> str:
        """The client's name on screen: while sharing, the name chosen for it, if any."""
        if not self.active:
            return client.alias
        if client.id == self.client_id and self.display_name:
            return self.display_name
        return client.display_name or client.alias


NOT_SHARING = Share()


@dataclass(frozen=True)
class AppContext:
    """Handed to each screen, so screens hold no globals and tests can set the clocks."""

    store: Store
    config: Config
    clock: Callable[[], datetime] = local_now
    # Seconds that only go forward, for the idle lock and the passphrase's waits: a test
    # moves it on instead of sleeping.
    monotonic: Callable[[], float] = time.monotonic
    passphrase_file: Path | None = None  # the idle lock's passphrase hash, if one is set
    licensed_wording: LicensedWording | None = None
    daily_backup: bool = False  # the day's backup on start: the command line turns it on

    def wording(self, client: Client, measure: Measure, form: str | None = None) -> Wording:
        """The words of a measure for this client: licensed, or ours in their language; of the
        form given, by default the one for the client's age band (a child reads the child's)."""
        from srs_tui.wording import wording_for

        chosen = form if form is not None else measure.form_for(client.age_band).name
        return wording_for(measure, client.language, self.licensed_wording, chosen)
