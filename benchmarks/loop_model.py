"""The projection model written as a plain per-path Python loop: the benchmark's baseline.

The same model as :mod:`llmecon.simulate.engine` (every line kind, yearly trends, the
compute mix, FX on revenue, costs and cash (foreign cash from a share of the opening cash
and from financing received in the other currency, revalued monthly, other flows taken pro
rata), collection delays (a window of billing collected later) and opening receivables,
B2B advances and delivery, payables, capex and leases, interest on cash, financing), one
path at a time, floats and lists only, nothing vectorised. Constants are looked up once per
path. ``benchmarks/simulate.py`` checks it against the engine path by path (to 1e-9
relative) before timing it, so the baseline cannot drift from the model it stands for.
Scenarios with an sBG payer curve (cohorts) are not covered, and neither are B2B lines any
more: their loop does not follow the engine's contract costs (delivery paid as delivered,
expensed at acceptance), and Zhipu's paths fail the check, so the benchmark runs MiniMax
(C2C and API lines) only.
"""

from __future__ import annotations

from typing import Any

from llmecon.constants import DAYS_PER_MONTH

ONE_MILLION = 1e6


def loop_path(s: Any, x: dict[str, float], mults: dict[str, list[float]],
              financing: list[float], foreign: list[float] | None = None
              ) -> list[tuple[float, float]]:
    """One path: (cash, revenue) per month. ``mults`` maps driver names (and
    ``inference_cost_index``, ``gpu_price_index``, ``fx_index``) to one multiplier per
    month (absent: 1); ``financing`` is the cash per month of the included financing in
    the reporting currency, ``foreign`` of that in the other currency (at index 1)."""
    h = s.horizon_months
    ones = [1.0] * h

    def mu(name: str) -> list[float]:
        return mults.get(name, ones)

    def g(name: str) -> float:
        return x.get(name, 0.0)

    lines = [_line(s, ln, x, mu) for ln in s.lines]
    cash = x["start_cash"]
    decline, idx_m = 1.0 - x["inference_cost_decline_annual"], mu("inference_cost_index")
    gpu_m, fx_m, osm_m = mu("gpu_price_index"), mu("fx_index"), mu("other_sm_monthly")
    tc_m, capex_m = mu("training_compute_monthly"), mu("capex_monthly")
    tc, tcg = x["training_compute_monthly"], 1.0 + x["training_compute_growth_annual"]
    oo, oog, osm0 = x["other_opex_monthly"], 1.0 + x["opex_growth_annual"], x["other_sm_monthly"]
    rented, committed = x.get("compute_rented_share"), g("compute_committed_share")
    renew = g("compute_commitment_months")
    f_rev, f_cost, f_cash = g("foreign_revenue_share"), g("foreign_cost_share"), \
        g("foreign_cash_share")
    capex0, lease, rate = g("capex_monthly"), g("lease_payments_monthly"), \
        g("interest_rate_on_cash_annual")
    unexplained, k_pay = g("unexplained_operating_monthly"), s.payables_months
    opening_pay, payable, incurred = g("opening_payables"), g("opening_payables"), [0.0] * h
    fx_before, out = 1.0, []
    abroad = foreign or [0.0] * h
    held_abroad = f_cash * (cash if cash > 0.0 else 0.0)  # foreign cash, reporting currency
    for t in range(h):
        years = t / 12.0
        gpu = gpu_m[t]
        if rented is None:
            compute = gpu
        else:
            exposed = rented + (committed if t >= renew else 0.0)
            compute = 1.0 + exposed * (gpu - 1.0)
        ctx = (t, years, decline ** years * idx_m[t] * compute, compute,
               1.0 + f_rev * (fx_m[t] - 1.0),
               (osm_m[t] if osm0 > 0 else 1.0) if "other_sm_monthly" in mults else None,
               ((s.start.month + t) % 12) // 3)
        m = [0.0, 0.0, 0.0, 0.0]  # revenue, cash in, cost of revenue, marketing
        for kind, st in lines:
            STEPS[kind](st, ctx, m)
        fx = 1.0 + f_cost * (fx_m[t] - 1.0)
        company = tc * tcg ** years * tc_m[t] * compute + oo * oog ** years + osm0 * osm_m[t]
        costs = m[2] * fx + (company + m[3]) * fx
        incurred[t] = costs
        paid = (opening_pay / max(k_pay, 1) if t < max(k_pay, 1) else 0.0) \
            + (incurred[t - k_pay] if t >= k_pay else 0.0)
        payable += costs - paid
        ocf = m[1] - paid + unexplained
        capex = (capex0 * capex_m[t] * gpu + lease) * fx
        held = cash if cash > 0.0 else 0.0
        interest = held * rate / 12.0
        share = held_abroad / held if held > 0.0 else 0.0
        revaluation = held_abroad * (fx_m[t] / fx_before - 1.0)
        fx_before = fx_m[t]
        flows, received = ocf - capex + interest, abroad[t] * fx_m[t]
        cash = cash + flows + revaluation + financing[t] + received
        held_abroad = held_abroad + revaluation + share * flows + received
        held_abroad = min(max(held_abroad, 0.0), cash if cash > 0.0 else 0.0)
        out.append((cash, m[0]))
    return out


def _line(s: Any, ln: Any, x: dict[str, float], mu: Any) -> tuple[str, list[Any]]:
    """A line's constants, multipliers and state, looked up once per path."""
    p, lag, h = ln.name + ".", ln.delay_months, s.horizon_months

    def g(name: str) -> float:
        return x.get(p + name, 0.0)

    if ln.kind == "c2c":
        return "c2c", [x[p + "start_users"], x[p + "paying_rate"], mu(p + "paying_rate"),
                       1.0 + g("paying_rate_growth_annual"), x[p + "arppu_monthly"],
                       mu(p + "arppu_monthly"), 1.0 + g("arppu_growth_annual"),
                       x[p + "tokens_per_user_day"] * DAYS_PER_MONTH * x[p + "cost_per_m_tokens"],
                       x[p + "marketing_monthly"], mu(p + "marketing_monthly"),
                       x[p + "user_churn_monthly"], mu(p + "user_churn_monthly"),
                       x[p + "cac"], mu(p + "cac"), x[p + "other_cor_share"],
                       _collection(x, p, ln, 0.0, h), g("payer_usage_multiple") or 1.0]
    if ln.kind == "b2b":
        d = ln.delivery_months
        backlog = x.get(p + "backlog_value_monthly",
                        x[p + "contracts_per_month"] * x[p + "contract_value"])
        adv = x[p + "advance_share"]
        grown = 1.0 + x.get(p + "backlog_growth_annual", 0.0)  # to the start, t < 0
        signed = [backlog * grown ** ((i - d - lag) / 12) for i in range(d + lag)] + [0.0] * h
        return "b2b", [signed, d, lag, ln.seasonality, x[p + "contracts_per_month"],
                       1.0 + x[p + "contract_growth_annual"], mu(p + "contracts_per_month"),
                       x[p + "sm_elasticity"], x[p + "contract_value"],
                       mu(p + "contract_value"), adv, x[p + "delivery_cost_share"],
                       g("delivery_compute_share"),
                       _collection(x, p, ln, lag * (1.0 - adv) * backlog, h)]
    return "api", [x[p + "tokens_per_month"], mu(p + "tokens_per_month"), x[p + "price_per_m"],
                   mu(p + "price_per_m"), x[p + "cost_per_m_tokens"] / x[p + "utilisation"],
                   x[p + "volume_growth_monthly"], mu(p + "volume_growth_monthly"),
                   1.0 - x[p + "price_decline_monthly"], _collection(x, p, ln, 0.0, h)]


def _collection(x: dict[str, float], p: str, ln: Any, default: float, h: int) -> list[Any]:
    """Opening receivables, their monthly collection, the revenue billed per month and the
    months whose billing is due in each month (the normal delay; billing in the line's
    window of later payment, ``extra_delay_months`` later)."""
    r0, lag = x.get(p + "opening_receivables", default), ln.delay_months
    late, start, window = ln.extra_delay_months, ln.extra_delay_start_month, \
        ln.extra_delay_window_months
    due: list[list[int]] = [[] for _ in range(h)]
    for a in range(h):  # billed in month a, collected in month a + lag (+ late)
        in_window = late > 0 and a >= start and (window == 0 or a < start + window)
        if a + lag + (late if in_window else 0) < h:
            due[a + lag + (late if in_window else 0)].append(a)
    return [r0 / max(lag, 1), max(lag, 1), due, [0.0] * h]


def _collect(c: list[Any], t: int, rev: float) -> float:
    """Bill ``rev`` in month ``t``; what is collected in that month."""
    opening, spread, due, billed = c
    billed[t] = rev
    return (opening if t < spread else 0.0) + sum(billed[a] for a in due[t])


def _c2c(st: list[Any], ctx: tuple[Any, ...], m: list[float]) -> None:
    u, pay, pay_m, pay_g, arppu, arppu_m, arppu_g, token_cost, mkt, mkt_m, churn, churn_m, \
        cac, cac_m, other_cor, coll, k = st
    t, years, index, _, rev_fx = ctx[:5]
    rate = pay * pay_m[t] * pay_g ** years
    payers = u * (rate if rate < 1.0 else 1.0)
    rev = payers * arppu * arppu_m[t] * arppu_g ** years * rev_fx
    marketing = mkt * mkt_m[t]
    st[0] = u * (1.0 - churn * churn_m[t]) + marketing / (cac * cac_m[t])
    m[0] += rev
    m[1] += _collect(coll, t, rev)
    m[2] += (u + (k - 1.0) * payers) * token_cost * index / ONE_MILLION + rev * other_cor
    m[3] += marketing


def _b2b(st: list[Any], ctx: tuple[Any, ...], m: list[float]) -> None:
    buf, d, lag, season, c0, growth, c_m, elasticity, cv, cv_m, adv, dcs, dcomp, coll = st
    t, years, _, compute, rev_fx, spend, quarter = ctx
    k = d + lag + t
    buf[k] = c0 * growth ** years * season[quarter] * c_m[t] \
        * (1.0 if spend is None else spend ** elasticity) * cv * cv_m[t] * rev_fx
    opening, spread, due = coll[0], coll[1], coll[2]
    collected = (opening if t < spread else 0.0) + \
        (1.0 - adv) * sum(buf[a + lag] for a in due[t])  # accepted in month a: row a + lag
    m[0] += buf[k - d]
    m[1] += adv * buf[k] + collected
    m[2] += sum(buf[k - d + 1:k + 1]) * dcs / d * (1.0 - dcomp + dcomp * compute)


def _api(st: list[Any], ctx: tuple[Any, ...], m: list[float]) -> None:
    tok, tok_m, price, price_m, cost, growth, growth_m, price_keep, coll = st
    t, _, index, _, rev_fx = ctx[:5]
    used = tok * tok_m[t]
    rev = used * (price * price_m[t] * rev_fx) / ONE_MILLION
    m[0] += rev
    m[1] += _collect(coll, t, rev)
    m[2] += used * (cost * index) / ONE_MILLION
    st[0] = tok * (1.0 + growth * growth_m[t])
    st[2] = price * price_keep


STEPS = {"c2c": _c2c, "b2b": _b2b, "api": _api}
