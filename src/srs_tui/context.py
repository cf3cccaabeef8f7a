"""What every screen needs: the store, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from srs_tui.config import Config
from srs_tui.measures import Measure
from srs_tui.store import Client, Store
from srs_tui.wording import LicensedWording, Wording, wording_for


def local_now() -> datetime:
    """Now, in the local time zone with its offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


@dataclass
class ShareState:
    """Whether the screen is being shared, and for which client."""

    client_id: str | None = None

    @property
    def active(self) -> bool:
        """Whether share mode is on."""
        return self.client_id is not None


@dataclass(frozen=True)
class AppContext:
    """Handed to each screen, so screens hold no globals and tests can freeze the clock."""

    store: Store
    config: Config
    clock: Callable[[], datetime] = local_now
    passphrase_file: Path | None = None  # the idle lock's passphrase hash, if one is set
    share: ShareState = field(default_factory=ShareState)
    licensed_wording: LicensedWording | None = None

    def wording(self, client: Client, measure: Measure) -> Wording:
        """The words of a measure for this client: licensed, or ours in their language."""
        return wording_for(measure, client.language, self.licensed_wording)

    def shown_name(self, client: Client) -> str:
        """The client's name on screen: while sharing, the name chosen for it, if any."""
        if self.share.active and client.display_name:
            return client.display_name
        return client.alias
