"""The projection engine: monthly steps, vectorised over paths.

Per month and path it builds an income statement (revenue and cost of revenue per line,
compute, staff and other opex, selling and marketing), a cash-flow statement (B2B cash
arrives on the payment schedule after the collection delay) and the balance items that
matter (cash, trade receivables, contract liabilities).

Lines:
- C2C: users(t+1) = users(t) (1 - churn) + marketing(t) / CAC; revenue = users x paying
  rate x ARPPU; inference = users x tokens per user per day x days per month x cost per token.
- B2B: contracts signed per month grow yearly, follow the calendar quarter's seasonality
  and sales spend (elasticity); revenue at acceptance ``delivery_months`` later; delivery
  cost spread over delivery; an advance at signing, the rest collected
  ``collection_delay_months`` after acceptance.
- API: tokens grow monthly, price falls monthly; cost = tokens x cost per token /
  utilisation.
Costs: cost per token follows an index that falls by ``inference_cost_decline_annual``;
training compute and other opex grow yearly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from llmecon import formulas
from llmecon.simulate.scenario import LineSpec, Scenario

Array = np.ndarray[Any, Any]
FIELDS = ("cash", "revenue", "gross_profit", "operating_cash_flow", "trade_receivables",
          "contract_liabilities")


@dataclass(frozen=True)
class Paths:
    """Monthly series per path, shape (paths, months)."""

    cash: Array
    revenue: Array
    gross_profit: Array
    operating_cash_flow: Array
    trade_receivables: Array
    contract_liabilities: Array


def _mult(mults: Mapping[str, Array], name: str, t: int) -> Any:
    m = mults.get(name)
    return 1.0 if m is None else m[..., t]


@dataclass
class State:
    """What carries from one month to the next, per path: users (C2C), tokens and prices
    (API), and contracts signed (B2B, a buffer that includes the months before the start)."""

    users: dict[str, Array] = field(default_factory=dict)
    tokens: dict[str, Array] = field(default_factory=dict)
    price: dict[str, Array] = field(default_factory=dict)
    signed: dict[str, Array] = field(default_factory=dict)


@dataclass
class Month:
    """One month's totals over the lines, per path, and the company-wide context."""

    t: int
    years: float
    cost_index: Array
    spend_index: Array
    calendar_quarter: int
    revenue: Array
    cash_in: Array
    cost_of_revenue: Array
    marketing: Array
    receivables: Array
    liabilities: Array


def initial_state(s: Scenario, x: Mapping[str, Array], n: int) -> State:
    """Users, tokens, prices and the B2B history (contracts signed before the start)."""
    st = State()
    for ln in s.lines:
        p = ln.name + "."
        if ln.kind == "c2c":
            st.users[ln.name] = x[p + "start_users"].astype(float).copy()
        elif ln.kind == "api":
            st.tokens[ln.name] = x[p + "tokens_per_month"].astype(float).copy()
            st.price[ln.name] = x[p + "price_per_m"].astype(float).copy()
        else:
            back = ln.delivery_months + ln.collection_delay_months
            buf = np.zeros((n, back + s.horizon_months))
            buf[:, :back] = x[p + "contracts_per_month"][:, None]
            st.signed[ln.name] = buf
    return st


def step_c2c(ln: LineSpec, x: Mapping[str, Array], mults: Mapping[str, Array], st: State,
             mo: Month) -> None:
    """Users pay ARPPU and use tokens; marketing buys new users at CAC; some churn."""
    p, t = ln.name + ".", mo.t
    u = st.users[ln.name]
    arppu = x[p + "arppu_monthly"] * _mult(mults, p + "arppu_monthly", t)
    rev = u * x[p + "paying_rate"] * _mult(mults, p + "paying_rate", t) * arppu
    inference = formulas.amount_for_tokens(
        u * formulas.tokens_per_month(x[p + "tokens_per_user_day"]),
        x[p + "cost_per_m_tokens"] * mo.cost_index)
    marketing = x[p + "marketing_monthly"] * _mult(mults, p + "marketing_monthly", t)
    cac = x[p + "cac"] * _mult(mults, p + "cac", t)
    churn = x[p + "user_churn_monthly"] * _mult(mults, p + "user_churn_monthly", t)
    st.users[ln.name] = u * (1.0 - churn) + marketing / cac
    mo.revenue += rev
    mo.cash_in += rev
    mo.cost_of_revenue += inference + rev * x[p + "other_cor_share"]
    mo.marketing += marketing


def step_b2b(ln: LineSpec, x: Mapping[str, Array], mults: Mapping[str, Array], st: State,
             mo: Month) -> None:
    """Contracts signed now are accepted ``delivery_months`` later (revenue), delivered
    evenly, paid in advance in part and the rest ``collection_delay_months`` after
    acceptance."""
    p, t = ln.name + ".", mo.t
    buf = st.signed[ln.name]
    d, lag = ln.delivery_months, ln.collection_delay_months
    k = d + lag + t  # column of month t in the buffer
    buf[:, k] = x[p + "contracts_per_month"] \
        * (1.0 + x[p + "contract_growth_annual"]) ** mo.years \
        * ln.seasonality[mo.calendar_quarter] * _mult(mults, p + "contracts_per_month", t) \
        * mo.spend_index ** x[p + "sm_elasticity"]
    value = x[p + "contract_value"] * _mult(mults, p + "contract_value", t)
    adv = x[p + "advance_share"]
    in_delivery = buf[:, k - d + 1: k + 1].sum(axis=1)
    mo.revenue += buf[:, k - d] * value
    mo.cost_of_revenue += in_delivery * value * x[p + "delivery_cost_share"] / d
    mo.cash_in += buf[:, k] * value * adv + buf[:, k - d - lag] * value * (1.0 - adv)
    mo.receivables += buf[:, k - d - lag + 1: k - d + 1].sum(axis=1) * value * (1 - adv)
    mo.liabilities += in_delivery * value * adv


def step_api(ln: LineSpec, x: Mapping[str, Array], mults: Mapping[str, Array], st: State,
             mo: Month) -> None:
    """Tokens at the month's price; cost per token over utilisation; volume grows, price
    falls."""
    p, t = ln.name + ".", mo.t
    tok = st.tokens[ln.name]
    rev = formulas.amount_for_tokens(tok, st.price[ln.name] * _mult(mults, p + "price_per_m", t))
    cost = formulas.amount_for_tokens(tok, x[p + "cost_per_m_tokens"] * mo.cost_index
                                      / x[p + "utilisation"])
    mo.revenue += rev
    mo.cash_in += rev
    mo.cost_of_revenue += cost
    growth = x[p + "volume_growth_monthly"] * _mult(mults, p + "volume_growth_monthly", t)
    st.tokens[ln.name] = tok * (1.0 + growth)
    st.price[ln.name] = st.price[ln.name] * (1.0 - x[p + "price_decline_monthly"])


STEPS: dict[str, Callable[[LineSpec, Mapping[str, Array], Mapping[str, Array], State, Month],
                          None]] = {"c2c": step_c2c, "b2b": step_b2b, "api": step_api}


def _month(s: Scenario, x: Mapping[str, Array], mults: Mapping[str, Array], t: int,
           n: int) -> Month:
    years = t / 12.0
    index = (1.0 - x["inference_cost_decline_annual"]) ** years \
        * _mult(mults, "inference_cost_index", t)
    osm0 = x["other_sm_monthly"]
    other_sm = osm0 * _mult(mults, "other_sm_monthly", t)
    spend = np.where(osm0 > 0, other_sm / np.where(osm0 > 0, osm0, 1.0), 1.0)
    quarter = ((s.start.month + t) % 12) // 3  # month 0 is the month after the period end
    return Month(t, years, index, spend, quarter, *(np.zeros(n) for _ in range(6)))


def company_costs(x: Mapping[str, Array], mults: Mapping[str, Array], mo: Month) -> Array:
    """Training compute, other opex and other S&M of the month."""
    t, years = mo.t, mo.years
    training = x["training_compute_monthly"] \
        * (1.0 + x["training_compute_growth_annual"]) ** years \
        * _mult(mults, "training_compute_monthly", t)
    other = x["other_opex_monthly"] * (1.0 + x["opex_growth_annual"]) ** years
    other_sm = x["other_sm_monthly"] * _mult(mults, "other_sm_monthly", t)
    out: Array = training + other + other_sm
    return out


def financing_by_month(s: Scenario) -> Array:
    """Cash from financing events per projected month."""
    financing = np.zeros(s.horizon_months)
    for f in s.financing:
        if f.month < s.horizon_months:
            financing[f.month] += f.amount
    return financing


def project(s: Scenario, x: Mapping[str, Array], mults: Mapping[str, Array],
            into: Paths | None = None) -> Paths:
    """Project every path. ``x`` maps driver names to arrays (paths,); ``mults`` maps driver
    names (and ``inference_cost_index``) to multipliers of shape (months,) or
    (paths, months). ``into`` receives the results in place (arrays of (paths, months))."""
    h = s.horizon_months
    n = len(x["start_cash"])
    out = {k: (getattr(into, k) if into is not None else np.empty((n, h), order="F"))
           for k in FIELDS}
    cash = x["start_cash"].astype(float).copy()
    financing = financing_by_month(s)
    st = initial_state(s, x, n)
    for t in range(h):
        mo = _month(s, x, mults, t, n)
        for ln in s.lines:
            STEPS[ln.kind](ln, x, mults, st, mo)
        ocf = mo.cash_in - mo.cost_of_revenue - company_costs(x, mults, mo) - mo.marketing
        cash = cash + ocf + financing[t]
        out["cash"][:, t] = cash
        out["revenue"][:, t] = mo.revenue
        out["gross_profit"][:, t] = formulas.gross_profit(mo.revenue, mo.cost_of_revenue)
        out["operating_cash_flow"][:, t] = ocf
        out["trade_receivables"][:, t] = mo.receivables
        out["contract_liabilities"][:, t] = mo.liabilities
    return into if into is not None else Paths(**out)
