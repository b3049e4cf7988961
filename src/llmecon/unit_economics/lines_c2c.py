"""Rows of a consumer (C2C) product line: disclosed aggregates, the line's drivers
(:mod:`llmecon.unit_economics.drivers`) and the C2C model's per-user economics
(:mod:`llmecon.unit_economics.c2c`)."""

from __future__ import annotations

import math

from llmecon import formulas as f
from llmecon.unit_economics.c2c import C2CResult
from llmecon.unit_economics.drivers import c2c_drivers
from llmecon.unit_economics.rows import LineInputs, LineStart, UERow, get, line_start

# drivers shown as rows (the others are the model's results, shown below them)
_DRIVER_ROWS = ("marketing_monthly", "user_churn_monthly", "payer_churn_monthly",
                "payer_sbg_alpha", "payer_sbg_beta", "cost_per_m_tokens",
                "tokens_per_user_day", "payer_arppu_monthly", "revenue_not_from_payers_share")
_LABELS = {
    "marketing_monthly": "S&M on the products per month",
    "cost_per_m_tokens": "inference cost per million tokens (engine, at the fleet's "
                         "utilisation)",
    "payer_arppu_monthly": "ARPPU, disclosed (per payer-month)",
    "revenue_not_from_payers_share": "share of line revenue not from payers (ads, other)",
}


def c2c_rows(x: LineInputs, line: str) -> list[UERow]:
    """The rows of one C2C product line (n/a with the missing inputs named)."""
    start = line_start(x, line, "C2C product", "paying_users")
    missing = _disclosed_rows(x, line, start)
    drivers, res = c2c_drivers(x, line)
    for d in drivers:
        name = d.name.split(".", 1)[1]
        if name in _DRIVER_ROWS:
            start.rows.add(_LABELS.get(name, name.replace("_", " ")), d.value, d.unit,
                           d.source, d.basis, d.confidence)
    c = x.assumptions.c2c
    for k, unit in (("annual_discount_rate", "ratio"), ("payer_usage_multiple", "x")):
        start.rows.add(k.replace("_", " "), float(getattr(c, k)), unit, "assumed",
                       "assumptions: c2c." + k)
    if res is None:
        start.rows.add("unit economics", None, "", "n/a", "missing: " + ", ".join(missing))
        return start.rows.rows
    _result_rows(start, res, x.currency)
    return start.rows.rows


def _disclosed_rows(x: LineInputs, line: str, start: LineStart) -> list[str]:
    """Disclosed and directly derived rows; the names of the missing inputs."""
    r, p, cur, seg, out = x.resolver, start.period, x.currency, f"line:{line}", start.rows
    c = x.assumptions.c2c
    rev = out.tagged("revenue", start.revenue, cur)
    mau = out.tagged("average MAU", get(r, "mau", p, seg), "users")
    payers = out.tagged("paying users", get(r, "paying_users", p, seg), "users")
    gm = out.tagged("gross margin", start.gross_margin, "ratio")
    prior = r.prior_year(p.label)
    before = get(r, "mau", x.company.period(prior), seg) if prior else (
        None, f"no {p.months}-month period ending a year before {p.label} in the file (add "
              "its MAU: new users are the twelve-month change)")
    mau_before = out.tagged(f"average MAU {prior or 'a year earlier'}", before, "users")
    sm_total, t_sm = get(r, "selling_marketing_expense", p)
    sm = None if sm_total is None else sm_total * c.sm_share_to_products
    out.add("S&M on the products", sm, cur, "derived" if sm is not None else "n/a",
            f"company S&M x {c.sm_share_to_products:.0%} (assumed share)"
            if sm is not None else t_sm)
    if prior and sm_total is not None:
        now_all, before_all = get(r, "mau", p)[0], get(r, "mau", x.company.period(prior))[0]
        if now_all is not None and before_all is not None and now_all <= before_all:
            out.add("S&M per net new MAU (aligned windows, company)", None, cur, "n/a",
                    f"no net new MAU: MAU {p.label} {now_all:,.0f} is not above {prior}'s "
                    f"{before_all:,.0f}")
        elif now_all is not None and before_all is not None:
            out.add("S&M per net new MAU (aligned windows, company)",
                    float(f.spend_per_net_new_aligned(sm_total, p.months, now_all, before_all,
                                                      12.0)), cur, "derived",
                    f"company S&M {p.label} x 12/{p.months} / (MAU {p.label} - MAU {prior}):"
                    " twelve months of spend against a twelve-month change")
    infer_total, t_inf = get(r, "cost_of_revenue_compute", p)
    mau_all, _ = get(r, "mau", p)
    per_user = None if infer_total is None or not mau_all else \
        float(f.monthly_arppu(infer_total, mau_all, p.months))
    out.add("inference cost per active user per month (disclosed compute)", per_user, cur,
            "derived" if per_user is not None else "n/a",
            "inference cloud cost / total MAU / months (includes API traffic)"
            if per_user is not None else t_inf)
    return [n for n, v in (("revenue", rev), ("MAU", mau), ("paying users", payers),
                           ("gross margin", gm), ("S&M", sm),
                           ("MAU a year earlier", mau_before))
            if v is None]


def _result_rows(start: LineStart, res: C2CResult, cur: str) -> None:
    out, m = start.rows, start.period.months
    k = res.serving_cost_per_payer_month
    for q, v, u, basis in (
        ("new users acquired in the window", res.new_users, "users",
         f"(MAU - prior-year MAU) x {m}/12 (the twelve-month change prorated to the {m}-month "
         f"spend window) + user churn x MAU x {m}"),
        ("paying rate", res.paying_rate, "ratio", "paying users / MAU"),
        ("CAC per new user", res.cac_per_new_user, cur, "S&M on the products / new users"),
        ("CAC per new payer", res.cac_per_new_payer, cur, "S&M / (new users x paying rate)"),
        ("revenue per MAU per month", res.revenue_per_mau_month, cur, "revenue / MAU / months"),
        ("revenue per payer per month (ARPPU)", res.arppu_month, cur,
         "line revenue / paying users / months (all line revenue, incl. revenue not from "
         "payers)"),
        ("revenue per payer per month not from payers", res.other_revenue_per_payer_month,
         cur, "line revenue per payer - disclosed ARPPU per payer-month"),
        ("serving cost per payer per month", k, cur,
         "line cost of revenue / paying users / months (ARPPU x (1 - gross margin))"),
        ("inference cost per payer per month (model)", res.inference_cost_per_payer_month,
         cur, "a free user's tokens per day x payer usage multiple x engine cost"),
        ("free users' inference cost per payer per month", res.free_user_cost_per_payer_month,
         cur, "a free user's inference cost x free users / payers (with the payers' own use: "
         "the line's inference per payer)"),
        ("contribution per payer per month", res.contribution_per_payer_month, cur,
         "ARPPU - serving cost per payer"),
        ("expected discounted paying months", res.lifetime_months, "months",
         f"sum over t of S(t) / (1 + r)^t; {res.retention}"),
        ("LTV per payer", res.ltv, cur, "contribution x expected discounted paying months"),
        ("LTV / CAC", res.ltv_to_cac, "x", "LTV / CAC per new payer"),
    ):
        out.add(q, v, u, "derived", basis)
    _payback_rows(start, res, cur)


def _payback_rows(start: LineStart, res: C2CResult, cur: str) -> None:
    out, k = start.rows, res.serving_cost_per_payer_month
    if math.isinf(res.payback_months):
        out.add("CAC payback (with churn)", None, "months", "n/a",
                "never (LTV < CAC): the surviving payers' discounted contribution never "
                "repays the CAC" if res.ltv < res.cac_per_new_payer else
                "never within 100 years")
    else:
        out.add("CAC payback (with churn)", res.payback_months, "months", "derived",
                "months until sum of contribution x S(t) / (1 + r)^t reaches the CAC")
    if math.isinf(res.simple_payback_months):  # CAC / a contribution <= 0 is no number
        out.add("CAC payback, simple (no churn)", None, "months", "n/a",
                "never: the contribution per payer-month is not positive")
    else:
        out.add("CAC payback, simple (no churn)", res.simple_payback_months, "months",
                "derived", "CAC per payer / contribution per payer-month")
    fixed = f"serving cost per payer held fixed at {k:.4g} {cur}"
    for q, v, u, basis in (
        ("ARPPU needed for LTV/CAC >= 3", res.arppu_for_ltv_cac_3, cur,
         f"3 x CAC / discounted paying months + serving cost per payer ({fixed})"),
        ("ARPPU needed for payback <= 12 months (simple)", res.arppu_for_payback_12, cur,
         f"CAC / 12 + serving cost per payer ({fixed})"),
        ("ARPPU needed for payback <= 12 months (with churn)",
         res.arppu_for_payback_12_with_churn, cur,
         f"CAC / sum over t < 12 of S(t) / (1 + r)^t + serving cost per payer ({fixed})"),
        ("payer churn needed for LTV/CAC >= 3", res.churn_for_ltv_cac_3, "ratio",
         "(1 + r) x contribution / (3 x CAC) - r (constant churn)"),
        ("cost per M tokens needed for LTV/CAC >= 3", res.cost_per_million_for_ltv_cac_3,
         cur, "solved at the line's tokens per user"),
    ):
        levers = {"payer churn needed": "churn_for_ltv_cac_3",
                 "cost per M tokens needed": "cost_per_million_for_ltv_cac_3"}
        key = next((k for p, k in levers.items() if q.startswith(p)), "")
        if v is None and key in res.not_solved:
            out.add(q, None, u, "n/a", res.not_solved[key])
            continue
        if v is not None and q.startswith(("payer churn needed", "cost per M tokens needed")) \
                and v <= 0:
            out.add(q, None, u, "n/a", "not reachable with this lever alone (it would have to "
                    "be below zero)")
            continue
        if v is not None and q.startswith("payer churn needed") and v >= 1:
            out.add(q, None, u, "n/a", "reached at any churn: at 100% a month the first "
                    "month's contribution alone is 3 x CAC or more")
            continue
        out.add(q, v, u, "derived", basis)
