"""The settings file: defaults, overrides, and clear errors naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from srs_tui.config import EXAMPLE, Config, ConfigError, load_config
from srs_tui.measures import SRS
from srs_tui.rules import Profile


def srs(config: Config) -> Profile:
    return config.profiles.of(SRS.name)


def numbers(profile: Profile) -> tuple[int, bool, dict[str, int], frozenset[str]]:
    """What a profile judges by: cutoff, "<=" or "<", its rule set's settings, rules off."""
    return (profile.cutoff, profile.cutoff_inclusive, dict(profile.values), profile.off)


DEFAULTS = {"soft_item": 90, "drop": 10, "persistent_run": 3, "falling_run": 3}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_default_file_means_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config() == Config()
    assert numbers(srs(Config())) == (360, False, DEFAULTS, frozenset())


def test_the_default_file_is_read_from_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "srs-tui").mkdir()
    (tmp_path / "srs-tui" / "config.toml").write_text("[alerts]\ncutoff = 35\n")
    assert srs(load_config()).cutoff == 350


def test_overrides(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "[alerts]\ncutoff = 35.5\ncutoff_inclusive = true\nsoft_item = 8\ndrop = 2.0\n"
            "persistent_run = 4\nfalling_run = 2\n[session]\nmode = 'paper'\n"
            "setting = 'in-person'\n",
        )
    )
    assert numbers(srs(config)) == (
        355,
        True,
        {"soft_item": 80, "drop": 20, "persistent_run": 4, "falling_run": 2},
        frozenset(),
    )
    assert (config.default_mode, config.default_setting) == ("paper", "in-person")


def test_the_example_is_valid_and_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, EXAMPLE)) == Config()
    assert tomllib.loads(EXAMPLE)


def test_the_idle_lock_is_set_in_minutes_and_0_turns_it_off(tmp_path: Path) -> None:
    assert Config().idle_lock_seconds == 600
    assert load_config(write(tmp_path, "[lock]\nidle_minutes = 2.5\n")).idle_lock_seconds == 150
    assert load_config(write(tmp_path, "[lock]\nidle_minutes = 0\n")).idle_lock_seconds == 0


def test_not_seen_weeks_default_to_4_and_0_turns_the_mark_off(tmp_path: Path) -> None:
    assert Config().not_seen_weeks == 4
    assert load_config(write(tmp_path, "[caseload]\nnot_seen_weeks = 6\n")).not_seen_weeks == 6
    assert load_config(write(tmp_path, "[caseload]\nnot_seen_weeks = 0\n")).not_seen_weeks == 0


def test_a_partial_file_keeps_the_other_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[alerts]\ndrop = 1.5\n"))
    assert numbers(srs(config)) == (360, False, {**DEFAULTS, "drop": 15}, frozenset())


def test_a_measure_section_sets_that_measure(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "[alerts.srs]\ncutoff = 35.0\ndrop = 2.0\noff = ['falling']\n")
    )
    assert numbers(srs(config)) == (350, False, {**DEFAULTS, "drop": 20}, frozenset({"falling"}))


def test_a_bare_alerts_section_is_still_read_as_the_srs(tmp_path: Path) -> None:
    bare = load_config(write(tmp_path, "[alerts]\ncutoff = 35.0\nsoft_item = 8.5\n"))
    section = load_config(write(tmp_path, "[alerts.srs]\ncutoff = 35.0\nsoft_item = 8.5\n"))
    assert (
        numbers(srs(bare))
        == numbers(srs(section))
        == (
            350,
            False,
            {**DEFAULTS, "soft_item": 85},
            frozenset(),
        )
    )


def test_the_measure_section_wins_over_a_bare_alerts_section_key_by_key(tmp_path: Path) -> None:
    text = "[alerts]\ncutoff = 34.0\ndrop = 2.0\n[alerts.srs]\ncutoff = 35.0\n"
    config = load_config(write(tmp_path, text))
    # cutoff from [alerts.srs]; drop, which it does not say, from [alerts].
    assert numbers(srs(config)) == (350, False, {**DEFAULTS, "drop": 20}, frozenset())


def test_a_form_section_wins_over_its_measure_section(tmp_path: Path) -> None:
    text = "[alerts.srs]\ncutoff = 35.0\ndrop = 2.0\n[alerts.srs.adult]\ncutoff = 34.0\n"
    profile = load_config(write(tmp_path, text)).profiles.of(SRS.name, "adult")
    assert numbers(profile) == (340, False, {**DEFAULTS, "drop": 20}, frozenset())


def test_a_profile_takes_the_registry_cutoff_when_the_settings_do_not_say(
    tmp_path: Path,
) -> None:
    profile = srs(load_config(write(tmp_path, "[alerts.srs]\ndrop = 2.0\n")))
    assert profile.cutoff == SRS.default_form.cutoff
    assert not profile.cutoff_set


@pytest.mark.parametrize(("inclusive", "below"), [("false", False), ("true", True)])
def test_a_total_at_the_cutoff_is_below_it_only_when_the_settings_say_so(
    tmp_path: Path, inclusive: str, below: bool
) -> None:
    text = f"[alerts.srs]\ncutoff = 35.0\ncutoff_inclusive = {inclusive}\n"
    profile = srs(load_config(write(tmp_path, text)))
    assert profile.below_cutoff(350) is below
    assert profile.below_cutoff(349)
    assert not profile.below_cutoff(351)


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
        (
            "[alerts.phq9]\ncutoff = 10",
            "unknown measure section [alerts.phq9] (known: [alerts.ors], [alerts.srs])",
        ),
        ("[alerts.SRS]\ncutoff = 35", "unknown measure section [alerts.SRS]"),
        ("[alerts.srs]\ncutof = 36", "unknown key 'cutof' in [alerts.srs]"),
        ("[alerts.srs]\ncutoff = 45", "[alerts.srs] cutoff: 45 is outside 0.0 to 40.0"),
        ("[alerts.srs]\nsoft_item = 10.5", "[alerts.srs] soft_item: 10.5 is outside 0.0 to 10.0"),
        ("[alerts.srs]\noff = ['fallin']", "[alerts.srs] off: 'fallin' is not a rule (rules: "),
        ("[alerts.srs]\noff = 'falling'", "[alerts.srs] off: 'falling' is not a list of rule"),
        ("[alerts.srs.group]\ncutoff = 32", "unknown form section [alerts.srs.group]"),
        ("[alerts.srs.adult]\ndrop = 0", "[alerts.srs.adult] drop: 0 is outside 0.1 to 40.0"),
        ("[alerts.srs.adult.x]\ndrop = 1", "unknown section [alerts.srs.adult.x]"),
        ("[session]\nmode = 'email'", "[session] mode: 'email' is not one of oral, self, paper"),
        (
            "[display]\ntheme = 'neon'",
            "[display] theme: 'neon' is not one of default, high-contrast",
        ),
        ("[lock]\nidle_minutes = -1", "[lock] idle_minutes: -1 is outside 0 to 240"),
        ("[lock]\nidle_minutes = 'soon'", "[lock] idle_minutes: 'soon' is not a number"),
        (
            "[share]\nshow_cutoff_while_rating = 'yes'",
            "[share] show_cutoff_while_rating: 'yes' is not true or false",
        ),
        ("[share]\nshow_cutoff = true", "unknown key 'show_cutoff' in [share]"),
        ("[caseload]\nnot_seen_weeks = -1", "[caseload] not_seen_weeks: -1 is outside 0 to 104"),
        ("[caseload]\nnot_seen_weeks = 2.5", "[caseload] not_seen_weeks: 2.5 is not a whole"),
        ("[caseload]\nnot_seen_weeks = '4'", "[caseload] not_seen_weeks: '4' is not a whole"),
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
        ('[alerts."\\u001b]0;PWNED\\u0007"]\n', "measure section [alerts.\\x1b]0;PWNED\\x07]"),
        ("[session]\nmode = '" + "x" * 5000 + "'\n", "[session] mode: 'xxxxxxxx"),
    ],
    ids=[
        "inf", "nan", "minus-inf", "overflowing-float", "huge-float", "inf-minutes",
        "5000-digits", "20-digits", "deep-array", "deep-inline-table", "a-list",
        "escape-in-a-section", "escape-in-a-measure-section", "a-long-string",
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alerts]\ncutoff = 45\n", "line 2: [alerts] cutoff: 45 is outside 0.0 to 40.0"),
        (
            "[session]\nmode = 'oral'\n\n[alerts.srs]\n# the cutoff\ncutoff = 45\n",
            "line 6: [alerts.srs] cutoff: 45 is outside 0.0 to 40.0",
        ),
        (
            "[alerts]\ndrop = 2.0\n[ alerts . 'srs' . adult ]\nfalling_run = 1\n",
            "line 4: [alerts.srs.adult] falling_run: 1 is outside 2 to 50",
        ),
        ("[alerts.srs]\ndrop = 1.0\ncutof = 36\n", "line 3: unknown key 'cutof' in [alerts.srs]"),
        ("[lock]\nidle_minutes = 'soon'\n", "line 2: [lock] idle_minutes: 'soon' is not"),
    ],
)
def test_a_bad_value_names_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(f"{path}, {message}")


def test_an_unknown_measure_section_stops_the_app_in_one_line(tmp_path: Path) -> None:
    from conftest import run_cli

    path = write(tmp_path, "[alerts.srs]\ndrop = 2.0\n[alerts.phq9]\ncutoff = 25\n")
    result = run_cli("--config", str(path), "--db", str(tmp_path / "srs.db"), home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "unknown measure section [alerts.phq9] (known: [alerts.ors], [alerts.srs])" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_the_readmes_settings_example_is_read_as_it_says(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Settings") :]
    example = section[section.index("```toml\n") + 8 : section.index("```\n", 8)]
    config = load_config(write(tmp_path, example))
    profiles = config.profiles
    assert profiles.of("ORS", "child").cutoff == 280
    assert profiles.of("ORS", "adult").cutoff == 250
    assert profiles.of("ORS", "adolescent").setting("on_track_session") == 6
    assert profiles.of("SRS", "adult").cutoff == 360


def test_a_client_rates_without_the_cutoff_unless_the_settings_show_it(tmp_path: Path) -> None:
    assert Config().show_cutoff_while_rating is False
    shown = load_config(write(tmp_path, "[share]\nshow_cutoff_while_rating = true\n"))
    assert shown.show_cutoff_while_rating is True
    assert shown.profiles == Config().profiles


def test_the_example_names_every_setting_with_its_meaning() -> None:
    from srs_tui.config import _SCHEMA
    from srs_tui.measures import MEASURES
    from srs_tui.rules import rule_set_of

    keys = {key for section in _SCHEMA.values() for key in section}
    for measure in MEASURES.values():
        rule_set = rule_set_of(measure)
        assert rule_set is not None
        keys |= {setting.key for setting in rule_set.settings}
        keys |= {"cutoff", "cutoff_inclusive", "off"}
        for rule in rule_set.rules:  # every rule id that `off` can name
            assert rule.id in EXAMPLE, rule.id
    for key in keys:
        lines = [line for line in EXAMPLE.splitlines() if line.lstrip("# ").startswith(key)]
        assert lines, f"{key} is not in the example"
        assert any("#" in line.split("=", 1)[1] for line in lines), f"{key} has no meaning"
    for section in _SCHEMA:
        assert f"[{section}" in EXAMPLE


def test_check_config_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    from srs_tui.config import check_config

    path = write(tmp_path, "[alerts.srs]\ndrop = -1\n[lock]\nidle_minutes = 'soon'\n[alerts.phq]\n")
    found = check_config(path)
    assert found.found
    assert found.problems == (
        f"{path}, line 2: [alerts.srs] drop: -1 is outside 0.1 to 40.0",
        f"{path}: unknown measure section [alerts.phq] (known: [alerts.ors], [alerts.srs])",
        f"{path}, line 4: [lock] idle_minutes: 'soon' is not a number of minutes",
    )
    assert check_config(write(tmp_path, EXAMPLE)).problems == ()
