"""B2B acquisition: CAC per net new customer and its payback, from disclosed S&M and
customer counts.

Windows are aligned: the S&M of the window between two disclosed customer counts is the
monthly S&M (of that window when disclosed, else of the latest period that discloses it,
said in the basis) times the window's months. Net new customers understate gross adds when
customers leave, so the CAC is an upper bound. Payback = CAC / gross profit per customer
per month, revenue per customer taken at the period-end count (the latest period with
revenue and a gross margin that ends on a count date, else the latest).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmecon import formulas as f
from llmecon.statements.model import Period
from llmecon.unit_economics.rows import Driver, LineInputs, get


@dataclass(frozen=True)
class B2BAcquisition:
    """CAC per net new customer and its payback (money in the company's currency)."""

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


def _counts(x: LineInputs) -> list[tuple[Period, float]]:
    out = []
    for p in x.company.periods:
        if p.is_instant:
            got, _ = get(x.resolver, "customers", p)
            if got is not None:
                out.append((p, got))
    return sorted(out, key=lambda pc: pc[0].end)


def b2b_acquisition(x: LineInputs) -> B2BAcquisition | None:
    """None unless the company sells projects and discloses two customer counts and S&M."""
    if x.company.business_model != "b2b_project":
        return None
    counts = _counts(x)
    if len(counts) < 2 or counts[-1][1] <= counts[-2][1]:
        return None
    (p0, n0), (p1, n1) = counts[-2], counts[-1]
    window = (p1.end.year - p0.end.year) * 12 + p1.end.month - p0.end.month
    q = x.latest("selling_marketing_expense", None)
    sm, _ = get(x.resolver, "selling_marketing_expense", q)
    rp = next((d for d in x.company.duration_periods if d.end == p0.end), None) or \
        x.latest("gross_profit", None)
    gp, _ = get(x.resolver, "gross_profit", rp)
    if sm is None or gp is None or window <= 0:
        return None
    cac = sm / q.months * window / (n1 - n0)
    gp_month = gp / rp.months / n0
    payback = float(f.ratio(cac, gp_month))
    cur, label = x.currency, f"{p0.label} -> {p1.label}"
    drivers = (
        Driver("company.b2b_cac_per_new_customer", cac, f"{cur} per net new customer",
               "derived", f"S&M {q.label} per month x {window} months ({label}) / net new "
               f"customers ({n0:,.0f} -> {n1:,.0f}); S&M of the window not disclosed, the "
               f"{q.label} run-rate is used; net adds understate gross adds (upper bound)",
               label),
        Driver("company.b2b_gross_profit_per_customer_monthly", gp_month,
               f"{cur} per customer per month", "derived",
               f"gross profit {rp.label} / {rp.months} months / {n0:,.0f} customers at "
               f"{p0.end} (a few large customers earn most: the median is far smaller)",
               rp.label),
        Driver("company.b2b_cac_payback_months", payback, "months", "derived",
               "CAC per new customer / gross profit per customer per month (no customer "
               "churn disclosed)", label),
    )
    return B2BAcquisition(n0, n1, float(window), label, sm / q.months, q.label, cac, gp_month,
                          rp.label, payback, drivers)
