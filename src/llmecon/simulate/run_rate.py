"""Where a growing line stands at the end of its calibration period: its exit run-rate.

A period's figures are averages over its months. A line whose revenue grew through the
period ends it above that average, and a projection started at the average understates
the months that follow: MiniMax's projection from the 9M 2025 averages put October-December
2025 revenue at US$18.5m, against the US$25.6m disclosed later (FY2025 less 9M 2025).

:func:`exit_run_rate` reads the growth from the line's revenue in the same months a year
earlier (like for like, so seasonality cancels), assumes it constant from month to month,
and gives the ratio of the period's last month to its average. With g the monthly growth
factor, (revenue / revenue a year earlier) ** (1 / 12), and m the period's months:

    last month / average = m / (1 + 1/g + ... + 1/g^(m-1))

The calibration scales a line's volume at the start (users of a consumer line, tokens of
an API line) by this ratio; costs that follow the volume follow it. Pure: the caller
passes the resolver. Nothing after the calibration period is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmecon import formulas
from llmecon.formulas import last_month_over_average
from llmecon.metrics.resolve import Resolver, weakest
from llmecon.statements.model import Period


@dataclass(frozen=True)
class ExitRunRate:
    """The ratio of a line's last month to its period average, and how it was found.

    Attributes
    ----------
    ratio : last month / period average (1 when the growth is unknown).
    growth_monthly : the constant monthly growth read from the year-on-year change
        (``None`` when unknown).
    basis : the figures and the formula, or why the line starts at its average.
    confidence : the weaker of the two revenue figures' flags (``None`` when unknown).
    """

    ratio: float
    growth_monthly: float | None
    basis: str
    confidence: str | None


def exit_run_rate(r: Resolver, period: Period, segment: str | None) -> ExitRunRate:
    """The exit run-rate ratio of ``segment``'s revenue over ``period`` (see the module)."""
    label = period.label
    prior = r.prior_year(label)
    if prior is None:
        return ExitRunRate(1.0, None, f"starts at the {label} average (no period of the same "
                           "months a year earlier to read its growth from)", None)
    now, before = r.get("revenue", label, segment), r.get("revenue", prior, segment)
    if not (now.ok and before.ok and now.value is not None and before.value is not None
            and now.value > 0 and before.value > 0):
        return ExitRunRate(1.0, None, f"starts at the {label} average (revenue of {label} "
                           f"and {prior} not both disclosed and positive)", None)
    growth = float(formulas.growth(now.value, before.value))
    monthly = float(formulas.monthly_rate(growth))
    ratio = last_month_over_average(1.0 + monthly, period.months)
    basis = (f"exit run-rate x{ratio:.3f}: revenue {label} / {prior} = {1.0 + growth:.3f}, a "
             f"constant {monthly:+.1%} a month, so the last of {period.months} months is "
             f"{ratio:.3f} x their average")
    return ExitRunRate(ratio, monthly, basis, weakest([now.confidence, before.confidence]))
