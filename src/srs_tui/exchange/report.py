"""A client's report: one self-contained HTML file (no external resources), printable to PDF.

One episode of care (the current one unless another is named), every measure of it: a chart
of each on its fixed 0-to-40 axis, sessions placed by their number in the episode so that the
charts line up, the cutoff of the form drawn across (a form without norms draws none), and for
an outcome measure the band of reliable change around intake and the episode's outcome so far.
Then the sessions, both measures side by side, and the alerts with their reasons. Every
user-entered string is escaped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from srs_tui.measures import AGE_SPANS, CLIENT, MEASURES, OUTCOME, Measure, format_tenths
from srs_tui.rules import Alerts, Profile, Profiles
from srs_tui.rules.outcome import episode_outcome, rci
from srs_tui.store import engine
from srs_tui.store.copies import refuse_database_target
from srs_tui.store.erasure import REPORT_FOLDER, client_meta
from srs_tui.store.errors import StoreError
from srs_tui.store.paths import BACKUP_FOLDER
from srs_tui.store.records import Administration, Client
from srs_tui.store.store import Store

# The right margin holds the cutoff's label, beside its line, clear of the points.
# BOTTOM: the session numbers, their dates, and a row for the year under the first date of
# each year (a span from September into January must not read as one year).
WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM, TOP = 760, 252, 40, 80, 48, 10
LINE_COLOURS = {"ORS": "#047857", "SRS": "#1d4ed8"}
DEFAULT_COLOUR = "#1d4ed8"
CUTOFF_COLOUR = "#b45309"
STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; background: #fff;
       max-width: 60em; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin: 1.4em 0 0.3em; }
svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin-top: 0.6em; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: right;
         vertical-align: top; white-space: nowrap; }
th { background: #f3f4f6; }
th.text, td.text { text-align: left; }
td.date { white-space: nowrap; }
td.note { white-space: pre-wrap; min-width: 12em; max-width: 24em; }
table.items { display: inline-table; margin-right: 1.5em; vertical-align: top; }
.low { font-weight: bold; }
.muted { color: #555; }
.outcome { font-size: 1.05em; }
@page { margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; color: #000; background: #fff; font-size: 10.5pt; }
  th { background: #eee; }
  h1, h2 { break-after: avoid; }
  svg, tr, li, .outcome { break-inside: avoid; }
  thead { display: table-header-group; }
  td.note { max-width: 40em; }
}
"""

# Seconds the app waits for the browser to take the report; longer, it is taken as open.
BROWSER_WAIT = 15

NOTES_LEFT_OUT = '<p class="muted">Session notes are left out of this report.</p>'

# Said wherever a report is written from a vault: the one copy of the records it does not seal.
PLAIN_FILE_WARNING = (
    "A report is a plain HTML file, not encrypted: anyone who can open the file can read this "
    "client's records."
)


def _same_folder(one: Path, other: Path) -> bool:
    """The same folder however spelled (a link, another letter case), or by name if missing."""
    if os.path.normcase(os.path.abspath(one)) == os.path.normcase(os.path.abspath(other)):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:  # either is missing, and the names differ
        return False


def refuse_report_target(target: Path, db_path: Path) -> None:
    """Refuse a report's target that would write over the database or one of its files; and,
    for a vault, one in the folders srs-tui writes beside it (the database's own, its reports
    and backups), which hold nothing but ciphertext while the vault is on."""
    refuse_database_target(target, db_path)
    refuse_plain_target(target, db_path, "a report is plain HTML")


def refuse_plain_target(target: Path, db_path: Path, kind: str) -> None:
    """For a vault, refuse a plaintext file (kind: what it is, said in the refusal) in the
    folders srs-tui writes beside the database, which hold nothing but ciphertext."""
    if not engine.is_vault(db_path):
        return
    data = Path(os.path.abspath(db_path)).parent
    folder = Path(os.path.abspath(target)).parent
    if any(
        _same_folder(folder, kept) for kept in (data, data / REPORT_FOLDER, data / BACKUP_FOLDER)
    ):
        raise StoreError(
            f"{target}: that folder holds the vault, where srs-tui keeps nothing unencrypted, "
            f"and {kind}: choose a folder outside it."
        )


def open_in_browser(path: Path, *, detached: bool = False) -> bool:
    """Open the report in the default web browser (the BROWSER variable's, if set); False if
    none would. The address is the file's own, as named: no client data is put in it.

    detached: from a full-screen app, in a process of its own with no terminal: a browser's
    messages would be written over the app's screen, and a text browser would take it."""
    import webbrowser

    address = Path(os.path.abspath(path)).as_uri()
    if not detached:
        try:
            return webbrowser.open(address)
        except (webbrowser.Error, OSError):
            return False
    import subprocess
    import sys

    opener = "import sys, webbrowser; sys.exit(0 if webbrowser.open(sys.argv[1]) else 1)"
    try:
        done = subprocess.run(
            [sys.executable, "-c", opener, address],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            timeout=BROWSER_WAIT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return True  # a browser named by BROWSER is waited for while it runs: it is open
    except OSError:
        return False
    return done.returncode == 0


def report_records(
    store: Store, client_id: str, episode_id: str | None = None
) -> list[Administration]:
    """Every administration of one episode (the client's current one unless named): every
    measure, every rater, in time order."""
    if episode_id is None:
        episodes = store.episodes(client_id)
        current = [e for e in episodes if e.closed_at is None] or episodes[-1:]
        if not current:
            return []
        episode_id = current[0].id
    return [a for a in store.all_administrations(client_id) if a.episode_id == episode_id]


@dataclass(frozen=True)
class _Series:
    """One measure's own ratings in the episode, with the profile that judges them."""

    measure: Measure
    given: list[Administration]
    profile: Profile


def _series(records: Sequence[Administration], profiles: Profiles) -> list[_Series]:
    """Each registered measure the client rated, in the order a session gives them; judged
    with the thresholds of the form of its latest administration, as the rules are."""
    found = []
    for name, measure in MEASURES.items():
        given = [a for a in records if a.measure == name and a.rater == CLIENT]
        if given:
            found.append(_Series(measure, given, profiles.of(name, given[-1].form)))
    return found


class _Axes:
    """The chart's coordinates: sessions by number across, tenths on a fixed scale up."""

    def __init__(self, sessions: int, total_max: int) -> None:
        self.sessions = max(sessions, 1)
        self.total_max = total_max
        self.step = (WIDTH - LEFT - RIGHT - 20) / max(self.sessions - 1, 1)

    def x(self, session: int) -> float:
        return LEFT + 10 + (session - 1) * self.step

    def y(self, total: int) -> float:
        clamped = min(max(total, 0), self.total_max)
        return TOP + (1 - clamped / self.total_max) * (HEIGHT - TOP - BOTTOM)


def _line(y: float, colour: str, label: str, *, dashed: bool = True) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{colour}"'
        f'{dash}/><text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" font-size="11" '
        f'fill="{colour}">{escape(label)}</text>'
    )


def chart_svg(
    history: Sequence[Administration],
    profile: Profile,
    *,
    sessions: int | None = None,
    dates: dict[int, datetime] | None = None,
) -> str:
    """The totals on the measure's fixed axis (0 to 40), sessions placed by number; the
    cutoff of the form (none for a form without one); for an outcome measure the band of
    reliable change around intake; a triangle for a total below the cutoff."""
    measure = profile.measure
    last = max([sessions or 0, *(a.session for a in history)])
    axes = _Axes(last, measure.total_max)
    colour = LINE_COLOURS.get(measure.name, DEFAULT_COLOUR)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{measure.name} totals">'
    ]
    if measure.kind == OUTCOME and profile.judged and history:
        # The band no change smaller than the reliable change index leaves: within it, the
        # difference from intake may be the measure's own noise.
        intake, reliable = history[0].scores.total, rci(profile)
        high, low = axes.y(intake + reliable), axes.y(intake - reliable)
        start = axes.x(history[0].session)
        parts.append(
            f'<rect x="{start:.1f}" y="{high:.1f}" width="{WIDTH - RIGHT - start:.1f}" '
            f'height="{low - high:.1f}" fill="#dbeafe"/><text x="{start + 4:.1f}" '
            f'y="{low - 4:.1f}" font-size="10" fill="#1e40af">intake '
            f"{format_tenths(intake)} \u00b1 {format_tenths(reliable)}: no reliable change"
            "</text>"
        )
    for tick in range(0, measure.total_max + 1, 100):
        y = axes.y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{tick // 10}</text>"
        )
    if profile.cutoff is not None:
        parts.append(
            _line(axes.y(profile.cutoff), CUTOFF_COLOUR, f"cutoff {format_tenths(profile.cutoff)}")
        )
    points = [(axes.x(a.session), axes.y(a.scores.total), a) for a in history]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y, administration in points:
        if profile.below_cutoff(administration.scores.total):
            parts.append(
                f'<polygon points="{x - 5:.1f},{y - 4:.1f} {x + 5:.1f},{y - 4:.1f} '
                f'{x:.1f},{y + 5:.1f}" fill="{CUTOFF_COLOUR}"/>'
            )
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
    every = max(1, -(-axes.sessions // 20))  # at most about twenty labels across
    shown = dates or {a.session: a.administered_at for a in history}
    year = None
    for number in range(1, axes.sessions + 1, every):
        x = axes.x(number)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 32}" font-size="10" text-anchor="middle">'
            f"{number}</text>"
        )
        if number in shown:
            when = shown[number]
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 19}" font-size="9" text-anchor="middle" '
                f'fill="#555">{when.strftime("%m-%d")}</text>'
            )
            if when.year != year:
                year = when.year
                parts.append(
                    f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="9" text-anchor="middle" '
                    f'fill="#555" font-weight="bold">{year}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def _outcome_words(series: _Series) -> str:
    """The episode's outcome so far, from intake to the latest total, with its numbers."""
    profile, given = series.profile, series.given
    intake, latest = given[0], given[-1]
    if not profile.judged:
        return (
            f"The {profile.form.name} form has no norms: its totals are shown, never judged "
            "(no cutoff, no reliable change)."
        )
    if len(given) == 1:
        return f"Intake {format_tenths(intake.scores.total)} (session {intake.session}); " + (
            "the outcome shows from the next session on."
        )
    change = latest.scores.total - intake.scores.total
    sign = "+" if change >= 0 else "\u2212"
    word = episode_outcome(intake.scores.total, latest.scores.total, profile)
    cutoff = (
        f"; cutoff {format_tenths(profile.cutoff)} ({profile.form.name} form)"
        if profile.cutoff is not None
        else ""
    )
    return (
        f"<b>{word.capitalize()}</b>: intake {format_tenths(intake.scores.total)} (session "
        f"{intake.session}), latest {format_tenths(latest.scores.total)} (session "
        f"{latest.session}), change {sign}{format_tenths(abs(change))}; reliable change is "
        f"{format_tenths(rci(profile))} points{cutoff}."
    )


def _section(series: _Series, sessions: int, dates: dict[int, datetime]) -> str:
    measure = series.measure
    words = (
        f'<p class="outcome">Episode outcome so far: {_outcome_words(series)}</p>'
        if measure.kind == OUTCOME
        else ""
    )
    if series.profile.cutoff is None and measure.kind != OUTCOME:  # the outcome words say so
        words += f'<p class="muted">The {series.profile.form.name} form has no cutoff.</p>'
    return (
        f"<h2>{escape(measure.title)} ({measure.name})</h2>{words}"
        f"{chart_svg(series.given, series.profile, sessions=sessions, dates=dates)}"
    )


def _sessions(
    records: Sequence[Administration], judged: Sequence[Alerts]
) -> list[dict[str, tuple[Administration, Alerts]]]:
    """The client's own administrations by session (time order), each with its alerts."""
    sessions: dict[str, dict[str, tuple[Administration, Alerts]]] = {}
    for administration, alerts in zip(records, judged, strict=True):
        if administration.rater == CLIENT:
            sessions.setdefault(administration.session_id, {})[administration.measure] = (
                administration,
                alerts,
            )
    return list(sessions.values())


def _total_cell(series: _Series, administration: Administration) -> str:
    total = administration.scores.total
    low = series.profile.below_cutoff(total)
    return f'<td class="{"low" if low else ""}">{"▼ " if low else ""}{format_tenths(total)}</td>'


def _head(*cells: str) -> str:
    """A table's header row, in a thead: printed again at the top of each page it runs on."""
    return f'<thead><tr class="head">{"".join(cells)}</tr></thead>'


def _table(
    sessions: Sequence[dict[str, tuple[Administration, Alerts]]],
    series: Sequence[_Series],
    *,
    notes: bool,
) -> str:
    """One row per session: each measure's total, the alerts of both, the note (if notes)."""
    rows = []
    for given in sessions:
        first = next(iter(given.values()))[0]
        cells: list[str] = []
        fired: list[str] = []
        for s in series:
            if s.measure.name not in given:
                cells.append("<td></td>")
                continue
            administration, alerts = given[s.measure.name]
            cells.append(_total_cell(s, administration))
            fired += (alert.rule_id for alert in alerts)
        note = f'<td class="text note">{escape(first.note)}</td>' if notes else ""
        rows.append(
            "<tr>"
            f"<td>{first.session}</td>"
            f'<td class="text date">{first.administered_at.strftime("%Y-%m-%d")}</td>'
            + "".join(cells)
            + f'<td class="text">{escape(" ".join(fired))}</td>'
            f"{note}</tr>"
        )
    head = _head(
        "<th>#</th>",
        '<th class="text">Date</th>',
        *(f"<th>{s.measure.name}</th>" for s in series),
        '<th class="text">Alerts</th>',
        '<th class="text">Note</th>' if notes else "",
    )
    return f"<table>{head}<tbody>{''.join(rows)}</tbody></table>"


def _items(sessions: Sequence[dict[str, tuple[Administration, Alerts]]], series: _Series) -> str:
    """One measure's items, session by session."""
    rows = []
    for given in sessions:
        if series.measure.name not in given:
            continue
        administration = given[series.measure.name][0]
        values = administration.scores.values
        # A total kept without its items (an old paper log) says so, never shows made-up ones.
        items = "".join(f"<td>{format_tenths(value)}</td>" for value in values) or (
            f'<td class="text muted" colspan="{len(series.measure.keys)}">'
            "items not recorded (total only)</td>"
        )
        rows.append(
            f'<tr class="items"><td>{administration.session}</td>'
            + items
            + _total_cell(series, administration)
            + "</tr>"
        )
    head = _head(
        f"<th>{series.measure.name} #</th>",
        *(f"<th>{escape(item.label)}</th>" for item in series.measure.items),
        "<th>Total</th>",
    )
    return f'<table class="items">{head}<tbody>{"".join(rows)}</tbody></table>'


def _others(records: Sequence[Administration]) -> str:
    """Ratings by others (a parent, a teacher): shown, never judged."""
    others = [a for a in records if a.rater != CLIENT]
    if not others:
        return ""
    rows = "".join(
        f'<tr class="other"><td>{a.session}</td>'
        f'<td class="text date">{a.administered_at.strftime("%Y-%m-%d")}</td>'
        f'<td class="text">{escape(a.rater)}</td><td class="text">{a.measure}</td>'
        f"<td>{format_tenths(a.scores.total)}</td></tr>"
        for a in others
    )
    head = _head(
        "<th>#</th>",
        '<th class="text">Date</th>',
        '<th class="text">Rater</th>',
        '<th class="text">Measure</th>',
        "<th>Total</th>",
    )
    return (
        "<h2>Ratings by others</h2>"
        '<p class="muted">Their own series: shown, never part of the client\'s alerts.</p>'
        f"<table>{head}<tbody>{rows}</tbody></table>"
    )


def report_html(
    client: Client,
    records: Sequence[Administration],
    profiles: Profiles,
    now: datetime,
    *,
    notes: bool = True,
) -> str:
    """The whole report of one episode's administrations (every measure and rater, time
    order): heading, a chart of each measure, the sessions, the alerts with their reasons.
    notes=False: the session notes are left out, not one character of them in the file."""
    judged = profiles.judge(records)
    series = _series(records, profiles)
    sessions = _sessions(records, judged)
    last = max((a.session for a in records), default=0)
    dates = {a.session: a.administered_at for a in records}
    reasons = []
    order = list(MEASURES)
    # The latest session first; within a session, the measures in the order it gives them.
    newest_first = sorted(
        zip(records, judged, strict=True),
        key=lambda pair: (-pair[0].session, order.index(pair[0].measure)),
    )
    for administration, fired in newest_first:
        for alert in fired:
            # The tier as on screen: needs attention, worth a look, a good sign.
            mark = "↑" if alert.rule.positive else "•" if alert.rule.note else "▲"
            reasons.append(
                f"<li>Session {administration.session} ({administration.measure}): {mark} "
                f"<b>{escape(alert.rule.title)}</b> ({alert.rule_id}): {escape(alert.reason)}"
                "</li>"
            )
    band = f"{client.age_band} ({AGE_SPANS.get(client.age_band, '')})"
    charts = "".join(_section(s, last, dates) for s in series)
    items = f"<h2>Items</h2>{''.join(_items(sessions, s) for s in series)}" if series else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        # The client's id, so that erasing the client finds this report (its name has no
        # client data in it, and the alias in the heading can change).
        f"{client_meta(client.id)}<title>Feedback report</title><style>{STYLE}</style>"
        f"</head><body><h1>Feedback report: {escape(client.alias)}</h1>"
        f'<p class="muted">{len(sessions)} sessions in this episode · age band {escape(band)} · '
        f"report made {now.strftime('%Y-%m-%d %H:%M')} · srs-tui</p>"
        f"{charts or '<p>No sessions in this episode yet.</p>'}"
        f"<h2>Sessions</h2>{_table(sessions, series, notes=notes) if series else '<p>None.</p>'}"
        f"{'' if notes else NOTES_LEFT_OUT}"
        f"<h2>Alerts</h2><ul>{''.join(reasons) or '<li>None.</li>'}</ul>"
        '<p class="muted">The alerts are prompts for a conversation, not a diagnosis.</p>'
        f"{_others(records)}{items}</body></html>\n"
    )
