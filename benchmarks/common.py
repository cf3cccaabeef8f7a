"""What every benchmark shares: the frozen clock, a measured figure, timing."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

NOW = datetime(2026, 12, 1, 14, 5, tzinfo=timezone(timedelta(hours=1)))


def p95_of(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Figure:
    """One measured figure (ms, or MB for memory), with its peer's where there is one: what
    the same work costs without the app (a bare Textual app or screen, SQLite through csv) or
    without the vault, measured in the same run; peer names it.

    budget applies to the median, the p95 or the ratio of medians to the peer, as budget_on
    says; median_budget is a second budget, on the median. A figure over its budget is taken
    again (see benchmarks/__main__.py): runs and over_in say how many times it was taken and
    in how many of those it was over; it is OVER only when over in every one.
    """

    name: str
    samples: list[float]
    budget: float | None
    budget_on: str = "median"  # "median", "p95" or "ratio"
    bare: list[float] | None = None
    unit: str = "ms"
    median_budget: float | None = None
    peer: str = "bare app"
    runs: int = 1
    over_in: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return p95_of(self.samples)

    @property
    def ratio(self) -> float | None:
        return self.median / statistics.median(self.bare) if self.bare else None

    @property
    def over(self) -> bool:
        """Whether these samples are over the budget."""
        if self.budget is None:
            return False
        value = {"median": self.median, "p95": self.p95, "ratio": self.ratio or 0.0}
        within = value[self.budget_on] < self.budget
        if self.median_budget is not None:
            within = within and self.median < self.median_budget
        return not within

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        over_in = self.over_in + self.over  # the runs before, and this one
        if over_in == self.runs and self.over:
            return "OVER" if self.runs == 1 else f"OVER in {self.runs} of {self.runs} runs"
        return "within" if over_in == 0 else f"within (over in {over_in} of {self.runs} runs)"

    @property
    def budget_text(self) -> str:
        """The budget as the table shows it."""
        if self.budget is None:
            return "-"
        if self.budget_on == "ratio":
            text = f"{self.budget:.1f}x"
        else:
            text = f"{self.budget_on} {self.budget:g} {self.unit}"
        if self.median_budget is not None:
            text = f"median {self.median_budget:g}, {text}"
        return text


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples
