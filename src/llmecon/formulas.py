"""Every economic formula of llmecon, once: one pure function each.

Every function works on floats, numpy arrays and pandas Series alike, and every other
module calls these instead of writing the arithmetic again. Ratios are fractions (0.563 is
56.3%); presenters turn them into percents.

The rule for zero and missing denominators, stated once: a division by zero gives NaN
(``0/0``, ``x/0``), never an exception and never an infinity; a NaN input gives a NaN
result. Two exceptions say so in their names and docstrings: :func:`runway_months` is
infinite when nothing is burnt, and :func:`break_even_utilisation` is infinite without
revenue.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from llmecon.constants import DAYS_PER_MONTH, SECONDS_PER_HOUR, TOKENS_PER_MILLION

#: A float, a numpy array or a pandas Series: every formula accepts each of them.
Num = Any


def ratio(numerator: Num, denominator: Num) -> Num:
    """``numerator / denominator``, NaN where the denominator is zero.

    >>> ratio(1.0, 4.0)
    0.25
    >>> import math; math.isnan(ratio(1.0, 0.0))
    True
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # inf: callers say
        out = np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))
    return _like(out, numerator, denominator)


def _like(out: np.ndarray[Any, Any], *inputs: object) -> Num:
    for x in inputs:
        if hasattr(x, "index") and hasattr(x, "to_numpy"):
            import pandas as pd

            return pd.Series(out, index=x.index)
    if out.ndim == 0:
        return float(out)
    return out


def _ratio_or_inf(numerator: Num, denominator: Num) -> Num:
    """``numerator / denominator`` where the denominator is positive, else infinity."""
    n = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(d > 0, n / np.where(d > 0, d, 1.0), np.inf)
    return _like(out, numerator, denominator)


def gross_profit(revenue: Num, cost_of_revenue: Num) -> Num:
    """Gross profit = revenue - cost of revenue.

    >>> round(gross_profit(312.414, 136.525), 6)  # Zhipu FY2024, RMB m (mffb table)
    175.889
    """
    return revenue - cost_of_revenue


def gross_margin(revenue: Num, cost_of_revenue: Num) -> Num:
    """Gross margin = (revenue - cost of revenue) / revenue.

    >>> round(gross_margin(312.414, 136.525), 4)  # Zhipu FY2024: 56.3%
    0.563
    """
    return ratio(gross_profit(revenue, cost_of_revenue), revenue)


def growth(current: Num, prior: Num) -> Num:
    """Growth on a comparable period: current / prior - 1.

    >>> round(growth(30.523, 3.46), 4)  # MiniMax FY2024 revenue: +782%
    7.8217
    """
    return ratio(current, prior) - 1.0


def cagr(first: Num, last: Num, years: float) -> Num:
    """Compound annual growth rate over ``years``: (last / first) ** (1 / years) - 1.

    >>> round(cagr(57.409, 312.414, 2), 4)  # Zhipu revenue FY2022-FY2024
    1.3328
    """
    if years <= 0:
        raise ValueError("years must be positive")
    r = ratio(last, first)
    with np.errstate(invalid="ignore"):
        out = np.where(np.asarray(r) > 0, np.power(np.abs(np.asarray(r, dtype=float)),
                                                   1.0 / years), np.nan) - 1.0
    return _like(out, first, last)


def trailing_twelve_months(full_year: Num, current_interim: Num, prior_interim: Num) -> Num:
    """TTM = last full year + current interim - the same interim a year earlier.

    >>> trailing_twelve_months(312.414, 190.877, 44.9)  # Zhipu revenue to June 2025
    458.391
    """
    return full_year + current_interim - prior_interim


def annualise(value: Num, months: float) -> Num:
    """Run-rate: a flow over ``months`` scaled to twelve months (label it as such).

    >>> annualise(53.437, 9)
    71.24933333333333
    """
    return value * (12.0 / months)


def monthly_cash_burn(operating_cash_flow: Num, capex: Num, months: float) -> Num:
    """Monthly burn = -(operating cash flow - capex) / months (positive when cash is burnt).

    >>> monthly_cash_burn(-1327.0, 0.0, 6)  # Zhipu H1 2025 OCF only, RMB m
    221.16666666666666
    """
    return -(operating_cash_flow - capex) / months


def runway_months(cash: Num, monthly_burn: Num) -> Num:
    """Months of cash at the current burn; infinite when the burn is zero or negative.

    >>> runway_months(2552.0, 327.3)  # Zhipu at 30 June 2025, RMB m
    7.797128017109685
    """
    return _ratio_or_inf(cash, monthly_burn)


def revenue_per_employee(revenue: Num, headcount: Num, months: float = 12.0) -> Num:
    """Annualised revenue per employee ("per-capita output").

    >>> round(revenue_per_employee(53.437, 385, 9), 4)  # MiniMax 9M 2025, USD m/person
    0.1851
    """
    return ratio(annualise(revenue, months), headcount)


def receivable_days(opening: Num, closing: Num, revenue: Num, days: float) -> Num:
    """Trade receivable days = average of opening and closing receivables / revenue x days.

    >>> round(receivable_days(7.895, 91.135, 312.414, 366), 1)  # Zhipu FY2024 (leap year)
    58.0
    """
    return ratio((opening + closing) / 2.0, revenue) * days


def monthly_arppu(revenue: Num, paying_users: Num, months: float) -> Num:
    """Monthly revenue per paying user = revenue / paying users / months.

    >>> round(monthly_arppu(38.02e6, 1.7716e6, 9), 4)  # MiniMax AI-native 9M 2025
    2.3845
    """
    return ratio(revenue, paying_users) / months


def spend_per_net_new(spend: Num, count_now: Num, count_before: Num) -> Num:
    """Spend per net new unit (e.g. S&M per net new MAU); NaN when nothing was added.

    >>> round(spend_per_net_new(86.995, 19.106, 3.144), 4)
    5.4501
    """
    added = count_now - count_before
    added = np.where(np.asarray(added, dtype=float) > 0, added, 0.0)
    return ratio(spend, _like(added, count_now))


def relative_change(new: Num, old: Num) -> Num:
    """Relative change (new - old) / |old|: new / old - 1 (as :func:`growth`) for a positive
    base, and with the sign of the change for a negative one (a burn of -20 a month, cash
    generated, becoming a burn of 35 is +275%, a rise, not new / old - 1 = -275%).

    >>> relative_change(1.5, 1.0), relative_change(35.0, -20.0), relative_change(-5.0, -20.0)
    (0.5, 2.75, 0.75)
    """
    old_ = np.asarray(old, dtype=float)
    return ratio(np.asarray(new, dtype=float) - old_, np.abs(old_))


def profit_on_cost(revenue: Num, cost: Num) -> Num:
    """(revenue - cost) / cost, the "cost profit margin"; NaN without cost.

    >>> profit_on_cost(150.0, 100.0)
    0.5
    """
    return ratio(revenue - cost, cost)


def break_even_utilisation(full_utilisation_cost: Num, revenue: Num) -> Num:
    """Utilisation at which cost at that utilisation equals revenue; infinite without revenue.

    >>> break_even_utilisation(30.0, 60.0)
    0.5
    """
    return _ratio_or_inf(full_utilisation_cost, revenue)


def months_from_days(days: Num) -> Num:
    """Days as (average) months: days / DAYS_PER_MONTH.

    >>> round(months_from_days(91.3125), 6)
    3.0
    """
    return days / DAYS_PER_MONTH


def collection_delay_months(receivable_days: Num, advance_share: Num = 0.0) -> Num:
    """Months from invoice to cash of the revenue billed on credit: receivable days are
    receivables / revenue, and only the share not paid in advance becomes a receivable, so
    (receivable days / DAYS_PER_MONTH) / (1 - advance share).

    >>> round(collection_delay_months(112.3, 0.3), 2)  # Zhipu H1 2025, 30% paid at signing
    5.27
    >>> round(collection_delay_months(91.3125), 6)
    3.0
    """
    return months_from_days(receivable_days) / (1.0 - advance_share)


def days_from_months(months: Num) -> Num:
    """Months as days: months x DAYS_PER_MONTH.

    >>> days_from_months(48)  # four years: 3 x 365 + 366 days
    1461.0
    """
    return months * DAYS_PER_MONTH


def cost_per_million_tokens(gpu_hour_price: Num, tokens_per_gpu_second: Num) -> Num:
    """Cost per million tokens of a GPU at ``gpu_hour_price`` producing tokens at a rate.

    gpu_hour_price / (tokens per GPU-second x 3600) x 1e6; NaN at zero throughput.

    >>> round(cost_per_million_tokens(2.0, 22_282 / 8), 4)  # LMSYS: $0.20 per M output
    0.1995
    """
    return ratio(gpu_hour_price, tokens_per_gpu_second * SECONDS_PER_HOUR) * TOKENS_PER_MILLION


def amount_for_tokens(tokens: Num, price_per_million: Num) -> Num:
    """Money for a number of tokens at a price (or cost) per million tokens.

    >>> amount_for_tokens(2_000_000, 0.5)
    1.0
    """
    return tokens * price_per_million / TOKENS_PER_MILLION


def tokens_for_amount(amount: Num, price_per_million: Num) -> Num:
    """Tokens bought by an amount at a price per million; NaN at a zero price.

    >>> tokens_for_amount(1.0, 0.5)
    2000000.0
    """
    return ratio(amount, price_per_million) * TOKENS_PER_MILLION


def per_million_tokens(amount: Num, tokens: Num) -> Num:
    """Realised price (or cost) per million tokens: amount / tokens x 1e6.

    >>> per_million_tokens(1.0, 2_000_000)
    0.5
    """
    return ratio(amount, tokens) * TOKENS_PER_MILLION


def blended_price_per_million(output_share: Num, cache_hit_share: Num, price_input_miss: Num,
                              price_input_hit: Num, price_output: Num) -> Num:
    """Average price (or cost) per million tokens for a token mix.

    ``output_share`` of all tokens are output tokens; of the input tokens, ``cache_hit_share``
    hit the prompt cache. Blend = (1 - o) x ((1 - h) x miss + h x hit) + o x output.

    >>> # by hand: 0.75 x (0.5 x 0.56 + 0.5 x 0.07) + 0.25 x 1.68 = 0.23625 + 0.42
    >>> round(blended_price_per_million(0.25, 0.5, 0.56, 0.07, 1.68), 6)
    0.65625
    """
    o, h = output_share, cache_hit_share
    return (1 - o) * ((1 - h) * price_input_miss + h * price_input_hit) + o * price_output


def tokens_per_month(tokens_per_day: Num) -> Num:
    """Daily tokens over an average month (DAYS_PER_MONTH days).

    >>> tokens_per_month(1000.0)
    30437.5
    """
    return tokens_per_day * DAYS_PER_MONTH


# --- data ---
def cost_from_gross_margin(revenue: Num, gross_margin: Num) -> Num:
    """Cost of revenue implied by revenue and a gross margin: revenue x (1 - margin).

    >>> round(cost_from_gross_margin(79.038, 0.254), 3)  # MiniMax FY2025, US$m (by hand 58.962)
    58.962
    """
    return revenue * (1.0 - gross_margin)


def token_cost_factor(revenue: Num, token_cost: Num, other_cost: Num,
                      target_gross_margin: Num) -> Num:
    """The multiple of today's token cost that gives ``target_gross_margin``, the cost of
    revenue that is not token-priced (``other_cost``: commissions, delivery staff) held
    fixed: (revenue x (1 - m) - other cost) / token cost. At or below zero the target is not
    reachable even at zero token cost.

    >>> round(token_cost_factor(100.0, 70.0, 6.0, 0.5), 4)  # (50 - 6) / 70
    0.6286
    """
    return ratio(revenue * (1.0 - target_gross_margin) - other_cost, token_cost)


def per_month(amount: Num, months: float) -> Num:
    """A flow over ``months`` as a monthly average (e.g. a net loss as a monthly burn).

    >>> per_month(120.0, 12)
    10.0
    """
    return ratio(amount, months)


def market_capitalisation(share_price: Num, shares_outstanding: Num) -> Num:
    """Market value of the equity: share price x shares outstanding.

    >>> round(market_capitalisation(345.0, 309.26e6) / 1e9, 1)  # MiniMax day-1 close, HK$bn
    106.7
    """
    return share_price * shares_outstanding


def enterprise_value(market_cap: Num, cash_and_investments: Num, debt: Num = 0.0) -> Num:
    """Enterprise value = market capitalisation - cash and investments + debt.

    >>> enterprise_value(100.0, 30.0, 5.0)
    75.0
    """
    return market_cap - cash_and_investments + debt


# --- unit economics ---
def monthly_rate(annual_rate: Num) -> Num:
    """The monthly rate compounding to an annual one: (1 + a) ** (1 / 12) - 1.

    >>> round(monthly_rate(0.10), 6)  # 10% a year: 1.1 ** (1/12) - 1 = 0.797% a month
    0.007974
    """
    a = np.asarray(annual_rate, dtype=float)
    return _like(np.power(1.0 + a, 1.0 / 12.0) - 1.0, annual_rate)


def last_month_over_average(growth_factor: float, months: int) -> float:
    """m / (1 + 1/g + ... + 1/g^(m-1)) for monthly growth factor g over m months.

    >>> last_month_over_average(1.0, 9)  # no growth: the last month is the average
    1.0
    >>> round(last_month_over_average(1.1, 2), 6)  # months 1 and 1.1: 1.1 / 1.05
    1.047619
    """
    if months < 1 or growth_factor <= 0:
        raise ValueError(f"expected months >= 1 and a positive growth factor, found "
                         f"{months} and {growth_factor}")
    return float(months / sum(growth_factor ** -k for k in range(months)))


def discounted_lifetime(monthly_churn: Num, monthly_discount_rate: Num) -> Num:
    """Expected discounted periods of payment, the first included, at constant churn ``c``
    and discount ``r`` per period: sum over t >= 0 of ((1 - c) / (1 + r)) ** t =
    (1 + r) / (r + c); infinite when both are zero.

    >>> discounted_lifetime(0.1, 0.0)  # 10% monthly churn, no discounting: 10 months
    10.0
    >>> round(discounted_lifetime(0.1, 0.01), 4)  # 1.01 / 0.11
    9.1818
    """
    c = np.asarray(monthly_churn, dtype=float)
    r = np.asarray(monthly_discount_rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(c + r > 0, (1.0 + r) / np.where(c + r > 0, c + r, 1.0), np.inf)
    return _like(out, monthly_churn, monthly_discount_rate)


def spend_per_net_new_aligned(spend: Num, spend_months: float, count_now: Num,
                              count_before: Num, change_months: float) -> Num:
    """Spend per net new unit with the flow and the change on the same window: the spend is
    scaled from ``spend_months`` to the ``change_months`` the change spans (e.g. nine months
    of S&M against a twelve-month, like-for-like change in average MAU).

    >>> # MiniMax 9M 2025: S&M US$39.32m x 12/9 / (27.638m - 14.605m MAU, 9M 2025 vs 9M 2024)
    >>> round(spend_per_net_new_aligned(39.32, 9, 27.638, 14.605, 12), 2)
    4.02
    """
    return spend_per_net_new(spend * change_months / spend_months, count_now, count_before)


# --- simulate ---
#: The longest median lifetime :func:`median_lifetime` looks for, in periods.
MAX_MEDIAN_PERIODS = 1e15


def median_lifetime(survival: Callable[[float], Any]) -> float:
    """The median lifetime in periods: the first whole period ``t >= 1`` by which half of
    a cohort has churned, ``survival(t) <= 0.5``, for a decreasing survival function with
    ``survival(0) = 1`` (the sBG's, say); infinite when that takes more than
    :data:`MAX_MEDIAN_PERIODS`. It exists where the mean does not (an sBG with
    alpha <= 1). Found by doubling, then bisection.

    >>> median_lifetime(lambda t: 0.9 ** t)  # constant 10% churn: 0.9**7 = 0.478
    7
    >>> median_lifetime(lambda t: 3.5 / (3.5 + t))  # sBG alpha = 1, beta = 3.5: S(4) < 0.5
    4
    >>> median_lifetime(lambda t: float("nan"))  # no curve: not a lifetime of 1
    nan
    """
    if math.isnan(float(survival(1.0))):  # no curve to read (a NaN is never <= 1/2)
        return math.nan
    hi = 1.0
    while float(survival(hi)) > 0.5:
        hi *= 2.0
        if hi > MAX_MEDIAN_PERIODS:
            return math.inf
    lo = hi / 2.0 if hi > 1.0 else 0.0  # survival(lo) > 0.5 >= survival(hi)
    while hi - lo > 1.0:
        mid = math.floor((lo + hi) / 2.0)
        lo, hi = (lo, float(mid)) if float(survival(mid)) <= 0.5 else (float(mid), hi)
    return int(hi) if hi < 2**53 else hi


def monthly_interest(balance: Num, annual_rate: Num) -> Num:
    """Interest for one month on a balance at a simple annual rate: balance x rate / 12.

    >>> monthly_interest(1200.0, 0.05)  # by hand: 1200 x 0.05 / 12 = 5
    5.0
    """
    return balance * annual_rate / 12.0


def net_of_fees(gross: Num, fee_share: Num) -> Num:
    """Proceeds after fees paid as a share of the gross amount: gross x (1 - fee share).

    >>> round(net_of_fees(4348.1, 1 - 4173.4 / 4348.1), 1)  # Zhipu IPO, HK$ m: net 4,173.4
    4173.4
    """
    return gross * (1.0 - fee_share)


_ERFC = np.frompyfunc(math.erfc, 1, 1)
_SQRT_HALF = math.sqrt(0.5)


def normal_cdf(z: Any) -> Any:
    """The standard normal CDF, 0.5 erfc(-z / sqrt 2), with the C library's erfc (exact to
    rounding in both tails; scipy.stats is not imported for it).

    >>> [round(float(v), 6) for v in normal_cdf(np.array([-1.959964, 0.0, 1.0]))]
    [0.025, 0.5, 0.841345]
    """
    out: Any = 0.5 * np.asarray(_ERFC(np.asarray(z, dtype=float) * -_SQRT_HALF), dtype=float)
    return out
