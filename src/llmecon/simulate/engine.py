"""The projection engine: monthly steps, vectorised over paths.

Per month and path it builds an accrual-basis operating result (revenue and cost of revenue
per line, compute, other opex, selling and marketing), the cash flows (operating, capex and
lease payments, interest on cash, financing) and the working-capital balances (trade
receivables, contract liabilities). The balances are kept as running sums, so cash is
conserved: with no unexplained line, capex or financing, (cash + receivables - contract
liabilities - payables + contract costs) changes each month by exactly the accrual-basis
result (tested).

Lines (one step function each):
- C2C: users(t+1) = users(t) (1 - churn) + marketing(t) / CAC (churn, multiplied by
  shocks, regimes or noise, at most 1); revenue = users x paying rate x ARPPU;
  inference = (free users + k payers) x a free user's tokens a day x cost, free users
  = users - payers. With an sBG payer curve (drivers ``payer_sbg_alpha`` and
  ``payer_sbg_beta``) payers are cohorts instead
  (:func:`~llmecon.simulate.consumer.c2c_cohort_payers`): each month's new payers (users
  acquired x paying rate) decay by the curve S(t), the opening payers (users x paying
  rate, a base of mixed tenure) by the base's curve, and revenue = payers x ARPPU; users
  are then free users + payers, the free users churning at the line's churn:
  free(t+1) = free(t) (1 - churn) + acquired(t) (1 - paying rate(t)), free(0) = users -
  payers at the start, so payers never outnumber users (a payer who stops paying leaves,
  as in the unit-economics LTV on the same curve). Payers are users x paying rate
  otherwise, so they churn with the users (the LTV of unit-economics uses its own payer
  churn). Users acquired: see :func:`~llmecon.simulate.consumer.acquired` (an optional
  organic share).
- B2B: the value of contracts signed per month grows yearly, follows the signing quarter's
  seasonality (the backlog signed before the start too, grown at ``backlog_growth_annual``
  to the start) and sales spend (elasticity), and is fixed at signing (a later price shock
  touches new contracts only); revenue at acceptance ``delivery_months`` later; delivery
  cost, a share of the work signed at the base contract value (a price shock leaves it, fewer
  contracts cut it), paid evenly over delivery and expensed at acceptance (a contract-cost
  balance meanwhile); an advance at signing (a contract liability until acceptance), the rest a
  receivable collected ``collection_delay_months`` after acceptance (billing in a line's
  window of later payment, a budget freeze, later still: :mod:`~llmecon.simulate.collection`).
- API: tokens grow monthly (the multiplied growth at least -1), price falls monthly;
  cost = tokens x cost per token / use.
Opening receivables (driver ``<line>.opening_receivables``, the disclosed balance where
known) are collected evenly over the line's collection delay, so a longer delay lowers cash
in the months it bites. Costs: cost per token follows an index that falls by
``inference_cost_decline_annual``; training compute and other opex grow yearly.
Shares of revenue (``foreign_revenue_share``) and costs (``foreign_cost_share``) are in
another currency and move with ``fx_index`` (the price of that currency in the reporting
one, 1 at the start); revenue converts when billed. Cash in that currency (a share of the
opening cash, ``foreign_cash_share``, and financing received in it) is tracked per path and
revalued each month (:class:`~llmecon.simulate.balances.ForeignCash`). Operating costs may
be paid ``payables_months`` later (``opening_payables`` owed at the start).
Compute costs follow ``gpu_price_index`` by the rented and committed shares of the compute
mix (:func:`compute_index`); owned capacity pays by capex.
Below the operating cash flow: capex and lease payments, interest on positive cash at
``interest_rate_on_cash_annual``, and the scenario's included financing events (net of fees,
interest on debt, repayments).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from llmecon import formulas
from llmecon.simulate.balances import ForeignCash, Payables
from llmecon.simulate.balances import financing_by_month as financing_by_month
from llmecon.simulate.calendar import calendar_quarter
from llmecon.simulate.collection import billed_due, collect_opening
from llmecon.simulate.consumer import acquired as _acquired
from llmecon.simulate.consumer import c2c_cohort_payers as c2c_cohort_payers
from llmecon.simulate.consumer import paying_rate as _paying_rate
from llmecon.simulate.reading import multiplier as _mult
from llmecon.simulate.reading import optional as _opt
from llmecon.simulate.reading import rows_sum
from llmecon.simulate.reading import trend as _trend
from llmecon.simulate.scenario import LineSpec, Scenario

Array = np.ndarray[Any, Any]
#: The basis of every projected burn (the basis of the Chapter 18C burn rates disclosed);
#: :attr:`Paths.burn` computes it.
BURN_BASIS = "-(operating cash flow - capex and lease payments) per month"
FIELDS = ("cash", "revenue", "gross_profit", "operating_cash_flow", "trade_receivables",
          "contract_liabilities")
#: Series beyond :data:`FIELDS`; a ``Paths`` built by a backend may leave them ``None``.
EXTRA_FIELDS = ("operating_result", "capex_and_leases", "interest_income",
                "financing_cash_flow", "fx_revaluation", "payables", "contract_costs")


@dataclass(frozen=True)
class Paths:
    """Monthly series per path, shape (paths, months), in the scenario's currency.

    Attributes
    ----------
    cash : cash and short-term investments at the month end.
    revenue, gross_profit : accrual basis, per month.
    operating_cash_flow : cash from operations, incl. the ``unexplained_operating_monthly``
        line of the calibration.
    trade_receivables, contract_liabilities : balances at the month end.
    operating_result : accrual-basis operating result (revenue - every operating cost).
    capex_and_leases : capital expenditure and lease payments (cash out, positive).
    interest_income : interest earned on positive cash.
    financing_cash_flow : included financing: net receipts - interest on debt - repayments.
    fx_revaluation : gain (loss) on the cash held in the other currency as the ``fx_index``
        moves.
    payables : operating costs incurred and not yet paid, at the month end.
    contract_costs : B2B delivery cost of the contracts in delivery (paid as incurred,
        expensed at acceptance with their revenue: costs to fulfil a contract).
    """

    cash: Array
    revenue: Array
    gross_profit: Array
    operating_cash_flow: Array
    trade_receivables: Array
    contract_liabilities: Array
    operating_result: Array | None = None
    capex_and_leases: Array | None = None
    interest_income: Array | None = None
    financing_cash_flow: Array | None = None
    fx_revaluation: Array | None = None
    payables: Array | None = None
    contract_costs: Array | None = None

    @property
    def burn(self) -> Array:
        """Monthly cash burn, -(operating cash flow - capex and lease payments) (positive
        when cash is burnt), the basis of the disclosed 18C burn rates."""
        capex = 0.0 if self.capex_and_leases is None else self.capex_and_leases
        out: Array = formulas.monthly_cash_burn(self.operating_cash_flow, capex, 1)
        return out


class Trends:
    """Yearly trends as monthly running products: ``at(name)`` is (1 + sign x[name]) ** (t / 12)
    in month t, carried from month to month by one multiplication (a power per path and
    month costs as much as the rest of a month's step). 1 when the scenario lacks the
    driver. Relative rounding against the direct power: below 1e-14 over 60 months."""

    def __init__(self, x: Mapping[str, Array]) -> None:
        self.x = x
        self.t = 0
        self.step: dict[tuple[str, float], Array] = {}
        self.now: dict[tuple[str, float], Array] = {}

    def at(self, name: str, sign: float = 1.0) -> Any:
        key = (name, sign)
        now = self.now.get(key)
        if now is not None:
            return now
        v = self.x.get(name)
        if v is None:
            return 1.0
        base = 1.0 + sign * v
        self.step[key] = base ** (1.0 / 12.0)
        self.now[key] = now = base ** (self.t / 12.0)
        return now

    def advance(self) -> None:
        """Move to the next month."""
        self.t += 1
        for key, step in self.step.items():
            self.now[key] = self.now[key] * step


@dataclass
class State:
    """What carries from one month to the next, per path: users (C2C), tokens and prices
    (API), values signed (B2B, a buffer that includes the months before the start), revenue
    awaiting collection, and the balances of receivables and contract liabilities."""

    users: dict[str, Array] = field(default_factory=dict)
    tokens: dict[str, Array] = field(default_factory=dict)
    price: dict[str, Array] = field(default_factory=dict)
    signed: dict[str, Array] = field(default_factory=dict)
    work: dict[str, Array] = field(default_factory=dict)  # B2B work signed per row: volume
    spent: dict[str, Array] = field(default_factory=dict)  # B2B delivery cost per signed row
    billed: dict[str, Array] = field(default_factory=dict)
    opening_receivables: dict[str, Array] = field(default_factory=dict)
    receivables: dict[str, Array] = field(default_factory=dict)
    liabilities: dict[str, Array] = field(default_factory=dict)
    payers: dict[str, Array] = field(default_factory=dict)  # C2C cohorts: (paths, months)


@dataclass
class Month:
    """One month's totals over the lines, per path, and the company-wide context."""

    t: int
    cost_index: Array
    compute_index: Array
    revenue_fx: Array
    cost_fx: Array  # the foreign share of costs at this month's exchange rate
    spend_index: Array | None
    calendar_quarter: int
    trends: Trends
    revenue: Array
    cash_in: Array
    cost_of_revenue: Array  # in the reporting currency (each line converts its own)
    marketing: Array
    capitalised: Array  # B2B delivery cost paid this month beyond the cost expensed


def initial_state(s: Scenario, x: Mapping[str, Array], n: int) -> State:
    """Users, tokens, prices, the B2B history (contracts signed before the start) and the
    opening working-capital balances."""
    st = State()
    for ln in s.lines:
        p, lag = ln.name + ".", ln.delay_months
        if ln.kind == "c2c":
            st.users[ln.name] = x[p + "start_users"].astype(float).copy()
        elif ln.kind == "api":
            st.tokens[ln.name] = x[p + "tokens_per_month"].astype(float).copy()
            st.price[ln.name] = x[p + "price_per_m"].astype(float).copy()
        if ln.kind == "b2b":
            d = ln.delivery_months
            buf = np.zeros((d + lag + s.horizon_months, n))  # a row per month
            backlog = x.get(p + "backlog_value_monthly")
            if backlog is None:
                backlog = x[p + "contracts_per_month"] * x[p + "contract_value"]
            before = np.arange(-d - lag, 0.0)[:, None] / 12.0  # signed t < 0 months ago, grown
            grown = (1.0 + _opt(x, p + "backlog_growth_annual", n)) ** before
            buf[:d + lag] = np.multiply.outer([ln.seasonality[calendar_quarter(s.start, t)]
                                               for t in range(-d - lag, 0)], backlog) * grown
            st.signed[ln.name] = buf
            st.work[ln.name] = buf.copy()  # signed before the start: at the base price
            done = np.clip(-np.arange(-d - lag, 0.0), 0.0, d)[:, None] / d  # delivered share
            st.spent[ln.name] = np.zeros_like(buf)
            st.spent[ln.name][:d + lag] = buf[:d + lag] * done * x[p + "delivery_cost_share"]
            st.spent[ln.name][:lag] = 0.0  # accepted before the start: expensed already
            adv = x[p + "advance_share"]  # accepted, not collected; signed, not accepted
            default_r0 = (1.0 - adv) * rows_sum(buf[:lag])
            st.liabilities[ln.name] = adv * rows_sum(buf[lag:d + lag])
        else:
            st.billed[ln.name] = np.zeros((s.horizon_months, n))  # a row per month
            default_r0 = np.zeros(n)
            st.liabilities[ln.name] = np.zeros(n)
        r0 = x.get(p + "opening_receivables")
        r0 = default_r0 if r0 is None else r0
        st.opening_receivables[ln.name] = r0
        st.receivables[ln.name] = r0.astype(float).copy()
    return st


def opening_contract_costs(s: Scenario, st: State, n: int) -> Array:
    """Delivery cost already paid on the B2B contracts in delivery at the start (each
    delivered evenly: a contract signed j months before has had j of its months)."""
    out = np.zeros(n)
    for ln in s.lines:
        if ln.kind == "b2b":
            out = out + rows_sum(st.spent[ln.name][ln.delay_months:])
    return out


def _bill(st: State, ln: LineSpec, mo: Month, rev: Array) -> None:
    """Revenue of a line, collected after its collection delay (the same month without
    one; :func:`~llmecon.simulate.collection.due_months`)."""
    t = mo.t
    st.billed[ln.name][t] = rev
    collected = collect_opening(st.opening_receivables[ln.name], ln, t) \
        + billed_due(st.billed[ln.name], ln, t)
    st.receivables[ln.name] = st.receivables[ln.name] + rev - collected
    mo.cash_in += collected


def step_c2c(ln: LineSpec, x: Mapping[str, Array], mults: Mapping[str, Array], st: State,
             mo: Month) -> None:
    """Users pay ARPPU and use tokens; marketing buys new users at CAC; some churn. Payers
    are users x paying rate, or cohorts on an sBG curve where the scenario has one: then
    the state holds the free users (users = free users + payers), who churn at the line's
    churn while the payers follow their curve, so payers never outnumber users."""
    p, t = ln.name + ".", mo.t
    arppu = x[p + "arppu_monthly"] * _mult(mults, p + "arppu_monthly", t) \
        * mo.trends.at(p + "arppu_growth_annual")
    rate = _paying_rate(x, mults, p, t, mo.trends.at(p + "paying_rate_growth_annual"))
    new = _acquired(x, mults, p, t)
    if p + "payer_sbg_alpha" in x:
        if ln.name not in st.payers:  # month 0: the opening users split into free and payers
            st.payers[ln.name] = c2c_cohort_payers(x, mults, ln.name, len(st.billed[ln.name]))
            st.users[ln.name] = st.users[ln.name] - st.payers[ln.name][:, 0]
        payers, free = st.payers[ln.name][:, t], st.users[ln.name]
        new_free = new * (1.0 - rate)  # the acquired payers join the cohorts next month
    else:
        payers = st.users[ln.name] * rate
        free, new_free = st.users[ln.name] - payers, new
    rev = payers * arppu * mo.revenue_fx
    k = x.get(p + "payer_usage_multiple", 1.0)  # payers use k x a free user's tokens
    inference = formulas.amount_for_tokens(
        (free + k * payers) * formulas.tokens_per_month(x[p + "tokens_per_user_day"]),
        x[p + "cost_per_m_tokens"] * mo.cost_index)
    marketing = x[p + "marketing_monthly"] * _mult(mults, p + "marketing_monthly", t)
    # a multiplier may take the churn past 1 (a regime x3 on 40%): at most every user leaves
    churn = np.minimum(x[p + "user_churn_monthly"] * _mult(mults, p + "user_churn_monthly", t),
                       1.0)
    # no sBG curve: every user churns (payers with them); with one, the free users
    st.users[ln.name] = st.users[ln.name] * (1.0 - churn) + new_free
    mo.revenue += rev
    _bill(st, ln, mo, rev)
    mo.cost_of_revenue += (inference + rev * x[p + "other_cor_share"]) * mo.cost_fx
    mo.marketing += marketing


def step_b2b(ln: LineSpec, x: Mapping[str, Array], mults: Mapping[str, Array], st: State,
             mo: Month) -> None:
    """Contracts signed now (value fixed at signing) are accepted ``delivery_months`` later
    (revenue), delivered evenly, paid in advance in part and the rest collected
    ``collection_delay_months`` after acceptance.

    Delivery cost follows the work, not the price: it is ``delivery_cost_share`` of the
    value signed at the base contract value (contracts x ``contract_value``, the volume
    multipliers and sales spend applied), so a multiplier over time on ``contract_value``
    (a price shock, regime or noise: the same work for more or less money) moves revenue
    and leaves delivery cost, one for one off gross profit, while fewer contracts cut both.
    Revenue converts at ``revenue_fx`` when signed; delivery cost, paid as delivered, at
    ``cost_fx`` (once: the foreign share of costs)."""
    p, t = ln.name + ".", mo.t
    buf = st.signed[ln.name]
    d, lag = ln.delivery_months, ln.delay_months
    k = d + lag + t  # row of month t in the buffer
    spend = 1.0 if mo.spend_index is None else mo.spend_index ** x[p + "sm_elasticity"]
    work = st.work[ln.name]  # the work signed: volume at the base contract value, no FX
    work[k] = x[p + "contracts_per_month"] * mo.trends.at(p + "contract_growth_annual") \
        * ln.seasonality[mo.calendar_quarter] * _mult(mults, p + "contracts_per_month", t) \
        * spend * x[p + "contract_value"]
    buf[k] = work[k] * _mult(mults, p + "contract_value", t) * mo.revenue_fx  # its price
    adv = x[p + "advance_share"]
    accepted = buf[k - d]
    collected = collect_opening(st.opening_receivables[ln.name], ln, t) \
        + (1.0 - adv) * billed_due(buf, ln, t, lag)  # accepted in month a: row a + lag
    mo.revenue += accepted
    compute = _trend(x, p + "delivery_compute_share")
    spent = st.spent[ln.name]  # delivered evenly and paid as delivered, expensed at acceptance
    now = work[k - d + 1: k + 1] * (x[p + "delivery_cost_share"] / d * mo.cost_fx
                                    * (1.0 - compute + compute * mo.compute_index))
    spent[k - d + 1: k + 1] += now  # at the exchange rate when paid
    mo.cost_of_revenue += spent[k - d]
    mo.capitalised += rows_sum(now) - spent[k - d]
    mo.cash_in += adv * buf[k] + collected
    st.receivables[ln.name] = st.receivables[ln.name] + (1.0 - adv) * accepted - collected
    st.liabilities[ln.name] = st.liabilities[ln.name] + adv * (buf[k] - accepted)


def step_api(ln: LineSpec, x: Mapping[str, Array], mults: Mapping[str, Array], st: State,
             mo: Month) -> None:
    """Tokens at the month's price; cost per token over utilisation; volume grows, price
    falls."""
    p, t = ln.name + ".", mo.t
    tok = st.tokens[ln.name]
    used = tok * _mult(mults, p + "tokens_per_month", t)  # month-to-month demand noise
    rev = formulas.amount_for_tokens(used, st.price[ln.name] * _mult(mults, p + "price_per_m", t)
                                     * mo.revenue_fx)
    cost = formulas.amount_for_tokens(used, x[p + "cost_per_m_tokens"] * mo.cost_index
                                      / x[p + "utilisation"])
    mo.revenue += rev
    _bill(st, ln, mo, rev)
    mo.cost_of_revenue += cost * mo.cost_fx
    # a multiplier may take a fall past -100% (x3 on -50%): at most every token is lost
    growth = np.maximum(x[p + "volume_growth_monthly"]
                        * _mult(mults, p + "volume_growth_monthly", t), -1.0)
    st.tokens[ln.name] = tok * (1.0 + growth)
    st.price[ln.name] = st.price[ln.name] * (1.0 - x[p + "price_decline_monthly"])


STEPS: dict[str, Callable[[LineSpec, Mapping[str, Array], Mapping[str, Array], State, Month],
                          None]] = {"c2c": step_c2c, "b2b": step_b2b, "api": step_api}


def _month(s: Scenario, x: Mapping[str, Array], mults: Mapping[str, Array], t: int,
           n: int, trends: Trends) -> Month:
    index = trends.at("inference_cost_decline_annual", -1.0) \
        * _mult(mults, "inference_cost_index", t)
    spend: Any = None  # other S&M against its start: None when it is not moved
    if "other_sm_monthly" in mults:
        osm0 = x["other_sm_monthly"]
        other_sm = osm0 * _mult(mults, "other_sm_monthly", t)
        spend = np.where(osm0 > 0, other_sm / np.where(osm0 > 0, osm0, 1.0), 1.0)
    quarter = calendar_quarter(s.start, t)  # month 0 is the month after the period end
    compute = compute_index(x, mults, t, n)
    fx_now = _mult(mults, "fx_index", t)
    revenue_fx = 1.0 + _opt(x, "foreign_revenue_share", n) * (fx_now - 1.0)
    cost_fx = 1.0 + _opt(x, "foreign_cost_share", n) * (fx_now - 1.0)
    return Month(t, index * compute, compute, revenue_fx, cost_fx, spend, quarter, trends,
                 *(np.zeros(n) for _ in range(5)))


def compute_index(x: Mapping[str, Array], mults: Mapping[str, Array], t: int, n: int) -> Array:
    """Multiplier of compute costs (inference, training, B2B delivery's compute) from the
    GPU price index. Owned GPUs pay by capex, so these costs are the mix's rented share (at
    once) and committed share (once renewed, ``compute_commitment_months``), in proportion
    without the owned share. No mix: all rented; all owned: none follows the index."""
    gpu = _mult(mults, "gpu_price_index", t)
    rented = x.get("compute_rented_share")
    if rented is None:
        flat: Array = np.ones(n) * gpu
        return flat
    committed = _opt(x, "compute_committed_share", n)
    renewed = t >= _opt(x, "compute_commitment_months", n)
    paid = rented + committed  # of all compute, the part paid as a cost
    exposed = (rented + np.where(renewed, committed, 0.0)) / np.where(paid > 0, paid, np.inf)
    out: Array = 1.0 + exposed * (gpu - 1.0)
    return out


def company_costs(x: Mapping[str, Array], mults: Mapping[str, Array], mo: Month) -> Array:
    """Training compute (following the GPU price by the compute mix), other opex and other
    S&M of the month."""
    t = mo.t
    training = x["training_compute_monthly"] * mo.trends.at("training_compute_growth_annual") \
        * _mult(mults, "training_compute_monthly", t) * mo.compute_index
    other = x["other_opex_monthly"] * mo.trends.at("opex_growth_annual")
    other_sm = x["other_sm_monthly"] * _mult(mults, "other_sm_monthly", t)
    out: Array = training + other + other_sm
    return out


def project(s: Scenario, x: Mapping[str, Array], mults: Mapping[str, Array],
            into: Paths | None = None, series: Collection[str] | None = None) -> Paths:
    """Project every path. ``x`` maps driver names to arrays (paths,); ``mults`` maps driver
    names (and ``inference_cost_index``) to multipliers of shape (months,) or
    (paths, months). ``into`` receives the results in place (arrays of (paths, months));
    its series left ``None`` are computed and dropped. ``series``: the extra series to keep
    (default all of :data:`EXTRA_FIELDS`; the others are ``None`` in the result)."""
    h = s.horizon_months
    n = len(x["start_cash"])
    names = (*FIELDS, *(EXTRA_FIELDS if series is None
                        else [k for k in EXTRA_FIELDS if k in series]))
    out = {k: (getattr(into, k) if into is not None and getattr(into, k) is not None
               else np.empty((n, h), order="F")) for k in names}
    cash = x["start_cash"].astype(float).copy()
    foreign = ForeignCash(s, _opt(x, "foreign_cash_share", n), cash)
    st = initial_state(s, x, n)
    rate, unexplained = _opt(x, "interest_rate_on_cash_annual", n), \
        _opt(x, "unexplained_operating_monthly", n)
    due = Payables(s.payables_months, _opt(x, "opening_payables", n), n, h)
    trends = Trends(x)
    fulfil = opening_contract_costs(s, st, n)
    for t in range(h):
        mo = _month(s, x, mults, t, n, trends)
        for ln in s.lines:
            STEPS[ln.kind](ln, x, mults, st, mo)
        fx_now, fx = _mult(mults, "fx_index", t), mo.cost_fx
        fulfil = fulfil + mo.capitalised
        costs = mo.cost_of_revenue + (company_costs(x, mults, mo) + mo.marketing) * fx
        ocf = mo.cash_in - due.pay(t, costs + mo.capitalised) + unexplained
        capex = _capex(x, mults, t, n) * fx
        interest = formulas.monthly_interest(np.maximum(cash, 0.0), rate)
        revaluation, financing = foreign.month(t, fx_now, cash, ocf - capex + interest)
        cash = cash + ocf - capex + interest + revaluation + financing
        _put(out, t, cash=cash, revenue=mo.revenue, operating_cash_flow=ocf,
             gross_profit=formulas.gross_profit(mo.revenue, mo.cost_of_revenue),
             trade_receivables=sum(st.receivables.values(), np.zeros(n)),
             contract_liabilities=sum(st.liabilities.values(), np.zeros(n)),
             operating_result=mo.revenue - costs, capex_and_leases=capex,
             interest_income=interest, financing_cash_flow=financing,
             fx_revaluation=revaluation, payables=due.balance, contract_costs=fulfil)
        trends.advance()
    if into is not None:
        return into
    return Paths(**out)


def _capex(x: Mapping[str, Array], mults: Mapping[str, Array], t: int, n: int) -> Array:
    """Capex (times its shock multiplier and the GPU price index: new owned GPUs) and lease
    payments of month ``t``."""
    out: Array = _opt(x, "capex_monthly", n) * _mult(mults, "capex_monthly", t) \
        * _mult(mults, "gpu_price_index", t) + _opt(x, "lease_payments_monthly", n)
    return out


def _put(out: Mapping[str, Array], t: int, **series: Any) -> None:
    """Month ``t`` of each series kept in ``out`` (a scalar fills the month)."""
    for k, v in series.items():
        col = out.get(k)
        if col is not None:
            col[:, t] = v
