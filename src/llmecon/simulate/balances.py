"""What the projection (:mod:`llmecon.simulate.engine`) carries beside its lines: payables
(a working-capital balance), the included financing events' cash per month, and the cash
held in the scenario's other currency."""

from __future__ import annotations

from typing import Any

import numpy as np

from llmecon import formulas
from llmecon.simulate.scenario import Scenario

Array = np.ndarray[Any, Any]


class Payables:
    """Operating costs paid ``months`` after they are incurred; the opening balance is paid
    evenly over the first ``months`` months (in the first month when ``months`` is 0)."""

    def __init__(self, months: int, opening: Array, n: int, h: int) -> None:
        self.months, self.opening = months, opening
        self.balance = opening.astype(float).copy()
        self.incurred = np.zeros((h, n))  # a row per month

    def pay(self, t: int, costs: Array) -> Array:
        """Record month ``t``'s costs; return what is paid in that month."""
        k = self.months
        self.incurred[t] = costs
        opening: Any = self.opening / max(k, 1) if t < max(k, 1) else 0.0
        paid: Array = opening + (self.incurred[t - k] if t >= k else 0.0)
        self.balance = self.balance + costs - paid
        return paid


def financing_by_month(s: Scenario, foreign: bool | None = None) -> Array:
    """Cash from the included financing events per projected month: net receipts, less
    interest on debt in each month it is outstanding, less repayments. ``foreign``: only
    the events received in the other currency (``True``; their amounts at the rate of the
    calibration, ``fx_index`` 1), only the others (``False``), or all (``None``)."""
    h = s.horizon_months
    flows = np.zeros(h)
    for f in s.included_financing():
        if foreign is not None and f.in_foreign_currency != foreign:
            continue
        if not f.already_received and f.month < h:
            flows[f.month] += f.net_amount
        end = h if f.repay_after_months is None else min(f.month + f.repay_after_months, h)
        flows[f.month:end] -= formulas.monthly_interest(f.amount, f.annual_interest_rate)
        if f.repay_after_months is not None and f.month + f.repay_after_months < h:
            flows[f.month + f.repay_after_months] -= f.amount
    return flows


class ForeignCash:
    """Cash held in the scenario's other currency, per path, in the reporting currency.

    It opens at ``share`` (driver ``foreign_cash_share``) of the opening cash and takes in
    the financing received in that currency (:attr:`Financing.in_foreign_currency
    <llmecon.simulate.events.Financing>`), converted at the month's ``fx_index``. Each
    month:

    - the holdings are revalued by the index's change, fx(t) / fx(t - 1) - 1;
    - the month's other cash flows (operating, capex and leases, interest) are taken from
      (or added to) the two currencies pro rata to the holdings at the start of the month,
      an assumption: no source says which currency pays what;
    - financing in the reporting currency stays in it;
    - the holdings stay between 0 and the cash held (cash below 0 holds none).

    Notes
    -----
    revaluation(t) = F(t-1) (fx(t) / fx(t-1) - 1);
    F(t) = F(t-1) + revaluation(t) + F(t-1) / cash(t-1) x flows(t) + foreign financing(t) fx(t),
    clipped to [0, max(cash(t), 0)].
    """

    def __init__(self, s: Scenario, share: Array, cash: Array) -> None:
        self.held = share * np.maximum(cash, 0.0)
        self.home, self.abroad = financing_by_month(s, False), financing_by_month(s, True)
        self.active = bool(np.any(self.held) or np.any(self.abroad))
        self.fx_before: Any = 1.0

    def month(self, t: int, fx_now: Any, cash: Array, flows: Array) -> tuple[Any, Any]:
        """Month ``t``'s revaluation and financing cash (both currencies, converted), the
        holdings moved on. ``cash``: at the start of the month; ``flows``: the month's
        other cash flows."""
        if not self.active:
            return 0.0, self.home[t]
        held = np.maximum(cash, 0.0)
        share = np.divide(self.held, held, out=np.zeros_like(held), where=held > 0.0)
        revaluation = self.held * (fx_now / self.fx_before - 1.0)
        received = self.abroad[t] * fx_now
        after = cash + flows + revaluation + self.home[t] + received
        self.held = np.clip(self.held + revaluation + share * flows + received, 0.0,
                            np.maximum(after, 0.0))
        self.fx_before = fx_now
        return revaluation, self.home[t] + received
