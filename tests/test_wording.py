"""The client-facing words: ours per measure and language, a licensed clinician's own, the guide."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, RadioButton

from conftest import NOW, SKIP_ORS, build_app, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.measures import MEASURES, ORS, SRS, Measure, Scores
from srs_tui.measures.registry import AGE_BANDS
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


def data_files() -> list[tuple[str, str, str]]:
    """(measure, form, language) for every registered measure, every form a client can be
    given (by age band) and every language of ours."""
    return [
        (name, measure.form_for(band).name, language)
        for name, measure in MEASURES.items()
        for band in AGE_BANDS
        for language in LANGUAGES
    ]


def shipped_file(measure: Measure, form: str, language: str) -> Traversable:
    """A data file of ours: the form's own, or the default form's when it has none."""
    data = files("srs_tui.wording") / "data"
    own = data / data_file_name(measure, form, language)
    return own if own.is_file() else data / data_file_name(measure, "adult", language)


@pytest.mark.parametrize(("name", "form", "language"), data_files())
def test_the_package_holds_every_forms_words_in_every_language(
    name: str, form: str, language: str
) -> None:
    measure = MEASURES[name]
    resource = shipped_file(measure, form, language)
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
    data = files("srs_tui.wording") / "data"
    shipped = {entry.name for entry in data.iterdir() if entry.is_file()}
    assert shipped <= known
    # Beside the measures' files, one folder: the screens' words, a folder a language.
    assert {entry.name for entry in data.iterdir() if not entry.is_file()} == {"ui"}
    assert {entry.name for entry in (data / "ui").iterdir()} == set(LANGUAGES)
    assert all(not set(measure.keys) & set(PARTS) for measure in MEASURES.values())


def test_our_languages_are_the_ones_a_client_can_have() -> None:
    assert set(LANGUAGES) == set(CLIENT_LANGUAGES)


def test_a_missing_language_or_form_falls_back_to_english_and_the_default_form() -> None:
    assert built_in(SRS, "fr") == built_in(SRS, "en")
    assert built_in(SRS, "fr").language == "en"
    assert built_in(SRS, "es", form="adolescent") == built_in(SRS, "es")
    assert built_in(ORS, "fr", form="child") == built_in(ORS, "en", form="child")
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
        "Whether you felt listened to and taken seriously in our work today."
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
    low = summarize([Scores.srs(91, 85, 70, 99)], profile)
    shown = describe(low, wording_for(SRS, "en"), profile).plain
    assert "Lowest item: Approach or Method 7.0" in shown
    assert "Ask: What could I do differently so the way we work suits you better?" in shown
    good = summarize([Scores.srs(95, 96, 97, 98)], profile)
    shown = describe(good, wording_for(SRS, "es"), profile).plain
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
        (
            "\n\n[srs.fr.relationship]\nlabel = 'x'\n",
            "line 3: unknown language or form 'fr' in [srs.fr] (languages: en, es; forms: adult, "
            "adolescent, child, young-child)",
        ),
        (
            "[ors.child.fr.overall]\nlabel = 'x'\n",
            "line 1: unknown language 'fr' in [ors.child.fr] (languages: en, es)",
        ),
        (
            "\n[srs.young_child.goals]\nlabel = 'x'\n",
            "line 2: unknown language or form 'young_child' in [srs.young_child]",
        ),
        ("[ors.child.goals]\nlabel = 'x'\n", "line 1: unknown section [ors.child.goals]"),
        (
            "[srs.child.es.relationship]\nlabel = 'x'\nlabl = 'y'\n",
            "line 3: unknown key 'labl' in [srs.child.es.relationship]",
        ),
        ("[ors.young-child.es.me]\nlabel = 'x'\n", "line 1: unknown section"),
        ("[ors.child]\nlabel = 'x'\n", "line 1: unknown section [ors.child]"),
        ("[ors.child.guide]\ntitle = 'x'\n", "line 1: unknown section [ors.child.guide]"),
        ("\n[phq9.goals]\nlabel = 'x'\n", "line 2: unknown measure 'phq9' in [phq9.goals]"),
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
    "child", "young-child", "adult", "individually",
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
        for measure in MEASURES.values():
            for form in measure.form_names:
                for language in LANGUAGES:
                    wording = wording_for(measure, language, licensed, form)
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
        new_client=True,
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
        new_client=True,
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


# A few phrases of the official forms' wording, which is copyrighted: none of our files may hold
# them (compared in lower case, punctuation and spacing aside).
OFFICIAL_PHRASES = (
    "I felt heard, understood, and respected",
    "heard, understood and respected",  # the same three words in our own sentence are too close
    "We worked on and talked about what I wanted to work on",
    "The therapist's approach is a good fit for me",
    "Overall, today's session was right for me",
    "Looking back over the last week, including today",
    "General sense of well-being",
    "Personal well-being",
    "Family, close relationships",
    "Work, school, friendships",
    "How am I doing",
    "How are things in my family",
    "How is everything going",
    "I hope we do the same kind of things next time",
)


def _plain(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def test_no_data_file_holds_the_official_wording() -> None:
    data = files("srs_tui.wording") / "data"
    shipped = [entry for entry in data.iterdir() if entry.is_file()]
    assert len(shipped) == 12  # ORS and SRS: adult, child, young child; English and Spanish
    # The screens' words are read by clients too.
    screens = [entry for folder in (data / "ui").iterdir() for entry in folder.iterdir()]
    assert len(screens) > 10
    for entry in [*shipped, *screens]:
        text = _plain(entry.read_text(encoding="utf-8"))
        for phrase in OFFICIAL_PHRASES:
            assert _plain(phrase) not in text, (entry.name, phrase)


def test_each_form_has_words_of_its_own_and_the_adolescent_reads_the_adults() -> None:
    for measure in MEASURES.values():
        for language in LANGUAGES:
            adult = built_in(measure, language)
            child = built_in(measure, language, "child")
            young = built_in(measure, language, "young child")
            assert built_in(measure, language, "adolescent") == adult
            assert len({adult.items, child.items, young.items}) == 3
            assert all(wording.language == language for wording in (adult, child, young))
    assert built_in(ORS, "en", "child").item("individually").label == "Me"
    assert built_in(ORS, "es", "child").item("overall").label == "Todo"
    assert built_in(SRS, "en", "child").item("relationship").label == "Listened to"
    assert "last week" in built_in(ORS, "en").item("overall").description


def test_no_item_key_reads_like_a_form_or_a_language() -> None:
    """A licensed file's [srs.child.es.goals] is read by name: the three must never clash."""
    for measure in MEASURES.values():
        tokens = {name.replace(" ", "-") for name in measure.form_names}
        assert not set(measure.keys) & (tokens | set(LANGUAGES) | set(PARTS))


FORMS_SIDE_BY_SIDE = """\
[srs.relationship]
label = "Licensed adult relationship"

[srs.adolescent.relationship]
low = "licensed adolescent low"

[srs.child.relationship]
label = "Licensed child relationship"

[srs.child.es.relationship]
label = "Relación infantil con licencia"

[ors.child.individually]
label = "Licensed child me"

[ors.young-child.total]
cutoff = "licensed young cutoff"

[ors.es.overall]
label = "General con licencia"
"""


def test_a_licensed_file_gives_each_form_its_own_words() -> None:
    licensed = parse_wording(FORMS_SIDE_BY_SIDE, "wording.toml")

    def label(measure: Measure, language: str, form: str, key: str) -> str:
        return wording_for(measure, language, licensed, form).item(key).label

    assert label(SRS, "en", "adult", "relationship") == "Licensed adult relationship"
    # The adolescent reads the adult form: its own licensed words over the adult's.
    adolescent = wording_for(SRS, "en", licensed, "adolescent").item("relationship")
    assert (adolescent.label, adolescent.low) == (
        "Licensed adult relationship",
        "licensed adolescent low",
    )
    assert wording_for(SRS, "en", licensed, "adult").item("relationship").low == "not heard"
    # A child never sees the adult form's licensed words: its own, or ours for the child.
    assert label(SRS, "en", "child", "relationship") == "Licensed child relationship"
    assert label(SRS, "es", "child", "relationship") == "Relación infantil con licencia"
    assert label(SRS, "en", "young child", "relationship") == "Listening"
    assert not wording_for(SRS, "en", licensed, "young child").licensed
    assert label(ORS, "en", "child", "individually") == "Licensed child me"
    assert label(ORS, "es", "child", "individually") == "Licensed child me"  # every language
    assert label(ORS, "es", "child", "overall") == "Todo"
    assert label(ORS, "es", "adult", "overall") == "General con licencia"
    assert label(ORS, "en", "adult", "overall") == "Overall"
    young = wording_for(ORS, "es", licensed, "young child")
    assert young.licensed
    assert young.total["cutoff"] == "licensed young cutoff"
    assert young.item("individually").label == "Yo"
    # [srs.adult.x] is the same as [srs.x].
    adult = parse_wording("[srs.adult.goals]\nlabel = 'G'\n", "wording.toml")
    assert adult == parse_wording("[srs.goals]\nlabel = 'G'\n", "wording.toml")


@pytest.mark.parametrize(
    ("band", "language", "shown", "hidden"),
    [
        ("adult", "en", ["Relationship", "fully heard"], "Listened to"),
        ("adolescent", "es", ["Relación", "muy escuchado"], "Me escuchó"),
        ("child", "en", ["Listened to", "What we talked about", "0 of 4 done"], "Relationship"),
        ("child", "es", ["Me escuchó", "De qué hablamos", "0 de 4 listas"], "Relación"),
        ("young child", "en", ["Listening", "Did I listen to you?"], "Relationship"),
        ("young child", "es", ["Escuchar", "¿Te escuché?"], "Relación"),
    ],
)
async def test_a_client_sees_the_words_of_their_age_bands_form(
    db_path: Path, band: str, language: str, shown: list[str], hidden: str
) -> None:
    with Store.open(db_path) as store:
        store.add_client("Sam", now=NOW, language=language, age_band=band)
    app = build_app(db_path, client="Sam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        await pilot.pause()
        text = screen_text(app)
        for words in shown:
            assert words in text
        assert hidden not in text
        client = app.ctx.store.find_client("Sam")
        assert client is not None
        ors = app.ctx.wording(client, ORS)
        assert ors.language == language
        assert ors == built_in(ORS, language, ORS.form_for(band).name)
        assert app.ctx.wording(client, ORS, "adult") == built_in(ORS, language)


async def test_a_child_sees_the_licensed_child_words_and_an_adult_the_adult_ones(
    db_path: Path,
) -> None:
    licensed = parse_wording(FORMS_SIDE_BY_SIDE, "wording.toml")
    with Store.open(db_path) as store:
        store.add_client("Kit", now=NOW, language="es", age_band="child")
        store.add_client("Ann", now=NOW, language="en")
    for alias, shown, hidden in (
        ("Kit", "Relación infantil con licencia", "Licensed adult relationship"),
        ("Ann", "Licensed adult relationship", "Licensed child relationship"),
    ):
        app = make_app(db_path, client_alias=alias, clock=frozen_clock, licensed_wording=licensed)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(SKIP_ORS)
            await pilot.pause()
            text = screen_text(app)
            assert shown in text
            assert hidden not in text
