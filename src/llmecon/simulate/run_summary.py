"""The types of :meth:`llmecon.simulate.run.SimResult.summary`: plain data (a ``dict`` at
run time, so ``json.dumps`` and ``summary["cash_at_horizon"]["p50"]`` work as before),
whose keys and value types a type checker knows."""

from __future__ import annotations

from typing import Any, TypedDict


class Percentiles(TypedDict):
    """The 5th to 95th percentiles of a quantity across paths (its unit is the key's:
    money in the summary's ``currency``, a fraction, or a month number from 1)."""

    p5: float
    p25: float
    p50: float
    p75: float
    p95: float


class DatedPercentiles(TypedDict):
    """The same percentiles as the last day of the month they fall in (ISO ``YYYY-MM-DD``),
    None beyond the horizon."""

    p5: str | None
    p25: str | None
    p50: str | None
    p75: str | None
    p95: str | None


class RunSummary(TypedDict):
    """A run at a glance (what ``simulate --format json`` prints as ``summary``).

    Money is in ``currency``; probabilities, margins and errors are fractions; months are
    numbered from 1 (infinity: not within the horizon); dates are ISO text.
    """

    company: str
    currency: str
    paths: int
    horizon_months: int
    seed: int
    backend: str
    stresses: list[str]
    financing: str
    financing_events: list[str]
    financing_detail: list[dict[str, Any]]
    burn_basis: str
    start: str | None
    month_ends: list[str]
    prob_cash_out_by_horizon: float
    cash_at_horizon: Percentiles
    revenue_last_month: Percentiles
    gross_margin_last_month: Percentiles
    runway_months: Percentiles
    runway_month_ends: DatedPercentiles
    breakeven_month: Percentiles
    breakeven_month_ends: DatedPercentiles
    prob_breakeven_within_horizon: float
    revenue_over_horizon: Percentiles
    gross_margin_over_horizon: Percentiles
    percentile_relative_error: float
    driver_correlation_with_cash_at_horizon: dict[str, float]
    held_at_bounds: dict[str, float]


def percentiles(values: Any) -> Percentiles:
    """:class:`Percentiles` of five values in the order 5, 25, 50, 75, 95."""
    p5, p25, p50, p75, p95 = (float(v) for v in values)
    return {"p5": p5, "p25": p25, "p50": p50, "p75": p75, "p95": p95}


def dated_percentiles(values: Any) -> DatedPercentiles:
    """:class:`DatedPercentiles` of five dates (or None) in the order 5, 25, 50, 75, 95."""
    p5, p25, p50, p75, p95 = (None if v is None else str(v) for v in values)
    return {"p5": p5, "p25": p25, "p50": p50, "p75": p75, "p95": p95}
