"""A visit in a real terminal: `--client` offers what the visit needs, and the oral ORS then
the SRS for one client take no more keys than two SRS took before there was an ORS."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import pytest

from realapp import Window, private_dir
from srs_tui.measures import ORS, Scores
from srs_tui.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ENTER, SAVE, ESCAPE, SRS_NOW = "\r", "\x13", "\x1b", "\x0e"  # Ctrl+S, Escape, Ctrl+N


def four(values: str) -> list[str]:
    """What the therapist types for the four items the client says: the number, then Enter."""
    keys: list[str] = []
    for value in values:
        keys += [value, ENTER]
    return keys


# Before the ORS, two ratings of one client from the caseload: r, four numbers, save, done.
TWO_SRS_BEFORE = ["r", *four("7899"), SAVE, ESCAPE, "r", *four("8999"), SAVE, ESCAPE]
# The visit now: r opens the ORS, four numbers, save; from its feedback Ctrl+N gives the SRS
# of the same session: four numbers, save, done.
ORS_THEN_SRS = ["r", *four("5645"), SAVE, SRS_NOW, *four("9899"), SAVE, ESCAPE]

# What shows that the app is ready for the next keys (never a key itself).
CASELOAD = re.compile(r"Caseload")
ORS_SCREEN = re.compile(r"ORS  ·  Ana  ·  session 1")
SRS_SCREEN = re.compile(r"SRS  ·  Ana  ·  session 1")
ORS_SAVED = re.compile(r"Saved  Ana  ·  session 1  ·  ORS")
SRS_SAVED = re.compile(r"Saved  Ana  ·  session 1  ·  SRS")


def one_client(tmp_path: Path) -> tuple[Path, str, Path]:
    home = private_dir(tmp_path / "home")
    db = private_dir(tmp_path / "data") / "srs.db"
    with Store.open(db) as store:
        client = store.add_client("Ana", now=datetime.now().astimezone())
    return db, client.id, home


def run(window: Window, steps: list[tuple[list[str], re.Pattern[str]]]) -> int:
    """Type each group of keys once the screen before it is up; the number of keys typed."""
    typed = 0
    for keys, ready in steps:
        since = window.mark()
        window.send("".join(keys).encode())
        typed += len(keys)
        window.expect(ready, since=since)
    return typed


def visit(db: Path, client_id: str) -> list[tuple[str, int, tuple[int, ...]]]:
    with Store.open(db) as store:
        given = store.all_administrations(client_id)
    assert len({a.session_id for a in given}) == 1, "one visit, one session"
    return [(a.measure, a.session, a.scores.values) for a in given]


def test_the_oral_ors_then_the_srs_take_no_more_keys_than_two_srs_did(tmp_path: Path) -> None:
    assert len(ORS_THEN_SRS) <= len(TWO_SRS_BEFORE), (len(ORS_THEN_SRS), len(TWO_SRS_BEFORE))
    db, client_id, home = one_client(tmp_path)
    window = Window(db, "Ana", home, on_caseload=True)
    try:
        window.expect(CASELOAD, since=0, timeout=60)
        typed = run(
            window,
            [
                (ORS_THEN_SRS[:1], ORS_SCREEN),
                (ORS_THEN_SRS[1:10], ORS_SAVED),
                (ORS_THEN_SRS[10:11], SRS_SCREEN),
                (ORS_THEN_SRS[11:20], SRS_SAVED),
                (ORS_THEN_SRS[20:], CASELOAD),
            ],
        )
        assert typed == len(ORS_THEN_SRS) == 21
        assert window.quit() == 0
    finally:
        window.close()
    assert visit(db, client_id) == [("ORS", 1, (50, 60, 40, 50)), ("SRS", 1, (90, 80, 90, 90))]


def test_the_keys_of_two_srs_now_give_the_visits_ors_and_srs(tmp_path: Path) -> None:
    """The same keys as two SRS before: the first r offers the ORS, the second the SRS of the
    same session."""
    db, client_id, home = one_client(tmp_path)
    window = Window(db, "Ana", home, on_caseload=True)
    try:
        window.expect(CASELOAD, since=0, timeout=60)
        typed = run(
            window,
            [
                (TWO_SRS_BEFORE[:1], ORS_SCREEN),
                (TWO_SRS_BEFORE[1:10], ORS_SAVED),
                (TWO_SRS_BEFORE[10:11], CASELOAD),
                (TWO_SRS_BEFORE[11:12], SRS_SCREEN),
                (TWO_SRS_BEFORE[12:21], SRS_SAVED),
                (TWO_SRS_BEFORE[21:], CASELOAD),
            ],
        )
        assert typed == len(TWO_SRS_BEFORE) == 22
        assert window.quit() == 0
    finally:
        window.close()
    assert visit(db, client_id) == [("ORS", 1, (70, 80, 90, 90)), ("SRS", 1, (80, 90, 90, 90))]


def test_client_on_the_command_line_offers_the_ors_then_the_srs(tmp_path: Path) -> None:
    db, client_id, home = one_client(tmp_path)
    window = Window(db, "Ana", home)
    try:
        window.expect(ORS_SCREEN, since=0, timeout=60)
        # The key bar, the frame's last line: a frame reaches the terminal in pieces.
        window.expect(re.compile(r"\^n SRS"), since=0)
        assert window.quit() == 0
    finally:
        window.close()
    with Store.open(db) as store:
        assert store.all_administrations(client_id) == []  # opened, nothing saved
        store.record(
            client_id,
            Scores.of(ORS, dict.fromkeys(ORS.keys, 60)),
            administered_at=datetime.now().astimezone().replace(microsecond=0),
            mode="oral",
            setting="telehealth",
            now=datetime.now().astimezone(),
        )
    window = Window(db, "Ana", home)
    try:
        window.expect(SRS_SCREEN, since=0, timeout=60)  # the end of today's visit
        since = window.mark()
        window.send("".join(four("9999")).encode() + b"\x13")
        window.expect(SRS_SAVED, since=since)
        assert window.quit() == 0
    finally:
        window.close()
    assert [measure for measure, _, _ in visit(db, client_id)] == ["ORS", "SRS"]
