"""The client's own history on a shared screen: their charts and values in their language;
no rule, alert, verdict, note, alias or other client."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from conftest import NOW, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.context import Share
from srs_tui.measures import Scores
from srs_tui.rules import RULE_SETS
from srs_tui.screens.client_history import ClientHistoryScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store
from srs_tui.widgets.key_bar import KeyBar
from srs_tui.widgets.share_banner import ShareBanner
from srs_tui.widgets.trend_chart import MARK_LOW, MARK_OK, TrendChart
from srs_tui.wording.ui import catalog, ui_words

SIZE = (100, 30)
WEEK = timedelta(weeks=1)
HOUR = timedelta(hours=1)
STALLED_ORS = [221, 230, 218, 225, 231, 226, 219]
STALLED_SRS = [372, 368, 359, 355, 361, 349, 352]
NOTE = "Talked about the move to Leeds"
MY_PARTS = ("history.", "chart.")


def seed(
    db_path: Path,
    alias: str,
    ors: list[int],
    srs: list[int],
    *,
    age_band: str = "adult",
    language: str = "en",
) -> None:
    """A client with one session a week, the ORS at its start and the SRS at its end (a list
    may be shorter: that measure was not given in the later sessions); a note on each."""
    with Store.open(db_path) as store:
        weeks = max(len(ors), len(srs))
        start = NOW - WEEK * (weeks + 1)
        client = store.add_client(alias, now=start, age_band=age_band, language=language)
        for week in range(1, weeks + 1):
            at = start + WEEK * week
            given = []
            if week <= len(ors):
                given.append(("ORS", ors[week - 1], at))
            if week <= len(srs):
                given.append(("SRS", srs[week - 1], at + HOUR))
            for measure, total, when in given:
                base, extra = divmod(total, 4)
                values = tuple(base + (1 if i < extra else 0) for i in range(4))
                store.record(
                    client.id,
                    Scores(measure, values),
                    administered_at=when,
                    mode="oral",
                    setting="telehealth",
                    note=NOTE,
                    now=when,
                )


async def client_history(app: SrsApp, pilot: Pilot[None], alias: str) -> ClientHistoryScreen:
    """The client's own history, shared under the name "B.", over the app's first screen."""
    await pilot.pause()
    client = app.ctx.store.find_client(alias)
    assert client is not None
    await app.push_screen(ClientHistoryScreen(app.ctx, client, Share(client.id, "B.")))
    await pilot.pause()
    assert isinstance(app.screen, ClientHistoryScreen)
    return app.screen


def chart_text(screen: ClientHistoryScreen, measure: str) -> str:
    return screen.query_one(f"#chart-{measure}", TrendChart).render().plain


def markers(text: str) -> int:
    """The sessions' markers on a chart (its title, the first line, says what ▼ means)."""
    plot = text.partition("\n")[2]
    return plot.count(MARK_OK) + plot.count(MARK_LOW)


def rule_words() -> list[str]:
    """Every rule's id and title, from the registries."""
    return [word for rules in RULE_SETS.values() for r in rules.rules for word in (r.id, r.title)]


async def test_the_clients_history_shows_their_charts_and_values_and_nothing_of_the_therapists(
    db_path: Path,
) -> None:
    seed(db_path, "Ana Example", [300, 310], [380, 390])
    seed(db_path, "Ben Example", STALLED_ORS, STALLED_SRS)
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Ben Example")
        text = screen_text(app)
        assert "SHARING" in text
        assert "B.  ·  7 sessions  ·  ORS 21.9  ·  SRS 35.2  ·  last 2026-11-24" in text
        assert "ORS, 0 to 40" in text
        assert "SRS, 0 to 40" in text
        assert markers(chart_text(screen, "ORS")) == 7
        assert markers(chart_text(screen, "SRS")) == 7
        # The values, one row a session, newest first.
        assert re.search(r"7 +2026-11-24 +21\.9 +35\.2", text)
        assert re.search(r"1 +2026-10-13 +22\.1 +37\.2", text)
        # The ORS's line says what it is; the SRS's cutoff is the therapist's alert threshold.
        assert "clinical cutoff 25" in chart_text(screen, "ORS")
        assert "cutoff" not in chart_text(screen, "SRS")
        assert "┄" not in chart_text(screen, "SRS")
        assert MARK_LOW not in chart_text(screen, "SRS")
        assert "▼ below 25" in chart_text(screen, "ORS")  # what the ORS's marks mean
        assert text.count("cutoff") == 1
        for hidden in ("Example", "Ana", NOTE, "Leeds", "outcome", "reliable", "recovered"):
            assert hidden not in text, hidden
        for word in rule_words():
            assert word not in text, word
        # Only the client's keys, none of the therapist's.
        keys = [cell.description for cell in screen.query_one(KeyBar).shown_keys()]
        assert keys == ["Rate", "Items/total", "Back"]


async def test_the_items_are_the_clients_own_words_with_no_prompt_line(db_path: Path) -> None:
    seed(db_path, "Ben", STALLED_ORS, STALLED_SRS)
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Ben")
        client = screen.client
        await pilot.press("i", "i")  # the ORS's items, then the SRS's
        await pilot.pause()
        from srs_tui.measures import SRS

        words = app.ctx.wording(client, SRS)
        text = screen_text(app)
        for item in words.items:
            assert f"SRS · {item.label}, 0 to 10" in text
        assert "prompt" not in text
        assert "┄" not in text
        await pilot.press("i")
        await pilot.pause()
        assert "SRS, 0 to 40" in screen_text(app)


def english_words() -> set[str]:
    """The words of this screen's catalogs in English that Spanish never uses."""
    english, spanish = catalog("en"), catalog("es")

    def words(texts: dict[str, str]) -> set[str]:
        found: set[str] = set()
        for key, text in texts.items():
            if key.startswith(MY_PARTS):
                found |= set(re.findall(r"(?<![{\w])[A-Za-z]{3,}(?![}\w])", text))
        return found

    return words(english) - words(spanish)


async def test_a_spanish_speaking_client_reads_no_english(db_path: Path) -> None:
    seed(db_path, "Ben", STALLED_ORS, STALLED_SRS, language="es")
    app = make_app(db_path, clock=frozen_clock)
    english = english_words()
    assert {"cutoff", "sessions", "Rate", "Back", "last"} <= english
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Ben")
        assert "corte clínico 25" in chart_text(screen, "ORS")
        seen = [screen_text(app)]
        for _ in range(2):
            await pilot.press("i")
            await pilot.pause()
            seen.append(screen_text(app))
        text = "\n".join(seen)
        assert "COMPARTIENDO" in text
        assert "7 sesiones" in text
        assert "ORS, de 0 a 40" in text
        keys = [cell.description for cell in screen.query_one(KeyBar).shown_keys()]
        assert keys == ["Puntuar", "Ítems/total", "Volver"]
        for word in english:
            assert not re.search(rf"\b{word}\b", text), word


async def test_back_at_the_base_of_the_clients_screens_says_so_in_their_language(
    db_path: Path,
) -> None:
    seed(db_path, "Ben", [300], [380], language="es")
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        client = app.ctx.store.find_client("Ben")
        assert client is not None
        # The base of a screen stack of its own, as share mode holds it.
        app.add_mode("client", lambda: ClientHistoryScreen(app.ctx, client, Share(client.id)))
        await app.switch_mode("client")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClientHistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        shown = [str(notification.message) for notification in app._notifications]
        assert shown == [ui_words("es")("share.nothing_back")]


async def test_back_over_another_screen_closes_the_history(db_path: Path) -> None:
    seed(db_path, "Ben", [300], [380])
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Ben")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
        assert not isinstance(app.screen, ClientHistoryScreen)


async def test_r_rates_as_a_client_view(db_path: Path) -> None:
    seed(db_path, "Ben", [300], [380])
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Ben")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert app.screen.client_view
        assert app.screen.shared == screen.shared


async def test_a_name_chosen_for_sharing_is_shown_as_typed(db_path: Path) -> None:
    seed(db_path, "Ben Example", [300], [380])
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        client = app.ctx.store.find_client("Ben Example")
        assert client is not None
        await app.push_screen(ClientHistoryScreen(app.ctx, client, Share(client.id, "[b]B[/]")))
        await pilot.pause()
        assert "[b]B[/]  ·  1 session  ·" in screen_text(app)


async def test_a_young_child_has_no_cutoff_line(db_path: Path) -> None:
    seed(db_path, "Dan", [200, 240, 260], [300, 320, 350], age_band="young child")
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Dan")
        for measure in ("ORS", "SRS"):
            drawn = chart_text(screen, measure)
            assert markers(drawn) == 3
            assert "cutoff" not in drawn
            assert "┄" not in drawn
            assert MARK_LOW not in drawn
        assert "cutoff" not in screen_text(app)
        assert "▼" not in screen_text(app)


async def test_a_chart_only_for_a_measure_the_client_gave(db_path: Path) -> None:
    seed(db_path, "Ben", [], [380, 372])
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await client_history(app, pilot, "Ben")
        assert not screen.query_one("#chart-ORS", TrendChart).display
        assert screen.query_one("#chart-SRS", TrendChart).display
        text = screen_text(app)
        assert "ORS, 0 to 40" not in text
        assert "SRS, 0 to 40" in text
        assert "B.  ·  2 sessions  ·  SRS 37.2" in text


async def test_a_client_with_no_sessions_reads_a_kind_line(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_client("Eve Example", now=NOW)
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await client_history(app, pilot, "Eve Example")
        text = screen_text(app)
        assert "No sessions yet: your ratings will show here." in text
        assert "0 to 40" not in text
        assert "Eve" not in text
        assert "B." in text


async def test_an_unreadable_history_says_so_in_the_clients_language(db_path: Path) -> None:
    seed(db_path, "Ben", [300], [380], language="es")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE sessions SET note = CAST(? AS TEXT)", (b"private \xff words",))
    conn.commit()
    conn.close()
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await client_history(app, pilot, "Ben")
        shown = [str(notification.message) for notification in app._notifications]
        assert "Ahora mismo no se puede mostrar tu historial." in " ".join(shown)
        assert not any("private" in m or "database" in m for m in shown)
        assert "private" not in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36)])
async def test_at_every_size_the_banner_the_name_and_the_charts_are_seen(
    db_path: Path, size: tuple[int, int]
) -> None:
    seed(db_path, "Ben", STALLED_ORS, STALLED_SRS)
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=size) as pilot:
        screen = await client_history(app, pilot, "Ben")
        lines = screen_text(app).split("\n")
        assert "Your history" in lines[0]  # the Header
        assert "SHARING" in lines[1]
        assert lines[2].startswith(" B.  ·  7 sessions")
        parts = [
            screen.query_one(ShareBanner),
            screen.query_one("#client-history-info"),
            screen.query_one("#chart-ORS"),
            screen.query_one("#chart-SRS"),
            screen.query_one("#client-sessions"),
            screen.query_one(KeyBar),
        ]
        whole = screen.region
        for part in parts:
            assert part.region.height >= 1, part
            assert whole.contains_region(part.region), part
        for chart in ("ORS", "SRS"):
            assert screen.query_one(f"#chart-{chart}").region.height >= 9
            assert markers(chart_text(screen, chart)) == 7
        regions = [part.region for part in parts]
        for index, region in enumerate(regions):
            for other in regions[index + 1 :]:
                assert not region.overlaps(other), (region, other)


async def test_the_therapists_history_is_not_the_clients(db_path: Path) -> None:
    """The same client, in the therapist's history: the alerts and the outcome, in English."""
    seed(db_path, "Ben", STALLED_ORS, STALLED_SRS, language="es")
    app = make_app(db_path, clock=frozen_clock)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        client = app.ctx.store.find_client("Ben")
        assert client is not None
        await app.push_screen(HistoryScreen(app.ctx, client))
        await pilot.pause()
        text = screen_text(app)
        assert "outcome: unchanged" in text
        assert "cutoff 36" in text
        assert "SHARING" not in text
