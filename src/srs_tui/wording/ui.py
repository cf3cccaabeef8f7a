"""The words of the screens a client sees, in the client's language: data, not code.

Each language has a folder, data/ui/<language>/, of small TOML files, one per part of the app
(rate.toml, history.toml, share.toml ...); a key is the file's name, then the path of tables
inside it: "rate.save", "rate.keys.save". A screen's key bar takes its labels from the
[keys] table of the file named like the binding ids' prefix ("rate.save" -> rate.keys.save),
so a key with no words in the client's language is, by construction, not a client's key.

English is complete; every other language has every English key, with the same placeholders
(tests/test_ui_words.py checks both ways). A key missing from a language falls back to English;
a key missing from English is a programming error and raises KeyError.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from srs_tui.wording import DATA_FOLDER, FALLBACK_LANGUAGE, LANGUAGES


def _flatten(prefix: str, table: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            yield from _flatten(name, value)
        else:
            yield name, str(value)


@cache
def _catalog(language: str) -> Mapping[str, str]:
    import tomllib

    folder = DATA_FOLDER / "ui" / language
    words: dict[str, str] = {}
    if not folder.is_dir():
        return words
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            words.update(_flatten(entry.name[: -len(".toml")], tomllib.loads(entry.read_text())))
    return words


def placeholders(text: str) -> frozenset[str]:
    """The {names} a text is filled with."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class UiWords:
    """The screens' words in one language; say(key, **values) gives one, filled in."""

    language: str

    def __call__(self, key: str, /, **values: object) -> str:
        text = _catalog(self.language).get(key)
        if text is None:
            text = _catalog(FALLBACK_LANGUAGE)[key]
        return text.format(**values) if values else text

    def get(self, key: str) -> str | None:
        """The words for key, or None where there are none (a key without a client label)."""
        if key in _catalog(self.language) or key in _catalog(FALLBACK_LANGUAGE):
            return self(key)
        return None

    def key_label(self, binding_id: str) -> str | None:
        """The key bar's label for a binding ("rate.save" -> rate.keys.save), or None."""
        part, _, name = binding_id.partition(".")
        return self.get(f"{part}.keys.{name}") if name else None


def ui_words(language: str) -> UiWords:
    """The screens' words in language (English for a language we have no words in)."""
    return UiWords(language if language in LANGUAGES else FALLBACK_LANGUAGE)


def catalog(language: str) -> Mapping[str, str]:
    """Every key and its words in one language, as the data files give them (for the tests)."""
    return dict(_catalog(language))
