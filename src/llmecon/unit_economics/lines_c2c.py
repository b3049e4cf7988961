"""Rows of a consumer (C2C) product line: disclosed aggregates, assumptions, and the C2C
model's per-user economics (:mod:`llmecon.unit_economics.c2c`)."""

from __future__ import annotations

from dataclasses import dataclass

from llmecon import formulas as f
from llmecon.unit_economics.c2c import C2CInputs, C2CResult, evaluate_c2c
from llmecon.unit_economics.deployment import deployment_cost
from llmecon.unit_economics.rows import (
    LineInputs,
    LineStart,
    Rows,
    Status,
    UERow,
    get,
    line_start,
)


@dataclass(frozen=True)
class _Disclosed:
    revenue: float | None
    mau: float | None
    payers: float | None
    gross_margin: float | None
    mau_before: float | None
    sm: float | None
    per_user: float | None
    cost_per_m: float | None


def c2c_rows(x: LineInputs, line: str) -> list[UERow]:
    """The rows of one C2C product line (n/a with the missing inputs named)."""
    start = line_start(x, line, "C2C product", "paying_users")
    d = _disclosed_rows(x, line, start.rows, start)
    missing = [n for n, v in (("revenue", d.revenue), ("MAU", d.mau),
                              ("paying users", d.payers), ("gross margin", d.gross_margin),
                              ("S&M", d.sm), ("prior MAU", d.mau_before)) if v is None]
    if missing:
        start.rows.add("unit economics", None, "", "n/a", "missing: " + ", ".join(missing))
        return start.rows.rows
    c = x.assumptions.c2c
    assert d.revenue is not None and d.mau is not None and d.payers is not None
    assert d.gross_margin is not None and d.sm is not None
    res = evaluate_c2c(C2CInputs(
        months=start.period.months, revenue=d.revenue, mau=d.mau, paying_users=d.payers,
        sm_spend=d.sm, gross_margin=d.gross_margin, mau_before=d.mau_before,
        user_churn_monthly=c.user_churn_monthly, payer_churn_monthly=c.payer_churn_monthly,
        annual_discount_rate=c.annual_discount_rate, inference_cost_per_user=d.per_user,
        tokens_per_user_day=c.tokens_per_user_day, cost_per_million_tokens=d.cost_per_m,
        payer_usage_multiple=c.payer_usage_multiple))
    _result_rows(start.rows, res, x.currency)
    return start.rows.rows


def _disclosed_rows(x: LineInputs, line: str, out: Rows, start: LineStart) -> _Disclosed:
    r, p, cur, seg = x.resolver, start.period, x.currency, f"line:{line}"
    c = x.assumptions.c2c
    rev = out.tagged("revenue", start.revenue, cur)
    mau = out.tagged("average MAU", get(r, "mau", p, seg), "users")
    payers = out.tagged("paying users", get(r, "paying_users", p, seg), "users")
    gm = out.tagged("gross margin", start.gross_margin, "ratio")
    prior = r.prior_year(p.label)
    before = get(r, "mau", x.company.period(prior), seg) if prior else (None, "no prior")
    mau_before = out.tagged(f"average MAU {prior}", before, "users")
    sm_total, t_sm = get(r, "selling_marketing_expense", p)
    sm = None if sm_total is None else sm_total * c.sm_share_to_products
    out.add("S&M on the products", sm, cur, "derived" if sm is not None else "n/a",
            f"company S&M x {c.sm_share_to_products:.0%} (assumed share)"
            if sm is not None else t_sm)
    infer_total, t_inf = get(r, "cost_of_revenue_compute", p)
    mau_all, _ = get(r, "mau", p)
    per_user = None if infer_total is None or not mau_all else \
        float(f.monthly_arppu(infer_total, mau_all, p.months))
    out.add("inference cost per active user per month", per_user, cur,
            "derived" if per_user is not None else "n/a",
            "inference cloud cost / total MAU / months (includes API traffic)"
            if per_user is not None else t_inf)
    for k, unit in (("user_churn_monthly", "ratio"), ("payer_churn_monthly", "ratio"),
                    ("annual_discount_rate", "ratio"), ("tokens_per_user_day", "tokens"),
                    ("payer_usage_multiple", "x")):
        out.add(k.replace("_", " "), float(getattr(c, k)), unit, "assumed", "assumptions: c2c." + k)
    dep = deployment_cost(x.company.id, cur, x.assumptions, x.catalog, x.efficiency, x.fx,
                          p.start, p.end)
    res = dep.result
    cost_per_m = None if res.cost_output is None else res.cost_output * dep.usd_rate
    out.add("inference cost per million output tokens", cost_per_m, cur, "derived",
            f"inference engine: {dep.label}")
    return _Disclosed(rev, mau, payers, gm, mau_before, sm, per_user, cost_per_m)


_RESULT_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("new users (net new MAU + replaced churners)", "new_users", "users",
     "MAU - prior MAU + user churn x MAU x months"),
    ("paying rate", "paying_rate", "ratio", "paying users / MAU"),
    ("CAC per new user", "cac_per_new_user", "cur", "S&M / new users"),
    ("CAC per new payer", "cac_per_new_payer", "cur", "S&M / (new users x paying rate)"),
    ("revenue per MAU per month", "revenue_per_mau_month", "cur", "revenue / MAU / months"),
    ("revenue per payer per month (ARPPU)", "arppu_month", "cur",
     "revenue / paying users / months"),
    ("inference cost per payer per month", "inference_cost_per_payer_month", "cur",
     "per-user inference cost x payer usage multiple"),
    ("free users' inference cost per payer per month", "free_user_cost_per_payer_month",
     "cur", "per-user cost x free users / payers"),
    ("contribution per payer per month", "contribution_per_payer_month", "cur",
     "ARPPU x gross margin"),
    ("expected discounted paying months", "lifetime_months", "months",
     "(1 + r) / (r + churn)"),
    ("LTV per payer", "ltv", "cur", "contribution x paying months"),
    ("LTV / CAC", "ltv_to_cac", "x", "LTV / CAC per new payer"),
    ("CAC payback", "payback_months", "months", "CAC per payer / contribution"),
    ("ARPPU needed for LTV/CAC >= 3", "arppu_for_ltv_cac_3", "cur", "solved"),
    ("ARPPU needed for payback <= 12 months", "arppu_for_payback_12", "cur", "solved"),
    ("payer churn needed for LTV/CAC >= 3", "churn_for_ltv_cac_3", "ratio", "solved"),
    ("cost per M tokens needed for LTV/CAC >= 3", "cost_per_million_for_ltv_cac_3", "cur",
     "solved at the assumed tokens per user"),
)


def _result_rows(out: Rows, res: C2CResult, currency: str) -> None:
    d: Status = "derived"
    for q, attr, unit, basis in _RESULT_ROWS:
        v = getattr(res, attr)
        u = currency if unit == "cur" else unit
        if v is not None and q.startswith(("payer churn needed", "cost per M tokens needed")) \
                and v <= 0:
            out.add(q, None, u, "n/a", "not reachable with this lever alone (it would have to "
                    "be below zero)")
            continue
        out.add(q, v, u, d, basis)
