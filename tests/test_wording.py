"""The client-facing words: ours per measure and language, a licensed clinician's own, the guide."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, RadioButton

from conftest import NOW, SKIP_ORS, build_app, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.measures import MEASURES, SRS, Scores
from srs_tui.rules import DEFAULT_PROFILES, summarize
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.screens.feedback import describe
from srs_tui.store import Store
from srs_tui.store.records import LANGUAGES as CLIENT_LANGUAGES
from srs_tui.terminal_text import control_characters
from srs_tui.wording import (
    ITEM_FIELDS,
    LANGUAGES,
    PARTS,
    PLACEHOLDERS,
    WordingError,
    built_in,
    data_file_name,
    guide_text,
    load_wording,
    parse_wording,
    wording_for,
)

SIZE = (120, 40)
LICENSED = """\
[relationship]
label = "Licensed relationship label"
low = "licensed low pole"
high = "licensed high pole"
question = "A licensed question?"
"""
SIDE_BY_SIDE = """\
# English and Spanish in one file
[srs.relationship]
label = "Licensed relationship label"
question = "A licensed question?"

[srs.es.relationship]
label = "Etiqueta con licencia"
low = "polo bajo con licencia"

[srs.total]
cutoff = "licensed cutoff"

[srs.es.general]
question = "¿Una pregunta general con licencia?"
"""


def data_files() -> list[tuple[str, str]]:
    """(measure, language) for every registered measure and every language of ours."""
    return [(name, language) for name in MEASURES for language in LANGUAGES]


@pytest.mark.parametrize(("name", "language"), data_files())
def test_the_package_holds_every_measures_words_in_every_language(name: str, language: str) -> None:
    measure = MEASURES[name]
    resource = (
        files("srs_tui.wording")
        / "data"
        / data_file_name(measure, measure.default_form.name, language)
    )
    assert resource.is_file()
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    expected = {**dict.fromkeys(measure.keys, ITEM_FIELDS), **PARTS}
    assert {section: tuple(fields) for section, fields in data.items()} == expected
    for section, fields in data.items():
        for key, value in fields.items():
            assert isinstance(value, str), (section, key)
            assert value.strip(), (section, key)
            assert not control_characters(value), (section, key)
            names = PLACEHOLDERS.get((section, key))
            if names is not None:
                value.format(**dict.fromkeys(names, "x"))  # every placeholder known


def test_no_stray_data_file_and_no_item_named_like_a_part() -> None:
    known = {
        data_file_name(measure, form.name, language)
        for measure in MEASURES.values()
        for form in measure.forms
        for language in LANGUAGES
    }
    shipped = {entry.name for entry in (files("srs_tui.wording") / "data").iterdir()}
    assert shipped <= known
    assert all(not set(measure.keys) & set(PARTS) for measure in MEASURES.values())


def test_our_languages_are_the_ones_a_client_can_have() -> None:
    assert set(LANGUAGES) == set(CLIENT_LANGUAGES)


def test_a_missing_language_or_form_falls_back_to_english_and_the_default_form() -> None:
    assert built_in(SRS, "fr") == built_in(SRS, "en")
    assert built_in(SRS, "fr").language == "en"
    assert built_in(SRS, "es", form="child") == built_in(SRS, "es")
    assert built_in(SRS, "es").item("goals").label == "Metas y temas"


def test_spanish_has_every_item_in_our_own_words() -> None:
    spanish = built_in(SRS, "es")
    english = built_in(SRS, "en")
    assert [item.key for item in spanish.items] == list(SRS.keys)
    assert spanish.item("relationship").label == "Relación"
    for ours, item in zip(english.items, spanish.items, strict=True):
        assert item.label != ours.label
        assert item.low
        assert item.high
        assert item.question
    assert english.item("relationship").description == (
        "How heard, understood and respected you felt today."
    )


def test_the_guide_asks_each_item_in_the_clients_language() -> None:
    english = guide_text(built_in(SRS, "en"))
    assert "On a scale from 0 to 10, where 0 means not heard and 10 means fully heard" in english
    assert "What would have made it a bit higher?" in english
    spanish = guide_text(built_in(SRS, "es"))
    assert "En una escala del 0 al 10" in spanish
    assert "Metas y temas" in spanish


def test_what_to_ask_is_the_lowest_items_question_or_the_general_one() -> None:
    profile = DEFAULT_PROFILES.of("SRS")
    soft_item = profile.setting("soft_item")
    low = summarize([Scores.srs(91, 85, 70, 99)], profile)
    shown = describe(low, wording_for(SRS, "en"), soft_item).plain
    assert "Lowest item: Approach or Method 7.0" in shown
    assert "Ask: What could I do differently so the way we work suits you better?" in shown
    good = summarize([Scores.srs(95, 96, 97, 98)], profile)
    shown = describe(good, wording_for(SRS, "es"), soft_item).plain
    assert "Lowest item: Relación 9.5" in shown
    assert "Ask: ¿Qué habría hecho que hoy fuera aún mejor para ti?" in shown


def test_a_licensed_wording_file_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "wording.toml"
    path.write_text(LICENSED, encoding="utf-8")
    licensed = load_wording(path)
    assert licensed is not None
    for language in LANGUAGES:  # bare sections are the SRS, in every language
        wording = wording_for(SRS, language, licensed)
        assert wording.licensed
        assert wording.item("relationship").label == "Licensed relationship label"
        assert wording.item("relationship").question == "A licensed question?"
        assert wording.item("goals") == built_in(SRS, language).item("goals")


def test_english_and_spanish_side_by_side_in_one_file() -> None:
    licensed = parse_wording(SIDE_BY_SIDE, "wording.toml")
    english = wording_for(SRS, "en", licensed)
    spanish = wording_for(SRS, "es", licensed)
    # The language's own section over the measure's, over ours.
    assert english.item("relationship").label == "Licensed relationship label"
    assert spanish.item("relationship").label == "Etiqueta con licencia"
    assert spanish.item("relationship").low == "polo bajo con licencia"
    assert english.item("relationship").low == "not heard"
    assert spanish.item("relationship").high == "muy escuchado"
    assert spanish.item("relationship").question == "A licensed question?"
    assert english.total["cutoff"] == spanish.total["cutoff"] == "licensed cutoff"
    assert english.total["items_set"] == "{set} of {count} items set"
    assert spanish.general_question == "¿Una pregunta general con licencia?"
    assert english.general_question == "What would have made today even better for you?"


def test_the_readmes_example_is_a_valid_wording_file() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Your licensed wording") :]
    example = section[section.index("```toml\n") + 8 : section.index("```\n", 8)]
    licensed = parse_wording(example, "wording.toml")
    assert wording_for(SRS, "es", licensed).item("relationship").low == "..."
    assert wording_for(SRS, "en", licensed).total["items_set"] == "..."


def test_a_file_for_one_language_leaves_the_others_ours() -> None:
    licensed = parse_wording("[srs.es.goals]\nlabel = 'Metas'\n", "wording.toml")
    assert wording_for(SRS, "en", licensed) == built_in(SRS, "en")
    assert not wording_for(SRS, "en", licensed).licensed
    assert wording_for(SRS, "es", licensed).item("goals").label == "Metas"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[relationship]\nlabel = 'x'\nlow = 1\n",
            "line 3: [relationship] low must be a non-empty",
        ),
        (
            "[relationship]\nlabel = 'x'\nlabl = 'y'\n",
            "line 3: unknown key 'labl' in [relationship]",
        ),
        ("\n[feelings]\nlabel = 'x'\n", "line 2: unknown section [feelings]"),
        ("[goals]\nquestion = ''\n", "line 2: [goals] question must be a non-empty string"),
        ("[goals\n", "not valid TOML"),
        (
            "[srs.es.relationship]\nlabel = 'x'\nlabl = 'y'\n",
            "line 3: unknown key 'labl' in [srs.es.relationship]",
        ),
        ("[srs.relationship]\nlow = 3\n", "line 2: [srs.relationship] low must be a non-empty"),
        ("\n\n[srs.fr.relationship]\nlabel = 'x'\n", "line 3: unknown language 'fr' in [srs.fr]"),
        ("\n[ors.goals]\nlabel = 'x'\n", "line 2: unknown measure 'ors' in [ors.goals]"),
        ("[srs.feelings]\nlabel = 'x'\n", "line 1: unknown section [srs.feelings]"),
        ("[srs]\nrelationship.lable = 'x'\n", "line 2: unknown key 'lable' in [srs.relationship]"),
        ("[srs.es.guide]\ntitle = 'x'\n", "line 1: unknown section [srs.es.guide]"),
        (
            "[srs.total]\ncutoff = 'c'\nitems_set = '{set} of {all}'\n",
            "line 3: [srs.total] items_set may use only these placeholders: {set}, {count}",
        ),
        ("[srs.es.general]\nquestion = ''\n", "line 2: [srs.es.general] question must be a"),
    ],
)
def test_a_bad_wording_file_names_the_key_and_the_line(text: str, message: str) -> None:
    with pytest.raises(WordingError) as refused:
        parse_wording(text, "wording.toml")
    assert message in str(refused.value)
    assert str(refused.value).startswith("wording.toml")


TOKENS = [
    "[", "]", "[[", "]]", "srs", "SRS", "ors", ".", "es", "fr", "relationship", "goals", "total",
    "general", "guide", "label", "items_set", "question", " = ", "\n", "'x'", "''", "'{set}'",
    "'{'", "1", "{", "}", ",", '"\\u001b"', "=",
]  # fmt: skip


@given(st.lists(st.sampled_from(TOKENS), max_size=16).map("".join))
def test_any_file_is_read_or_refused_in_one_line(text: str) -> None:
    try:
        licensed = parse_wording(text, "wording.toml")
    except WordingError as refused:
        said = str(refused)
        assert said.startswith("wording.toml")
        assert "\n" not in said
        assert not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in said)
    else:
        for language in LANGUAGES:
            wording = wording_for(SRS, language, licensed)
            wording.total["items_set"].format(set=1, count=4)
            guide_text(wording)


def test_no_wording_file_means_ours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_wording() is None
    with pytest.raises(WordingError, match="no such wording file"):
        load_wording(tmp_path / "missing.toml")


async def test_a_spanish_client_sees_spanish_items_and_guide(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Lucía", now=NOW, language="es")
    app = build_app(db_path, client="Lucía")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        text = screen_text(app)
        assert "Relación" in text
        assert "muy escuchado" in text
        assert "Relationship" not in text
        assert "0 de 4 respondidas" in text
        assert "punto de corte 36.0" in text
        await pilot.press("ctrl+g")
        assert "En una escala del 0 al 10" in screen_text(app)
        await pilot.press("ctrl+g")
        assert "En una escala del 0 al 10" not in screen_text(app)
        for key in ("8", "enter", "9", "enter", "9", "enter", "9", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        assert "Lowest item: Relación 8.0" in screen_text(app)
        assert "¿Hubo algún momento hoy" in screen_text(app)


async def test_licensed_wording_replaces_ours(db_path: Path) -> None:
    app = make_app(
        db_path,
        client_alias="Ana",
        clock=frozen_clock,
        licensed_wording=parse_wording(LICENSED, "wording.toml"),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        text = screen_text(app)
        assert "Licensed relationship label" in text
        assert "licensed low pole" in text
        assert "Goals and Topics" in text  # items the file leaves out keep our words


async def test_the_language_is_chosen_when_adding_and_editing(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddClientScreen)
        await pilot.press(*"R-17")
        (spanish,) = [b for b in app.screen.query(RadioButton) if b.name == "es"]
        await pilot.click(spanish)
        app.screen.query_one("#display-name", Input).value = "R."
        await pilot.click("#add")
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, AddClientScreen)
        assert app.screen.query_one("#display-name", Input).value == "R."
        (english,) = [b for b in app.screen.query(RadioButton) if b.name == "en"]
        assert not english.value
        await pilot.click(english)
        await pilot.click("#add")
        await pilot.pause()
    with Store.open(db_path) as store:
        client = store.find_client("R-17")
        assert client is not None
        assert (client.language, client.display_name) == ("en", "R.")


async def test_long_licensed_poles_go_under_the_track_without_breaking_lines(
    db_path: Path,
) -> None:
    from srs_tui.widgets.rating_slider import RatingSlider

    long_poles = (
        "[relationship]\nlow = 'a very long left pole that a licensed form might use'\n"
        "high = 'an equally long right pole for the other end of the line'\n"
    )
    app = make_app(
        db_path,
        client_alias="Ana",
        clock=frozen_clock,
        licensed_wording=parse_wording(long_poles, "wording.toml"),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        for slider in app.screen.query(RatingSlider):
            assert not slider._layout().poles_beside
            assert slider.size.height == 3
        text = screen_text(app)
        assert "0 a very long left pole" in text
        assert "other end of the line 10" in text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"a\\u001b]0;PWNED\\u0007b"', "[relationship] label contains a control character"),
        ('"a\\u001b[2Jb"', "[relationship] label contains a control character"),
        ('"a\\u009b2Jb"', "[relationship] label contains a control character"),
        ('"a\\u007fb"', "[relationship] label contains a control character"),
        ('"a\\rb"', "[relationship] label contains a control character"),
        ("[" * 5000 + "]" * 5000, "line 2: [relationship] label: values nested"),
        ("{a = " * 3000 + "1" + "}" * 3000, "line 2: [relationship] label: values nested"),
        ("9" * 5000, "line 2: [relationship] label: a number that long"),
    ],
    ids=["osc", "clear-screen", "c1-csi", "delete", "carriage-return", "deep-array",
         "deep-inline-table", "5000-digits"],
)  # fmt: skip
def test_control_characters_and_hostile_values_are_refused_in_one_line(
    value: str, message: str
) -> None:
    with pytest.raises(WordingError) as refused:
        parse_wording(f"[relationship]\nlabel = {value}\n", "wording.toml")
    said = str(refused.value)
    assert said.startswith("wording.toml, line 2: ")
    assert message in said
    assert not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in said)
    assert "PWNED" not in said  # the text itself is never repeated


def test_a_tab_is_the_one_control_character_wording_may_hold() -> None:
    parsed = parse_wording('[relationship]\nlabel = "a\\tb"\n', "wording.toml")
    assert wording_for(SRS, "en", parsed).item("relationship").label == "a\tb"
    with pytest.raises(WordingError, match=r"unknown section \[\\x1b\]0;x\]"):
        parse_wording('["\\u001b]0;x"]\nlabel = "a"\n', "wording.toml")


async def test_a_spanish_client_sees_the_licensed_spanish_and_an_english_one_ours(
    db_path: Path,
) -> None:
    licensed = parse_wording(
        "[srs.es.relationship]\nlabel = 'Etiqueta con licencia'\n"
        "[srs.es.total]\nitems_set = '{set} de {count} con licencia'\n",
        "wording.toml",
    )
    with Store.open(db_path) as store:
        store.add_client("Lucía", now=NOW, language="es")
        store.add_client("Ann", now=NOW, language="en")
    for alias, shown, hidden in (
        ("Lucía", ["Etiqueta con licencia", "muy escuchado", "0 de 4 con licencia"], "Relación"),
        ("Ann", ["Relationship", "fully heard", "0 of 4 items set"], "Etiqueta con licencia"),
    ):
        app = make_app(db_path, client_alias=alias, clock=frozen_clock, licensed_wording=licensed)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(SKIP_ORS)
            await pilot.pause()
            text = screen_text(app)
            for words in shown:
                assert words in text
            assert hidden not in text
