"""What the projection (:mod:`llmecon.simulate.engine`) carries beside its lines: payables
(a working-capital balance) and the included financing events' cash per month."""

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


def financing_by_month(s: Scenario) -> Array:
    """Cash from the included financing events per projected month: net receipts, less
    interest on debt in each month it is outstanding, less repayments."""
    h = s.horizon_months
    flows = np.zeros(h)
    for f in s.included_financing():
        if not f.already_received and f.month < h:
            flows[f.month] += f.net_amount
        end = h if f.repay_after_months is None else min(f.month + f.repay_after_months, h)
        flows[f.month:end] -= formulas.monthly_interest(f.amount, f.annual_interest_rate)
        if f.repay_after_months is not None and f.month + f.repay_after_months < h:
            flows[f.month + f.repay_after_months] -= f.amount
    return flows
