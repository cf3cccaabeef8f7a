"""JSON bundle import: every field checked; a refusal is a message, an import never breaks a read.

The fuzz test starts from a bundle exported from a small real database and mutates it. Each
mutated file is either refused cleanly (errors listed, no exception, the database unchanged) or
imported, after which every export, report, history, the archive view and check still work.
SRS_TUI_FUZZ_EXAMPLES=5000 runs a longer, randomised round; the default is fixed for CI.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import NOW, run_cli
from srs_tui import commands
from srs_tui.config import Config
from srs_tui.exchange.export import export_json
from srs_tui.exchange.importer import apply, plan_csv, plan_file
from srs_tui.measures import ORS, Scores
from srs_tui.store import Store, StoreError

Bundle = dict[str, Any]
FUZZ_EXAMPLES = int(os.environ.get("SRS_TUI_FUZZ_EXAMPLES", "0"))
OUTCOMES: Counter[str] = Counter()


def build_source(path: Path) -> None:
    """Four clients: one with notes that hold a tab and line ends, one archived, one new, a
    child with both measures and a parent's ratings."""
    with Store.open(path) as store:
        ana = store.add_client("Ana", now=NOW - timedelta(days=30), display_name="A.")
        ben = store.add_client("Ben", now=NOW - timedelta(days=30), language="es")
        store.add_client("Cleo", now=NOW - timedelta(days=2))
        for day, (values, note) in enumerate(
            [
                ((91, 85, 70, 99), "first\tline\nsecond line"),
                ((80, 80, 80, 80), ""),
                ((100, 100, 100, 100), "from a spreadsheet\r\nkept"),
            ]
        ):
            store.record(
                ana.id,
                Scores.srs(*values),
                administered_at=NOW - timedelta(days=21 - day),
                mode="oral",
                setting="telehealth",
                note=note,
                now=NOW,
            )
        for day in range(2):
            store.record(
                ben.id,
                Scores.srs(50, 60, 70, 80),
                administered_at=NOW - timedelta(days=9 - day),
                mode="paper",
                setting="in-person",
                now=NOW,
            )
        # Ben's first episode ended; he came back for a second.
        store.close_episode(ben.id, "planned", at=NOW - timedelta(days=7))
        store.record(ben.id, Scores.srs(70, 70, 70, 70), administered_at=NOW - timedelta(days=3),
                     mode="paper", setting="in-person", now=NOW)  # fmt: skip
        # And an ORS kept as its total alone, as an old paper log has it.
        store.record(ben.id, Scores.total_only(ORS, 215), administered_at=NOW - timedelta(days=2),
                     mode="paper", setting="in-person", now=NOW)  # fmt: skip
        store.set_archived(ben.id, True, now=NOW - timedelta(days=1))
        # A child with both measures a session, and a parent's ratings of her outcome.
        dee = store.add_client("Dee", now=NOW - timedelta(days=20), age_band="child")
        for day in range(2):
            held = NOW - timedelta(days=14 - 7 * day)
            store.record(dee.id, Scores.of(ORS, dict(zip(ORS.keys, (60, 70, 80, 90 - day),
                         strict=True))), administered_at=held, mode="oral",
                         setting="in-person", now=NOW)  # fmt: skip
            store.record(dee.id, Scores.srs(90, 90, 95, 100), administered_at=held,
                         mode="oral", setting="in-person", now=NOW)  # fmt: skip
        store.record(dee.id, Scores.of(ORS, dict.fromkeys(ORS.keys, 50)), rater="parent",
                     administered_at=NOW - timedelta(days=7), mode="paper",
                     setting="in-person", now=NOW)  # fmt: skip


def everyone(store: Store) -> list[Any]:
    return [summary.client for summary in store.clients(include_archived=True)]


def bundle_of(db: Path) -> Bundle:
    with Store.open(db) as store:
        loaded: Bundle = json.loads(export_json(store, everyone(store), NOW))
        return loaded


def snapshot(db: Path) -> list[tuple[Any, ...]]:
    """Every row of every table, to show that a refused import wrote nothing."""
    conn = sqlite3.connect(db)
    try:
        return [
            (table, *row)
            for table in ("clients", "administrations", "audit")
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
        ]
    finally:
        conn.close()


def copy_db(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    target.chmod(0o600)


def every_read_works(db: Path, folder: Path) -> None:
    """What a therapist does next: export (CSV, JSON, one client), report, look, check."""
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        for form in ("csv", "json"):
            out = folder / f"all.{form}"
            assert commands.export(db, Config(), form=form, alias=None, output=out,
                                   force=True, now=NOW) == 0, quiet.getvalue()  # fmt: skip
        with Store.open(db) as store:
            clients = everyone(store)
            store.clients()
            for client in clients:
                store.history(client.id)
        for client in clients:
            assert commands.export(db, Config(), form="csv", alias=client.alias,
                                   output=folder / "one.csv", force=True, now=NOW) == 0  # fmt: skip
            assert commands.report(db, Config(), alias=client.alias, output=folder / "r.html",
                                   force=True, now=NOW) == 0, quiet.getvalue()  # fmt: skip
        assert commands.check(db) == 0, quiet.getvalue()
    # What was accepted once is accepted again: its own export imports into an empty database.
    with Store.open(folder / "again.db") as fresh:
        plan = plan_file(fresh, folder / "all.json", NOW)
        assert plan.errors == []
        apply(fresh, plan)


def import_or_refuse(db: Path, text: str, folder: Path) -> list[str]:
    """Import text into db; the plan's errors (then nothing changed) or [] and reads work."""
    path = folder / "bundle.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    Store.open(db).close()  # an empty database when there is none yet
    before = snapshot(db)
    with Store.open(db) as store:
        try:
            plan = plan_file(store, path, NOW)
        except StoreError as error:  # not UTF-8 (a lone surrogate written raw): the command says so
            errors = [str(error)]
        else:
            errors = plan.errors
            if not errors:
                apply(store, plan)
    if errors:
        assert snapshot(db) == before
        for message in errors:
            assert "\n" not in message
            assert "Traceback" not in message
            assert len(message) < 400
        return errors
    every_read_works(db, folder)
    return []


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Bundle]]:
    db = tmp_path_factory.mktemp("source") / "source.db"
    build_source(db)
    yield db, bundle_of(db)
    if OUTCOMES:
        print(f"\nfuzzed bundles: {dict(OUTCOMES)}")


# The fuzz: values of every kind, and values that are nearly right.

TIMES = [
    "2026-11-03T10:00:00+01:00", "2026-11-03T10:00:00", "2026-11-03", "2026-11-03T10:00:00Z",
    "2026-11-03T10:00:00.123456-05:30", "20261103T100000+0100", "1969-07-20T20:17:00+00:00",
    "1899-12-31T23:59:59+00:00", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59",
    "2030-01-01T00:00:00+00:00", "2026-12-01T14:05:01+01:00", "2026-12-01T14:05:00+01:00",
    "2026-13-01T00:00:00+00:00", "yesterday", "", " ", "2026-11-03T10:00:00+24:00",
]  # fmt: skip
WORDS = [
    "SRS", "srs", "SRS ", "ORS", "oral", "self", "paper", "telehealth", "in-person", "video",
    "en", "es", "fr", "EN", "", " ", "Ana", "ana", "ANA", "Ben", "x" * 80, "x" * 81, "y" * 40,
    "y" * 41, "\ud800", "a\x00b", "a\x1b[2Jb", "tab\there",
    "line\nend", "cr\ronly", "crlf\r\nend", "\u009bc1", "\u202eright-to-left", "[bold]x[/]",
]  # fmt: skip
NUMBERS = [0, 1, -1, 2, 3, 99, 100, 101, 1_000_000, 1_000_001, 2**31, 2**63, -(2**63) - 1,
           2**64, 10**100]  # fmt: skip

offsets = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
)
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none() | offsets
).map(lambda moment: moment.isoformat())
ids = st.uuids().flatmap(
    lambda u: st.sampled_from([str(u), str(u).upper(), f"{{{u}}}", u.hex, f"urn:uuid:{u}"])
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS),
    st.integers(),
    st.floats(),  # NaN and infinities included: json.loads reads them
    st.sampled_from([1.0, 50.0, 1e308]),
    st.sampled_from(TIMES),
    moments,
    st.sampled_from(WORDS),
    ids,
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x9F), max_size=10),
)
long_texts = st.sampled_from([20000, 20001]).map(lambda n: "z" * n)
scalars = scalars | long_texts
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
# Replaced in the JSON text, which json.dumps cannot write: deep nesting, a number of more
# digits than Python converts, a key written twice.
DEEP, DIGITS = "@@deep@@", "@@digits@@"
raw_values = st.sampled_from([DEEP, DIGITS]) | values


# Values that are nearly always right for their key, so that many mutated bundles are imported
# and the reads after them are put to the test: odd offsets, any Unicode, edge numbers.
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 30), timezones=offsets
).map(lambda moment: moment.isoformat())
any_text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=40) | st.text(
    st.characters(exclude_categories=["Cs"]), max_size=10
)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "id": st.uuids().map(str),
    "client_id": st.uuids().map(str),
    "alias": any_text | st.sampled_from(["Ana", "ana", "ANA", "Ben", "[/]", "x" * 80]),
    "display_name": st.none() | any_text,
    "language": st.sampled_from(["en", "es"]),
    "created_at": times,
    "updated_at": times,
    "administered_at": times,
    "archived_at": st.none() | times,
    "opened_at": times,
    "closed_at": st.none() | times,
    "ending": st.sampled_from([None, "planned", "unplanned", "dropped out"]),
    "exported_at": times,
    "session": st.integers(1, 1_000_000) | st.sampled_from([1, 2, 3, 1_000_000]),
    "age_band": st.sampled_from(["adult", "adolescent", "child", "young child", "group"]),
    "form": st.sampled_from(["adult", "adolescent", "child", "young child", "group"]),
    "rater": st.sampled_from(["client", "parent", "teacher"]),
    "measure": st.sampled_from(["SRS", "ORS"]),
    "version": st.sampled_from([1, 2, 3, 4]),
    "individually": st.integers(0, 100),
    "interpersonally": st.integers(0, 100),
    "socially": st.integers(0, 100),
    "relationship": st.integers(0, 100),
    "goals": st.integers(0, 100),
    "approach": st.integers(0, 100),
    "overall": st.integers(0, 100),
    "total_tenths": st.integers(0, 400) | st.sampled_from([401, -1]),
    "mode": st.sampled_from(["oral", "self", "paper"]),
    "setting": st.sampled_from(["telehealth", "in-person"]),
    "note": any_text | long_texts | st.sampled_from(["tab\tnewline\n", "crlf\r\n", ""]),
}


def places(bundle: Bundle) -> list[tuple[Any, Any]]:
    """Every (container, key) in the bundle that holds a value."""
    found: list[tuple[Any, Any]] = [(bundle, key) for key in bundle]
    for part in ("clients", "episodes", "administrations"):
        if isinstance(bundle.get(part), list):
            for record in bundle[part]:
                if isinstance(record, dict):
                    found += [(record, key) for key in record]
                    if isinstance(record.get("ratings_tenths"), dict):
                        found += [
                            (record["ratings_tenths"], key) for key in record["ratings_tenths"]
                        ]
    return found


def mutate(bundle: Bundle, data: st.DataObject) -> None:
    """One change: a value replaced, a key removed or added, a record copied, moved or dropped."""
    where = places(bundle)
    container, key = data.draw(st.sampled_from(where))
    kind = data.draw(st.sampled_from(
        ["plausible", "plausible", "plausible", "replace", "replace", "delete", "extra", "copy",
         "steal", "drop", "twice"]
    ))  # fmt: skip
    event(f"mutation: {kind}")
    if kind == "plausible" and key == "client_id" and isinstance(bundle.get("clients"), list):
        # Another client of the bundle, most of the time: a session moved between clients.
        others = [c.get("id") for c in bundle["clients"] if isinstance(c, dict)] or [None]
        container[key] = data.draw(st.sampled_from(others) | PLAUSIBLE[key])
    elif kind == "plausible":
        container[key] = data.draw(PLAUSIBLE.get(key, raw_values))
    elif kind == "replace":
        container[key] = data.draw(raw_values)
    elif kind == "delete":
        del container[key]
    elif kind == "extra":
        container[data.draw(st.sampled_from(["extra", "note", "Id", ""]) | st.text(max_size=5))] = (
            data.draw(values)
        )
    elif kind == "twice":
        container[f"@@twice:{key}@@"] = data.draw(raw_values)
    else:
        part = data.draw(st.sampled_from(["clients", "episodes", "administrations"]))
        records = bundle.get(part)
        if not isinstance(records, list) or not records:
            return
        record = data.draw(st.sampled_from(records))
        if kind == "copy":
            records.append(copy.deepcopy(record))
        elif kind == "drop":
            records.remove(record)
        elif isinstance(record, dict) and isinstance(container, dict):
            # A value that is valid on its own but clashes: another record's id, alias, number.
            field = data.draw(st.sampled_from(list(record) or ["id"]))
            if field in record:
                container[field] = copy.deepcopy(record[field])


def to_text(bundle: Bundle, data: st.DataObject) -> str:
    text = json.dumps(bundle, ensure_ascii=data.draw(st.booleans()))
    depth = data.draw(st.sampled_from([50, 999, 5_000, 100_000]))
    text = text.replace(json.dumps(DEEP), "[" * depth + "]" * depth)
    text = text.replace(json.dumps(DIGITS), "7" * 5_000)
    for key in {k for k in list(_keys(bundle)) if k.startswith("@@twice:")}:
        text = text.replace(json.dumps(key), json.dumps(key[len("@@twice:") : -2]))
    return text


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


# 250 examples take 10 to 20 s; SRS_TUI_FUZZ_EXAMPLES=5000, twenty times as long.
@pytest.mark.timeout(300 if not FUZZ_EXAMPLES else 7200)
@settings(
    max_examples=FUZZ_EXAMPLES or 250,
    derandomize=not FUZZ_EXAMPLES,  # reproducible in CI; a long local run explores anew
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_mutated_bundle_is_refused_cleanly_or_imported_for_good(
    source: tuple[Path, Bundle], data: st.DataObject
) -> None:
    source_db, original = source
    bundle = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        mutate(bundle, data)
    text = to_text(bundle, data)
    into_copy = data.draw(st.booleans())  # the same records already there, or an empty database
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "target.db"
        if into_copy:
            copy_db(source_db, db)
        errors = import_or_refuse(db, text, folder)
    outcome = "refused" if errors else "accepted"
    OUTCOMES[outcome] += 1
    event(outcome)


# Crafted bundles, each mishandled by the importer before these checks: a traceback, a
# record changed without a word, a database error after the plan said yes, or an import after
# which exports, reports or the archive view failed.

Edit = Callable[[Bundle], None]


def at(part: str, index: int, key: str, value: Any) -> Edit:
    def edit(bundle: Bundle) -> None:
        bundle[part][index][key] = value

    return edit


def admin(key: str, value: Any) -> Edit:
    return at("administrations", 0, key, value)


def client(key: str, value: Any) -> Edit:
    return at("clients", 0, key, value)


def rating(key: str, value: Any) -> Edit:
    def edit(bundle: Bundle) -> None:
        bundle["administrations"][0]["ratings_tenths"][key] = value

    return edit


def top(key: str, value: Any) -> Edit:
    def edit(bundle: Bundle) -> None:
        bundle[key] = value

    return edit


def twice(part: str, keep: tuple[str, ...] = ()) -> Edit:
    """The first record again, with the fields in keep as they are and new values elsewhere."""

    def edit(bundle: Bundle) -> None:
        first = copy.deepcopy(bundle[part][0])
        fresh = {**bundle[part][1], "id": "00000000-0000-4000-8000-000000000009"}
        bundle[part].append({**fresh, **{key: first[key] for key in keep}})

    return edit


def drop(part: str, key: str) -> Edit:
    def edit(bundle: Bundle) -> None:
        del bundle[part][0][key]

    return edit


def edit_all(*edits: Edit) -> Edit:
    def edit(bundle: Bundle) -> None:
        for each in edits:
            each(bundle)

    return edit


ANA_FIRST = "administration 1"
CRAFTED: list[tuple[str, Edit, str]] = [
    (
        "updated-at-without-offset",
        admin("updated_at", "2026-01-01"),
        f"{ANA_FIRST}, updated_at: '2026-01-01' has no offset",
    ),
    (
        "administered-at-naive",
        admin("administered_at", "2026-11-03T10:00:00"),
        f"{ANA_FIRST}, administered_at: '2026-11-03T10:00:00' has no offset",
    ),
    (
        "created-at-without-offset",
        client("created_at", "2026-11-03 10:00"),
        "client 1, created_at: '2026-11-03 10:00' has no offset",
    ),
    (
        "archived-at-not-a-date",
        client("archived_at", "yesterday"),
        "client 1, archived_at: 'yesterday' is not an ISO 8601 date and time",
    ),
    ("archived-at-a-number", client("archived_at", 5), "client 1, archived_at: 5 is not a date"),
    (
        "administered-in-the-future",
        admin("administered_at", "2030-01-01T10:00:00+01:00"),
        f"{ANA_FIRST}, administered_at: '2030-01-01T10:00:00+01:00' is in the future",
    ),
    (
        "administered-before-2000",
        admin("administered_at", "1969-07-20T20:17:00+00:00"),
        f"{ANA_FIRST}, administered_at: '1969-07-20T20:17:00+00:00' is before 2000",
    ),
    (
        "created-in-year-1",
        client("created_at", "0001-01-01T00:00:00+23:59"),
        "client 1, created_at: '0001-01-01T00:00:00+23:59' is before 2000",
    ),
    (
        "offset-with-seconds",
        admin("created_at", "2026-11-03T10:00:00+05:30:12"),
        f"{ANA_FIRST}, created_at: '2026-11-03T10:00:00+05:30:12' has an offset that is not whole",
    ),
    ("exported-at-garbage", top("exported_at", "garbage"), "bundle, exported_at: 'garbage'"),
    (
        "note-too-long-is-refused-not-cut",
        admin("note", "x" * 20001),
        f"{ANA_FIRST}, note: A note can be at most 20000 characters",
    ),
    (
        "note-with-escape",
        admin("note", "\x1b]0;pwned\x07\x1b[2J"),
        f"{ANA_FIRST}, note: A note cannot contain control characters",
    ),
    (
        "note-with-nul",
        admin("note", "a\x00b"),
        f"{ANA_FIRST}, note: A note cannot contain control characters",
    ),
    ("note-with-c1-csi", admin("note", "\u009b2J"), "note: A note cannot contain control"),
    ("note-lone-surrogate", admin("note", "\ud800"), f"{ANA_FIRST}, note: contains a character"),
    ("note-null", admin("note", None), f"{ANA_FIRST}, note: null is not text"),
    ("note-a-number", admin("note", 5), f"{ANA_FIRST}, note: 5 is not text"),
    ("session-float", admin("session", 1.5), f"{ANA_FIRST}, session: 1.5 is not an integer"),
    ("session-string", admin("session", "3"), f"{ANA_FIRST}, session: '3' is not an integer"),
    ("session-bool", admin("session", True), f"{ANA_FIRST}, session: true is not an integer"),
    (
        "session-huge",
        admin("session", 2**64),
        f"{ANA_FIRST}, session: 18446744073709551616 is outside 1..1000000",
    ),
    ("session-zero", admin("session", 0), f"{ANA_FIRST}, session: 0 is outside 1..1000000"),
    (
        "session-infinity",
        admin("session", float("inf")),
        f"{ANA_FIRST}, session: Infinity is not an integer",
    ),
    ("session-beyond-a-million", admin("session", 1_000_001), "is outside 1..1000000"),
    (
        "id-36-chars-not-a-uuid",
        admin("id", "not-a-uuid-but-36-characters-long!!!"),
        f"{ANA_FIRST}, id: 'not-a-uuid-but-36-characters-long!!!' is not an id",
    ),
    ("id-a-number", admin("id", 5), f"{ANA_FIRST}, id: 5 is not an id"),
    (
        "ratings-extra-key",
        rating("total", 400),
        f"{ANA_FIRST}, ratings_tenths: needs exactly the keys",
    ),
    ("two-administrations-one-id", twice("administrations", keep=("id",)), "is used twice"),
    (
        "two-administrations-one-session",
        twice("administrations", keep=("client_id", "session_id")),
        "the same session, measure and rater as administration 1",
    ),
    ("two-clients-one-id", twice("clients", keep=("id",)), "is used twice"),
    (
        "two-clients-one-alias-in-another-case",
        lambda b: b["clients"][1].update(alias="ANA"),
        "client 2, alias: 'ANA' is also the alias of client 1",
    ),
    (
        "display-name-false",
        client("display_name", False),
        "client 1, display_name: false is not text",
    ),
    ("version-true", top("version", True), "bundle: not an srs-tui bundle"),
    ("version-float", top("version", 1.0), "bundle: not an srs-tui bundle"),
    ("unknown-top-level-key", top("comment", "hi"), "bundle: unknown keys: 'comment'"),
    ("unknown-record-key", admin("total", 400), f"{ANA_FIRST}: unknown keys: 'total'"),
    ("missing-display-name", drop("clients", "display_name"), "client 1: missing display_name"),
    (
        "age-band-unknown",
        client("age_band", "toddler"),
        "client 1, age_band: 'toddler' is not one of adult, adolescent, child, young child",
    ),
    ("age-band-missing", drop("clients", "age_band"), "client 1: missing age_band"),
    ("age-band-in-version-2", top("version", 2), "bundle: unknown keys: 'episodes'"),
    ("episodes-missing", lambda b: b.pop("episodes"), "bundle: missing episodes"),
    (
        "episode-ending-without-end",
        at("episodes", 0, "ending", "planned"),
        "episode 1, ending: an ending is given with closed_at, and only then",
    ),
    (
        "episode-ended-before-it-opened",
        edit_all(
            at("episodes", 0, "closed_at", "2020-01-01T10:00:00+00:00"),
            at("episodes", 0, "ending", "planned"),
        ),
        "episode 1, closed_at: before opened_at",
    ),
    (
        "episode-two-open",
        edit_all(at("episodes", 1, "closed_at", None), at("episodes", 1, "ending", None)),
        "episode 3, closed_at: the client has another open episode in the bundle",
    ),
    (
        "episode-of-no-client",
        at("episodes", 0, "client_id", "00000000-0000-4000-8000-000000000007"),
        "episode 1, client_id: 00000000-0000-4000-8000-000000000007 is not among",
    ),
    (
        "episode-ending-unknown",
        at("episodes", 1, "ending", "dropped out"),
        "episode 2, ending: 'dropped out' is not one of planned, unplanned",
    ),
]


@pytest.mark.parametrize(("edit", "message"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_a_crafted_bundle_is_refused_with_its_record_and_field(
    source: tuple[Path, Bundle], tmp_path: Path, edit: Edit, message: str
) -> None:
    bundle = copy.deepcopy(source[1])
    edit(bundle)
    errors = import_or_refuse(tmp_path / "target.db", json.dumps(bundle), tmp_path)
    assert any(message in error for error in errors), errors


TEXTS: list[tuple[str, Callable[[str], str], str]] = [
    (
        "deeply-nested",
        lambda t: t.replace('"note": ""', '"note": ' + "[" * 100_000 + "]" * 100_000),
        "bundle: the file is too deeply nested",
    ),
    (
        "a-key-twice",
        lambda t: t.replace('"note": ""', '"note": "kept?", "note": ""'),
        "bundle: the key 'note' appears twice",
    ),
    (
        "session-nan",
        lambda t: t.replace('"session": 1,', '"session": NaN,', 1),
        f"{ANA_FIRST}, session: NaN is not an integer",
    ),
]


@pytest.mark.parametrize(("change", "message"), [c[1:] for c in TEXTS], ids=[c[0] for c in TEXTS])
def test_a_crafted_bundle_text_is_refused_in_one_line(
    source: tuple[Path, Bundle], tmp_path: Path, change: Callable[[str], str], message: str
) -> None:
    text = json.dumps(source[1])
    assert change(text) != text
    errors = import_or_refuse(tmp_path / "target.db", change(text), tmp_path)
    assert any(error.startswith(message) for error in errors), errors


def test_the_command_says_what_is_wrong_in_one_line_each_and_writes_nothing(
    source: tuple[Path, Bundle], tmp_path: Path
) -> None:
    db = tmp_path / "target.db"
    copy_db(source[0], db)
    before = snapshot(db)
    bundle = copy.deepcopy(source[1])
    bundle["administrations"][2]["updated_at"] = "2026-01-01"
    bundle["administrations"][3]["note"] = "\x1b[2J"
    nested = tmp_path / "nested.json"
    nested.write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    naive = tmp_path / "naive.json"
    naive.write_text(json.dumps(bundle), encoding="utf-8")
    for path, said in (
        (nested, "srs-tui: bundle: the file is too deeply nested to be a bundle"),
        (naive, "srs-tui: administration 3, updated_at: '2026-01-01' has no offset"),
    ):
        result = run_cli("--db", str(db), "import", str(path), home=tmp_path)
        assert result.returncode == 1
        assert said in result.stderr.splitlines()
        assert "Traceback" not in result.stderr
        assert "\x1b" not in result.stderr
    assert snapshot(db) == before


def test_a_session_already_stored_under_another_id_is_known_by_its_time(
    source: tuple[Path, Bundle], tmp_path: Path
) -> None:
    db = tmp_path / "target.db"
    copy_db(source[0], db)
    bundle = copy.deepcopy(source[1])
    bundle["administrations"][0]["id"] = "00000000-0000-4000-8000-000000000001"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with Store.open(db) as store:
        plan = plan_file(store, path, NOW)
    # The same client, time, measure and rater is the same session, whatever its id.
    assert plan.errors == []
    assert plan.sessions == []
    assert f"{ANA_FIRST}: that session is already there" in plan.duplicates


def test_what_the_app_itself_stores_is_accepted_and_times_are_written_as_the_store_does(
    source: tuple[Path, Bundle], tmp_path: Path
) -> None:
    bundle = copy.deepcopy(source[1])
    first = bundle["administrations"][0]
    first["updated_at"] = "2026-11-03T10:00:00.123456Z"  # another writer's precision and zone
    first["note"] = "tab\tnewline\nand a Windows line end\r\n[bold]\u202e"
    bundle["clients"][0]["display_name"] = None
    assert import_or_refuse(tmp_path / "target.db", json.dumps(bundle), tmp_path) == []
    with Store.open(tmp_path / "target.db") as store:
        stored = store.administration(first["id"])
    assert stored.updated_at.isoformat() == "2026-11-03T10:00:00+00:00"
    # Line ends are made LF on the way in, as the app does with a typed note.
    assert stored.note == first["note"].replace("\r\n", "\n")


def test_importing_a_bundle_twice_adds_nothing_and_says_so(
    source: tuple[Path, Bundle], tmp_path: Path
) -> None:
    db = tmp_path / "target.db"
    copy_db(source[0], db)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(source[1]), encoding="utf-8")
    with Store.open(db) as store:
        plan = plan_file(store, path, NOW)
    assert (plan.errors, plan.clients, plan.sessions) == ([], [], [])
    assert len(plan.duplicates) == sum(
        len(source[1][part]) for part in ("clients", "episodes", "administrations")
    )


def test_many_errors_are_listed_up_to_a_limit(source: tuple[Path, Bundle], tmp_path: Path) -> None:
    bundle = copy.deepcopy(source[1])
    for record in bundle["administrations"]:
        record.update(note=None, session="1", mode="video", setting=None, created_at="2026")
    errors = import_or_refuse(tmp_path / "target.db", json.dumps(bundle), tmp_path)
    assert len(errors) == 21
    assert errors[-1] == "... and more; fix these first."


# Dates without an offset: the local offset of that date, never an exception.


class _Windows(datetime):
    """A date as Windows' C library treats it before 1970: astimezone() raises OSError."""

    def astimezone(self, tz: Any = None) -> datetime:  # noqa: ARG002
        raise OSError(22, "Invalid argument")


def test_a_date_without_an_offset_gets_todays_offset_where_the_platform_cannot_say() -> None:
    from srs_tui.details import local_moment

    moment = local_moment(_Windows(1965, 3, 1, 12, 0))
    assert (moment.year, moment.hour) == (1965, 12)
    assert moment.utcoffset() == datetime.now().astimezone().utcoffset()
    far = local_moment(datetime(1, 1, 1))  # no platform converts this one
    assert far.tzinfo is not None


def test_a_csv_date_before_2000_is_refused_and_a_plain_date_is_read_as_local(store: Store) -> None:
    header = "client,date,relationship,goals,approach,overall\n"
    plan = plan_csv(store, header + "Ana,1965-03-01,9,9,9,9\n", NOW)
    assert plan.errors == ["line 2, date: 1965-03-01 is before 2000; check the year"]
    plan = plan_csv(store, header + "Ana,2026-11-03,9,9,9,9\n", NOW)
    assert plan.errors == []
    apply(store, plan)
    ana = store.find_client("Ana")
    assert ana is not None
    (stored,) = store.history(ana.id)
    # A date alone is a paper record without a time: midday, local time, as the dialog reads it.
    assert stored.administered_at == datetime(2026, 11, 3, 12).astimezone()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("{00000000-0000-4000-8000-000000000001},1", "is not an id like"),
    ],
    ids=["braced-client-id"],
)
def test_a_csv_client_id_and_session_are_checked_like_a_bundles(
    store: Store, cells: str, message: str
) -> None:
    header = "client_id,session,client,date,relationship,goals,approach,overall"
    text = f"{header}\n{cells},Ana,2026-11-03,9,9,9,9\n"
    plan = plan_csv(store, text, NOW)
    assert any(message in error for error in plan.errors), plan.errors
