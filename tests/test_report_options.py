"""Reports and exports that leave the notes out, a report opened in the browser, a report that
prints, and the app's report dialogs: the notes choice, and the path that stays on screen."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Static

from conftest import NOW, build_app, run_cli
from srs_tui.exchange.report import report_html, report_records
from srs_tui.measures import ORS, Scores
from srs_tui.rules import DEFAULT_PROFILES
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.report_target import ReportTargetScreen, ReportWrittenScreen
from srs_tui.store import Store

ALIAS = "Ana Example"
NOTE = "spoke of the custody hearing"


@pytest.fixture
def noted(db_path: Path) -> Path:
    """One client, two sessions (ORS and SRS), a note on each."""
    with Store.open(db_path) as store:
        client = store.add_client(ALIAS, now=NOW)
        for day in (3, 10):
            held = NOW.replace(day=day, month=11)
            for scores in (Scores.of(ORS, dict.fromkeys(ORS.keys, 60)), Scores.srs(90, 90, 90, 80)):
                saved = store.record(
                    client.id, scores, administered_at=held, mode="oral",
                    setting="in-person", now=NOW,
                )  # fmt: skip
            store.set_note(saved.id, f"{NOTE} ({day})", now=NOW)
    return db_path


def browser_script(tmp_path: Path) -> tuple[Path, Path]:
    """A 'browser' that writes the address it is given to a file: (script, that file)."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"with open({str(opened)!r}, 'a') as f:\n    f.write(sys.argv[1] + '\\n')\n",
        encoding="utf-8",
    )
    script.chmod(0o700)
    return script, opened


def test_report_open_hands_the_browser_the_files_own_address(noted: Path, tmp_path: Path) -> None:
    script, opened = browser_script(tmp_path)
    out = tmp_path / "for supervision"  # no .html: the name stays as given
    done = run_cli(
        "--db", str(noted), "report", "--client", ALIAS, "-o", str(out), "--open",
        home=tmp_path, env={"BROWSER": str(script)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Report written to {out}" in done.stdout
    assert out.is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("for")) == [out.name]
    address = opened.read_text(encoding="utf-8").splitlines()
    assert address == [out.as_uri()]
    assert "Ana" not in address[0]  # nothing but the file's path


def test_report_open_without_a_browser_says_where_the_file_is(noted: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    failing = tmp_path / "no-browser.sh"
    failing.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    failing.chmod(0o700)
    out = tmp_path / "report.html"
    env = {"BROWSER": str(failing), "PATH": str(empty), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    done = run_cli(
        "--db", str(noted), "report", "--client", ALIAS, "-o", str(out), "--open",
        home=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"open {out} yourself" in done.stdout
    assert out.is_file()


def test_report_no_notes_leaves_every_note_out(noted: Path, tmp_path: Path) -> None:
    with_notes, without = tmp_path / "with.html", tmp_path / "without.html"
    for out, extra in ((with_notes, ()), (without, ("--no-notes",))):
        done = run_cli(
            "--db", str(noted), "report", "--client", ALIAS, "-o", str(out), *extra,
            home=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert NOTE.encode() in with_notes.read_bytes()
    data = without.read_bytes()
    assert NOTE.encode() not in data
    assert b"custody" not in data
    assert b">Note</th>" not in data
    assert b"Session notes are left out of this report." in data
    assert stat.S_IMODE(without.stat().st_mode) == 0o600


@pytest.mark.parametrize("form", ["csv", "json"])
def test_export_no_notes_leaves_every_note_out(noted: Path, tmp_path: Path, form: str) -> None:
    with_notes, without = tmp_path / f"with.{form}", tmp_path / f"without.{form}"
    for out, extra in ((with_notes, ()), (without, ("--no-notes",))):
        done = run_cli(
            "--db", str(noted), "export", "--format", form, "-o", str(out), *extra,
            home=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert NOTE.encode() in with_notes.read_bytes()
    assert b"custody" not in without.read_bytes()
    # The same file otherwise: it imports the same way (the notes column is there, empty).
    if form == "json":
        bundle = json.loads(without.read_text(encoding="utf-8"))
        assert {a["note"] for a in bundle["administrations"]} == {""}
        assert len(bundle["administrations"]) == 4
    else:
        header = without.read_text(encoding="utf-8").splitlines()[0]
        assert header == with_notes.read_text(encoding="utf-8").splitlines()[0]
    checked = run_cli("--db", str(tmp_path / "other.db"), "import", str(without), "--dry-run",
                      home=tmp_path)  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_the_report_prints(noted: Path) -> None:
    with Store.open(noted) as store:
        client = store.find_client(ALIAS)
        assert client is not None
        html = report_html(client, report_records(store, client.id), DEFAULT_PROFILES, NOW)
    style = html[html.index("<style>") : html.index("</style>")]
    printed = style[style.index("@media print") :]
    assert "@page { margin: 15mm; }" in style  # A4 or Letter, as the printer has it
    assert "background: #fff" in printed  # never a dark page
    assert "tr, li" in printed
    assert "break-inside: avoid" in printed  # a row or a chart is never cut in two
    assert "thead { display: table-header-group; }" in printed  # headers again on each page
    assert "svg { display: block; max-width: 100%; height: auto; }" in style  # fits the page
    assert "td.date { white-space: nowrap; }" in style
    assert html.count('<td class="text date">') == 2
    # Every table's header row is in a thead, a cell per column of its rows.
    for table in html.split("<table")[1:]:
        head, body = table.split("</table>")[0].split("</thead>")
        columns = head.count("<th>") + head.count("<th ")
        rows = body.split("<tr")[1:]
        assert rows
        for row in rows:
            assert row.count("<td") == columns, table


async def test_the_apps_report_dialog_leaves_the_notes_out_and_keeps_the_path(
    noted: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script, opened = browser_script(tmp_path)
    # The app opens it from a process of its own, which reads BROWSER.
    monkeypatch.setenv("BROWSER", str(script))
    app = build_app(noted)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("enter", "p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReportTargetScreen)
        assert dialog.focused is dialog.query_one("#write", Button)
        dialog.query_one("#no-notes", Checkbox).value = True
        await pilot.press("enter")
        await pilot.pause()
        written = app.screen
        assert isinstance(written, ReportWrittenScreen)
        (report,) = (noted.parent / "reports").iterdir()
        assert str(written.query_one("#report-file", Static).render()) == str(report)
        assert b"custody" not in report.read_bytes()
        await pilot.click("#copy")
        await pilot.pause()
        assert app.clipboard == str(report)
        await pilot.click("#open")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Opened in the browser." in str(written.query_one("#report-said", Static).render())
        assert opened.read_text(encoding="utf-8").splitlines() == [report.as_uri()]
        # It stays until closed.
        await pilot.pause(0.2)
        assert app.screen is written
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    assert os.path.basename(report).startswith("srs-tui-report-")
