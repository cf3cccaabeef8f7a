"""What the store returns: frozen records, and the checks on what a user types into them.

No record holds a control character that could reach the terminal. The clean_* functions refuse
them on the way in; a record built from a row that another tool wrote shows them as visible
escapes (\\x1b), since Textual writes ESC in a string straight through to the terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from srs_tui.measures import AGE_BANDS, AGE_SPANS, MODES, SETTINGS, Scores
from srs_tui.store.errors import StoreError
from srs_tui.terminal_text import control_characters, terminal_safe

ALIAS_MAX = 80
DISPLAY_NAME_MAX = 40
LANGUAGES = {"en": "English", "es": "Español"}
NOTE_MAX = 20000


@dataclass(frozen=True)
class Client:
    """A client, known by an alias or a code rather than necessarily a real name."""

    id: str
    alias: str
    created_at: datetime
    archived_at: datetime | None
    language: str = "en"  # of the client-facing text
    display_name: str | None = None  # shown instead of the alias while the screen is shared
    age_band: str = "adult"  # one of measures.AGE_BANDS: which form each measure is given in

    def __post_init__(self) -> None:
        # Every reader builds records here, so this is the one place to make them displayable.
        object.__setattr__(self, "alias", terminal_safe(self.alias))
        if self.display_name is not None:
            object.__setattr__(self, "display_name", terminal_safe(self.display_name))

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> Client:
        """A client from a row of the store's columns (id, alias, created_at, archived_at,
        language, display_name, age_band), made displayable as __post_init__ makes it, but
        without a frozen dataclass's setting of one field at a time: a caseload makes one a
        client, and that cost as much as the rest of reading the row."""
        client = object.__new__(cls)
        display_name = row[5]
        client.__dict__.update(
            id=row[0],
            alias=terminal_safe(row[1]),
            created_at=datetime.fromisoformat(row[2]),
            archived_at=datetime.fromisoformat(row[3]) if row[3] else None,
            language=row[4],
            display_name=None if display_name is None else terminal_safe(display_name),
            age_band=row[6],
        )
        return client


class ClientSummary(NamedTuple):
    """A client with what the caseload shows of their current episode: the latest SRS
    sessions (the alliance rules read the recent run) and, of the ORS, the intake and the
    latest (the outcome rules read only those two). Only the client's own ratings.

    A named tuple, not a frozen dataclass: a caseload makes one a client, and a tuple is built
    in a fifth of the time."""

    client: Client
    last_at: datetime | None  # the latest session with either measure
    totals: tuple[int, ...]  # the latest SRS sessions' totals in tenths, oldest first
    last: Scores | None  # the latest SRS's four ratings
    episode_closed: bool = False  # the current episode has ended (none open)
    last_form: str | None = None  # the form of the latest SRS
    intake: Scores | None = None  # the episode's first ORS
    intake_session: int = 0  # its session's number in the episode
    ors: Scores | None = None  # the episode's latest ORS (the intake itself when only one)
    ors_session: int = 0  # its session's number in the episode
    ors_form: str | None = None  # the form of the latest ORS

    @property
    def last_total(self) -> int | None:
        """The total of the latest SRS, if there is one."""
        return self.totals[-1] if self.totals else None

    @property
    def ors_total(self) -> int | None:
        """The total of the latest ORS, if there is one."""
        return self.ors.total if self.ors is not None else None


@dataclass(frozen=True)
class Episode:
    """An episode of care: from intake to a planned or unplanned ending (open while None)."""

    id: str
    client_id: str
    opened_at: datetime
    closed_at: datetime | None
    ending: str | None  # "planned" or "unplanned" once closed
    sessions: int  # how many sessions it holds


ENDINGS = ("planned", "unplanned")


@dataclass(frozen=True)
class Administration:
    """One measure given by one rater in one session, with that session's when, how, where.

    `session` is the session's number: its place in time within its episode, derived when
    read, never stored."""

    id: str
    client_id: str
    measure: str
    session: int
    administered_at: datetime  # when the session was held
    scores: Scores
    mode: str
    setting: str
    note: str  # the session's note
    created_at: datetime
    updated_at: datetime
    session_id: str = ""
    episode_id: str = ""
    form: str = "adult"
    rater: str = "client"

    def __post_init__(self) -> None:
        object.__setattr__(self, "note", safe_note(self.note))

    @classmethod
    def read(cls, fields: dict[str, Any]) -> Administration:
        """An administration read back from the store, every field given by name, the note
        made safe as __post_init__ makes it. Made without the frozen dataclass's __init__,
        which sets each of the fifteen fields through object.__setattr__: half of making
        the 400 administrations of a long history, read on each opening of it."""
        administration = object.__new__(cls)
        administration.__dict__.update(fields, note=safe_note(fields["note"]))
        return administration


def safe_note(note: str) -> str:
    """A note as it may be shown: one kind of line end, control characters as codes."""
    return terminal_safe(_one_newline(note), keep="\n\t")


def _one_newline(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line ends as LF, so a CR is never sent on its own."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def clean_alias(text: str) -> str:
    """The alias as it will be stored, or StoreError saying what is wrong with it."""
    alias = " ".join(text.split())
    if not alias:
        raise StoreError("Type an alias or a code for the client.")
    if len(alias) > ALIAS_MAX:
        raise StoreError(f"An alias can be at most {ALIAS_MAX} characters.")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in alias):
        raise StoreError("An alias cannot contain control characters.")
    return alias


def clean_display_name(text: str) -> str | None:
    """A name to show while sharing (initials, a first name); None when left empty."""
    name = " ".join(text.split())
    if not name:
        return None
    if len(name) > DISPLAY_NAME_MAX:
        raise StoreError(f"A name for sharing can be at most {DISPLAY_NAME_MAX} characters.")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in name):
        raise StoreError("A name for sharing cannot contain control characters.")
    return name


def clean_language(code: str) -> str:
    """A known language code for the client-facing text."""
    if code not in LANGUAGES:
        raise StoreError(f"The language must be one of {', '.join(LANGUAGES)}.")
    return code


def clean_age_band(band: str) -> str:
    """A known age band (it chooses the forms a client is given)."""
    if band not in AGE_BANDS:
        spans = ", ".join(f"{name} ({AGE_SPANS[name]})" for name in AGE_BANDS)
        raise StoreError(f"The age band must be one of {spans}.")
    return band


def clean_note(text: str) -> str:
    """The note as it will be stored, or StoreError if it is too long or has control characters."""
    note = _one_newline(text).strip()
    if len(note) > NOTE_MAX:
        raise StoreError(f"A note can be at most {NOTE_MAX} characters.")
    if control_characters(note, allowed="\n\t"):
        # The message never repeats the note: it may be read on a shared screen.
        raise StoreError("A note cannot contain control characters (new lines and tabs are fine).")
    return note


def check_session_fields(mode: str, setting: str, administered_at: datetime) -> None:
    """Refuse a mode, setting or time the schema would refuse, with a clear reason."""
    if mode not in MODES:
        raise StoreError(f"The mode must be one of {', '.join(MODES)}.")
    if setting not in SETTINGS:
        raise StoreError(f"The setting must be one of {', '.join(SETTINGS)}.")
    if administered_at.tzinfo is None:
        raise StoreError("The session time needs a time zone.")


def timestamp(moment: datetime) -> str:
    """ISO 8601 with the offset, to the second."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry an offset")
    return moment.isoformat(timespec="seconds")
