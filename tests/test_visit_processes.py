"""Two windows on one file giving the two halves of the same visits at the same moment: the
ORS in one process, the SRS in another. However their saves interleave, each visit is one
session holding both measures, never two half-sessions and never a lost rating."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from srs_tui.store import Store

CLIENTS = 25

# Each process waits for the start file, then saves its measure for every client as fast as
# it can: the two writers race client by client.
WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timezone
    from pathlib import Path
    from srs_tui.measures import Scores
    from srs_tui.store import Store

    db, measure, start, order = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]
    while not start.exists():
        time.sleep(0.001)
    with Store.open(db) as store:
        clients = [summary.client.id for summary in store.clients()]
        if order == "reversed":
            clients.reverse()
        for index, client_id in enumerate(clients):
            at = datetime(2026, 3, 2, 10, index % 50, tzinfo=timezone.utc)
            scores = Scores(measure, (50, 60, 70, 80))
            store.record(client_id, scores, administered_at=at, mode="oral",
                         setting="telehealth", now=at)
    """
)


def test_two_processes_giving_the_ors_and_the_srs_make_one_session_a_visit(
    tmp_path: Path,
) -> None:
    db = tmp_path / "srs.db"
    now = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with Store.open(db) as store:
        for index in range(CLIENTS):
            store.add_client(f"Client {index:02d} (fixture)", now=now)
    start = tmp_path / "start"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), measure, str(start), order],
            stderr=subprocess.PIPE,
            text=True,
        )
        for measure, order in (("ORS", "forward"), ("SRS", "reversed"))
    ]
    start.touch()
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors
    with Store.open(db) as store:
        for summary in store.clients():
            records = store.all_administrations(summary.client.id)
            assert sorted(r.measure for r in records) == ["ORS", "SRS"]
            assert len({r.session_id for r in records}) == 1, summary.client.alias
            assert {r.session for r in records} == {1}
