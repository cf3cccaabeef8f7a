"""The client-facing words of each measure: our own, per form and language, or a licensed one's.

Our words are data files in this package, data/<measure>[.<form>].<language>.toml (the measure's
name in lower case; the form's name, with "-" for a space, only for a form other than the
measure's default), read on first use. The official wording of a measure is copyrighted by its
authors and never shipped. A clinician who holds the licence can put their wording in
wording.toml in the config folder: it is checked (a clear error names the key and its line) and
then shown instead of ours, form by form: a child is never shown an adult form's licensed words.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from srs_tui.measures import MEASURES, Measure
from srs_tui.terminal_text import control_characters, terminal_safe

WORDING_FILE_NAME = "wording.toml"
FIELD_MAX = 200
# The languages of our own words (the store keeps a client's language as one of these codes);
# English is what a form or language without words of its own falls back to.
LANGUAGES = ("en", "es")
FALLBACK_LANGUAGE = "en"
# The words of one item, in every data file and in a [measure.item] section of wording.toml.
ITEM_FIELDS = ("label", "description", "low", "high", "question")
# The other sections of a data file, with their keys: the words around the live total, the
# question asked when no item is low, the script for giving the measure aloud.
PARTS: dict[str, tuple[str, ...]] = {
    "total": ("cutoff", "items_set", "below", "above"),
    "general": ("question",),
    "guide": ("title", "first", "ask", "read_back", "after"),
}
# The parts a licensed file may give too; the guide is our own script around the items' words.
LICENSED_PARTS = ("total", "general")
# The placeholders a templated field is filled with; no other may appear in it.
PLACEHOLDERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("total", "items_set"): ("set", "count"),
    ("guide", "ask"): ("low", "high", "description"),
}
# wording.toml files from before there were sections per measure hold bare [relationship]
# sections: the items of the one measure there was then.
BARE_SECTIONS_MEASURE = "SRS"

# Our own words, each a TOML file of this package.
DATA_FOLDER = Path(__file__).parent / "data"


class WordingError(Exception):
    """A wording file that cannot be used; the message names the key and its line."""


@dataclass(frozen=True)
class ItemWords:
    """What the client reads of one item."""

    key: str
    label: str
    description: str
    low: str  # the pole at 0
    high: str  # the pole at the top of the scale
    question: str  # what to ask after a low rating


@dataclass(frozen=True)
class Wording:
    """The words of one measure for one client, and whether any are a licensed clinician's."""

    measure: str
    language: str
    items: tuple[ItemWords, ...]
    total: Mapping[str, str]  # the words around the live total, keyed as PARTS["total"]
    general_question: str
    guide: Mapping[str, str] = field(repr=False)
    licensed: bool = False

    def item(self, key: str) -> ItemWords:
        """The words of the item with this key."""
        return next(item for item in self.items if item.key == key)


# A section's key in a licensed wording: (measure name, form name, language or None for all,
# section).
SectionKey = tuple[str, str, str | None, str]


@dataclass(frozen=True)
class LicensedWording:
    """A licensed clinician's words, by measure, form, language (None: all) and section."""

    sections: Mapping[SectionKey, Mapping[str, str]]

    def words(
        self, measure: str, language: str, section: str, forms: tuple[str, ...]
    ) -> dict[str, str]:
        """The fields given for a section: the later form's over the earlier's, and within a
        form the language's own over those for every language."""
        merged: dict[str, str] = {}
        for form in forms:
            merged.update(self.sections.get((measure, form, None, section), {}))
            merged.update(self.sections.get((measure, form, language, section), {}))
        return merged

    def covers(self, measure: str, language: str, forms: tuple[str, ...]) -> bool:
        """Whether any words are given for this measure in these forms and this language."""
        return any(
            m == measure and form in forms and lang in (None, language)
            for m, form, lang, _ in self.sections
        )


def form_token(form: str) -> str:
    """A form's name as written in file names and wording.toml sections: "young-child"."""
    return form.replace(" ", "-")


def data_file_name(measure: Measure, form: str, language: str) -> str:
    """The name of the data file with our words for a measure's form in a language."""
    stem = measure.name.lower()
    if form != measure.default_form.name:
        stem += "." + form_token(form)
    return f"{stem}.{language}.toml"


def worded_forms(measure: Measure, form: str | None) -> tuple[str, ...]:
    """The forms whose words a form shows, weakest first: a form with words of its own (the
    child's) shows only those; one without (the adolescent's) shows the default form's, under
    any given for it by name."""
    default = measure.default_form.name
    name = form or default
    if name == default or any(
        _data_file(data_file_name(measure, name, language)) is not None for language in LANGUAGES
    ):
        return (name,)
    return (default, name)


@cache
def _data_file(name: str) -> Mapping[str, Any] | None:
    """A data file of this package, parsed once; None if there is no such file."""
    import tomllib

    # Beside this file, as the wheel installs it: importlib.resources would find the same
    # folder, at the cost of importing zipfile (and bz2, lzma) at every start.
    resource = DATA_FOLDER / name
    if not resource.is_file():
        return None
    return tomllib.loads(resource.read_text(encoding="utf-8"))


@cache
def built_in(measure: Measure, language: str, form: str | None = None) -> Wording:
    """Our own words for a form of a measure: in the client's language if we have them, else
    English; of that form if it has words of its own, else of the measure's default form."""
    forms = dict.fromkeys((form or measure.default_form.name, measure.default_form.name))
    for tongue in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        for name in forms:
            data = _data_file(data_file_name(measure, name, tongue))
            if data is not None:
                return _wording(measure, tongue, data)
    raise LookupError(f"no wording for the {measure.name}")


def _wording(measure: Measure, language: str, data: Mapping[str, Any]) -> Wording:
    items = tuple(
        ItemWords(key=key, **{name: data[key][name] for name in ITEM_FIELDS})
        for key in measure.keys
    )
    return Wording(
        measure=measure.name,
        language=language,
        items=items,
        total=dict(data["total"]),
        general_question=data["general"]["question"],
        guide=dict(data["guide"]),
    )


def wording_for(
    measure: Measure,
    language: str,
    licensed: LicensedWording | None = None,
    form: str | None = None,
) -> Wording:
    """The words to show a client: the licensed wording where there is one, else ours; of the
    form given (by default the measure's default form)."""
    base = built_in(measure, language, form)
    forms = worded_forms(measure, form)
    if licensed is None or not licensed.covers(measure.name, language, forms):
        return base
    name = measure.name

    def given(section: str) -> dict[str, str]:
        return licensed.words(name, language, section, forms)

    items = tuple(replace(item, **given(item.key)) for item in base.items)
    general = given("general").get("question", base.general_question)
    return Wording(
        measure=name,
        language=base.language,
        items=items,
        total={**base.total, **given("total")},
        general_question=general,
        guide=base.guide,
        licensed=True,
    )


def guide_text(wording: Wording) -> str:
    """A short script for giving the measure aloud, in the client's language."""
    words = wording.guide
    lines = [words["title"], "", words["first"], ""]
    for number, item in enumerate(wording.items, start=1):
        question = words["ask"].format(low=item.low, high=item.high, description=item.description)
        lines += [f"{number}. {item.label}", f"   {question}", ""]
    lines += [words["read_back"], "", words["after"]]
    return "\n".join(lines)


def field_problem(section: str, key: str, value: object) -> str | None:
    """What is wrong with one field of a wording (its text is never repeated), or None."""
    if not isinstance(value, str) or not value.strip():
        return f"{key} must be a non-empty string"
    if len(value) > FIELD_MAX or "\n" in value.strip():
        return f"{key} must be one line of at most {FIELD_MAX} characters"
    if control_characters(value.strip(), allowed="\t"):
        # The client sees these words: an escape sequence in them would drive the terminal
        # (set its title, clear it) on a shared screen.
        return f"{key} contains a control character (only a tab may be used)"
    allowed = PLACEHOLDERS.get((section, key))
    if allowed is None:
        return None  # shown as it is written, braces and all
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        used = {"{"}
    if not used <= set(allowed):
        shown = ", ".join("{" + name + "}" for name in allowed) or "none"
        return f"{key} may use only these placeholders: {shown} (write {{{{ for a brace)"
    return None


def _header(raw: str) -> str | None:
    """The dotted name of a [table] header line, without spaces or quotes; None for others."""
    line = raw.split("#", 1)[0].strip()
    if not (line.startswith("[") and line.endswith("]")):
        return None
    return "".join(line.strip("[]").split()).replace('"', "").replace("'", "")


def _line_of(text: str, section: str, key: str | None = None) -> int:
    """The line (from 1) of a [section] header, or of a key inside it; 0 if not found."""
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _header(raw)
        if header is not None:
            current = header
            if key is None and current == section:
                return number
        elif current == section and key is not None and raw.split("=")[0].strip() == key:
            return number
    return 0


def _holds_tables(values: Any) -> bool:
    return isinstance(values, Mapping) and any(
        isinstance(value, Mapping) for value in values.values()
    )


@dataclass(frozen=True)
class _Place:
    """Whose words a section of wording.toml gives: a measure's form, in a language or all."""

    measure: Measure
    form: str
    language: str | None = None


class _WordingReader:
    """Reads the parsed tables of one wording.toml, naming the line of anything refused."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.sections: dict[SectionKey, dict[str, str]] = {}

    def where(self, path: str, key: str | None = None) -> str:
        line = _line_of(self.text, path, key)
        parent, _, last = path.rpartition(".")
        if not line and parent:  # written as a dotted key, [srs] relationship.label = ...
            line = _line_of(self.text, parent, last if key is None else f"{last}.{key}")
        return f"{self.source}, line {line}" if line else self.source

    def section(self, place: _Place, path: str, name: str, values: Any) -> None:
        """One [..<name>] section: an item's words or a licensed part."""
        known = (*place.measure.keys, *LICENSED_PARTS)
        if name not in known:
            raise WordingError(
                f"{self.where(path)}: unknown section [{terminal_safe(path)}] "
                f"(the sections are {', '.join(known)})"
            )
        if not isinstance(values, Mapping):
            raise WordingError(f"{self.where(path)}: {path} must be a [{path}] table")
        fields = PARTS.get(name, ITEM_FIELDS)
        key_of = (place.measure.name, place.form, place.language, name)
        for key, value in values.items():
            at = self.where(path, key)
            if key not in fields:
                raise WordingError(
                    f"{at}: unknown key {terminal_safe(repr(key))} in [{path}] "
                    f"(known: {', '.join(fields)})"
                )
            problem = field_problem(name, key, value)
            if problem is not None:
                raise WordingError(f"{at}: [{path}] {problem}")
            self.sections.setdefault(key_of, {})[key] = value.strip()

    def form(self, place: _Place, top: str, values: Mapping[str, Any]) -> None:
        """The sections of one form: per language, or for every language."""
        for name, inner in values.items():
            path = f"{top}.{name}"
            if name in LANGUAGES and _holds_tables(inner):
                for section, fields in inner.items():
                    self.section(
                        replace(place, language=name), f"{path}.{section}", section, fields
                    )
            elif _holds_tables(inner):
                known = f"languages: {', '.join(LANGUAGES)}"
                if "." not in top:  # [<measure>.<name>.<section>]: a form could be meant
                    tokens = ", ".join(form_token(each) for each in place.measure.form_names)
                    what, known = "language or form", f"{known}; forms: {tokens}"
                else:
                    what = "language"
                raise WordingError(
                    f"{self.where(f'{path}.{next(iter(inner))}')}: unknown {what} "
                    f"{terminal_safe(repr(name))} in [{terminal_safe(path)}] ({known})"
                )
            else:
                self.section(place, path, name, inner)

    def measure(self, measure: Measure, top: str, values: Mapping[str, Any]) -> None:
        """A measure's sections: its default form's, and those of each form named."""
        forms = {form_token(form): form for form in measure.form_names}
        default_forms: dict[str, Any] = {}
        for name, inner in values.items():
            if name in forms and _holds_tables(inner):
                self.form(_Place(measure, forms[name]), f"{top}.{name}", inner)
            else:
                default_forms[name] = inner
        self.form(_Place(measure, measure.default_form.name), top, default_forms)


def parse_wording(text: str, source: str) -> LicensedWording:
    """Check a wording file: sections per measure, form and language, known keys, short plain
    strings.

    [<measure>.<section>] holds the words of the measure's default form for every language,
    [<measure>.<language>.<section>] for one language only; [<measure>.<form>.<section>] and
    [<measure>.<form>.<language>.<section>] those of another form (its name with "-" for a
    space: young-child). A bare [<section>] is of BARE_SECTIONS_MEASURE's default form. A
    section is an item's key or one of LICENSED_PARTS.
    """
    from srs_tui.toml_file import TomlProblem, parse_toml

    try:
        data = parse_toml(text)
    except TomlProblem as problem:
        raise WordingError(problem.within(source)) from None
    return _read_wording(data, text, source)


def _read_wording(data: Mapping[str, Any], text: str, source: str) -> LicensedWording:
    measures = {measure.name.lower(): measure for measure in MEASURES.values()}
    bare = MEASURES[BARE_SECTIONS_MEASURE]
    reader = _WordingReader(text, source)
    for top, values in data.items():
        if top.lower() in measures and isinstance(values, Mapping):
            reader.measure(measures[top.lower()], top, values)
        elif _holds_tables(values):
            first = f"{top}.{next(iter(values))}"
            raise WordingError(
                f"{reader.where(first)}: unknown measure {terminal_safe(repr(top))} in "
                f"[{terminal_safe(first)}] (known: {', '.join(measures)})"
            )
        else:
            reader.section(_Place(bare, bare.default_form.name), top, top, values)
    return LicensedWording(sections=reader.sections)


def default_wording_path() -> Path:
    """wording.toml in the user config folder."""
    from platformdirs import user_config_path

    return user_config_path("srs-tui", appauthor=False) / WORDING_FILE_NAME


def load_wording(path: Path | None = None) -> LicensedWording | None:
    """The licensed wording in path (default: the config folder's), or None if there is none.

    A path given explicitly must exist.
    """
    target = path if path is not None else default_wording_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path is not None:
            raise WordingError(f"{target}: no such wording file") from None
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise WordingError(f"{target}: cannot be read ({error})") from None
    licensed = parse_wording(text, str(target))
    return licensed if licensed.sections else None


def check_wording(path: Path | None = None) -> tuple[Path, bool, tuple[str, ...]]:
    """The wording file, whether it exists, and every problem in it (not only the first that
    stops the app), each naming the key and its line."""
    target = path if path is not None else default_wording_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        missing = () if path is None else (f"{target}: no such wording file",)
        return target, False, missing
    except (OSError, UnicodeDecodeError) as error:
        return target, True, (f"{target}: cannot be read ({error})",)
    from srs_tui.toml_file import TomlProblem, leaves, parse_toml

    source = str(target)
    try:
        data = parse_toml(text)
    except TomlProblem as problem:
        return target, True, (problem.within(source),)
    try:
        _read_wording(data, text, source)
    except WordingError as whole:
        problems: dict[str, None] = {}
        for one in leaves(data):
            try:
                _read_wording(one, text, source)
            except WordingError as error:
                problems[str(error)] = None
        return target, True, tuple(problems) or (str(whole),)
    return target, True, ()
