"""Reports with the vault on: never into the data folder, written only where the therapist
chooses, after the plain word that a report is not encrypted; the command line says it too."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from conftest import NOW, build_app, run_cli, screen_text
from srs_tui.app import make_app
from srs_tui.exchange.report import PLAIN_FILE_WARNING
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.report_target import ReportTargetScreen, ReportWrittenScreen
from srs_tui.store import Store, engine
from srs_tui.store.vault_switch import turn_on

PASSPHRASE = "a long enough passphrase"


@pytest.fixture
def vault_db(demo_db: Path) -> Path:
    """The demo's records, in a vault this process has unlocked."""
    turn_on(demo_db, PASSPHRASE)
    return demo_db


def reports_beside(db: Path) -> list[Path]:
    """Any report in the folders srs-tui writes beside the database."""
    folders = (db.parent, db.parent / "reports", db.parent / "backups")
    return [path for folder in folders if folder.is_dir() for path in folder.glob("*.html")]


def dialog_text(screen: ReportTargetScreen) -> str:
    return "\n".join(str(widget.render()) for widget in screen.query(Static))


async def open_report_dialog(pilot: Pilot[Any]) -> ReportTargetScreen:
    """From the caseload, the first client's history, then its report key."""
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HistoryScreen)
    await pilot.press("p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReportTargetScreen)
    return screen


async def type_path(pilot: Pilot[Any], screen: ReportTargetScreen, typed: str) -> str:
    """Type a path and press Enter; the dialog's error line after it ("" once it is gone)."""
    field = screen.query_one("#report-path", Input)
    field.value = typed
    field.focus()
    await pilot.press("enter")
    await pilot.pause()
    if not screen.is_attached:
        return ""
    return str(screen.query_one("#report-error", Static).render())


async def test_a_vaults_report_goes_only_where_the_therapist_says_after_the_warning(
    vault_db: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app = build_app(vault_db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        first = app.screen.selected_client()  # type: ignore[attr-defined]
        dialog = await open_report_dialog(pilot)
        shown = dialog_text(dialog)
        assert PLAIN_FILE_WARNING in shown
        assert "A report is a plain HTML file, not encrypted" in screen_text(app)
        # Nothing offered: the field starts empty, and nothing was written yet.
        assert dialog.query_one("#report-path", Input).value == ""
        assert reports_beside(vault_db) == []

        assert "Type where to write the report" in await type_path(pilot, dialog, "  ")
        for inside in (
            vault_db.parent / "report.html",
            vault_db.parent / "reports" / "report.html",
            vault_db.parent / "backups" / "report.html",
        ):
            error = await type_path(pilot, dialog, str(inside))
            assert "choose a folder outside it" in error, inside
        for own in (vault_db, engine.key_file(vault_db), Path(f"{vault_db}-wal")):
            error = await type_path(pilot, dialog, str(own))
            assert "that is the database itself" in error, own
        taken = elsewhere / "taken.html"
        taken.write_text("someone else's", encoding="utf-8")
        assert "already exists" in await type_path(pilot, dialog, str(taken))
        assert "cannot write here" in await type_path(pilot, dialog, str(elsewhere / "no" / "r"))
        # Every refusal kept the dialog and the path typed, and wrote nothing.
        assert app.screen is dialog
        assert reports_beside(vault_db) == []
        assert taken.read_text(encoding="utf-8") == "someone else's"
        assert sorted(p.name for p in elsewhere.iterdir()) == ["taken.html"]

        target = elsewhere / "report.html"
        await type_path(pilot, dialog, str(target))
        # Where it went stays on screen until closed.
        await pilot.pause()
        assert isinstance(app.screen, ReportWrittenScreen)
        assert str(app.screen.query_one("#report-file", Static).render()) == str(target)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    html = target.read_text(encoding="utf-8")
    assert first.alias in html
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert reports_beside(vault_db) == []
    assert not (vault_db.parent / "reports").exists()


async def test_a_relative_path_or_a_tilde_is_taken_as_a_terminal_would(
    vault_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    app = build_app(vault_db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        dialog = await open_report_dialog(pilot)
        await type_path(pilot, dialog, "~/at-home.html")
        await pilot.press("escape", "p")
        await pilot.pause()
        assert isinstance(app.screen, ReportTargetScreen)
        await type_path(pilot, app.screen, "here.html")
    assert (home / "at-home.html").is_file()
    assert (work / "here.html").is_file()


async def test_escape_writes_no_report(vault_db: Path) -> None:
    app = build_app(vault_db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        dialog = await open_report_dialog(pilot)
        dialog.query_one("#report-path", Input).value = "typed, then thought better of"
        # No client is on a dialog: sharing cannot start from it.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not app.share.active
        assert app.screen is dialog
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    assert reports_beside(vault_db) == []


async def test_without_the_vault_the_report_still_goes_to_the_reports_folder(
    demo_db: Path,
) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "p")
        await pilot.pause()
        assert isinstance(app.screen, ReportTargetScreen)
        assert "not encrypted" not in screen_text(app)  # no warning, no path to type
        assert not app.screen.query(Input)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReportWrittenScreen)
        (report,) = (demo_db.parent / "reports").iterdir()
        assert str(app.screen.query_one("#report-file", Static).render()) == str(report)
    assert report.suffix == ".html"


async def test_no_report_key_while_the_screen_is_shared(vault_db: Path) -> None:
    with Store.open(vault_db) as store:
        alias = store.clients()[0].client.alias
    app = make_app(vault_db, client_alias=alias, clock=lambda: NOW, share=True)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        assert app.share.active
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(app.screen, ReportTargetScreen)
        assert "not encrypted" not in screen_text(app)
    assert reports_beside(vault_db) == []


def run_on_vault(db: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """srs-tui ARGS on the vault at db, in a process of its own, its passphrase given."""
    return run_cli("--db", str(db), *args, home=home, env={"SRS_TUI_PASSPHRASE": PASSPHRASE})


def first_alias(db: Path) -> str:
    with Store.open(db) as store:
        return store.clients()[0].client.alias


def test_the_report_command_on_a_vault_says_the_file_is_not_encrypted(
    vault_db: Path, tmp_path: Path
) -> None:
    alias = first_alias(vault_db)
    out = tmp_path / "elsewhere" / "out.html"
    out.parent.mkdir()
    done = run_on_vault(vault_db, "report", "--client", alias, "-o", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"srs-tui: {PLAIN_FILE_WARNING}\n"
    assert f"Report written to {out}" in done.stdout
    assert alias in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_the_report_command_on_a_vault_without_its_passphrase_writes_and_says_nothing(
    vault_db: Path, tmp_path: Path
) -> None:
    alias = first_alias(vault_db)
    engine.forget_keys()
    out = tmp_path / "elsewhere" / "out.html"
    out.parent.mkdir()
    wrong = run_cli("--db", str(vault_db), "report", "--client", alias, "-o", str(out),
                    home=tmp_path, env={"SRS_TUI_PASSPHRASE": "not the passphrase"})  # fmt: skip
    assert wrong.returncode == 1
    assert PLAIN_FILE_WARNING not in wrong.stderr
    assert alias not in wrong.stdout + wrong.stderr
    assert not out.exists()


def test_the_report_command_keeps_a_report_out_of_the_vaults_folder(
    vault_db: Path, tmp_path: Path
) -> None:
    alias = first_alias(vault_db)
    for inside in (vault_db.parent / "r.html", engine.key_file(vault_db)):
        done = run_on_vault(
            vault_db, "report", "--client", alias, "-o", str(inside), "--force", home=tmp_path
        )
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert alias not in done.stderr
    assert reports_beside(vault_db) == []
    with Store.open(vault_db) as store:  # the key file is whole: the vault still opens
        assert store.find_client(alias) is not None


def test_the_report_command_without_the_vault_has_no_warning(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    alias = first_alias(demo_db)
    done = run_cli("--db", str(demo_db), "report", "--client", alias, "-o", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert out.is_file()
