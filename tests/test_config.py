"""The settings file: defaults, overrides, and clear errors naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from srs_tui.config import EXAMPLE, Config, ConfigError, load_config
from srs_tui.rules import Thresholds


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_default_file_means_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config() == Config()
    assert Config().thresholds == Thresholds(
        cutoff=360, cutoff_inclusive=False, soft_item=90, drop=10, persistent_run=3, falling_run=3
    )


def test_the_default_file_is_read_from_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "srs-tui").mkdir()
    (tmp_path / "srs-tui" / "config.toml").write_text("[alerts]\ncutoff = 35\n")
    assert load_config().thresholds.cutoff == 350


def test_overrides(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "[alerts]\ncutoff = 35.5\ncutoff_inclusive = true\nsoft_item = 8\ndrop = 2.0\n"
            "persistent_run = 4\nfalling_run = 2\n[session]\nmode = 'paper'\n"
            "setting = 'in-person'\n",
        )
    )
    assert config.thresholds == Thresholds(
        cutoff=355, cutoff_inclusive=True, soft_item=80, drop=20, persistent_run=4, falling_run=2
    )
    assert (config.default_mode, config.default_setting) == ("paper", "in-person")


def test_the_example_is_valid_and_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, EXAMPLE)) == Config()
    assert tomllib.loads(EXAMPLE)


def test_the_idle_lock_is_set_in_minutes_and_0_turns_it_off(tmp_path: Path) -> None:
    assert Config().idle_lock_seconds == 600
    assert load_config(write(tmp_path, "[lock]\nidle_minutes = 2.5\n")).idle_lock_seconds == 150
    assert load_config(write(tmp_path, "[lock]\nidle_minutes = 0\n")).idle_lock_seconds == 0


def test_a_partial_file_keeps_the_other_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[alerts]\ndrop = 1.5\n"))
    assert config.thresholds == Thresholds(drop=15)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alerts\ncutoff = 36", "not valid TOML"),
        ("[alerts]\ncutoff = = 36", "line 2"),
        ("[alerts]\ncutof = 36", "unknown key 'cutof' in [alerts]"),
        ("[alarms]\ncutoff = 36", "unknown section [alarms]"),
        ("alerts = 3", "alerts must be a [alerts] table"),
        ("[alerts]\ncutoff = 45", "[alerts] cutoff: 45 is outside 0.0 to 40.0"),
        ("[alerts]\ncutoff = -1", "[alerts] cutoff: -1 is outside"),
        ("[alerts]\nsoft_item = 10.5", "[alerts] soft_item: 10.5 is outside 0.0 to 10.0"),
        ("[alerts]\ncutoff = 35.25", "[alerts] cutoff: 35.25 has more than one decimal"),
        ("[alerts]\ncutoff = '36'", "[alerts] cutoff: '36' is not a number"),
        ("[alerts]\ndrop = 0", "[alerts] drop: 0 is outside 0.1 to 40.0"),
        ("[alerts]\npersistent_run = 1", "[alerts] persistent_run: 1 is outside 2 to 50"),
        ("[alerts]\nfalling_run = 2.5", "[alerts] falling_run: 2.5 is not a whole number"),
        ("[alerts]\ncutoff_inclusive = 'yes'", "cutoff_inclusive: 'yes' is not true or false"),
        ("[session]\nmode = 'email'", "[session] mode: 'email' is not one of oral, self, paper"),
        (
            "[display]\ntheme = 'neon'",
            "[display] theme: 'neon' is not one of default, high-contrast",
        ),
        ("[lock]\nidle_minutes = -1", "[lock] idle_minutes: -1 is outside 0 to 240"),
        ("[lock]\nidle_minutes = 'soon'", "[lock] idle_minutes: 'soon' is not a number"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(str(path))
    assert message in str(refused.value)


def test_an_explicit_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such settings file"):
        load_config(tmp_path / "missing.toml")


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(path)


DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_TABLE = "{a = " * 5000 + "1" + "}" * 5000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alerts]\ncutoff = inf\n", "[alerts] cutoff: inf is not finite"),
        ("[alerts]\ncutoff = nan\n", "[alerts] cutoff: nan is not finite"),
        ("[alerts]\ndrop = -inf\n", "[alerts] drop: -inf is not finite"),
        ("[alerts]\nsoft_item = 1e400\n", "[alerts] soft_item: inf is not finite"),
        ("[alerts]\ncutoff = 1e308\n", "[alerts] cutoff: 1e+308 is outside 0.0 to 40.0"),
        ("[lock]\nidle_minutes = inf\n", "[lock] idle_minutes: inf is not finite"),
        ("[alerts]\ncutoff = " + "9" * 5000 + "\n", "line 2: [alerts] cutoff: a number that long"),
        ("[backup]\nkeep_daily = 99999999999999999999\n", "keep_daily: a number that large is"),
        ("[alerts]\ncutoff = " + DEEP_ARRAY + "\n", "line 2: [alerts] cutoff: values nested"),
        ("[alerts]\ncutoff = " + DEEP_TABLE + "\n", "line 2: [alerts] cutoff: values nested"),
        ("[lock]\nidle_minutes = [[[1]]]\n", "[lock] idle_minutes: a list is not a number"),
        ('["\\u001b]0;PWNED\\u0007"]\n', "unknown section [\\x1b]0;PWNED\\x07]"),
        ("[session]\nmode = '" + "x" * 5000 + "'\n", "[session] mode: 'xxxxxxxx"),
    ],
    ids=[
        "inf", "nan", "minus-inf", "overflowing-float", "huge-float", "inf-minutes",
        "5000-digits", "20-digits", "deep-array", "deep-inline-table", "a-list",
        "escape-in-a-section", "a-long-string",
    ],
)  # fmt: skip
def test_hostile_values_are_one_short_line_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    said = str(refused.value)
    assert said.startswith(str(path))
    assert message in said
    assert "\n" not in said
    assert len(said) < len(str(path)) + 120
    assert not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in said)


def test_a_deeply_nested_settings_file_stops_the_app_in_one_line(tmp_path: Path) -> None:
    from conftest import run_cli

    path = write(tmp_path, "[alerts]\ncutoff = " + DEEP_ARRAY + "\n")
    result = run_cli("--config", str(path), "--db", str(tmp_path / "srs.db"), home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "[alerts] cutoff: values nested" in result.stderr
    assert "Traceback" not in result.stderr
