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
    """One measured figure (ms, or MB for memory), with the bare app's where there is one.

    budget applies to the median, the p95 or the ratio of medians to the bare app, as
    budget_on says; median_budget is a second budget, on the median.
    """

    name: str
    samples: list[float]
    budget: float | None
    budget_on: str = "median"  # "median", "p95" or "ratio"
    bare: list[float] | None = None
    unit: str = "ms"
    median_budget: float | None = None

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
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        value = {"median": self.median, "p95": self.p95, "ratio": self.ratio or 0.0}
        within = value[self.budget_on] < self.budget
        if self.median_budget is not None:
            within = within and self.median < self.median_budget
        return "within" if within else "OVER"

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
