"""Reading a small TOML settings file without ever letting tomllib's own failures through.

tomllib raises RecursionError on arrays or inline tables nested a few hundred deep, and a plain
ValueError for an integer with more digits than Python converts; neither says where. Both become
a TomlProblem naming the line and, where it can be found, the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from srs_tui.terminal_text import terminal_safe

# Deeper than any settings file needs, far below where tomllib runs out of stack.
MAX_NESTING = 32
_KEY_LINE = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")
_HEADER_LINE = re.compile(r"""\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(#.*)?$""")
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{99,}")  # a hundred digits: no setting is that large


class TomlProblem(Exception):
    """The file cannot be read as TOML; the message says why and, if known, which key."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line

    def within(self, source: str) -> str:
        """The message for a user: "FILE, line 3: [alerts] cutoff: ..." or "FILE: ..."."""
        return f"{source}, line {self.line}: {self}" if self.line else f"{source}: {self}"


def parse_toml(text: str) -> dict[str, Any]:
    """The parsed file, or TomlProblem."""
    import tomllib  # only when there is a file: most starts have none

    number = _LONG_NUMBER.search(text)
    if number is not None:
        # Python converts at most a few thousand digits (and tomllib then fails without a
        # line); no setting needs a hundred.
        line = _line(text, number.start())
        raise TomlProblem(f"{_key_at(text, line)}a number that long", line)
    deep = _too_deep(text)
    if deep is not None:
        raise TomlProblem(f"{_key_at(text, deep)}values nested more than {MAX_NESTING} deep", deep)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlProblem(f"not valid TOML: {terminal_safe(str(error))}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        # A backstop for what the checks above do not foresee; the type alone, no stack.
        raise TomlProblem(f"cannot be read as TOML ({type(error).__name__})") from None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _too_deep(text: str) -> int | None:
    """The line where [ and { (outside strings and comments) first nest too deep, if any."""
    depth = 0
    quote = ""  # the delimiter of the string we are in: ", ', \"\"\" or '''
    position = 0
    while position < len(text):
        char = text[position]
        if quote:
            if char == "\\" and quote[0] == '"':
                position += 2
                continue
            if text.startswith(quote, position):
                position += len(quote)
                quote = ""
                continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, position) else char
            position += len(quote)
            continue
        elif char == "#":
            end = text.find("\n", position)
            position = len(text) if end < 0 else end
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return _line(text, position)
        elif char in "]}":
            depth = max(depth - 1, 0)
        position += 1
    return None


def _dotted(header: str) -> str:
    """A table's name as its parts joined by dots: `alerts . "srs"` is `alerts.srs`."""
    return ".".join(part.strip().strip("\"'") for part in header.split("."))


def line_of(text: str, section: str, key: str) -> int | None:
    """The line on which key is set in the table named section ("" for the top), if found.

    As far as a line-by-line reading can tell: a key set through a dotted name or an inline
    table is not found, and the message about it goes without a line.
    """
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER_LINE.match(raw)
        if header is not None:
            current = _dotted(header[1])
            continue
        assignment = _KEY_LINE.match(raw)
        if assignment is not None and current == section and assignment[1].strip("\"'") == key:
            return number
    return None


def _key_at(text: str, line: int) -> str:
    """ "[section] key: " for the key whose value is on that line, as far as can be told."""
    section = ""
    key = ""
    for number, raw in enumerate(text.splitlines()[:line], start=1):
        header = _HEADER_LINE.match(raw)
        assignment = _KEY_LINE.match(raw)
        if assignment is not None:
            key = assignment[1].strip("\"'")
        elif header is not None and number < line:
            section, key = header[1].strip("\"'"), ""
    if not key:
        return ""
    return terminal_safe(f"[{section}] {key}: " if section else f"{key}: ")


def leaves(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The document cut into one document per value (an empty table counts as one), each
    nested as in the original: to check the values one by one and report every problem of a
    file, not only its first."""
    for key, value in data.items():
        if isinstance(value, Mapping) and value:
            for inner in leaves(value):
                yield {key: inner}
        else:
            yield {key: value}
