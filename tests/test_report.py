"""The HTML report with both measures: what a therapist prints and may show the client."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from conftest import NOW, run_cli
from srs_tui.exchange.report import report_html, report_records
from srs_tui.measures import ORS, Scores
from srs_tui.rules import DEFAULT_PROFILES
from srs_tui.store import Store


def ors(total_each: int) -> Scores:
    return Scores.of(ORS, dict.fromkeys(ORS.keys, total_each))


def week(n: int) -> datetime:
    return NOW - timedelta(weeks=10 - n)


def seed(store: Store, alias: str, band: str, outcome: list[int]) -> str:
    """A client with an ORS (each item the value given) and an SRS every week."""
    client = store.add_client(alias, now=week(0), age_band=band)
    for n, value in enumerate(outcome, start=1):
        store.record(client.id, ors(value), administered_at=week(n), mode="oral",
                     setting="in-person", now=NOW)  # fmt: skip
        note = "<b>" if n == 2 else ""
        store.record(client.id, Scores.srs(90, 90, 90, 80), administered_at=week(n),
                     mode="oral", setting="in-person", now=NOW, note=note)  # fmt: skip
    return client.id


def report(store: Store, client_id: str) -> str:
    return report_html(
        store.client(client_id), report_records(store, client_id), DEFAULT_PROFILES, NOW
    )


def charts(html: str) -> dict[str, str]:
    return dict(re.findall(r'<svg[^>]*aria-label="(\w+) totals">(.*?)</svg>', html))


def test_both_measures_are_charted_with_the_cutoff_of_the_form_and_the_band(
    store: Store,
) -> None:
    html = report(store, seed(store, "Ana", "adult", [40, 45, 55, 60]))
    found = charts(html)
    assert list(found) == ["ORS", "SRS"]
    assert "cutoff 25.0" in found["ORS"]
    assert "cutoff 36.0" in found["SRS"]
    # The band of reliable change around the intake (16.0 +/- 5.0), on the ORS only.
    assert "intake 16.0 \u00b1 5.0" in found["ORS"]
    assert "<rect" in found["ORS"]
    assert "<rect" not in found["SRS"]
    # From 16.0 to 24.0: 8 points up, still below 25: improved, not recovered.
    assert "Episode outcome so far: <b>Improved</b>: intake 16.0 (session 1)" in html
    # The dates on the x axis, under the session numbers.
    assert week(1).strftime("%m-%d") in found["ORS"]


def test_a_child_has_the_child_cutoff_and_a_young_child_no_line(store: Store) -> None:
    child = charts(report(store, seed(store, "Kid", "child", [70, 72])))
    assert "cutoff 32.0" in child["ORS"]
    young = report(store, seed(store, "Tot", "young child", [70, 72]))
    found = charts(young)
    assert "cutoff" not in found["ORS"] + found["SRS"]
    assert "<rect" not in found["ORS"]
    assert "has no norms" in young


def test_the_table_has_both_totals_and_the_alerts_of_both_per_session(store: Store) -> None:
    html = report(store, seed(store, "Ana", "adult", [50, 35, 35]))
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert len(rows) == 3  # one per session
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[1])
    assert cells[:4] == ["2", week(2).strftime("%Y-%m-%d"), "▼ 14.0", "▼ 35.0"]
    # The ORS fell 6 points from intake: deterioration first, then the SRS's own alerts.
    assert cells[4].split()[0] == "reliable_deterioration"
    assert "below_cutoff" in cells[4].split()
    assert cells[5] == "&lt;b&gt;"


def test_another_raters_ratings_are_listed_apart_and_never_judged(store: Store) -> None:
    client_id = seed(store, "Kid", "child", [70, 60])
    store.record(client_id, ors(20), administered_at=week(2), rater="parent", mode="paper",
                 setting="in-person", now=NOW)  # fmt: skip
    html = report(store, client_id)
    assert len(re.findall(r"<tr>", html)) == 2
    (other,) = re.findall(r'<tr class="other">(.*?)</tr>', html)
    assert re.findall(r"<td[^>]*>(.*?)</td>", other)[2:] == ["parent", "ORS", "8.0"]


def test_the_report_command_writes_the_current_episode(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    with Store.open(db) as store:
        client_id = seed(store, "Ana", "adult", [40, 45])
        store.close_episode(client_id, "planned", at=week(3))
        store.record(client_id, ors(60), administered_at=week(5), mode="oral",
                     setting="in-person", now=NOW)  # fmt: skip
    out = tmp_path / "ana.html"
    done = run_cli("--db", str(db), "report", "--client", "Ana", "-o", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "1 sessions in this episode" in html
    assert "Intake 24.0 (session 1)" in html
    assert "SRS totals" not in html  # not given in this episode yet


def test_dates_across_a_new_year_say_the_year_where_it_changes(store: Store) -> None:
    client = store.add_client("Ana", now=NOW - timedelta(weeks=30), age_band="adult")
    start = datetime(2025, 11, 20, 10, 0, tzinfo=NOW.tzinfo)
    for n in range(8):  # 2025-11-20 to 2026-01-08
        store.record(client.id, ors(50 + n), administered_at=start + timedelta(weeks=n),
                     mode="oral", setting="in-person", now=NOW)  # fmt: skip
    chart = charts(report(store, client.id))["ORS"]
    labels = re.findall(r'fill="#555">([^<]+)</text>', chart)
    assert labels[0] == "11-20"
    years = re.findall(r'fill="#555" font-weight="bold">(\d{4})</text>', chart)
    assert years == ["2025", "2026"]

    # Each year under the first date of that year, the 20th of November and the 1st of January.
    def x_of(text: str) -> str:
        return re.search(rf'<text x="([\d.]+)"[^>]*>{text}</text>', chart)[1]  # type: ignore[index]

    assert x_of("2025") == x_of("11-20")
    assert x_of("2026") == x_of("01-01")


def test_dates_within_one_year_say_it_once(store: Store) -> None:
    chart = charts(report(store, seed(store, "Ana", "adult", [40, 45, 55, 60])))["ORS"]
    assert re.findall(r'font-weight="bold">(\d{4})</text>', chart) == [str(week(1).year)]
