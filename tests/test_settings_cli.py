"""The settings and wording files on the command line, in real subprocesses: `check` names
every problem with its file and key, `--config` must name a file that exists, and
`config --example` prints a file that `check` and the app accept as the defaults."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from srs_tui.config import Config, load_config


def config_folder(home: Path) -> Path:
    folder = home / "config" / "srs-tui"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def problems(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("srs-tui: ")]


def test_check_names_every_problem_of_a_bad_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "mine.toml"
    settings.write_text(
        "[alerts.srs]\ncutoff = 45\nsoft_item = 'x'\n\n[session]\nsetting = 'zoom'\n"
        "[display]\ntheme = 'default'\n",
        encoding="utf-8",
    )
    before = settings.read_bytes()
    result = run_cli(
        "--db", str(tmp_path / "srs.db"), "check", "--config", str(settings), home=tmp_path
    )
    assert result.returncode == 1
    assert problems(result.stderr) == [
        f"srs-tui: {settings}, line 2: [alerts.srs] cutoff: 45 is outside 0.0 to 40.0",
        f"srs-tui: {settings}, line 3: [alerts.srs] soft_item: 'x' is not a number",
        f"srs-tui: {settings}, line 6: [session] setting: 'zoom' is not one of telehealth, "
        "in-person",
    ]
    assert f"settings: {settings}" in result.stdout
    assert "Traceback" not in result.stderr
    assert settings.read_bytes() == before
    assert not (tmp_path / "srs.db").exists()


def test_check_reports_a_settings_file_that_is_not_toml(tmp_path: Path) -> None:
    (config_folder(tmp_path) / "config.toml").write_text("[alerts\ncutoff = 35\n")
    result = run_cli("--db", str(tmp_path / "srs.db"), "check", home=tmp_path)
    assert result.returncode == 1
    [problem] = problems(result.stderr)
    assert "config.toml: not valid TOML" in problem


def test_check_names_every_problem_of_a_bad_wording_file(tmp_path: Path) -> None:
    (config_folder(tmp_path) / "wording.toml").write_text(
        "[srs.relationship]\nlable = 'Heard'\n\n[srs.goals]\nlabel = ''\n[srs.fr.overall]\n"
        "label = 'Tout'\n",
        encoding="utf-8",
    )
    result = run_cli("--db", str(tmp_path / "srs.db"), "check", home=tmp_path)
    assert result.returncode == 1
    found = problems(result.stderr)
    assert len(found) == 3, found
    assert "wording.toml, line 2: unknown key 'lable' in [srs.relationship]" in found[0]
    assert "wording.toml, line 5: [srs.goals] label must be a non-empty string" in found[1]
    assert "unknown language or form 'fr'" in found[2]
    assert "Heard" not in result.stderr + result.stdout  # the words themselves are not repeated


def test_check_with_good_files_and_no_database_yet_is_fine(tmp_path: Path) -> None:
    (config_folder(tmp_path) / "config.toml").write_text("[alerts.srs]\ncutoff = 35\n")
    (config_folder(tmp_path) / "wording.toml").write_text("[srs.relationship]\nlabel = 'Us'\n")
    result = run_cli("--db", str(tmp_path / "srs.db"), "check", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "settings: " in result.stdout
    assert "wording.toml" in result.stdout


def test_check_without_settings_or_wording_says_the_defaults_are_used(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "srs.db"), "check", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the defaults" in result.stdout
    assert "wording: none" in result.stdout


def test_a_missing_config_file_is_a_usage_error_and_nothing_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    for args in (
        ("--config", str(missing), "--db", str(tmp_path / "srs.db")),
        ("--config", str(missing), "--demo"),
        ("--db", str(tmp_path / "srs.db"), "check", "--config", str(missing)),
        ("--config", str(missing), "--db", str(tmp_path / "srs.db"), "export"),
    ):
        result = run_cli(*args, home=tmp_path)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1
        assert "no such settings file" in result.stderr
        assert str(missing) in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_the_example_round_trip(tmp_path: Path) -> None:
    printed = run_cli("config", "--example", home=tmp_path)
    assert printed.returncode == 0
    saved = tmp_path / "config.toml"
    saved.write_text(printed.stdout, encoding="utf-8")
    result = run_cli(
        "--db", str(tmp_path / "srs.db"), "check", "--config", str(saved), home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert load_config(saved) == Config()
    # Saved as the default settings file, it is what the app and check read.
    (config_folder(tmp_path) / "config.toml").write_text(printed.stdout, encoding="utf-8")
    result = run_cli("--db", str(tmp_path / "srs.db"), "check", home=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = run_cli("config", home=tmp_path)
    assert shown.stdout.strip() == f"settings file: {config_folder(tmp_path) / 'config.toml'}"


def test_config_names_the_settings_file_and_whether_it_exists(tmp_path: Path) -> None:
    result = run_cli("config", home=tmp_path)
    assert result.returncode == 0
    assert str(tmp_path / "config" / "srs-tui" / "config.toml") in result.stdout
    assert "does not exist: the defaults are used" in result.stdout
    assert not (tmp_path / "config").exists()
