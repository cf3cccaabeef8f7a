"""Settings: a TOML file in the user config folder with the alert thresholds (a section per
measure, resolved once into the profiles the rules judge by) and session defaults.

A missing file means the defaults. Anything wrong in it (bad TOML, an unknown key, a value out
of range) is a ConfigError that names the file and the key, so the app never runs on settings
the therapist did not mean.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from srs_tui.measures import (
    MEASURES,
    MODES,
    SETTINGS,
    SRS,
    Measure,
    format_tenths,
    measure_named,
)
from srs_tui.rules import (
    DEFAULT_PROFILES,
    ITEM_POINTS,
    RELIABILITY,
    TOTAL_POINTS,
    Overrides,
    Profiles,
    Setting,
    resolve_all,
    rule_set_of,
)
from srs_tui.terminal_text import terminal_safe

CONFIG_FILE_NAME = "config.toml"

EXAMPLE = """\
# srs-tui settings: config.toml in the user config folder, or the file given with --config.
# Every key is optional; a missing one keeps its default, and the values below are the
# defaults. `srs-tui check` checks this file; `srs-tui config --example` prints this one.

# Alerts, one section per measure ([alerts.ors], [alerts.srs]); a form of it may have its own
# section ([alerts.ors.child]), which wins over the measure's. The forms: adult, adolescent,
# child, young child (the young child's have no cutoff and no alerts). A bare [alerts] section,
# as older versions wrote it, is read as [alerts.srs], and [alerts.srs] wins over it.
[alerts.ors]
cutoff_inclusive = false # true: a total equal to the cutoff counts as in the clinical range
rci = 5.0                # reliable change: a change from intake this large is real
# rci_sd = 7.0           # given both, the RCI is 1.96 * sqrt(2) * rci_sd * sqrt(1 - r)
# rci_reliability = 0.8  # (r), instead of rci
early_session = 3        # no reliable change from this session on: no_early_change
on_track_session = 6     # ... and from this one on: not_on_track
high_intake = 32.0       # an intake above this may not capture what brought the client
off = []                 # ids of rules to turn off: reliable_deterioration, not_on_track,
                         # no_early_change, high_intake, recovered, reliable_improvement

[alerts.ors.adult]
cutoff = 25.0            # a total below this is in the clinical range (0.0 to 40.0)
[alerts.ors.adolescent]
cutoff = 28.0
[alerts.ors.child]
cutoff = 32.0            # one other platform uses 28 for children

[alerts.srs]
cutoff = 36.0            # a total below this is an alert (0.0 to 40.0); default: the form's
cutoff_inclusive = false # true: a total equal to the cutoff counts as below it
soft_item = 9.0          # an item below this is worth asking about (0.0 to 10.0)
drop = 1.0               # a fall this large: drop below the cutoff, else drop_above_cutoff
persistent_run = 3       # sessions in a row below the cutoff: change course
falling_run = 3          # the last this many totals each lower than the one before
off = []                 # ids of rules to turn off: persistent_low, drop, drop_above_cutoff,
                         # below_cutoff, falling, low_item, rising

[session]
mode = "oral"            # how a new session's measures are given: oral, self or paper
# setting = "telehealth" # where sessions are usually held: telehealth or in-person; asked
                         # once at the first start and written here; telehealth until then.
                         # A session's own mode and setting: Ctrl+D on the rating screen.

[lock]
idle_minutes = 10        # without input this long, the screen is curtained; 0 turns it off

[display]
theme = "default"        # or "high-contrast"; F9 or Ctrl+R switches in the app

[backup]
keep_daily = 7           # the app makes a backup a day and keeps this many; 0 turns it off

[share]
show_cutoff_while_rating = false # true: a client's rating screen shows the cutoff and the standing

[caseload]
not_seen_weeks = 4       # a client in care with no session this long is marked; 0 turns it off
"""


class ConfigError(Exception):
    """A settings file that cannot be used as it is; the message says where and why."""

    def __init__(self, message: str, at: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.at = at  # the table and key it is about, to find its line


@dataclass(frozen=True)
class Config:
    """What the app needs to know beyond the database."""

    # The thresholds of every measure and form, resolved once; screens, files and commands
    # ask these, never a number of their own.
    profiles: Profiles = DEFAULT_PROFILES
    default_mode: str = "oral"
    default_setting: str = "telehealth"
    idle_lock_seconds: int = 600  # 0: never lock
    theme: str = "default"  # or "high-contrast"
    keep_daily_backups: int = 7  # automatic daily backups kept; 0: none
    # On a shared screen the client rates without a cutoff on the bar or a verdict beside the
    # total, unless the therapist chooses to show them.
    show_cutoff_while_rating: bool = False
    # A client in care with no session for this many weeks is marked on the caseload: dropping
    # out unnoticed is what the scales are there to prevent. 0: never marked.
    not_seen_weeks: int = 4


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


# The measure whose settings a bare [alerts] section holds: before there was a section per
# measure, the SRS was the only one.
BARE_ALERTS_MEASURE = SRS.name

# section -> key -> (reader, field of Config)
_SCHEMA: dict[str, dict[str, tuple[Callable[[object], Any], str]]] = {
    "alerts": {},  # read by _alerts: a section per measure
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
    "share": {
        "show_cutoff_while_rating": (_flag, "show_cutoff_while_rating"),
    },
    "caseload": {
        "not_seen_weeks": (_count(0, 104), "not_seen_weeks"),
    },
}


def _setting_reader(setting: Setting, measure: Measure) -> Callable[[object], int]:
    if setting.unit == ITEM_POINTS:
        return _points(measure.item_max, lowest=setting.lowest)
    if setting.unit == TOTAL_POINTS:
        return _points(measure.total_max, lowest=setting.lowest)
    if setting.unit == RELIABILITY:
        return _reliability
    return _count(setting.lowest, setting.highest)


def _reliability(value: object) -> int:
    """A reliability coefficient above 0 and below 1 ("0.8"), in thousandths."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{_shown(value)} is not a number")
    if not 0 < value < 1:
        raise ValueError(f"{_shown(value)} is not between 0 and 1 (a reliability, such as 0.8)")
    thousandths = round(value * 1000)
    if not 0 < thousandths < 1000:
        raise ValueError(f"{_shown(value)} is too close to 0 or 1")
    return thousandths


def _rule_ids(known: tuple[str, ...]) -> Callable[[object], frozenset[str]]:
    def read(value: object) -> frozenset[str]:
        if not isinstance(value, list):
            raise ValueError(f"{_shown(value)} is not a list of rule ids")
        for rule_id in value:
            if rule_id not in known:
                listed = ", ".join(known) if known else "none"
                raise ValueError(f"{_shown(rule_id)} is not a rule (rules: {listed})")
        return frozenset(value)

    return read


def _overrides(measure: Measure, values: Mapping[str, object], section: str) -> Overrides:
    """The keys of one alerts section (nested tables left out) for a measure."""
    where = f"[{section}]"
    rule_set = rule_set_of(measure)
    settings = rule_set.settings if rule_set is not None else ()
    rule_ids = tuple(rule.id for rule in rule_set.rules) if rule_set is not None else ()
    readers = {setting.key: _setting_reader(setting, measure) for setting in settings}
    known = ["cutoff", "cutoff_inclusive", *readers, "off"]
    cutoff: int | None = None
    inclusive: bool | None = None
    off: frozenset[str] | None = None
    said: dict[str, int] = {}
    for key, value in values.items():
        if isinstance(value, Mapping):
            continue  # a form's section, read on its own
        try:
            if key == "cutoff":
                cutoff = _points(measure.total_max)(value)
            elif key == "cutoff_inclusive":
                inclusive = _flag(value)
            elif key == "off":
                off = _rule_ids(rule_ids)(value)
            elif key in readers:
                said[key] = readers[key](value)
            else:
                raise ConfigError(
                    f"unknown key {key!r} in {where} (known: {', '.join(known)})", (section, key)
                )
        except ValueError as error:
            raise ConfigError(f"{where} {key}: {error}", (section, key)) from None
    return Overrides(cutoff=cutoff, cutoff_inclusive=inclusive, values=said, off=off)


def _measure_section(name: str) -> Measure | None:
    for measure in MEASURES.values():
        if measure.name.lower() == name:
            return measure
    return None


def _alerts(values: Mapping[str, object]) -> Profiles:
    """The profiles from the [alerts] section and its measure and form sections.

    A form's section wins over its measure's, which wins over a bare [alerts] (read as the
    BARE_ALERTS_MEASURE's), which wins over the defaults: the form's cutoff, the rule set's own.
    """
    said: dict[tuple[str, str], Overrides] = {}
    bare = _overrides(measure_named(BARE_ALERTS_MEASURE), values, "alerts")
    sections = {key: value for key, value in values.items() if isinstance(value, Mapping)}
    by_measure: dict[str, Overrides] = {BARE_ALERTS_MEASURE: bare}
    by_form: dict[tuple[str, str], Overrides] = {}
    for name, section in sections.items():
        measure = _measure_section(name)
        if measure is None:
            known = ", ".join(f"[alerts.{m.name.lower()}]" for m in MEASURES.values())
            raise ConfigError(
                f"unknown measure section [alerts.{terminal_safe(name)}] (known: {known})"
            )
        where = f"alerts.{name}"
        below = by_measure.get(measure.name, Overrides())
        by_measure[measure.name] = _overrides(measure, section, where).over(below)
        forms = [form.name for form in measure.forms]
        for form_name, form_section in section.items():
            if not isinstance(form_section, Mapping):
                continue
            if form_name not in forms:
                raise ConfigError(
                    f"unknown form section [{where}.{terminal_safe(form_name)}] "
                    f"(forms of the {measure.name}: {', '.join(forms)})"
                )
            inner = f"{where}.{form_name}"
            for key, value in form_section.items():
                if isinstance(value, Mapping):
                    raise ConfigError(f"unknown section [{inner}.{terminal_safe(key)}]")
            by_form[measure.name, form_name] = _overrides(measure, form_section, inner)
    for measure in MEASURES.values():
        for form in measure.forms:
            measure_said = by_measure.get(measure.name, Overrides())
            said[measure.name, form.name] = by_form.get(
                (measure.name, form.name), Overrides()
            ).over(measure_said)
    return resolve_all(said)


def parse_config(data: Mapping[str, object], source: str, text: str | None = None) -> Config:
    """Settings from parsed TOML; ConfigError naming source, key and, given the text, the line
    for anything wrong."""
    try:
        return _parse(data)
    except ConfigError as error:
        from srs_tui.toml_file import line_of

        line = line_of(text, *error.at) if text is not None and error.at is not None else None
        place = f"{source}, line {line}" if line is not None else source
        raise ConfigError(f"{place}: {error}") from None


def _parse(data: Mapping[str, object]) -> Config:
    others: dict[str, Any] = {}
    for section, values in data.items():
        known = _SCHEMA.get(section)
        if known is None:
            raise ConfigError(
                f"unknown section [{terminal_safe(section)}] (known: {', '.join(_SCHEMA)})"
            )
        if not isinstance(values, Mapping):
            raise ConfigError(f"{section} must be a [{section}] table", ("", section))
        if section == "alerts":
            others["profiles"] = _alerts(values)
            continue
        for key, value in values.items():
            if key not in known:
                raise ConfigError(
                    f"unknown key {key!r} in [{section}] (known: {', '.join(known)})",
                    (section, key),
                )
            reader, name = known[key]
            try:
                others[name] = reader(value)
            except ValueError as error:
                raise ConfigError(f"[{section}] {key}: {error}", (section, key)) from None
    return replace(Config(), **others)


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
    return parse_config(data, str(target), text)


@dataclass(frozen=True)
class ConfigCheck:
    """What `srs-tui check` says of a settings file: where it is, whether it exists, and every
    problem in it (each naming the file, the key and, where found, the line)."""

    path: Path
    found: bool
    problems: tuple[str, ...]


def check_config(path: Path | None = None) -> ConfigCheck:
    """Every problem of the settings file, not only the first that stops the app."""
    target = path if path is not None else default_config_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        # The default file missing means the defaults; a file named explicitly must exist.
        missing = () if path is None else (f"{target}: no such settings file",)
        return ConfigCheck(target, False, missing)
    except (OSError, UnicodeDecodeError) as error:
        return ConfigCheck(target, True, (f"{target}: cannot be read ({error})",))
    from srs_tui.toml_file import TomlProblem, leaves, parse_toml

    try:
        data = parse_toml(text)
    except TomlProblem as problem:
        return ConfigCheck(target, True, (problem.within(str(target)),))
    try:
        parse_config(data, str(target), text)
    except ConfigError as whole:
        # Each value alone, so that one wrong key does not hide the next; a problem of values
        # together (none is wrong alone) is the whole file's message.
        problems: dict[str, None] = {}
        for one in leaves(data):
            try:
                parse_config(one, str(target), text)
            except ConfigError as error:
                problems[str(error)] = None
        return ConfigCheck(target, True, tuple(problems) or (str(whole),))
    return ConfigCheck(target, True, ())


def setting_given(path: Path | None = None) -> bool:
    """Whether the settings file names the usual setting of a session ([session] setting); the
    first start asks for it until it does. An unreadable file counts as given: the start stops
    on it anyway, with its own message."""
    target = path if path is not None else default_config_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError):
        return True
    from srs_tui.toml_file import TomlProblem, parse_toml

    try:
        session = parse_toml(text).get("session")
    except TomlProblem:
        return True
    return not isinstance(session, Mapping) or "setting" in session


_SETTING_LINE = 'setting = "{setting}"   # where sessions are usually held: telehealth or in-person'


def remember_setting(setting: str, path: Path | None = None) -> Path:
    """Write the usual setting into the settings file as [session] setting; the file's path.

    A missing file is made (0600, in a 0700 folder). In an existing one nothing else changes:
    the key goes on the line after its [session] header, or a [session] table is added at the
    end; the result is read back before it replaces the file. A file whose [session] table is
    written otherwise (dotted keys, an inline table) is left alone: ConfigError says what to add.
    """
    if setting not in SETTINGS:
        raise ValueError(setting)
    target = path if path is not None else default_config_path()
    line = _SETTING_LINE.format(setting=setting)
    try:
        # Not read_text: its universal newlines would turn a Windows file's CRLF into LF.
        text = target.read_bytes().decode("utf-8")
    except FileNotFoundError:
        _write_new(
            target,
            f"# srs-tui settings (srs-tui config --example shows them all)\n\n[session]\n{line}\n",
        )
        return target
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{target}: cannot be read ({error}); nothing was changed") from None
    from srs_tui.toml_file import TomlProblem, parse_toml

    yourself = f'add setting = "{setting}" under [session] yourself; nothing was changed'
    try:
        before = parse_config(parse_toml(text), str(target), text)
    except TomlProblem as problem:
        raise ConfigError(problem.within(str(target))) from None
    changed = _with_setting(text, line)
    try:
        after = None if changed is None else parse_config(parse_toml(changed), "", changed)
    except (TomlProblem, ConfigError):
        after = None
    if changed is None:
        raise ConfigError(
            f"{target}: its [session] table is written in a way srs-tui does not edit: {yourself}"
        )
    if after != replace(before, default_setting=setting):
        # The change would not say what it should (a header inside a multi-line string?).
        raise ConfigError(f"{target}: cannot be changed safely: {yourself}")
    _rewrite(target, changed)
    return target


def _with_setting(text: str, line: str) -> str | None:
    """text with line added to its [session] table (a new one at the end if it has none);
    None if the table exists but not as a [session] header line."""
    from srs_tui.toml_file import parse_toml

    newline = "\r\n" if "\r\n" in text else "\n"
    if "session" not in parse_toml(text):
        ending = "" if not text or text.endswith("\n") else newline
        return f"{text}{ending}{newline}[session]{newline}{line}{newline}"
    lines = text.splitlines(keepends=True)
    for number, raw in enumerate(lines):
        if _SESSION_HEADER.match(raw):
            ending = "" if raw.endswith("\n") else newline
            lines[number] = f"{raw}{ending}{line}{newline}"
            return "".join(lines)
    return None


_SESSION_HEADER = re.compile(r"""\s*\[\s*(session|"session"|'session')\s*\]\s*(#.*)?$""")


def _write_new(target: Path, text: str) -> None:
    """A new private file, never over one that appeared meanwhile."""
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        raise ConfigError(f"{target}: cannot be made ({error.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
        file.write(text)


def _rewrite(target: Path, text: str) -> None:
    """The whole new text in place of the old, through a file beside it renamed over it: never
    half written. A link is followed (the settings may live in a folder of dotfiles)."""
    import secrets  # only when a file is written: it pulls in random and hashlib

    real = Path(os.path.realpath(target))
    temporary = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(OSError):  # some file systems have no modes
            os.chmod(temporary, mode)
        os.replace(temporary, real)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ConfigError(
            f"{target}: cannot be written ({error.strerror}); nothing was changed"
        ) from None
