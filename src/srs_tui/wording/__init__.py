"""The client-facing words: our own, in English and Spanish, or a licensed clinician's own.

The official SRS wording is copyrighted by its authors and never shipped. A clinician who holds
the licence can put their wording in wording.toml in the config folder; it is checked (a clear
error names the key and its line) and then shown instead of ours, whatever the client's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from srs_tui.measures import SRS, Item
from srs_tui.terminal_text import control_characters, terminal_safe

WORDING_FILE_NAME = "wording.toml"
FIELD_MAX = 200
# wording.toml key -> Item field
FIELDS = {
    "label": "label",
    "description": "description",
    "low": "low_pole",
    "high": "high_pole",
    "question": "follow_up",
}

_SPANISH: dict[str, Item] = {
    "relationship": Item(
        key="relationship",
        label="Relación",
        description="Cuánto te sentiste escuchado, comprendido y respetado hoy.",
        low_pole="no escuchado",
        high_pole="muy escuchado",
        follow_up="¿Hubo algún momento hoy en que te sentiste menos escuchado? "
        "¿Qué te habría ayudado?",
    ),
    "goals": Item(
        key="goals",
        label="Metas y temas",
        description="Si trabajamos en lo que tú querías trabajar.",
        low_pole="no era mi tema",
        high_pole="era mi tema",
        follow_up="¿Hay algo de lo que querías hablar y no hablamos?",
    ),
    "approach": Item(
        key="approach",
        label="Enfoque o método",
        description="Si la forma en que trabajamos va contigo.",
        low_pole="no me va",
        high_pole="me va bien",
        follow_up="¿Qué podría hacer distinto para que la forma de trabajar te vaya mejor?",
    ),
    "overall": Item(
        key="overall",
        label="En general",
        description="Si la sesión de hoy, en conjunto, fue adecuada para ti.",
        low_pole="no fue adecuada",
        high_pole="muy adecuada",
        follow_up="¿Qué habría hecho que la sesión de hoy fuera mejor para ti?",
    ),
}

# The words around the live total, which the client sees too.
TOTAL_WORDS = {
    "en": {
        "cutoff": "cutoff",
        "items_set": "{set} of {count} items set",
        "below": "▲ below the cutoff: worth talking about",
        "above": "✓ at or above the cutoff",
    },
    "es": {
        "cutoff": "punto de corte",
        "items_set": "{set} de {count} respondidas",
        "below": "▲ por debajo del punto de corte: vale la pena hablarlo",
        "above": "✓ en o por encima del punto de corte",
    },
}

GENERAL_QUESTION = {
    "en": "What would have made today even better for you?",
    "es": "¿Qué habría hecho que hoy fuera aún mejor para ti?",
}

_GUIDE = {
    "en": {
        "title": "Giving the scale aloud",
        "first": "The first time: \"Before we finish, I'd like your feedback on today's "
        "session. There are four quick questions, each a number from 0 to 10. There are no "
        'right answers: a low number helps me as much as a high one."',
        "ask": "On a scale from 0 to 10, where 0 means {low} and 10 means {high}: {description}",
        "read_back": 'Read the number back ("So that\'s a 7?") and type it, then Enter.',
        "after": 'After a low item: "Thank you for telling me. What would have made it a bit '
        'higher?" Listen; do not defend.',
    },
    "es": {
        "title": "Cómo hacer las preguntas en voz alta",
        "first": 'La primera vez: "Antes de terminar, me gustaría saber cómo viste la sesión '
        "de hoy. Son cuatro preguntas rápidas, cada una con un número del 0 al 10. No hay "
        'respuestas correctas: un número bajo me ayuda tanto como uno alto."',
        "ask": "En una escala del 0 al 10, donde 0 es {low} y 10 es {high}: {description}",
        "read_back": 'Repite el número ("¿Entonces un 7?") y escríbelo; luego Enter.',
        "after": 'Tras un número bajo: "Gracias por decírmelo. ¿Qué lo habría hecho un poco '
        'más alto?" Escucha, sin defenderte.',
    },
}


class WordingError(Exception):
    """A wording file that cannot be used; the message names the key and its line."""


@dataclass(frozen=True)
class Wording:
    """The words of the four items for one client, and whose words they are."""

    items: tuple[Item, ...]
    language: str
    licensed: bool = False

    def item(self, key: str) -> Item:
        """The item with this key."""
        return next(item for item in self.items if item.key == key)


def built_in(language: str) -> Wording:
    """Our own words, in English or Spanish."""
    if language == "es":
        return Wording(items=tuple(_SPANISH[item.key] for item in SRS.items), language="es")
    return Wording(items=SRS.items, language="en")


def wording_for(language: str, licensed: Mapping[str, Mapping[str, str]] | None) -> Wording:
    """The words to show a client: the licensed wording where there is one, else ours."""
    base = built_in(language)
    if not licensed:
        return base
    items = []
    for item in base.items:
        changes = {FIELDS[key]: value for key, value in licensed.get(item.key, {}).items()}
        items.append(replace(item, **changes))
    return Wording(items=tuple(items), language=language, licensed=True)


def guide_text(wording: Wording) -> str:
    """A short script for giving the scale aloud, in the client's language."""
    words = _GUIDE.get(wording.language, _GUIDE["en"])
    lines = [words["title"], "", words["first"], ""]
    for number, item in enumerate(wording.items, start=1):
        question = words["ask"].format(
            low=item.low_pole, high=item.high_pole, description=item.description
        )
        lines += [f"{number}. {item.label}", f"   {question}", ""]
    lines += [words["read_back"], "", words["after"]]
    return "\n".join(lines)


def _line_of(text: str, section: str, key: str | None = None) -> int:
    """The line (from 1) of a [section] header, or of a key inside it; 0 if not found."""
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line.strip("[] ").strip('"')
            if key is None and current == section:
                return number
        elif current == section and key is not None and line.split("=")[0].strip() == key:
            return number
    return 0


def parse_wording(text: str, source: str) -> dict[str, dict[str, str]]:
    """Check a wording file: item sections, known keys, short plain strings."""
    from srs_tui.toml_file import TomlProblem, parse_toml

    try:
        data = parse_toml(text)
    except TomlProblem as problem:
        raise WordingError(problem.within(source)) from None
    wording: dict[str, dict[str, str]] = {}
    for section, values in data.items():
        where = f"{source}, line {_line_of(text, section)}"
        if section not in SRS.keys:
            raise WordingError(
                f"{where}: unknown section [{terminal_safe(section)}] "
                f"(the items are {', '.join(SRS.keys)})"
            )
        if not isinstance(values, Mapping):
            raise WordingError(f"{where}: {section} must be a [{section}] table")
        for key, value in values.items():
            at = f"{source}, line {_line_of(text, section, key)}"
            if key not in FIELDS:
                raise WordingError(
                    f"{at}: unknown key {key!r} in [{section}] (known: {', '.join(FIELDS)})"
                )
            if not isinstance(value, str) or not value.strip():
                raise WordingError(f"{at}: [{section}] {key} must be a non-empty string")
            if len(value) > FIELD_MAX or "\n" in value.strip():
                raise WordingError(
                    f"{at}: [{section}] {key} must be one line of at most {FIELD_MAX} characters"
                )
            if control_characters(value.strip(), allowed="\t"):
                # The client sees these words: an escape sequence in them would drive the
                # terminal (set its title, clear it) on a shared screen. The text is not echoed.
                raise WordingError(
                    f"{at}: [{section}] {key} contains a control character (only a tab may be used)"
                )
            wording.setdefault(section, {})[key] = value.strip()
    return wording


def default_wording_path() -> Path:
    """wording.toml in the user config folder."""
    from platformdirs import user_config_path

    return user_config_path("srs-tui", appauthor=False) / WORDING_FILE_NAME


def load_wording(path: Path | None = None) -> dict[str, dict[str, str]] | None:
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
    return parse_wording(text, str(target)) or None
