"""The aliases that look like one typed: for `--client R17` when the caseload has R-17.

Pure, no Textual, no store: the command line and the app ask the store for the aliases and
this for the few that come close.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

# What a code is written with in so many ways that it never tells two clients apart.
_LOOSE = str.maketrans("", "", " -_.")
SHOWN = 3  # the most aliases suggested at once: a short list to choose from, not a search


@dataclass(frozen=True)
class Known:
    """A client's alias, and whether the client is archived (said so when suggested)."""

    alias: str
    archived: bool


def loose(alias: str) -> str:
    """The alias compared loosely: in any case, without spaces, '-', '_' or '.'."""
    return "".join(alias.split()).casefold().translate(_LOOSE)


def closest(typed: str, known: Iterable[Known], limit: int = SHOWN) -> list[Known]:
    """Up to limit of the known aliases most like typed: those equal to it compared loosely
    first (R-17 for r17), then the near ones (R-71, R17a), closest first."""
    wanted = loose(typed)
    by_loose: dict[str, list[Known]] = {}
    for entry in known:
        by_loose.setdefault(loose(entry.alias), []).append(entry)
    found = list(by_loose.get(wanted, ()))
    near = difflib.get_close_matches(wanted, by_loose, n=limit + 1, cutoff=0.6)
    for key in near:
        if key != wanted:
            found.extend(by_loose[key])
    return found[:limit]
