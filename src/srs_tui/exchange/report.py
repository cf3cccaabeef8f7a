"""A client's report: one self-contained HTML file (no external resources), printable to PDF.

The chart is inline SVG on a fixed 0-to-40 axis with the cutoff drawn across, like the app's.
Every user-entered string is escaped.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from srs_tui.measures import SRS, format_tenths
from srs_tui.rules import Profile, Profiles
from srs_tui.store.erasure import client_meta
from srs_tui.store.records import Administration, Client

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 40, 30, 10
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { border: 1px solid #999; padding: 0.2em 0.6em; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
.low { font-weight: bold; }
.muted { color: #555; }
@media print { body { margin: 0; } }
"""


def _y(total: int) -> float:
    return TOP + (1 - total / SRS.total_max) * (HEIGHT - TOP - BOTTOM)


def chart_svg(history: list[Administration], profile: Profile) -> str:
    """The totals on a fixed 0-to-40 axis, the cutoff line, a triangle for a low session."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="SRS totals">'
    ]
    for tick in range(0, SRS.total_max + 1, 100):
        y = _y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{tick // 10}</text>"
        )
    if profile.cutoff is not None:
        cutoff = _y(profile.cutoff)
        parts.append(
            f'<line x1="{LEFT}" y1="{cutoff:.1f}" x2="{WIDTH}" y2="{cutoff:.1f}" '
            f'stroke="#b45309" stroke-dasharray="6 4"/><text x="{WIDTH - 4}" '
            f'y="{cutoff - 4:.1f}" font-size="11" text-anchor="end" fill="#b45309">'
            f"cutoff {format_tenths(profile.cutoff)}</text>"
        )
    if history:
        step = (WIDTH - LEFT - 20) / max(len(history) - 1, 1)
        points = [(LEFT + 10 + i * step, _y(a.scores.total)) for i, a in enumerate(history)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1d4ed8" stroke-width="2"/>')
        for (x, y), administration in zip(points, history, strict=True):
            if profile.below_cutoff(administration.scores.total):
                parts.append(
                    f'<polygon points="{x - 5:.1f},{y - 4:.1f} {x + 5:.1f},{y - 4:.1f} '
                    f'{x:.1f},{y + 5:.1f}" fill="#b45309"/>'
                )
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1d4ed8"/>')
            if len(history) <= 40:
                parts.append(
                    f'<text x="{x:.1f}" y="{HEIGHT - 10}" font-size="10" text-anchor="middle">'
                    f"{administration.session}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)


def report_html(
    client: Client, history: list[Administration], profiles: Profiles, now: datetime
) -> str:
    """The whole report: heading, chart, table of sessions, alerts with their reasons."""
    alerts = profiles.judge(history)
    rows = []
    for administration, fired in zip(history, alerts, strict=True):
        values = administration.scores.as_dict()
        total = administration.scores.total
        low = profiles.of(administration.measure).below_cutoff(total)
        rows.append(
            "<tr>"
            f"<td>{administration.session}</td>"
            f'<td class="text">{administration.administered_at.strftime("%Y-%m-%d")}</td>'
            + "".join(f"<td>{format_tenths(values[key])}</td>" for key in SRS.keys)
            + f'<td class="{"low" if low else ""}">{"▼ " if low else ""}{format_tenths(total)}</td>'
            f'<td class="text">{escape(" ".join(a.rule_id for a in fired))}</td>'
            f'<td class="text">{escape(administration.note)}</td>'
            "</tr>"
        )
    reasons = []
    for administration, fired in reversed(list(zip(history, alerts, strict=True))):
        for alert in fired:
            mark = "↑" if alert.rule.positive else "▲"
            reasons.append(
                f"<li>Session {administration.session}: {mark} <b>{escape(alert.rule.title)}</b>"
                f" ({alert.rule_id}): {escape(alert.reason)}</li>"
            )
    heads = "".join(f"<th>{escape(item.label)}</th>" for item in SRS.items)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        # The client's id, so that erasing the client finds this report (its name has no
        # client data in it, and the alias in the heading can change).
        f"{client_meta(client.id)}<title>SRS report</title><style>{STYLE}</style></head><body>"
        f"<h1>Session Rating Scale: {escape(client.alias)}</h1>"
        f'<p class="muted">{len(history)} sessions · report made {now.strftime("%Y-%m-%d %H:%M")}'
        " · srs-tui</p>"
        f"{chart_svg(history, profiles.of(SRS.name))}"
        f"<table><tr><th>#</th><th>Date</th>{heads}<th>Total</th><th>Alerts</th>"
        f"<th>Note</th></tr>{''.join(rows)}</table>"
        f"<h2>Alerts</h2><ul>{''.join(reasons) or '<li>None.</li>'}</ul>"
        '<p class="muted">The alerts are prompts for a conversation, not a diagnosis.</p>'
        "</body></html>\n"
    )
