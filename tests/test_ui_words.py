"""The screens' words in every language: the same keys, the same placeholders, no control
characters, and a key bar label only where a client's key is meant."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from srs_tui.terminal_text import control_characters
from srs_tui.wording import LANGUAGES
from srs_tui.wording.ui import catalog, placeholders, ui_words

ENGLISH = catalog("en")


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_language_has_every_english_key_with_its_placeholders(language: str) -> None:
    words = catalog(language)
    assert sorted(set(ENGLISH) - set(words)) == [], "keys without words in " + language
    assert sorted(set(words) - set(ENGLISH)) == [], "keys English does not have"
    for key, text in words.items():
        assert placeholders(text) == placeholders(ENGLISH[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_words_hold_a_control_character(language: str) -> None:
    for key, text in catalog(language).items():
        assert not control_characters(text), key
        assert text, key
        assert text.strip() == text, key


def test_a_missing_language_falls_back_to_english_and_fills_placeholders() -> None:
    say = ui_words("xx")
    assert say.language == "en"
    assert say("share.banner").startswith("● SHARING")
    assert ui_words("es")("share.banner").startswith("● COMPARTIENDO")


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        ui_words("es")("no.such.key")
    assert ui_words("es").key_label("rate.no_such_binding") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_share_banner_fits_an_80_column_terminal(language: str) -> None:
    # One cell of padding each side: the banner is one line, never cut at 80 columns.
    assert cell_len(ui_words(language)("share.banner")) <= 78
