"""What the built wheel holds, checked without building it: every file of the package that the
code reads at run time is a file the build backend takes. (.ci/run builds the wheel, installs it
in a clean environment and starts it in a real terminal.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "srs_tui"


def data_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".py", ".pyc")
    ]


def test_the_wheel_takes_the_whole_package_folder() -> None:
    # hatchling takes every file under a package it is given (not only .py), unless an
    # exclude, only-include or a .gitignore rule leaves it out.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "hatchling.build"
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel == {"packages": ["src/srs_tui"]}, "a new key may leave data files out"
    build = project["tool"]["hatch"]["build"]
    assert set(build) == {"targets"}, "a build-wide exclude may leave data files out"


def test_no_data_file_of_the_package_is_ignored_by_git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    names = [str(path.relative_to(ROOT)) for path in data_files()]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.stdout == "", f"ignored, so left out of the wheel: {ignored.stdout}"


def test_every_file_read_at_run_time_is_a_data_file_of_the_package() -> None:
    # The code reads its files from wording/data only, found beside wording/__init__.py
    # (Path(__file__): importlib.resources would import zipfile at every start); a new way of
    # reading one (CSS_PATH, importlib.resources) must be added here and to .ci/wheel_check.py.
    readers = re.compile(r"__file__|CSS_PATH|importlib\.resources|pkgutil\.get_data")
    found = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if readers.search(path.read_text(encoding="utf-8"))
    }
    # store/gcm.py names _hashlib's own file to reach the OpenSSL already loaded, not a file
    # of ours.
    assert found == {"wording/__init__.py", "store/gcm.py"}
    files = data_files()
    assert files, "no data files found"
    assert all(path.is_relative_to(PACKAGE / "wording" / "data") for path in files), files
    assert {path.suffix for path in files} == {".toml"}


def test_the_readme_gives_the_install_steps_and_keeps_the_developer_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme[readme.index("## Install for daily use") :]
    install = install[: install.index("\n## ", 1)]
    for line in (
        # uv's documented installers (docs.astral.sh/uv/getting-started/installation/)
        "curl -LsSf https://astral.sh/uv/install.sh | sh",
        'powershell -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"',
        "uv tool install",
        "uv tool update-shell",
        "uv tool upgrade srs-tui",
        "uv tool uninstall srs-tui",
    ):
        assert line in install, line
    try_it = readme[readme.index("## Try it") : readme.index("## Install for daily use")]
    assert "uv run srs-tui --demo" in try_it
    assert "uv run pytest" in try_it


def test_the_version_shown_is_the_version_built() -> None:
    # `srs-tui --version` reads srs_tui.__version__ (importlib.metadata would cost start-up);
    # the wheel's name and `uv tool list` read pyproject.toml's.
    from srs_tui import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == project["project"]["version"]
