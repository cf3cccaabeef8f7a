"""Settings: a TOML file in the user config folder with the alert thresholds and session defaults.

A missing file means the defaults. Anything wrong in it (bad TOML, an unknown key, a value out
of range) is a ConfigError that names the file and the key, so the app never runs on settings
the therapist did not mean.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from srs_tui.measures import MODES, SETTINGS, SRS, format_tenths
from srs_tui.rules import Thresholds
from srs_tui.terminal_text import terminal_safe

CONFIG_FILE_NAME = "config.toml"

EXAMPLE = """\
# srs-tui settings. Every key is optional; a missing one keeps its default.

[alerts]
cutoff = 36.0            # a total below this is an alert (0.0 to 40.0)
cutoff_inclusive = false # true: a total equal to the cutoff counts as below it
soft_item = 9.0          # an item below this is worth asking about (0.0 to 10.0)
drop = 1.0               # a fall of this much from the last session is an alert
persistent_run = 3       # sessions in a row below the cutoff: change course
falling_run = 3          # sessions in a row going down

[session]
mode = "oral"            # oral, self or paper
setting = "telehealth"   # telehealth or in-person

[lock]
idle_minutes = 10        # without input this long, the screen is curtained; 0 turns it off

[display]
theme = "default"        # or "high-contrast"; F9 switches in the app

[backup]
keep_daily = 7           # the app makes a backup a day and keeps this many; 0 turns it off
"""


class ConfigError(Exception):
    """A settings file that cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Config:
    """What the app needs to know beyond the database."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    default_mode: str = "oral"
    default_setting: str = "telehealth"
    idle_lock_seconds: int = 600  # 0: never lock
    theme: str = "default"  # or "high-contrast"
    keep_daily_backups: int = 7  # automatic daily backups kept; 0: none


def default_config_path() -> Path:
    """The settings file, e.g. ~/.config/srs-tui/config.toml on Linux."""
    from platformdirs import user_config_path

    return user_config_path("srs-tui", appauthor=False) / CONFIG_FILE_NAME


def _shown(value: object) -> str:
    """A value as a message may repeat it: short, and with no control character in it."""
    if isinstance(value, bool | float):
        return repr(value).lower()  # true, inf, nan, 1e+300 as TOML writes them
    if isinstance(value, int):
        # Not str() of a huge integer: Python refuses to convert more than 4,300 digits.
        return str(value) if abs(value) < 10**15 else "a number that large"
    if isinstance(value, str):
        shown = repr(value)  # quoted, control characters escaped
        return shown if len(shown) <= 40 else f"{shown[:36]}...{shown[0]}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return "a date or time"  # the only other kind of TOML value


def _number(value: object, what: str = "a number") -> float:
    """value as a finite number; ValueError for anything else, inf and nan included."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{_shown(value)} is not {what}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{_shown(value)} is not finite")
    return value


def _points(highest: int, lowest: int = 0) -> Callable[[object], int]:
    """A reader of a number of points with at most one decimal, returned in tenths."""

    def read(value: object) -> int:
        number = _number(value)
        # The range first: a huge value would overflow the rounding below.
        if not lowest <= number * 10 <= highest:
            raise ValueError(
                f"{_shown(value)} is outside {format_tenths(lowest)} to {format_tenths(highest)}"
            )
        tenths = round(number * 10)
        if abs(tenths - number * 10) > 1e-6:
            raise ValueError(f"{_shown(value)} has more than one decimal")
        return tenths

    return read


def _count(lowest: int, highest: int) -> Callable[[object], int]:
    def read(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{_shown(value)} is not a whole number")
        if not lowest <= value <= highest:
            raise ValueError(f"{_shown(value)} is outside {lowest} to {highest}")
        return value

    return read


def _minutes(value: object) -> int:
    """Minutes (a whole or decimal number, 0 to 240) as seconds."""
    minutes = _number(value, "a number of minutes")
    if not 0 <= minutes <= 240:
        raise ValueError(f"{_shown(value)} is outside 0 to 240")
    return round(minutes * 60)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return value


def _one_of(choices: tuple[str, ...]) -> Callable[[object], str]:
    def read(value: object) -> str:
        if value not in choices:
            raise ValueError(f"{_shown(value)} is not one of {', '.join(choices)}")
        return str(value)

    return read


# section -> key -> (reader, field of Thresholds or Config)
_SCHEMA: dict[str, dict[str, tuple[Callable[[object], Any], str]]] = {
    "alerts": {
        "cutoff": (_points(SRS.total_max), "cutoff"),
        "cutoff_inclusive": (_flag, "cutoff_inclusive"),
        "soft_item": (_points(SRS.item_max), "soft_item"),
        "drop": (_points(SRS.total_max, lowest=1), "drop"),
        "persistent_run": (_count(2, 50), "persistent_run"),
        "falling_run": (_count(2, 50), "falling_run"),
    },
    "session": {
        "mode": (_one_of(MODES), "default_mode"),
        "setting": (_one_of(SETTINGS), "default_setting"),
    },
    "lock": {
        "idle_minutes": (_minutes, "idle_lock_seconds"),
    },
    "display": {
        "theme": (_one_of(("default", "high-contrast")), "theme"),
    },
    "backup": {
        "keep_daily": (_count(0, 365), "keep_daily_backups"),
    },
}


def parse_config(data: Mapping[str, object], source: str) -> Config:
    """Settings from parsed TOML; ConfigError naming source and key for anything wrong."""
    thresholds: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for section, values in data.items():
        known = _SCHEMA.get(section)
        if known is None:
            raise ConfigError(
                f"{source}: unknown section [{terminal_safe(section)}] "
                f"(known: {', '.join(_SCHEMA)})"
            )
        if not isinstance(values, Mapping):
            raise ConfigError(f"{source}: {section} must be a [{section}] table")
        for key, value in values.items():
            if key not in known:
                raise ConfigError(
                    f"{source}: unknown key {key!r} in [{section}] (known: {', '.join(known)})"
                )
            reader, name = known[key]
            try:
                read = reader(value)
            except ValueError as error:
                raise ConfigError(f"{source}: [{section}] {key}: {error}") from None
            (thresholds if section == "alerts" else others)[name] = read
    return replace(Config(), thresholds=Thresholds(**thresholds), **others)


def load_config(path: Path | None = None) -> Config:
    """The settings in path (default: the user config file); defaults if the default is absent.

    A path given explicitly must exist.
    """
    explicit = path is not None
    target = path if path is not None else default_config_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{target}: no such settings file") from None
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{target}: cannot be read ({error})") from None
    from srs_tui.toml_file import TomlProblem, parse_toml

    try:
        data = parse_toml(text)
    except TomlProblem as problem:
        raise ConfigError(problem.within(str(target))) from None
    return parse_config(data, str(target))
