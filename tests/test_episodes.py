"""Episodes of care in the app: ending one, stepping between them, what the caseload shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import RadioSet

from conftest import NOW, SKIP_ORS, build_app, frozen_clock, screen_text
from srs_tui.app import SrsApp, make_app
from srs_tui.measures import Scores
from srs_tui.screens.caseload import CaseloadScreen
from srs_tui.screens.client_history import ClientHistoryScreen
from srs_tui.screens.end_episode import EndEpisodeScreen
from srs_tui.screens.feedback import FeedbackScreen
from srs_tui.screens.history import HistoryScreen
from srs_tui.screens.rate import RateScreen
from srs_tui.store import Store
from srs_tui.widgets.row_table import RowTable

SIZE = (100, 30)
WEEK = timedelta(days=7)


class Clock:
    """A clock that moves only when a test moves it (a rating saved after the ending)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def even(total: int) -> Scores:
    """A total in tenths as four items as even as possible."""
    base, extra = divmod(total, 4)
    return Scores.srs(*(base + (1 if i < extra else 0) for i in range(4)))


def record(store: Store, client_id: str, total: int, at: datetime) -> None:
    store.record(
        client_id, even(total), administered_at=at, mode="oral", setting="telehealth", now=at
    )


def seed_ana(db_path: Path, totals: list[int]) -> str:
    """Ana, with one weekly session for each total, the last a week before NOW; her id."""
    with Store.open(db_path) as store:
        start = NOW - WEEK * (len(totals) + 1)
        ana = store.add_client("Ana", now=start)
        for week, total in enumerate(totals, start=1):
            record(store, ana.id, total, start + WEEK * week)
        return ana.id


def seed_two_episodes(db_path: Path) -> str:
    """Ana: episode 1 falling (a drop at its end), ended unplanned; episode 2 one session,
    lower than the first episode's last (a drop, were the episodes judged together)."""
    with Store.open(db_path) as store:
        start = NOW - WEEK * 10
        ana = store.add_client("Ana", now=start)
        for week, total in enumerate((390, 385, 360), start=1):
            record(store, ana.id, total, start + WEEK * week)
        store.close_episode(ana.id, "unplanned", at=start + WEEK * 4)
        record(store, ana.id, 370, start + WEEK * 8)
        return ana.id


def table_sessions(app: SrsApp) -> list[str]:
    """The session numbers in the history's table, top row first."""
    table = app.screen.query_one("#sessions", RowTable)
    return [str(row.cells[0]) for row in table.rows]


async def open_history(app: SrsApp, pilot: object) -> HistoryScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


async def test_ending_an_episode_planned_shows_it_ended_and_stores_it(db_path: Path) -> None:
    client_id = seed_ana(db_path, [380, 370, 365])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(app, pilot)
        assert "episode" not in screen_text(app).splitlines()[1]  # one open episode: not said
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EndEpisodeScreen)
        text = screen_text(app)
        assert "End this episode of care" in text
        assert "Ana: episode 1, since 2026-11-03, 3 sessions" in text
        # It ends where the care did: at the last session, a week ago, not today.
        assert "It ends at its last session, 2026-11-24" in " ".join(text.split())
        await pilot.click("#end")  # no ending chosen yet: asks for one, ends nothing
        await pilot.pause()
        assert isinstance(app.screen, EndEpisodeScreen)
        assert "Choose planned or unplanned first." in screen_text(app)
        app.screen.query_one("#ending", RadioSet).focus()
        await pilot.press("enter")  # the first choice: planned
        await pilot.click("#end")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        assert "Ana  ·  episode 1 · ended 2026-11-24, planned  ·  3 sessions" in text
        assert table_sessions(app) == ["3", "2", "1"]  # the ended episode, still shown
        assert any("Episode ended (planned)" in n.message for n in app._notifications)
        await pilot.press("E")  # nothing open to end any more
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    with Store.open(db_path) as store:
        (episode,) = store.episodes(client_id)
        assert episode.ending == "planned"
        assert episode.closed_at == NOW - WEEK  # the last session's moment
        assert store.next_session(client_id) == 1


async def test_escape_in_the_end_dialog_changes_nothing(db_path: Path) -> None:
    client_id = seed_ana(db_path, [380, 370])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EndEpisodeScreen)
        app.screen.query_one("#ending", RadioSet).focus()
        await pilot.press("down", "enter")  # unplanned chosen, then
        await pilot.press("escape")  # not confirmed
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "ended" not in screen_text(app)
    with Store.open(db_path) as store:
        (episode,) = store.episodes(client_id)
        assert episode.closed_at is None
        assert episode.ending is None


async def test_stepping_between_episodes_shows_each_judged_on_its_own(db_path: Path) -> None:
    seed_two_episodes(db_path)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(app, pilot)
        text = screen_text(app)
        assert "Ana  ·  episode 2 of 2 · since 2026-11-17  ·  1 session" in text
        assert "[ ] Episodes" in text.splitlines()[-1]
        assert table_sessions(app) == ["1"]
        # 37.0 after the first episode's 38.5 would be a drop; in its own episode it is a start.
        assert "drop" not in text
        assert "No alerts in this episode." in text

        await pilot.press("left_square_bracket")
        await pilot.pause()
        text = screen_text(app)
        assert "Ana  ·  episode 1 of 2 · ended 2026-10-20, unplanned  ·  3 sessions" in text
        assert table_sessions(app) == ["3", "2", "1"]
        assert "drop" in text  # 36.0 after 38.5

        await pilot.press("left_square_bracket")  # no episode before the first: stays
        await pilot.pause()
        assert "episode 1 of 2" in screen_text(app)

        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "episode 2 of 2" in screen_text(app)
        assert table_sessions(app) == ["1"]


async def test_the_episode_keys_are_shown_only_for_more_than_one_episode(db_path: Path) -> None:
    seed_ana(db_path, [380])
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(app, pilot)
        assert "Episodes" not in screen_text(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert table_sessions(app) == ["1"]


async def test_a_rating_after_the_end_is_session_1_of_episode_2(db_path: Path) -> None:
    client_id = seed_ana(db_path, [380, 370, 365])
    clock = Clock(NOW)
    app = make_app(db_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        app.screen.query_one("#ending", RadioSet).focus()
        await pilot.press("enter")
        await pilot.click("#end")
        await pilot.pause()
        clock.now = NOW + timedelta(minutes=5)
        await pilot.press("r", SKIP_ORS)
        await pilot.pause()
        assert isinstance(app.screen, RateScreen)
        assert "Ana  ·  session 1  ·  2026-12-01 14:10" in screen_text(app)
        await pilot.press("9", "enter", "9", "enter", "9", "enter", "9", "enter", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert "session 1" in screen_text(app)
        await pilot.press("ctrl+s")  # done: back to the history
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        assert "Ana  ·  episode 2 of 2 · since 2026-12-01  ·  1 session" in text
        assert table_sessions(app) == ["1"]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert table_sessions(app) == ["3", "2", "1"]  # the first episode is kept whole
    with Store.open(db_path) as store:
        first, second = store.episodes(client_id)
        assert (first.ending, first.sessions) == ("planned", 3)
        assert second.closed_at is None
        (saved,) = store.history(client_id)
        assert (saved.session, saved.episode_id, saved.scores.total) == (1, second.id, 360)


async def test_the_caseload_shows_an_ended_episode_and_does_not_count_its_alerts(
    db_path: Path,
) -> None:
    with Store.open(db_path) as store:
        start = NOW - WEEK * 4
        for alias in ("Ana", "Ben"):
            client = store.add_client(alias, now=start)
            for week, total in enumerate((380, 330), start=1):  # a drop, below the cutoff
                record(store, client.id, total, start + WEEK * week)
        ana = store.find_client("Ana")
        assert ana is not None
        store.close_episode(ana.id, "planned", at=NOW - timedelta(days=1))
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
        text = screen_text(app)
        assert "2 clients  ·  ▲ 1 client needs attention" in text
        rows = [line for line in text.splitlines() if line.startswith((" Ana", " Ben"))]
        # Ben, still in care, first; Ana's ended episode after him, without its alerts.
        assert rows[0].startswith(" Ben")
        assert "▲" in rows[0]
        assert rows[1].startswith(" Ana")
        assert "episode ended" in rows[1]
        assert "▲" not in rows[1]
        assert "▼33.0" in rows[1]  # the last total stays in view


async def test_the_end_key_does_nothing_while_sharing(db_path: Path) -> None:
    client_id = seed_ana(db_path, [380, 370])
    app = make_app(db_path, client_alias="Ana", clock=frozen_clock, share=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")  # the rating screen's history: the client's own
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert "SHARING" in screen_text(app)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        assert not any(isinstance(s, EndEpisodeScreen) for s in app.screen_stack)
    with Store.open(db_path) as store:
        (episode,) = store.episodes(client_id)
        assert episode.closed_at is None


async def test_sharing_hides_how_an_episode_ended(db_path: Path) -> None:
    client_id = seed_ana(db_path, [380, 370])
    with Store.open(db_path) as store:
        store.close_episode(client_id, "unplanned", at=NOW - timedelta(days=1))
    app = make_app(db_path, client_alias="Ana", clock=frozen_clock, share=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ClientHistoryScreen)
        text = screen_text(app)
        assert "2 sessions" in text  # the ended episode's, the latest
        assert "unplanned" not in text
        assert "ended" not in text


def test_the_caseload_summary_says_when_the_current_episode_ended(store: Store) -> None:
    start = NOW - WEEK * 3
    ana = store.add_client("Ana", now=start)
    record(store, ana.id, 380, start + WEEK)
    record(store, ana.id, 330, start + WEEK * 2)
    (summary,) = store.clients()
    assert not summary.episode_closed
    store.close_episode(ana.id, "unplanned", at=NOW - timedelta(days=1))
    (summary,) = store.clients()
    assert summary.episode_closed
    assert summary.totals == (380, 330)  # the ended episode's
    assert store.next_session(ana.id) == 1  # the next one starts a new episode
    record(store, ana.id, 370, NOW)  # the client came back
    (summary,) = store.clients()
    assert not summary.episode_closed
    assert summary.totals == (370,)
    assert store.next_session(ana.id) == 2


def test_a_session_is_numbered_before_saving_as_its_episode_will_number_it(store: Store) -> None:
    start = NOW - WEEK * 4
    ana = store.add_client("Ana", now=start)
    record(store, ana.id, 380, start + WEEK)
    record(store, ana.id, 370, start + WEEK * 3)
    store.close_episode(ana.id, "planned", at=start + WEEK * 3 + timedelta(hours=1))
    assert store.next_session(ana.id) == 1
    assert store.place(ana.id, NOW) == (1, 0, None)
    # A paper form from inside the ended episode goes into it, before its last session.
    inside = start + WEEK * 2
    assert store.place(ana.id, inside) == (2, 1, start + WEEK * 3)
    record(store, ana.id, 375, inside)
    record(store, ana.id, 390, NOW)
    first, second = store.episodes(ana.id)
    assert [a.session for a in store.history(ana.id, episode_id=first.id)] == [1, 2, 3]
    assert [a.session for a in store.history(ana.id, episode_id=second.id)] == [1]


def test_a_session_saved_in_the_second_its_episode_ended_starts_the_next(tmp_path: Path) -> None:
    with Store.open(tmp_path / "srs.db") as store:
        ana = store.add_client("Ana", now=NOW - WEEK)
        store.record(ana.id, Scores.srs(90, 90, 90, 90), administered_at=NOW - WEEK / 2,
                     mode="oral", setting="telehealth", now=NOW)  # fmt: skip
        store.close_episode(ana.id, "planned", at=NOW)
        assert store.next_session(ana.id) == 1
        saved = store.record(ana.id, Scores.srs(80, 80, 80, 80), administered_at=NOW,
                             mode="oral", setting="telehealth", now=NOW)  # fmt: skip
        assert saved.session == 1
        assert len(store.episodes(ana.id)) == 2


def test_the_caseload_summary_reads_the_ors_of_the_current_episode_only(store: Store) -> None:
    start = NOW - WEEK * 6
    ana = store.add_client("Ana", now=start)

    def given(week: int, measure: str, item: int, rater: str = "client") -> None:
        store.record(
            ana.id,
            Scores(measure, (item,) * 4),
            administered_at=start + WEEK * week,
            mode="oral",
            setting="telehealth",
            now=NOW,
            rater=rater,
        )

    given(0, "ORS", 50)
    given(1, "SRS", 90)
    given(2, "ORS", 10, rater="parent")  # shown elsewhere, never judged as the client's
    given(3, "ORS", 60)
    (summary,) = store.clients()
    assert (summary.intake_session, summary.ors_session) == (1, 4)
    assert summary.intake == Scores("ORS", (50, 50, 50, 50))
    assert summary.ors_total == 240
    assert (summary.ors_form, summary.last_form, summary.last_total) == ("adult", "adult", 360)
    store.close_episode(ana.id, "planned", at=start + WEEK * 4)
    (summary,) = store.clients()
    assert summary.episode_closed
    assert (summary.intake_session, summary.ors_session) == (1, 4)  # the ended episode's
    given(5, "SRS", 95)  # the client came back: a new episode, no ORS in it yet
    (summary,) = store.clients()
    assert (summary.intake, summary.ors, summary.ors_session) == (None, None, 0)
    assert summary.totals == (380,)
