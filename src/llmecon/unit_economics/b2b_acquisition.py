"""B2B acquisition: CAC per new customer and its payback, from disclosed S&M and customer
counts.

Customer counts are cumulative (``customers`` in the taxonomy: customers served to date,
since founding), not an active base. The change between two counts is the customers first
served in the window; gross profit per customer divides by every customer ever served, so
it is understated and the payback (CAC / gross profit per customer per month) overstated by
the share of those customers no longer buying. These figures carry low confidence (marked
with a dagger), and the basis says why; it also says when the two counts are of differently
defined customers (read from the figures' notes), which makes the new-customer count, and
the CAC, uncertain too.

Windows are aligned: the S&M of the window between two disclosed customer counts is the
monthly S&M (of that window when disclosed, else of the latest period that discloses it,
said in the basis) times the window's months. Revenue per customer is taken at the
period-end count (the latest period with revenue and a gross margin that ends on a count
date, else the latest).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from llmecon import formulas as f
from llmecon.statements.model import Period, months_between
from llmecon.unit_economics.rows import Driver, LineInputs, get

#: Why every figure here is of low confidence (the counts are cumulative).
CUMULATIVE = "cumulative counts of customers served since founding, not an active base"


@dataclass(frozen=True)
class B2BAcquisition:
    """CAC per new customer and its payback (money in the company's currency)."""

    customers_start: float
    customers_end: float
    window_months: float
    window: str
    sm_monthly: float
    sm_period: str
    cac_per_new_customer: float
    gross_profit_per_customer_month: float
    revenue_period: str
    payback_months: float
    drivers: tuple[Driver, ...]
    #: The two counts' definitions when they differ (from the figures' notes), else "".
    definitions_differ: str = ""


def _counts(x: LineInputs) -> list[tuple[Period, float]]:
    out = []
    for p in x.company.periods:
        if p.is_instant:
            got, _ = get(x.resolver, "customers", p)
            if got is not None:
                out.append((p, got))
    return sorted(out, key=lambda pc: pc[0].end)


def counted_as(note: str) -> str:
    """Who a customer count counts, from its note: the words before "customers".

    >>> counted_as("'over 8,000' institutional customers served as of 2025-06-30")
    'institutional'
    >>> counted_as("'over 12,000' institutional/enterprise customers (update)")
    'institutional/enterprise'
    >>> counted_as("no definition given")
    ''
    """
    got = re.search(r"([\w/-]+)\s+customers\b", note)
    return "" if got is None else got.group(1)


def _definitions(x: LineInputs, p0: Period, p1: Period) -> str:
    """'institutional (H1_2025) vs institutional/enterprise (Q3_2025)' when the two counts'
    notes name different kinds of customer; '' when they agree or do not say."""
    kinds = []
    for p in (p0, p1):
        fig = x.resolver.reported("customers", p.label)
        kinds.append(counted_as(fig.note) if fig is not None else "")
    if not all(kinds) or kinds[0] == kinds[1]:
        return ""
    return f"{kinds[0]} ({p0.label}) vs {kinds[1]} ({p1.label})"


def b2b_acquisition(x: LineInputs) -> B2BAcquisition | None:
    """None unless the company sells projects and discloses two customer counts and S&M."""
    if x.company.business_model != "b2b_project":
        return None
    counts = _counts(x)
    if len(counts) < 2 or counts[-1][1] <= counts[-2][1]:
        return None
    (p0, n0), (p1, n1) = counts[-2], counts[-1]
    window = months_between(p0.end, p1.end)
    q = x.latest("selling_marketing_expense", None)
    sm, _ = get(x.resolver, "selling_marketing_expense", q)
    rp = next((d for d in x.company.duration_periods if d.end == p0.end), None) or \
        x.latest("gross_profit", None)
    gp, _ = get(x.resolver, "gross_profit", rp)
    if sm is None or gp is None or window <= 0:
        return None
    cac = sm / q.months * window / (n1 - n0)
    # per customer counted at the window's start: a first count of 0 gives no number (NaN:
    # the row says why), not a division by zero
    gp_month = gp / rp.months / n0 if n0 > 0 else math.nan
    mixed = _definitions(x, p0, p1)
    drivers = _drivers(x, (p0, n0), (p1, n1), window, (q, sm), (rp, gp_month), cac, mixed)
    return B2BAcquisition(n0, n1, float(window), drivers[0].period, sm / q.months, q.label,
                          cac, gp_month, rp.label, drivers[2].value, drivers, mixed)


def _drivers(x: LineInputs, start: tuple[Period, float], end: tuple[Period, float],
             window: int, sm: tuple[Period, float], gp: tuple[Period, float], cac: float,
             mixed: str) -> tuple[Driver, Driver, Driver]:
    """CAC, gross profit per customer and payback, each low confidence with why."""
    (p0, n0), (p1, n1), (q, _), (rp, gp_month) = start, end, sm, gp
    cur, label = x.currency, f"{p0.label} -> {p1.label}"
    new = f"new customers ({n0:,.0f} -> {n1:,.0f}: {CUMULATIVE})"
    if mixed:
        new += f"; the two counts define customers differently: {mixed}, so the change " \
               "mixes a change of definition with new customers"
    understated = (f"{n0:,.0f} counts every customer served since founding (cumulative, not "
                   "an active base), so this is understated by the share no longer buying")
    if n0 <= 0:
        understated = f"no customers counted at {p0.end}: no gross profit per customer"
    payback = ("CAC per new customer / gross profit per customer per month: overstated, "
               "as gross profit per customer is counted over every customer ever served (no "
               "customer churn disclosed)" + ("; the CAC's new customers mix two definitions"
                                              if mixed else ""))
    if not gp_month > 0:  # NaN or a loss per customer: the CAC is never paid back
        payback = ("never: no gross profit per customer to pay the CAC back" if n0 <= 0 else
                   f"never: the gross profit per customer per month is not positive "
                   f"({gp_month:,.0f} {cur})")
    return (
        Driver("company.b2b_cac_per_new_customer", cac, f"{cur} per new customer",
               "derived", f"S&M {q.label} per month x {window} months ({label}) / {new}; S&M "
               f"of the window not disclosed, the {q.label} run-rate is used", label, "low"),
        Driver("company.b2b_gross_profit_per_customer_monthly", gp_month,
               f"{cur} per customer per month", "derived",
               f"gross profit {rp.label} / {rp.months} months / {n0:,.0f} customers at "
               f"{p0.end}: {understated} (and a few large customers earn most: the median "
               "is far smaller)", rp.label, "low"),
        Driver("company.b2b_cac_payback_months",
               float(f.ratio(cac, gp_month)) if gp_month > 0 else math.nan, "months",
               "derived", payback, label, "low"),
    )
