"""The caseload: list, add a client, open the rating screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseload_data import both_measures, seen
from conftest import NOW, SKIP_ORS, build_app, screen_text
from srs_tui.demo import DEMO_CLIENTS
from srs_tui.screens.add_client import AddClientScreen
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable

SIZE = (100, 36)


async def test_the_caseload_lists_the_demo_clients(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert f"{len(DEMO_CLIENTS)} clients" in text
        assert "Blake (demo)" in text
        assert "▼32.8" in text  # Blake's last total, below the cutoff


async def test_an_empty_caseload_says_how_to_start(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "No clients yet. Press  a  to add one." in text
        assert "srs-tui import FILE.csv --dry-run" in text


async def test_adding_a_client_shows_it_selected(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddClientScreen)
        await pilot.press(*"[bold]X-17")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        assert "[bold]X-17" in screen_text(app)
        assert "1 client" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == "[bold]X-17"


async def test_a_duplicate_alias_is_refused_in_the_dialog(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.press("a", *"ana", "enter")
        assert isinstance(app.screen, AddClientScreen)
        assert "A client with this alias already exists." in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.query_one(RowTable).row_count == 1


def rows(app: object) -> list[str]:
    """The aliases in the caseload table, top to bottom."""
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    table = app.screen.query_one("#clients", RowTable)
    return [table.row_text(index)[0] for index in range(table.row_count)]


async def test_r_opens_the_rating_screen_for_the_client_under_the_cursor(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        second = rows(app)[1]
        await pilot.press("down", "r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client.alias == second
        assert f"{second}  ·  session" in screen_text(app)


@pytest.mark.parametrize("key", ["enter", "h"])
async def test_enter_or_h_opens_the_history(demo_db: Path, key: str) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = rows(app)[0]
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.client.alias == first


async def test_most_urgent_first_with_the_reasons(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = rows(app)
        # Casey: reliably worse and a falling alliance; Blake: an alliance low and staying low;
        # Avery: recovered, no alerts that count.
        assert order.index("Blake (demo)") < order.index("Avery (demo)")
        assert set(order[:2]) == {"Casey (demo)", "Blake (demo)"}
        casey = next(line for line in screen_text(app).splitlines() if "Casey (demo)" in line)
        assert "ORS worse" in casey
        assert order[-1] == "Finley (demo)"  # no session yet
        text = screen_text(app)
        assert "need attention" in text
        blake = next(line for line in text.splitlines() if "Blake (demo)" in line)
        assert "▲ SRS low-run" in blake
        assert "<cutoff" in blake
        devon = next(line for line in text.splitlines() if "Devon (demo)" in line)
        assert "SRS rising" in devon.split("↑")[1]
        assert "<cutoff" not in devon


async def test_the_demo_shows_who_needs_attention_apart_from_what_is_worth_a_look(
    demo_db: Path,
) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        count = next(line for line in text.splitlines() if "11 clients" in line)
        assert " ".join(count.split()) == (
            "11 clients · ▲ 4 clients need attention · 1 not seen for 4+ weeks"
        )
        # Reliably worse; low and staying low; a drop below the cutoff; not on track by
        # session 7: those need attention, and come first.
        assert set(rows(app)[:4]) == {"Casey (demo)", "Blake (demo)", "Emery (demo)", "Kai (demo)"}
        cells = cells_of(app)
        # Worth a look only: a drop staying above the cutoff, one low item.
        assert cells["Harper (demo)"][-1] == "• ORS no-change, SRS dip"
        # Gray has not come back for five weeks after a low item: said in words, first.
        assert cells["Gray (demo)"][-1] == "not seen 5 weeks  • SRS item"
        assert cells["Devon (demo)"][-1] == "• SRS item  ↑ ORS better, SRS rising"
        assert rows(app)[4:7] == ["Harper (demo)", "Devon (demo)", "Gray (demo)"]
        # Good signs, and nothing at all.
        assert cells["Avery (demo)"][-1] == "↑ ORS recovered"
        assert cells["Robin (demo)"][-1] == "↑ ORS recovered"
        assert cells["Sky (demo)"][-1] == ""


async def test_typing_a_filter_narrows_the_list(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"ca")
        assert rows(app) == ["Casey (demo)"]
        assert "1 match the filter" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.client.alias == "Casey (demo)"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # clears the filter
        assert len(rows(app)) == len(DEMO_CLIENTS)


async def test_archive_hides_and_unarchive_brings_back(demo_db: Path) -> None:
    app = build_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = rows(app)[0]
        await pilot.press("x")
        await pilot.pause()
        assert first not in rows(app)
        assert f"{len(DEMO_CLIENTS) - 1} clients" in screen_text(app)
        await pilot.press("z")
        assert first in rows(app)
        assert "(archived shown)" in screen_text(app)
        app.screen.query_one("#clients", RowTable).move_cursor(row=rows(app).index(first))
        await pilot.press("x", "z")
        await pilot.pause()
        assert first in rows(app)
        assert f"{len(DEMO_CLIENTS)} clients" in screen_text(app)


async def test_after_saving_the_caseload_shows_the_new_total(db_path: Path) -> None:
    app = build_app(db_path, client="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(SKIP_ORS)
        for key in ("9", "enter", "8", "enter", "7", "enter", "1", "0", "enter", "ctrl+s"):
            await pilot.press(key)
        await pilot.pause()
        await pilot.press("ctrl+s")  # finish the feedback without a note
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert "▼34.0" in text
        assert "2026-12-01" in text


async def test_q_quits_from_the_caseload(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.fixture
def both_db(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        both_measures(store)
    return db_path


def cells_of(app: object) -> dict[str, list[str]]:
    """Each row's cells as a user reads them, by alias."""
    from srs_tui.app import SrsApp

    assert isinstance(app, SrsApp)
    table = app.screen.query_one("#clients", RowTable)
    return {table.row_text(index)[0]: table.row_text(index)[1:] for index in range(table.row_count)}


async def test_the_caseload_shows_both_measures_the_outcome_and_each_sides_alerts(
    both_db: Path,
) -> None:
    app = build_app(both_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert rows(app) == ["Cruz", "Ben", "Fay", "Lou", "Dee", "Eli", "Ana", "Ivy", "Gus"]
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Client" in line)
        assert " ".join(header.split()) == "Client Last ORS SRS SRS trend Outcome Alerts"
        assert "3 clients need attention" in text  # Cruz, Ben, Fay; Lou's low item is a note
        cells = cells_of(app)
        # Last, ORS, SRS, trend, outcome, alerts; ▼ marks a total below its form's cutoff.
        last, ors, srs, _, outcome, alerts = cells["Cruz"]
        assert (last, ors, srs, outcome) == ("2026-12-01", "▼18.0", "39.0", "deteriorated")
        assert alerts == "▲ ORS worse"
        assert cells["Ben"][4:] == ["unchanged", "▲ ORS off-track"]
        # SRS only: no ORS, no outcome; the alliance's alerts named as the SRS's.
        assert cells["Fay"][1:3] == ["–", "▼34.2"]
        assert cells["Fay"][4:] == ["", "▲ SRS <cutoff falling  • SRS item"]
        assert cells["Lou"][4:] == ["", "• SRS item"]
        # ORS only: a note, never counted.
        assert cells["Eli"][1:3] == ["34.5", "–"]
        assert cells["Eli"][4:] == ["", "• ORS high-in"]
        assert cells["Dee"][4:] == ["unchanged", "• ORS no-change"]
        assert cells["Ana"][1:3] == ["30.0", "39.0"]
        assert cells["Ana"][4:] == ["recovered", "↑ ORS recovered"]
        # The ended episode: its outcome, no call to act.
        assert cells["Gus"][4:] == ["deteriorated", "episode ended"]
        assert cells["Ivy"][:3] == ["no session", "–", "–"]
        cruz = next(line for line in text.splitlines() if line.startswith(" Cruz"))
        assert "▲ ORS worse" in cruz


async def test_at_80_columns_the_trend_gives_way_to_the_alerts(both_db: Path) -> None:
    app = build_app(both_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Client" in line)
        assert " ".join(header.split()) == "Client Last ORS SRS Outcome Alerts"
        fay = next(line for line in lines if line.startswith(" Fay"))
        assert "▲ SRS <cutoff falling" in fay
        assert all(len(line) <= 80 for line in lines)


async def test_at_80_columns_a_long_alias_leaves_room_for_the_alerts(db_path: Path) -> None:
    with Store.open(db_path) as store:
        seen(store, "Client code 2026-0417, second referral", [240, 180], [340, 330])
    app = build_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = next(line for line in screen_text(app).splitlines() if "Client code" in line)
        assert "…" in line  # the alias is cut short, and says so
        assert "▲ ORS worse, SRS" in line


async def test_an_archived_client_shows_with_both_measures_when_asked(both_db: Path) -> None:
    with Store.open(both_db) as store:
        cruz = store.find_client("Cruz")
        assert cruz is not None
        store.set_archived(cruz.id, True, now=NOW)
    app = build_app(both_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "Cruz" not in rows(app)
        assert "2 clients need attention" in screen_text(app)
        await pilot.press("z")
        await pilot.pause()
        assert rows(app)[0] == "Cruz"
        assert cells_of(app)["Cruz"][4:] == ["deteriorated", "archived  ▲ ORS worse"]
