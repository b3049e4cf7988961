"""A financing event of a scenario (:class:`Financing`) and its reading from a scenario
file (:func:`financing_event`); :mod:`llmecon.simulate.scenario` re-exports both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from llmecon import formulas
from llmecon.simulate.calendar import month_index, month_number

if TYPE_CHECKING:  # the scenario file's models are built only when a file is read
    from llmecon.config.scenario import FinancingEventConfig


@dataclass(frozen=True)
class Financing:
    """A financing event: ``amount`` (gross, scenario currency) in projected month ``month``
    (0 = the first month after the period end).

    ``fee_share`` of the amount is paid at once (cash received: :attr:`net_amount`). Debt
    pays ``annual_interest_rate`` on its principal in every month it is outstanding and is
    repaid in full ``repay_after_months`` after ``month`` (``None``: not repaid, as equity).
    ``already_received`` marks debt drawn before the start (in the starting cash already):
    only its interest and repayment move cash. Only ``committed`` events are in the base
    case. ``in_foreign_currency``: the money is received (and held, paid back) in the
    scenario's other currency, or one pegged to it; ``amount`` is then its value at the
    rate of the calibration (``fx_index`` 1), and the projection converts it at the
    month's ``fx_index`` and holds it as foreign cash
    (:class:`llmecon.simulate.balances.ForeignCash`).
    """

    month: int
    amount: float
    label: str
    committed: bool
    kind: str = "other"
    fee_share: float = 0.0
    annual_interest_rate: float = 0.0
    repay_after_months: int | None = None
    already_received: bool = False
    source: str = ""
    in_foreign_currency: bool = False

    @property
    def net_amount(self) -> float:
        """Cash received: the amount less fees."""
        return float(formulas.net_of_fees(self.amount, self.fee_share))


def months_before_start(cfg: FinancingEventConfig, start: date) -> int:
    """How many projected months before month 0 a dated event falls (0: in the projection
    or given by month). Month 0 is the month after ``start``'s month."""
    return 0 if cfg.date is None else max(0, -month_number(start, cfg.date))


def financing_event(cfg: FinancingEventConfig, start: date) -> Financing:
    """A financing event of a scenario starting after ``start``. Debt drawn before the
    start (``already_received`` with a date) sits at month 0, its repayment counted from the
    draw: ``repay_after_months`` less the months between the draw and month 0."""
    month = cfg.month if cfg.month is not None else month_index(start, cfg.date or start)
    repay = cfg.repay_after_months
    if cfg.already_received and repay is not None:
        repay = max(repay - months_before_start(cfg, start), 0)
    return Financing(month, cfg.amount, cfg.label, cfg.committed, cfg.kind, cfg.fee_share,
                     cfg.annual_interest_rate, repay, cfg.already_received,
                     cfg.source, cfg.in_foreign_currency)


def financing_detail(labels: Sequence[str], amounts: Sequence[float],
                     currency: str) -> list[dict[str, Any]]:
    """The financing events counted as plain data: each label with its gross amount and
    the amount's currency (``None`` where the amount was not recorded).

    >>> financing_detail(["raise"], [5e8], "USD")
    [{'label': 'raise', 'gross_amount': 500000000.0, 'currency': 'USD'}]
    """
    got = list(amounts) if len(amounts) == len(labels) else [None] * len(labels)
    return [{"label": lb, "gross_amount": None if a is None else float(a), "currency": currency}
            for lb, a in zip(labels, got, strict=True)]
