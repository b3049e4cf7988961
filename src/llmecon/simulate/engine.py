"""The projection engine: monthly steps, vectorised over paths.

Per month and path it builds an income statement (revenue and cost of revenue per line,
compute, staff and other opex, selling and marketing), a cash-flow statement (B2B cash
arrives on the payment schedule after the collection delay) and the balance items that
matter (cash, trade receivables, contract liabilities).

Lines:
- C2C: users(t+1) = users(t) (1 - churn) + marketing(t) / CAC; revenue = users x paying
  rate x ARPPU; inference = users x tokens per user per day x 30.44 x cost per token.
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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from llmecon.simulate.scenario import Scenario

DAYS_PER_MONTH = 365.25 / 12
Array = np.ndarray[Any, Any]


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


def project(s: Scenario, x: Mapping[str, Array], mults: Mapping[str, Array],
            into: Paths | None = None) -> Paths:
    """Project every path. ``x`` maps driver names to arrays (paths,); ``mults`` maps driver
    names (and ``inference_cost_index``) to multipliers of shape (months,) or
    (paths, months). ``into`` receives the results in place (arrays of (paths, months))."""
    h = s.horizon_months
    n = len(x["start_cash"])
    fields = ("cash", "revenue", "gross_profit", "operating_cash_flow", "trade_receivables",
              "contract_liabilities")
    out = {k: (getattr(into, k) if into is not None else np.empty((n, h), order="F"))
           for k in fields}
    cash = x["start_cash"].astype(float).copy()
    financing = np.zeros(h)
    for f in s.financing:
        if f.month < h:
            financing[f.month] += f.amount
    users = {ln.name: x[f"{ln.name}.start_users"].astype(float).copy()
             for ln in s.lines if ln.kind == "c2c"}
    tokens = {ln.name: x[f"{ln.name}.tokens_per_month"].astype(float).copy()
              for ln in s.lines if ln.kind == "api"}
    price = {ln.name: x[f"{ln.name}.price_per_m"].astype(float).copy()
             for ln in s.lines if ln.kind == "api"}
    sign: dict[str, Array] = {}
    for ln in s.lines:
        if ln.kind == "b2b":
            back = ln.delivery_months + ln.collection_delay_months
            buf = np.zeros((n, back + h))
            buf[:, :back] = x[f"{ln.name}.contracts_per_month"][:, None]
            sign[ln.name] = buf
    first_month = s.start.month  # projection month 0 is the month after the period end
    osm0 = x["other_sm_monthly"]
    for t in range(h):
        years = t / 12.0
        index = (1.0 - x["inference_cost_decline_annual"]) ** years \
            * _mult(mults, "inference_cost_index", t)
        revenue = np.zeros(n)
        cash_in = np.zeros(n)
        cor = np.zeros(n)
        marketing_total = np.zeros(n)
        receivables = np.zeros(n)
        liabilities = np.zeros(n)
        other_sm = osm0 * _mult(mults, "other_sm_monthly", t)
        for ln in s.lines:
            p = ln.name + "."
            if ln.kind == "c2c":
                u = users[ln.name]
                arppu = x[p + "arppu_monthly"] * _mult(mults, p + "arppu_monthly", t)
                rev = u * x[p + "paying_rate"] * _mult(mults, p + "paying_rate", t) * arppu
                inference = u * x[p + "tokens_per_user_day"] * DAYS_PER_MONTH \
                    * x[p + "cost_per_m_tokens"] * index / 1e6
                marketing = x[p + "marketing_monthly"] * _mult(mults, p + "marketing_monthly", t)
                cac = x[p + "cac"] * _mult(mults, p + "cac", t)
                churn = x[p + "user_churn_monthly"] * _mult(mults, p + "user_churn_monthly", t)
                users[ln.name] = u * (1.0 - churn) + marketing / cac
                revenue += rev
                cash_in += rev
                cor += inference + rev * x[p + "other_cor_share"]
                marketing_total += marketing
            elif ln.kind == "b2b":
                buf = sign[ln.name]
                d, lag = ln.delivery_months, ln.collection_delay_months
                k = d + lag + t  # column of month t in the buffer
                quarter = ((first_month + t) % 12) // 3
                spend = np.where(osm0 > 0, other_sm / np.where(osm0 > 0, osm0, 1.0), 1.0)
                buf[:, k] = x[p + "contracts_per_month"] \
                    * (1.0 + x[p + "contract_growth_annual"]) ** years \
                    * ln.seasonality[quarter] * _mult(mults, p + "contracts_per_month", t) \
                    * spend ** x[p + "sm_elasticity"]
                value = x[p + "contract_value"] * _mult(mults, p + "contract_value", t)
                adv = x[p + "advance_share"]
                rev = buf[:, k - d] * value
                cost = buf[:, k - d + 1: k + 1].sum(axis=1) * value * x[p + "delivery_cost_share"] \
                    / d
                cash_in += buf[:, k] * value * adv + buf[:, k - d - lag] * value * (1.0 - adv)
                receivables += buf[:, k - d - lag + 1: k - d + 1].sum(axis=1) * value * (1 - adv)
                liabilities += buf[:, k - d + 1: k + 1].sum(axis=1) * value * adv
                revenue += rev
                cor += cost
            else:
                tok = tokens[ln.name]
                pr = price[ln.name] * _mult(mults, p + "price_per_m", t)
                rev = tok * pr / 1e6
                cost = tok * x[p + "cost_per_m_tokens"] * index / x[p + "utilisation"] / 1e6
                revenue += rev
                cash_in += rev
                cor += cost
                growth = x[p + "volume_growth_monthly"] \
                    * _mult(mults, p + "volume_growth_monthly", t)
                tokens[ln.name] = tok * (1.0 + growth)
                price[ln.name] = price[ln.name] * (1.0 - x[p + "price_decline_monthly"])
        training = x["training_compute_monthly"] \
            * (1.0 + x["training_compute_growth_annual"]) ** years \
            * _mult(mults, "training_compute_monthly", t)
        other = x["other_opex_monthly"] * (1.0 + x["opex_growth_annual"]) ** years
        ocf = cash_in - cor - training - other - other_sm - marketing_total
        cash = cash + ocf + financing[t]
        out["cash"][:, t] = cash
        out["revenue"][:, t] = revenue
        out["gross_profit"][:, t] = revenue - cor
        out["operating_cash_flow"][:, t] = ocf
        out["trade_receivables"][:, t] = receivables
        out["contract_liabilities"][:, t] = liabilities
    return into if into is not None else Paths(**out)
