"""The charts of one client's history, for the therapist's history and the client's own: each
measure's totals on its fixed scale side by side, and on a key each item of one measure."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal

from srs_tui.measures import MEASURES, ORS, SRS, Measure
from srs_tui.rules.base import Profile
from srs_tui.rules.practice import PracticeBand
from srs_tui.store import Administration
from srs_tui.widgets.trend_chart import (
    ChartPoint,
    ChartSpec,
    SiblingChart,
    TrendChart,
    item_spec,
    short_tenths,
    total_spec,
)
from srs_tui.wording.ui import UiWords

# The range of totals given most of a chart's rows: where the SRS's totals live, and for the
# ORS ten points either side of the form's cutoff. Fixed per form, never fitted to the data.
SRS_FOCUS = (300, 400)
ORS_FOCUS_REACH = 100

# An item's words on its chart: (measure, item key) -> label.
ItemLabel = Callable[[Measure, str], str]


def chart_spec(
    measure: Measure, profile: Profile, say: UiWords, *, client_view: bool = False
) -> ChartSpec:
    """The fixed scale of a measure's totals for a form: its cutoff, the rows where its totals
    live (a form without norms: an even scale). In a client's view only the ORS has a line,
    named for what it is: the SRS's cutoff is an alert threshold, the therapist's."""
    if measure.name == SRS.name:
        focus: tuple[int, int] | None = SRS_FOCUS
    elif profile.cutoff is None:
        focus = None
    else:
        low = max(profile.cutoff - ORS_FOCUS_REACH, 0)
        focus = (low, min(profile.cutoff + ORS_FOCUS_REACH, 400))
    if client_view and measure.name != ORS.name:
        return total_spec(lambda _: False, None, focus, words=say)
    line = "chart.clinical_cutoff" if client_view else "chart.cutoff"
    return total_spec(profile.below_cutoff, profile.cutoff, focus, words=say, line=line)


def chart_title(measure: Measure, spec: ChartSpec, say: UiWords) -> str:
    """A chart's title, with what its marks mean (shapes, not only colours); the chart adds
    its band's."""
    title = say("chart.title", measure=measure.name)
    if spec.reference is not None:
        title += "  " + say("chart.below", value=short_tenths(spec.reference))
    return title


def profile_of(
    profiles: Callable[[str, str], Profile],
    measure: Measure,
    given: Sequence[Administration],
    age_band: str,
) -> Profile:
    """The thresholds a measure's series is judged with: those of the form of its latest
    session, else of the form for the client's age band."""
    form = given[-1].form if given else measure.form_for(age_band).name
    return profiles(measure.name, form)


class HistoryCharts(Horizontal):
    """Each measure's totals side by side; each item of one measure instead, on a key.

    A client view draws only what a client may see: the ORS's cutoff line, no SRS cutoff,
    no prompt on the items, and no chart for a measure the client never gave."""

    DEFAULT_CSS = """
    /* The totals' charts side by side, straight in this widget: a container of their own
       was a twentieth of opening the history. */
    HistoryCharts > TrendChart {
        width: 1fr;
        height: 1fr;
    }
    HistoryCharts #chart-ORS {
        margin-right: 3;
    }
    HistoryCharts .chart-items {
        grid-size: 2 2;
        grid-gutter: 0 3;
        width: 1fr;
        height: 1fr;
        display: none;
    }
    HistoryCharts .chart-items TrendChart {
        height: 1fr;
    }
    """

    def __init__(
        self,
        say: UiWords,
        profiles: Mapping[str, Profile],
        item_label: ItemLabel,
        *,
        client_view: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.say = say
        self.profiles = dict(profiles)
        self.item_label = item_label
        self.client_view = client_view
        self.series: dict[str, Sequence[Administration]] = dict.fromkeys(MEASURES, ())
        # The measure whose items are shown; None: the totals of each.
        self.items_of: str | None = None

    def spec_of(self, measure: Measure) -> ChartSpec:
        """The scale of a measure's totals as this view draws it."""
        return chart_spec(
            measure, self.profiles[measure.name], self.say, client_view=self.client_view
        )

    def compose(self) -> ComposeResult:
        first: TrendChart | None = None
        for measure in MEASURES.values():
            spec = self.spec_of(measure)
            title = chart_title(measure, spec, self.say)
            chart_id = f"chart-{measure.name}"
            if first is None:
                first = TrendChart(spec, title=title, words=self.say, id=chart_id)
                yield first
            else:
                # In the first one's colours: its component styles resolved once.
                yield SiblingChart(spec, first, title=title, words=self.say, id=chart_id)
        # Each measure's item charts are mounted when first shown: most visits look at the
        # totals, and every widget more costs the opening of the screen.

    def points(self, measure: str, key: str | None = None) -> tuple[ChartPoint, ...]:
        """A measure's totals (or one item's values), each with its date. A session that
        kept only its total is left out of the item charts, never drawn as zeros."""
        return tuple(
            ChartPoint(
                a.session,
                a.scores.total if key is None else a.scores.as_dict()[key],
                a.administered_at.date(),
            )
            for a in self.series[measure]
            if key is None or a.scores.has_items
        )

    def _empty_key(self, measure: str) -> str:
        """What an item chart says with nothing to draw: no session yet, or only sessions
        that kept their totals alone."""
        return "chart.no_items" if self.series[measure] else "chart.no_sessions"

    def item_charts(self, measure: str) -> list[TrendChart]:
        """The item charts of a measure (none before its items were first shown)."""
        return [
            chart for grid in self.query(f"#items-{measure}") for chart in grid.query(TrendChart)
        ]

    def show(
        self,
        series: Mapping[str, Sequence[Administration]],
        profiles: Mapping[str, Profile],
        *,
        band: tuple[int, int] | None = None,
        practice: PracticeBand | None = None,
    ) -> None:
        """Draw these series (by measure name) on the scales of these profiles; band and
        practice: the ORS's band around intake and the practice's middle band, if any."""
        self.series = dict(series)
        self.profiles = dict(profiles)
        for measure in MEASURES.values():
            spec = self.spec_of(measure)
            chart = self.query_one(f"#chart-{measure.name}", TrendChart)
            chart.title = chart_title(measure, spec, self.say)
            chart.spec = spec
            if measure.name == ORS.name:
                chart.band = band
                chart.practice = practice
            chart.points = self.points(measure.name)
            chart.refresh()
            if self.client_view:
                chart.display = self._total_shown(measure.name)
            for item_chart in self.item_charts(measure.name):
                item_chart.points = self.points(
                    measure.name, str(item_chart.id).removeprefix(f"chart-{measure.name}-")
                )
                item_chart.empty_key = self._empty_key(measure.name)

    def total_charts(self) -> list[TrendChart]:
        """The chart of each measure's totals."""
        return [self.query_one(f"#chart-{name}", TrendChart) for name in MEASURES]

    def _total_shown(self, measure: str) -> bool:
        # A client view has no chart for a measure the client never gave.
        return self.items_of is None and (not self.client_view or bool(self.series[measure]))

    def _cycle(self) -> list[str]:
        # A client view steps only through the measures the client gave.
        return [name for name in MEASURES if not self.client_view or self.series[name]]

    def toggle_items(self) -> None:
        """Show each item of one measure, then of the next, then the totals again."""
        names = self._cycle()
        place = names.index(self.items_of) + 1 if self.items_of in names else 0
        self.items_of = names[place] if place < len(names) else None
        if self.items_of is not None and not self.item_charts(self.items_of):
            self._mount_item_charts(MEASURES[self.items_of])
        for name in MEASURES:
            for grid in self.query(f"#items-{name}"):
                grid.display = name == self.items_of
        for name in MEASURES:
            self.query_one(f"#chart-{name}").display = self._total_shown(name)

    def _mount_item_charts(self, measure: Measure) -> None:
        # The SRS asks the therapist about an item below its soft prompt; the ORS's items
        # have no line, nor has a form without norms, nor a client's view.
        profile = self.profiles[measure.name]
        soft_item = (
            profile.setting("soft_item")
            if measure.name == SRS.name and profile.judged and not self.client_view
            else None
        )
        charts = []
        for item in measure.items:
            chart = TrendChart(
                item_spec(soft_item, words=self.say),
                title=self.say(
                    "chart.item_title",
                    measure=measure.name,
                    item=self.item_label(measure, item.key),
                ),
                words=self.say,
                id=f"chart-{measure.name}-{item.key}",
            )
            chart.points = self.points(measure.name, item.key)
            chart.empty_key = self._empty_key(measure.name)
            charts.append(chart)
        grid = Grid(*charts, id=f"items-{measure.name}", classes="chart-items")
        grid.display = True
        self.mount(grid)
