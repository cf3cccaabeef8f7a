"""The history's opening does not grow with the sessions beyond what is on the screen: the
same widgets, the rows drawn only as seen, the charts drawn once, the episode read at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from benchmarks.data import build

from conftest import NOW, build_app
from srs_tui.measures import MEASURES, ORS, Scores
from srs_tui.screens.history import HistoryScreen, NotedAlerts
from srs_tui.screens.history_charts import HistoryCharts
from srs_tui.screens.session_table import TableRow
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable
from srs_tui.widgets.trend_chart import SiblingChart, TrendChart

SIZE = (120, 40)


async def _opened(db: Path, client_id: str, check: object) -> None:
    """Open the client's history on the app's first screen, then run check(screen)."""
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        with Store.open(db) as store:
            client = store.client(client_id)
        app.push_screen(HistoryScreen(app.ctx, client))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert callable(check)
        await check(screen, pilot)


def _widgets(screen: HistoryScreen) -> list[str]:
    return sorted(type(node).__name__ for node in screen.walk_children())


async def test_a_long_history_has_the_widgets_of_a_short_one(tmp_path: Path) -> None:
    found: dict[int, list[str]] = {}
    for sessions in (20, 200):
        db = tmp_path / f"{sessions}.db"
        (client_id,) = build(db, 1, sessions, NOW)

        async def check(screen: HistoryScreen, _pilot: object, sessions: int = sessions) -> None:
            assert len(screen.history) == sessions
            found[sessions] = _widgets(screen)
            # The item charts wait until the items are first shown.
            assert not screen.query(".chart-items")

        await _opened(db, client_id, check)
    assert found[20] == found[200]


async def test_the_items_are_mounted_when_first_shown(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    (client_id,) = build(db, 1, 20, NOW)

    async def check(screen: HistoryScreen, pilot: object) -> None:
        from textual.pilot import Pilot

        assert isinstance(pilot, Pilot)
        await pilot.press("i")
        await pilot.pause()
        ors_items = screen.query_one("#items-ORS")
        assert ors_items.display
        assert len(ors_items.query(TrendChart)) == len(MEASURES["ORS"].items)
        assert not any(chart.display for chart in screen.query_one(HistoryCharts).total_charts())
        await pilot.press("i")
        await pilot.pause()
        assert not ors_items.display
        assert screen.query_one("#items-SRS").display
        await pilot.press("i")
        await pilot.pause()
        assert all(chart.display for chart in screen.query_one(HistoryCharts).total_charts())
        assert not any(grid.display for grid in screen.query(".chart-items"))

    await _opened(db, client_id, check)


async def test_only_the_rows_in_sight_are_built(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    (client_id,) = build(db, 1, 200, NOW)

    async def check(screen: HistoryScreen, _pilot: object) -> None:
        table = screen.query_one("#sessions", RowTable)
        assert table.row_count == 200
        rows = [row for row in table.rows if isinstance(row, TableRow)]
        assert len(rows) == 200
        built = [row for row in rows if "cells" in vars(row)]
        # The rows drawn, at most a table's height of them, not the 200 it holds.
        assert 0 < len(built) <= table.size.height

    await _opened(db, client_id, check)


async def test_each_chart_is_drawn_once_until_it_changes(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    (client_id,) = build(db, 1, 200, NOW)

    async def check(screen: HistoryScreen, pilot: object) -> None:
        from textual.pilot import Pilot

        assert isinstance(pilot, Pilot)
        chart = screen.query_one("#chart-ORS", TrendChart)
        width, height = chart.content_size
        drawn = [chart.render_line(y) for y in range(height)]
        # What the line API draws is what the chart's Text says, line by line.
        assert [strip.text.ljust(width) for strip in drawn] == [
            line.plain.ljust(width) for line in chart.render().split("\n")
        ]
        # Drawn again from what was kept: the same strips, not new ones.
        assert all(chart.render_line(y) is drawn[y] for y in range(height))
        chart.points = chart.points[:-1]
        await pilot.pause()
        assert chart.render_line(height - 2) is not drawn[height - 2]

    await _opened(db, client_id, check)


def test_an_episode_is_read_in_one_query_whatever_its_length(tmp_path: Path) -> None:
    counts = {}
    for sessions in (20, 200):
        db = tmp_path / f"{sessions}.db"
        (client_id,) = build(db, 1, sessions, NOW)
        with Store.open(db) as store:
            (episode,) = store.episodes(client_id)
            statements: list[str] = []
            store._conn.set_trace_callback(statements.append)
            series = store.episode_history(client_id, episode.id)
            store._conn.set_trace_callback(None)
            counts[sessions] = len(statements)
            assert {name: len(given) for name, given in series.items()} == {
                "ORS": sessions,
                "SRS": sessions,
            }
    assert counts[20] == counts[200] == 1


def test_an_episode_read_at_once_is_each_measure_read_alone(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with Store.open(db) as store:
        ana = store.add_client("Ana", now=NOW)
        bo = store.add_client("Bo", now=NOW)
        for day in range(3):
            at = NOW - timedelta(days=3 - day)
            store.record(
                ana.id, Scores(ORS.name, (50, 60, 70, 80 + day)), administered_at=at, mode="oral",
                setting="telehealth", now=NOW,
            )  # fmt: skip
            store.record(
                ana.id, Scores.srs(90, 90, 90, 90 - day), administered_at=at, mode="oral",
                setting="telehealth", now=NOW,
            )  # fmt: skip
            # Another rater's and another client's ratings are not the client's own history.
            store.record(
                ana.id, Scores(ORS.name, (10, 10, 10, 10)), administered_at=at, mode="oral",
                setting="telehealth", now=NOW, rater="parent",
            )  # fmt: skip
            store.record(
                bo.id, Scores.srs(80, 80, 80, 80), administered_at=at, mode="oral",
                setting="telehealth", now=NOW,
            )  # fmt: skip
        (episode,) = store.episodes(ana.id)
        series = store.episode_history(ana.id, episode.id)
        for name in MEASURES:
            assert series[name] == store.history(ana.id, measure=name, episode_id=episode.id)
        assert [a.session for a in series["ORS"]] == [1, 2, 3]


async def test_the_second_chart_draws_in_the_first_ones_colours(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    (client_id,) = build(db, 1, 20, NOW)

    async def check(screen: HistoryScreen, pilot: object) -> None:
        from textual.pilot import Pilot

        assert isinstance(pilot, Pilot)
        ors = screen.query_one("#chart-ORS", TrendChart)
        srs = screen.query_one("#chart-SRS", TrendChart)
        # Its component styles are not resolved a second time: it takes the first chart's.
        assert isinstance(srs, SiblingChart)
        assert srs.styles_from() is ors
        assert not type(srs)._get_component_classes()

        def axis(chart: TrendChart) -> list[object]:
            return [segment.style.color for segment in chart.render_line(2) if segment.style]

        before = axis(srs)
        screen.app.theme = "textual-light"
        await pilot.pause()
        # A new theme reaches both charts: the second one is drawn again, in the new colours.
        assert axis(srs) != before
        assert axis(srs)[0] == axis(ors)[0]

    await _opened(db, client_id, check)


def _styles_of(screen: HistoryScreen) -> list[tuple[str, dict[str, object], list[object]]]:
    """Every widget's rules from the stylesheet and its component classes' rules."""
    found = []
    for node in screen.walk_children(with_self=True):
        components = [
            (name, dict(node._component_styles[name]._base_styles._rules))
            for name in sorted(node._component_styles)
        ]
        found.append((repr(node), dict(node._css_styles._rules), components))
    return found


async def test_a_history_opened_again_is_styled_and_drawn_as_the_first(tmp_path: Path) -> None:
    # The second opening finds every widget class's CSS in the stylesheet and keeps the
    # styles given as its widgets were mounted (the first one styles them all again).
    db = tmp_path / "h.db"
    (client_id,) = build(db, 1, 30, NOW)
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        client = app.ctx.store.client(client_id)
        drawn = []
        for _ in range(2):
            await app.push_screen(HistoryScreen(app.ctx, client))
            await pilot.pause()
            drawn.append(app.export_screenshot())
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            kept = _styles_of(screen)
            app.stylesheet.update_nodes(screen.walk_children(with_self=True), animate=False)
            assert _styles_of(screen) == kept
            app.pop_screen()
            await pilot.pause()
        assert drawn[0] == drawn[1]


async def test_the_alerts_panel_scrolls_its_whole_text_and_follows_a_theme(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    (client_id,) = build(db, 1, 200, NOW)
    app = build_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.push_screen(HistoryScreen(app.ctx, app.ctx.store.client(client_id)))
        await pilot.pause()
        panel = app.screen.query_one(NotedAlerts)
        # The text is taller than the panel: it scrolls, as far as its last line and no more.
        width = panel.scrollable_content_region.width
        lines = [strip.text.rstrip() for strip in panel._drawn(width)]
        assert panel.virtual_size.height == len(lines) > panel.scrollable_content_region.height
        assert panel.show_vertical_scrollbar
        assert lines[0].startswith("Note, session 200: ")
        panel.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        shown = [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]
        assert any(line.strip() == lines[-1] for line in shown)
        # A new theme: the lines kept are drawn again, in its colours.
        before = list(panel.render_line(0))
        app.theme = "textual-light"
        await pilot.pause()
        after = list(panel.render_line(0))
        assert after != before
        panel._lines = None
        assert list(panel.render_line(0)) == after
