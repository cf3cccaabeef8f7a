"""The client-facing words: ours in English and Spanish, a licensed clinician's own, the guide."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, RadioButton

from conftest import NOW, build_app, frozen_clock, screen_text
from srs_tui.app import make_app
from srs_tui.measures import SRS
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.store import Store
from srs_tui.wording import WordingError, built_in, guide_text, load_wording, parse_wording

SIZE = (120, 40)
LICENSED = """\
[relationship]
label = "Licensed relationship label"
low = "licensed low pole"
high = "licensed high pole"
question = "A licensed question?"
"""


def test_spanish_has_every_item_in_our_own_words() -> None:
    spanish = built_in("es")
    assert [item.key for item in spanish.items] == list(SRS.keys)
    assert spanish.item("relationship").label == "Relación"
    for english, item in zip(SRS.items, spanish.items, strict=True):
        assert item.label != english.label
        assert item.low_pole
        assert item.high_pole
        assert item.follow_up


def test_the_guide_asks_each_item_in_the_clients_language() -> None:
    english = guide_text(built_in("en"))
    assert "On a scale from 0 to 10, where 0 means not heard and 10 means fully heard" in english
    assert "What would have made it a bit higher?" in english
    spanish = guide_text(built_in("es"))
    assert "En una escala del 0 al 10" in spanish
    assert "Metas y temas" in spanish


def test_a_licensed_wording_file_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "wording.toml"
    path.write_text(LICENSED, encoding="utf-8")
    wording = load_wording(path)
    assert wording is not None
    assert wording["relationship"]["label"] == "Licensed relationship label"


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
    ],
)
def test_a_bad_wording_file_names_the_key_and_the_line(text: str, message: str) -> None:
    with pytest.raises(WordingError) as refused:
        parse_wording(text, "wording.toml")
    assert message in str(refused.value)
    assert str(refused.value).startswith("wording.toml")


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
    assert parsed == {"relationship": {"label": "a\tb"}}
    with pytest.raises(WordingError, match=r"unknown section \[\\x1b\]0;x\]"):
        parse_wording('["\\u001b]0;x"]\nlabel = "a"\n', "wording.toml")
