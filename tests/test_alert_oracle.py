"""The alerts of an export, checked against a second, independent reading of the rules.

Random ORS and SRS histories for adults, adolescents, children and young children (some
sessions with the ORS alone, some with the SRS alone, some with both, some with a parent's
ratings too) are written as CSV, its rows shuffled (and at times cut into two or three files,
imported one after another), imported into a fresh database and exported again. Every row
of the export must then carry the session number, the form, the totals and the `alerts` cell
that the oracle below computes from the rules as the design states them.

The oracle is written from the statement of the rules alone, not from srs_tui.rules: if the
two disagree, one of them misreads the rules, and the failure shows the exact history.
SRS_TUI_ORACLE_EXAMPLES=N sets the number of random histories (`pytest -m long` runs 2,000).
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import NOW, run_cli
from srs_tui import commands
from srs_tui.config import Config

# ---------------------------------------------------------------------------------------------
# The rules, as stated (values in tenths)
# ---------------------------------------------------------------------------------------------

BANDS = ("adult", "adolescent", "child", "young child")
ORS_CUTOFF = {"adult": 250, "adolescent": 280, "child": 320}  # the young child: no rules
SRS_CUTOFF = {"adult": 360, "adolescent": 360, "child": 360}
HIGH_INTAKE = 320  # an intake above this is high
RELIABLE_CHANGE = 50
DROP = 10
LOW_ITEM = 90
NOT_ON_TRACK_FROM = 6  # session numbers, counting every session of the episode
NO_EARLY_CHANGE_FROM = 3
PERSISTENT_RUN = 3

# Within each side, the most severe first; the ORS side comes before the SRS side.
ORS_ORDER = (
    "reliable_deterioration",
    "not_on_track",
    "no_early_change",
    "high_intake",
    "recovered",
    "reliable_improvement",
)
SRS_ORDER = (
    "persistent_low",
    "drop",
    "below_cutoff",
    "falling",
    "drop_above_cutoff",
    "low_item",
    "rising",
)

ORS_KEYS = ("ors_individually", "ors_interpersonally", "ors_socially", "ors_overall")
SRS_KEYS = ("srs_relationship", "srs_goals", "srs_approach", "srs_overall")
COLUMNS = (
    "client_id",
    "client",
    "episode",
    "session",
    "date",
    "rater",
    "form",
    *ORS_KEYS,
    "ors_total",
    *SRS_KEYS,
    "srs_total",
    "alerts",
    "mode",
    "setting",
    "note",
)

Items = tuple[int, int, int, int]


def outcome_alerts(band: str, series: Sequence[tuple[int, int]]) -> list[set[str]]:
    """For each (session number, ORS total) of one client's series in time order, the ORS
    rules that fire there."""
    fired: list[set[str]] = [set() for _ in series]
    if band not in ORS_CUTOFF or not series:
        return fired
    cutoff = ORS_CUTOFF[band]
    intake = series[0][1]
    if intake > HIGH_INTAKE:
        fired[0].add("high_intake")
    for at, (number, total) in enumerate(series[1:], start=1):
        change = total - intake
        if change <= -RELIABLE_CHANGE:
            fired[at].add("reliable_deterioration")
        elif change >= RELIABLE_CHANGE:
            recovered = intake < cutoff <= total
            fired[at].add("recovered" if recovered else "reliable_improvement")
        elif number >= NOT_ON_TRACK_FROM:
            fired[at].add("not_on_track")
        elif number >= NO_EARLY_CHANGE_FROM:
            fired[at].add("no_early_change")
    return fired


def alliance_alerts(band: str, series: Sequence[Items]) -> list[set[str]]:
    """For each SRS of one client's series in time order (its four items), the SRS rules that
    fire there, judged on the SRS sessions up to it."""
    fired: list[set[str]] = [set() for _ in series]
    if band not in SRS_CUTOFF:
        return fired
    cutoff = SRS_CUTOFF[band]
    totals = [sum(items) for items in series]
    low_run = 0
    for at, (items, total) in enumerate(zip(series, totals, strict=True)):
        low_run = low_run + 1 if total < cutoff else 0
        if low_run >= PERSISTENT_RUN:
            fired[at].add("persistent_low")
        if at >= 1 and totals[at - 1] - total >= DROP:
            # Landing below the cutoff it needs attention; staying above, it is a note.
            fired[at].add("drop" if total < cutoff else "drop_above_cutoff")
        if total < cutoff:
            fired[at].add("below_cutoff")
        if at >= 2 and totals[at - 2] > totals[at - 1] > total:
            fired[at].add("falling")
        if min(items) < LOW_ITEM:
            fired[at].add("low_item")
        if at >= 1 and totals[at - 1] < cutoff <= total:
            fired[at].add("rising")
    return fired


def in_order(ors: set[str], srs: set[str]) -> list[str]:
    """The ids of one cell in the order the export writes them."""
    return [rule for rule in ORS_ORDER if rule in ors] + [rule for rule in SRS_ORDER if rule in srs]


# ---------------------------------------------------------------------------------------------
# Histories
# ---------------------------------------------------------------------------------------------

START = datetime(2025, 1, 6, tzinfo=timezone(timedelta(hours=1)))


@dataclass(frozen=True)
class Rating:
    """What one rater gave in one session: the ORS, the SRS, or both."""

    rater: str
    ors: Items | None = None
    srs: Items | None = None


@dataclass(frozen=True)
class Visit:
    """One session: when, and who rated what."""

    held_at: datetime
    ratings: tuple[Rating, ...]


@dataclass(frozen=True)
class History:
    """One client with one open episode: the visits in time order."""

    alias: str
    band: str
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Row:
    """What one row of the export (one session, one rater) should say."""

    episode: int
    session: int
    form: str
    ors_total: int | None
    srs_total: int | None
    alerts: list[str] = field(default_factory=list)


Key = tuple[str, datetime, str]  # client alias, the session's moment (UTC), rater


def expected(histories: Iterable[History]) -> dict[Key, Row]:
    """Every row the export should hold, by client, moment and rater."""
    rows: dict[Key, Row] = {}
    for history in histories:
        mine = [
            (number, rating)
            for number, visit in enumerate(history.visits, start=1)
            for rating in visit.ratings
            if rating.rater == "client"
        ]
        ors_of = [(number, r) for number, r in mine if r.ors is not None]
        srs_of = [r for _, r in mine if r.srs is not None]
        ors = dict(
            zip(
                (id(r) for _, r in ors_of),
                outcome_alerts(history.band, [(n, sum(r.ors or ())) for n, r in ors_of]),
                strict=True,
            )
        )
        srs = dict(
            zip(
                (id(r) for r in srs_of),
                alliance_alerts(history.band, [r.srs for r in srs_of if r.srs is not None]),
                strict=True,
            )
        )
        for number, visit in enumerate(history.visits, start=1):
            for rating in visit.ratings:
                alerts = (
                    in_order(ors.get(id(rating), set()), srs.get(id(rating), set()))
                    if rating.rater == "client"
                    else []
                )
                rows[(history.alias, visit.held_at.astimezone(UTC), rating.rater)] = Row(
                    episode=1,
                    session=number,
                    form=history.band,
                    ors_total=sum(rating.ors) if rating.ors else None,
                    srs_total=sum(rating.srs) if rating.srs else None,
                    alerts=alerts,
                )
    return rows


def tenths(value: int) -> str:
    return f"{value // 10}.{value % 10}"


def csv_rows(histories: Sequence[History]) -> list[list[str]]:
    """The histories as the rows a spreadsheet would hold, in time order: only the client, the
    date, the form, the rater and the items given (the totals too, as a check)."""
    rows: list[list[str]] = []
    for history in histories:
        for visit in history.visits:
            for rating in visit.ratings:
                cells = dict.fromkeys(COLUMNS, "")
                cells |= {
                    "client": history.alias,
                    "date": visit.held_at.isoformat(timespec="seconds"),
                    "rater": rating.rater,
                    "form": history.band,
                }
                for keys, total, items in (
                    (ORS_KEYS, "ors_total", rating.ors),
                    (SRS_KEYS, "srs_total", rating.srs),
                ):
                    if items is not None:
                        cells |= {key: tenths(v) for key, v in zip(keys, items, strict=True)}
                        cells[total] = tenths(sum(items))
                rows.append([cells[column] for column in COLUMNS])
    return rows


def csv_text(rows: Iterable[list[str]]) -> str:
    """The rows as a CSV file's text, under the header."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


# Item values: anywhere, mostly high (where the SRS lives), or right at the low-item line.
ITEM = st.one_of(st.integers(0, 100), st.integers(80, 100), st.sampled_from((0, 89, 90, 91, 100)))
FREE_ITEMS: st.SearchStrategy[Items] = st.tuples(ITEM, ITEM, ITEM, ITEM)


@st.composite
def items_summing(draw: st.DrawFn, total: int) -> Items:
    """Four items of 0.0 to 10.0 that add up to total exactly."""
    items: list[int] = []
    left = total
    for still in (3, 2, 1):
        value = draw(st.integers(max(0, left - 100 * still), min(100, left)))
        items.append(value)
        left -= value
    items.append(left)
    a, b, c, d = draw(st.permutations(items))
    return (a, b, c, d)


@st.composite
def lowest_item(draw: st.DrawFn) -> Items:
    """Four items whose lowest is right at the low-item line (8.9 or 9.0)."""
    low = draw(st.sampled_from((LOW_ITEM - 1, LOW_ITEM)))
    rest = draw(st.lists(st.integers(LOW_ITEM, 100), min_size=3, max_size=3))
    a, b, c, d = draw(st.permutations([low, *rest]))
    return (a, b, c, d)


def near(targets: Iterable[int]) -> st.SearchStrategy[Items]:
    """Items whose total is one of targets (those within 0.0 to 40.0)."""
    return st.sampled_from(sorted({t for t in targets if 0 <= t <= 400})).flatmap(items_summing)


def ors_items(band: str, intake: int | None) -> st.SearchStrategy[Items]:
    """An ORS: free, or with its total on a line: the form's cutoff, the high intake, or a
    change from the intake of exactly the reliable change."""
    cutoff = ORS_CUTOFF.get(band, 250)
    lines = [cutoff - 1, cutoff, HIGH_INTAKE, HIGH_INTAKE + 1]
    if intake is not None:
        lines += [intake + d for d in (-51, -50, -49, -1, 0, 49, 50, 51)]
        # A total that crosses the cutoff by exactly the reliable change, where it can.
        lines += [cutoff, cutoff + 50, cutoff - 50]
    return st.one_of(FREE_ITEMS, near(lines))


def srs_items(band: str, totals: Sequence[int]) -> st.SearchStrategy[Items]:
    """An SRS: free, with its lowest item on the line, or with its total on a line: the
    cutoff, or exactly a drop, a step down, or the same as the last."""
    cutoff = SRS_CUTOFF.get(band, 360)
    lines = [cutoff - 1, cutoff, 400]
    if totals:
        lines += [totals[-1] + d for d in (-11, -10, -9, -1, 0, 1)]
    return st.one_of(FREE_ITEMS, lowest_item(), near(lines))


@st.composite
def history(draw: st.DrawFn, alias: str) -> History:
    """One client's episode: 1 to 10 sessions on distinct days (1 to 60 days apart), in time
    order."""
    band = draw(st.sampled_from(BANDS))
    count = draw(st.integers(1, 10))
    gaps = draw(st.lists(st.integers(1, 60), min_size=count, max_size=count))
    days = list(itertools.accumulate(gaps))
    intake: int | None = None
    srs_totals: list[int] = []
    visits = []
    for day in days:
        held_at = START + timedelta(days=day, hours=draw(st.integers(8, 18)))
        given = draw(st.sampled_from(("ors", "srs", "both", "both", "parent only")))
        client = Rating("client")
        if given in ("ors", "both"):
            ors = draw(ors_items(band, intake))
            intake = sum(ors) if intake is None else intake
            client = Rating("client", ors=ors)
        if given in ("srs", "both"):
            srs = draw(srs_items(band, srs_totals))
            srs_totals.append(sum(srs))
            client = Rating("client", ors=client.ors, srs=srs)
        ratings = [] if given == "parent only" else [client]
        if given == "parent only" or draw(st.integers(0, 5)) == 0:
            # A parent rates the client's outcome as a series of their own.
            ratings.append(Rating("parent", ors=draw(FREE_ITEMS)))
        visits.append(Visit(held_at, tuple(ratings)))
    return History(alias, band, tuple(visits))


@st.composite
def caseload(draw: st.DrawFn) -> list[History]:
    count = draw(st.integers(1, 4))
    return [draw(history(f"Client {n}")) for n in range(1, count + 1)]


# ---------------------------------------------------------------------------------------------
# The app's side: import, export, read
# ---------------------------------------------------------------------------------------------


def parse_tenths(text: str) -> int | None:
    if not text:
        return None
    whole, _, tenth = text.partition(".")
    return int(whole) * 10 + int(tenth or "0")


def exported(text: str) -> dict[Key, Row]:
    """The rows of an exported CSV, by client, moment and rater."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames is not None
    assert tuple(reader.fieldnames) == COLUMNS
    rows: dict[Key, Row] = {}
    for raw in reader:
        key = (raw["client"], datetime.fromisoformat(raw["date"]).astimezone(UTC), raw["rater"])
        assert key not in rows, f"two rows for {key}"
        rows[key] = Row(
            episode=int(raw["episode"]),
            session=int(raw["session"]),
            form=raw["form"],
            ors_total=parse_tenths(raw["ors_total"]),
            srs_total=parse_tenths(raw["srs_total"]),
            alerts=raw["alerts"].split(";") if raw["alerts"] else [],
        )
    return rows


def import_and_export(folder: Path, texts: Sequence[str]) -> str:
    """The CSV files imported one after the other into a fresh database, and everything
    exported again, by the commands the command line runs."""
    db, out = folder / "srs.db", folder / "out.csv"
    for n, text in enumerate(texts):
        source = folder / f"in{n}.csv"
        source.write_text(text, encoding="utf-8", newline="")
        assert commands.import_file(db, source, dry_run=False, now=NOW) == 0
    code = commands.export(db, Config(), form="csv", alias=None, output=out, force=False, now=NOW)
    assert code == 0
    return out.read_text(encoding="utf-8")


def describe(histories: Sequence[History]) -> str:
    """The histories in a few lines, for a failure's message."""
    lines = []
    for h in histories:
        lines.append(f"{h.alias} ({h.band}):")
        for n, visit in enumerate(h.visits, start=1):
            for r in visit.ratings:
                ors = f" ORS {[tenths(v) for v in r.ors]}={tenths(sum(r.ors))}" if r.ors else ""
                srs = f" SRS {[tenths(v) for v in r.srs]}={tenths(sum(r.srs))}" if r.srs else ""
                lines.append(f"  #{n} {visit.held_at:%Y-%m-%d %H:%M} {r.rater}:{ors}{srs}")
    return "\n".join(lines)


def assert_matches(histories: Sequence[History], text: str) -> None:
    """Every exported row is the oracle's, and the export holds no other row."""
    want = expected(histories)
    got = exported(text)
    assert sorted(got) == sorted(want), "the export's rows are not the imported sessions"
    wrong = [
        f"{alias} {moment:%Y-%m-%d} {rater}: export {got[alias, moment, rater]}, oracle {row}"
        for (alias, moment, rater), row in sorted(want.items())
        if got[alias, moment, rater] != row
    ]
    assert not wrong, "the export disagrees with the rules as stated:\n" + "\n".join(
        [*wrong, "", describe(histories)]
    )


# ---------------------------------------------------------------------------------------------
# The oracle itself, on histories worked out by hand
# ---------------------------------------------------------------------------------------------


def test_the_oracle_reads_the_outcome_rules_as_stated() -> None:
    # Adult (cutoff 25.0): intake 24.9, then +5.0 across the cutoff, +4.9 at session 3, -5.0,
    # -0.1 at session 6, and +10.1 (a recovery however far it goes).
    series = [(1, 249), (2, 299), (3, 298), (4, 199), (6, 248), (7, 350)]
    assert outcome_alerts("adult", series) == [
        set(),
        {"recovered"},
        {"no_early_change"},
        {"reliable_deterioration"},
        {"not_on_track"},
        {"recovered"},
    ]
    # An intake of 32.1 is high, 32.0 is not; a change of -0.1 at session 2 is nothing yet.
    assert outcome_alerts("adult", [(1, 321), (2, 320)]) == [{"high_intake"}, set()]
    assert outcome_alerts("adult", [(1, 320)]) == [set()]
    # +5.0 that stays below the child's cutoff (32.0): improvement, not recovery.
    assert outcome_alerts("child", [(1, 200), (2, 250), (5, 319)]) == [
        set(),
        {"reliable_improvement"},
        {"reliable_improvement"},
    ]
    # An intake exactly at the cutoff is not below it: no recovery from it.
    assert outcome_alerts("adolescent", [(1, 280), (2, 330)]) == [set(), {"reliable_improvement"}]
    assert outcome_alerts("young child", [(1, 390), (3, 0)]) == [set(), set()]


def test_the_oracle_reads_the_alliance_rules_as_stated() -> None:
    def srs(total: int) -> Items:
        return items_of(total)

    low = {"below_cutoff", "low_item"}  # below 36.0, one of the four is below 9.0
    totals = [370, 360, 359, 349, 340, 340, 360, 380]
    assert alliance_alerts("adult", [srs(t) for t in totals]) == [
        set(),
        {"drop_above_cutoff"},  # 37.0 to 36.0: exactly 1.0 down; 36.0 is not below 36.0
        low | {"falling"},  # 0.1 down: no drop
        low | {"drop", "falling"},
        low | {"persistent_low", "falling"},  # 0.9 down: no drop
        low | {"persistent_low"},  # level: not falling
        {"rising"},
        set(),
    ]
    assert alliance_alerts("child", [(89, 100, 100, 100), (90, 100, 100, 100)]) == [
        {"low_item"},
        set(),
    ]
    assert alliance_alerts("young child", [(0, 0, 0, 0)] * 4) == [set()] * 4
    assert in_order({"high_intake", "no_early_change"}, {"rising", "drop", "low_item"}) == [
        "no_early_change",
        "high_intake",
        "drop",
        "low_item",
        "rising",
    ]


def items_of(total: int) -> Items:
    """Four items adding up to total, as even as can be: none below 9.0 from 36.0 up (below
    36.0 one item is always below 9.0)."""
    a, b = divmod(total, 4)
    return (a + (b > 0), a + (b > 1), a + (b > 2), a)


# ---------------------------------------------------------------------------------------------
# The app against the oracle
# ---------------------------------------------------------------------------------------------

# 100 examples take 20 to 40 s (each a fresh database, an import and an export).
EXAMPLES = int(os.environ.get("SRS_TUI_ORACLE_EXAMPLES", "0"))


def check_random_caseload(data: st.DataObject) -> None:
    histories = data.draw(caseload(), label="histories")
    rows = data.draw(st.permutations(csv_rows(histories)), label="row order")
    # One file, or the rows cut into several imported one after another: a session imported
    # later than the ones after it in time renumbers them, a parent's row joins its session.
    cuts = sorted(data.draw(st.lists(st.integers(1, len(rows)), max_size=2), label="cuts"))
    texts = [csv_text(rows[a:b]) for a, b in itertools.pairwise([0, *cuts, len(rows)]) if b > a]
    for rule in {r for row in expected(histories).values() for r in row.alerts}:
        event(rule)
    with tempfile.TemporaryDirectory() as name:
        assert_matches(histories, import_and_export(Path(name), texts))


@pytest.mark.timeout(300)
@settings(
    max_examples=EXAMPLES or 100,
    derandomize=not EXAMPLES,  # reproducible in CI; a longer local run explores anew
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_alerts_cell_of_an_export_is_the_rules_own(data: st.DataObject) -> None:
    check_random_caseload(data)


@pytest.mark.long
@pytest.mark.timeout(3600)
@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_alerts_cell_of_many_exports_is_the_rules_own(data: st.DataObject) -> None:
    check_random_caseload(data)


def hand_made() -> list[History]:
    """A caseload where every rule fires, each at its exact boundary, rows from both raters."""

    def at(day: int) -> datetime:
        return START + timedelta(days=day, hours=10)

    def visit(day: int, ors: int | None = None, srs: Items | int | None = None) -> Visit:
        srs_items = items_of(srs) if isinstance(srs, int) else srs
        return Visit(at(day), (Rating("client", items_of(ors) if ors else None, srs_items),))

    adult = History(
        "Ana",
        "adult",
        (
            visit(0, ors=249, srs=370),  # intake just below 25.0
            visit(7, srs=360),  # SRS only: drop of exactly 1.0
            visit(14, ors=299, srs=359),  # +5.0 across the cutoff: recovered
            visit(21, ors=298),
            visit(28, ors=199, srs=349),  # -5.0: deterioration
            visit(35, ors=250, srs=(89, 90, 90, 90)),
            visit(42, ors=290, srs=(90, 90, 90, 90)),
        ),
    )
    teen = History(
        "Ben",
        "adolescent",
        (
            visit(3, ors=321, srs=400),  # high intake
            Visit(
                at(10), (Rating("client", srs=items_of(300)), Rating("parent", ors=(5, 5, 5, 5)))
            ),
            visit(17, ors=371),  # +5.0 from above the cutoff: improvement
            visit(24, ors=322),
        ),
    )
    child = History(
        "Cleo",
        "child",
        (
            visit(1, ors=319),
            visit(2, ors=369),
            visit(5, ors=300),
            Visit(at(6), (Rating("parent", ors=(1, 2, 3, 4)),)),
        ),
    )
    small = History("Dan", "young child", (visit(2, ors=10, srs=10), visit(9, ors=400, srs=0)))
    return [adult, teen, child, small]


def test_a_shuffled_csv_through_the_command_line_keeps_every_rule(tmp_path: Path) -> None:
    """The same check through `srs-tui import` and `srs-tui export` in real processes, and
    once more for the export imported again."""
    histories = hand_made()
    fired = {rule for row in expected(histories).values() for rule in row.alerts}
    assert fired == set(ORS_ORDER) | set(SRS_ORDER), "the hand-made caseload lacks a rule"
    source, db, out = tmp_path / "in.csv", tmp_path / "srs.db", tmp_path / "out.csv"
    source.write_text(csv_text(csv_rows(histories)[::-1]), encoding="utf-8", newline="")
    done = run_cli("--db", str(db), "import", str(source), home=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run_cli("--db", str(db), "export", "--format", "csv", "-o", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_matches(histories, out.read_text(encoding="utf-8"))
    # The export read back into another fresh database says the same again.
    again, last = tmp_path / "again.db", tmp_path / "again.csv"
    done = run_cli("--db", str(again), "import", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run_cli("--db", str(again), "export", "--format", "csv", "-o", str(last), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_matches(histories, last.read_text(encoding="utf-8"))
