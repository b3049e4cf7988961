"""Unit economics of a B2B project (on-premise deployment for an enterprise or government).

A project earns its contract value at acceptance milestones, bills on a payment schedule,
collects after a delay, and costs delivery effort (person-months x loaded cost, cut by the
share of reusable components) plus hardware and compute passed through. The cash
timeline shows what such a business does to receivables and contract liabilities; the
sweep over the reusable share shows the road "from projects to platform".

Positions at the end of month t (cumulative amounts):
    trade receivables    = billed - collected
    contract liabilities = max(0, collected - revenue recognised)
    contract assets      = max(0, revenue recognised - billed)
Receivable days = sum over months of trade receivables (in months) / contract value x
DAYS_PER_MONTH: how long each unit of revenue waits for its cash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import Field, field_validator

from llmecon import formulas as f
from llmecon.config.assumptions import CheckedInputs, Milestone, Share, schedule_adds_to_one
from llmecon.constants import DAYS_PER_MONTH
from llmecon.errors import InputError

Milestones = tuple[Milestone, ...]


class ProjectInputs(CheckedInputs):
    """One project. Money in one currency; months from signing (month 0). The payment due
    at signing is an advance, received at once; later payments are collected
    ``collection_delay_months`` after they are billed (the delay that the receivable days
    imply is counted on the revenue not paid at signing:
    :func:`llmecon.formulas.collection_delay_months`)."""

    _what: ClassVar[str] = ("a project's unit economics (derived from the company's figures "
                            "and the assumptions' b2b section)")

    contract_value: float = Field(gt=0.0)
    delivery_person_months: float = Field(ge=0.0)
    loaded_cost_per_person_month: float = Field(ge=0.0)
    delivery_months: int = Field(ge=1)
    reusable_share: Share = 0.0
    hardware_passthrough: float = Field(default=0.0, ge=0.0)
    compute_cost: float = Field(default=0.0, ge=0.0)
    payments: Milestones = ((0, 0.3), (6, 0.6), (12, 0.1))
    acceptance: Milestones = ((6, 1.0),)
    collection_delay_months: int = Field(default=3, ge=0)

    @field_validator("payments", "acceptance")
    @classmethod
    def _adds_to_one(cls, v: Milestones) -> Milestones:
        return schedule_adds_to_one(v)


@dataclass(frozen=True)
class ProjectResult:
    delivery_cost: float
    total_cost: float
    gross_profit: float
    gross_margin: float
    revenue_per_delivery_employee_year: float
    receivable_days: float
    peak_funding_need: float
    months_to_cash_positive: int | None
    max_contract_liabilities: float
    max_trade_receivables: float
    timeline: dict[str, list[float]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_project(p: ProjectInputs) -> ProjectResult:
    """Margin, cash timeline, receivables and contract liabilities of one project."""
    delivery = p.delivery_person_months * (1.0 - p.reusable_share) \
        * p.loaded_cost_per_person_month
    total_cost = delivery + p.hardware_passthrough + p.compute_cost
    gp = float(f.gross_profit(p.contract_value, total_cost))
    def paid(m: int) -> int:  # the month a payment billed in month m is received
        return m if m == 0 else m + p.collection_delay_months

    horizon = max([p.delivery_months] + [paid(m) for m, _ in p.payments]
                  + [m for m, _ in p.acceptance]) + 1
    months = np.arange(horizon)
    spend = np.zeros(horizon)
    spend[: p.delivery_months] += (delivery + p.compute_cost) / p.delivery_months
    spend[0] += p.hardware_passthrough  # hardware bought at the start
    billed, collected, recognised = (np.zeros(horizon) for _ in range(3))
    for m, sh in p.payments:
        billed[m] += sh * p.contract_value
        collected[paid(m)] += sh * p.contract_value
    for m, sh in p.acceptance:
        recognised[m] += sh * p.contract_value
    cum_b, cum_c, cum_r = np.cumsum(billed), np.cumsum(collected), np.cumsum(recognised)
    receivables = cum_b - cum_c
    liabilities = np.maximum(0.0, cum_c - cum_r)
    assets = np.maximum(0.0, cum_r - cum_b)
    cash = np.cumsum(collected - spend)
    after_last_negative = None
    if cash[-1] >= 0:
        negative = np.nonzero(cash < 0)[0]
        after_last_negative = int(negative[-1] + 1) if negative.size else 0
    delivery_staff_years = p.delivery_person_months * (1.0 - p.reusable_share) / 12.0
    per_staff = float(f.ratio(p.contract_value, delivery_staff_years)) \
        if delivery_staff_years > 0 else float("inf")
    return ProjectResult(
        delivery_cost=delivery, total_cost=total_cost, gross_profit=gp,
        gross_margin=float(f.gross_margin(p.contract_value, total_cost)),
        revenue_per_delivery_employee_year=per_staff,
        receivable_days=float(f.days_from_months(f.ratio(receivables.sum(),
                                                         p.contract_value))),
        peak_funding_need=float(max(0.0, -cash.min())),
        months_to_cash_positive=after_last_negative,
        max_contract_liabilities=float(liabilities.max()),
        max_trade_receivables=float(receivables.max()),
        timeline={"month": months.astype(float).tolist(), "spend": spend.tolist(),
                  "billed": billed.tolist(), "collected": collected.tolist(),
                  "revenue": recognised.tolist(), "cumulative_cash": cash.tolist(),
                  "trade_receivables": receivables.tolist(),
                  "contract_liabilities": liabilities.tolist(),
                  "contract_assets": assets.tolist()},
    )


def reusable_share_sweep(p: ProjectInputs, shares: Sequence[float]) -> list[ProjectResult]:
    """The project at each reusable share: margin and revenue per delivery employee rise as
    reusable components replace bespoke delivery ("from projects to platform")."""
    return [evaluate_project(p.replace(reusable_share=s)) for s in shares]


#: Longest collection delay the receivable days may imply (five years).
MAX_COLLECTION_DELAY_MONTHS = 60


def advance_share(payment_schedule: Sequence[tuple[int, float]]) -> float:
    """The share of a contract paid at signing (month 0 of the payment schedule)."""
    first_month, first_share = payment_schedule[0]
    return float(first_share) if first_month == 0 else 0.0


def collection_delay(receivable_days: float | None,
                     payment_schedule: Sequence[tuple[int, float]]) -> tuple[int, str]:
    """Whole months from invoice to cash of a project line, and how they were found: the
    disclosed receivable days, counted on the revenue not paid at signing
    (:func:`llmecon.formulas.collection_delay_months`), else 3 months assumed. One figure
    for the unit economics and the projection."""
    if receivable_days is None:
        return 3, "assumed: 3 months (no receivable days disclosed)"
    share = advance_share(payment_schedule)
    if share >= 1.0:
        return 0, "nothing invoiced on credit: the whole contract is paid at signing"
    months = float(f.collection_delay_months(receivable_days, share))
    if months > MAX_COLLECTION_DELAY_MONTHS:
        raise InputError(f"assumptions b2b.payment_schedule: {share:.1%} paid at signing "
                         f"leaves {1 - share:.1%} of revenue on credit, which the disclosed "
                         f"{receivable_days:,.0f} receivable days would make a collection "
                         f"delay of {months:,.0f} months (above "
                         f"{MAX_COLLECTION_DELAY_MONTHS}); lower the share paid at signing")
    return max(1, round(months)), (f"receivable days / {DAYS_PER_MONTH} days per month / (1 - "
                                   f"{share:.0%} paid at signing) = {months:.1f}, rounded")

