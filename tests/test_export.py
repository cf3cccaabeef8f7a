"""Exports written in pieces: the same bytes as one piece, a file whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from pathlib import Path

import pytest

from conftest import NOW, run_cli
from srs_tui.exchange.export import export_csv, export_json
from srs_tui.measures import Scores
from srs_tui.rules import DEFAULT_PROFILES
from srs_tui.store import Store, StoreError
from srs_tui.store.files import writing_private
from srs_tui.store.stream import all_clients


def fill(store: Store) -> None:
    awkward = store.add_client('Zoë "[bold]" \\ =1', now=NOW)
    for note, items in (
        ('two\nlines \u2028 and "quotes"', (91, 85, 70, 99)),
        ("", (51, 60, 70, 80)),
    ):
        store.record(
            awkward.id, Scores.srs(*items), administered_at=NOW, mode="oral",
            setting="telehealth", note=note, now=NOW,
        )  # fmt: skip
    store.add_client("Ana, no sessions yet", now=NOW)


def test_the_json_bundle_written_record_by_record_is_the_bundle_dumped_whole(
    store: Store,
) -> None:
    fill(store)
    text = export_json(store, all_clients(store), NOW)
    bundle = json.loads(text)
    # What json.dumps(bundle, indent=2) writes in one piece, byte for byte.
    assert text == json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    assert [client["alias"] for client in bundle["clients"]] == [
        "Ana, no sessions yet",
        'Zoë "[bold]" \\ =1',
    ]
    assert [a["note"] for a in bundle["administrations"]] == [
        'two\nlines \u2028 and "quotes"',
        "",
    ]
    empty = export_json(store, [], NOW)
    assert json.loads(empty)["clients"] == []
    assert empty == json.dumps(json.loads(empty), ensure_ascii=False, indent=2) + "\n"


def test_every_client_is_listed_for_an_export_archived_ones_too(store: Store) -> None:
    fill(store)
    ana = store.find_client("Ana, no sessions yet")
    assert ana is not None
    store.set_archived(ana.id, True, now=NOW)
    assert [c.alias for c in all_clients(store)] == ["Ana, no sessions yet", 'Zoë "[bold]" \\ =1']
    assert [c.alias for c in all_clients(store, include_archived=False)] == ['Zoë "[bold]" \\ =1']
    rows = list(csv.reader(io.StringIO(export_csv(store, all_clients(store), DEFAULT_PROFILES))))
    assert len(rows) == 1 + 2  # the heading and one row per administration
    assert rows[1][-1] == 'two\nlines \u2028 and "quotes"'


def test_a_file_written_in_pieces_appears_only_when_whole(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    with writing_private(target) as handle:
        handle.write(b"first piece,")
        assert not target.exists()
        handle.write(b"second piece\r\n")
    assert target.read_bytes() == b"first piece,second piece\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_a_file_whose_writing_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"

    def half_then_fail() -> None:
        with writing_private(target) as handle:
            handle.write(b"half an export")
            raise StoreError("The database could not be read.")

    with pytest.raises(StoreError, match="could not be read"):
        half_then_fail()
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"kept")
    with pytest.raises(StoreError, match="already exists"), writing_private(target):
        pass
    assert target.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


@pytest.mark.parametrize("form", ["csv", "json"])
def test_an_export_to_a_pipe_is_the_export_to_a_file(
    db_path: Path, tmp_path: Path, form: str
) -> None:
    with Store.open(db_path) as store:
        fill(store)
    out = tmp_path / f"export.{form}"
    to_file = run_cli(
        "--db", str(db_path), "export", "--format", form, "-o", str(out), home=tmp_path
    )
    assert to_file.returncode == 0, to_file.stderr
    piped = run_cli("--db", str(db_path), "export", "--format", form, home=tmp_path)
    assert piped.returncode == 0, piped.stderr
    # The captured text has its CR LF read as LF, as any text read of the file has; the two
    # bundles were made a moment apart.
    written = out.read_bytes().decode("utf-8").replace("\r\n", "\n")
    moment = re.compile(r'"exported_at": "[^"]*"')
    assert moment.sub("", piped.stdout) == moment.sub("", written)
