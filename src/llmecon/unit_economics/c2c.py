"""Unit economics of a consumer (C2C) AI product from disclosed aggregates.

Prospectuses give MAU, paying users, revenue, selling and marketing, a segment gross margin
and inference cost; not per-customer data. From those aggregates (and explicit assumptions
where nothing is disclosed) this model derives:

- blended CAC per new user and per new payer: S&M / new users (new users = net new MAU plus
  the users who left and were replaced, at an assumed monthly user churn);
- paying rate, monthly revenue per MAU and per payer;
- inference cost per active user and per payer, and what free users cost each payer;
- contribution per payer per month (revenue per payer x gross margin), LTV over the
  payer's expected (discounted) lifetime, LTV / CAC and CAC payback months;
- what ARPPU, churn or cost per token would give LTV / CAC >= 3 and payback <= 12 months.

Formulas (monthly): with churn c and discount r, a payer paid at the start of each month is
worth ``m x (1 + r) / (r + c)`` (geometric retention); with an sBG retention fit it is
``m x (1 + DERL)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import Field, model_validator

from llmecon import formulas as f
from llmecon.config.assumptions import CheckedInputs, PositiveShare, Share
from llmecon.unit_economics.retention import derl as sbg_derl

#: Expected discounted months of payment at constant churn (see :mod:`llmecon.formulas`).
lifetime_factor = f.discounted_lifetime
monthly_rate = f.monthly_rate


def inference_cost_per_user_month(tokens_per_user_day: float, cost_per_million: float) -> float:
    """Tokens per active day x days per month at a cost per million tokens.

    >>> round(inference_cost_per_user_month(20_000, 0.5), 6)  # 608,750 tokens at $0.5/M
    0.304375
    """
    return float(f.amount_for_tokens(f.tokens_per_month(tokens_per_user_day), cost_per_million))


class C2CInputs(CheckedInputs):
    """Aggregates for one period of ``months`` (money in one currency, counts in users).

    ``new_users`` may be given; otherwise it is net new MAU plus ``user_churn_monthly`` x
    MAU x months. Inference cost per active user per month is ``inference_cost_per_user``
    or ``tokens_per_user_day`` x ``cost_per_million_tokens``; payers use
    ``payer_usage_multiple`` times a free user's tokens. ``sbg_alpha``/``sbg_beta`` (monthly
    periods) replace the constant payer churn when given.
    """

    months: float = Field(gt=0.0)
    revenue: float = Field(ge=0.0)
    mau: float = Field(gt=0.0)
    paying_users: float = Field(gt=0.0)
    sm_spend: float = Field(ge=0.0)
    gross_margin: float = Field(le=1.0)
    mau_before: float | None = Field(default=None, ge=0.0)
    new_users: float | None = Field(default=None, ge=0.0)
    user_churn_monthly: Share = 0.0
    payer_churn_monthly: PositiveShare = 0.1
    annual_discount_rate: float = Field(default=0.10, ge=0.0)
    inference_cost_per_user: float | None = Field(default=None, ge=0.0)
    tokens_per_user_day: float | None = Field(default=None, ge=0.0)
    cost_per_million_tokens: float | None = Field(default=None, ge=0.0)
    payer_usage_multiple: float = Field(default=3.0, ge=0.0)
    sbg_alpha: float | None = Field(default=None, gt=0.0)
    sbg_beta: float | None = Field(default=None, gt=0.0)

    @model_validator(mode="after")
    def _consistent(self) -> C2CInputs:
        if self.paying_users > self.mau:
            raise ValueError(f"paying_users: {self.paying_users:g} exceed mau {self.mau:g}")
        if self.new_users is None and self.mau_before is None:
            raise ValueError("new_users: give new_users, or mau_before to derive it from net "
                             "new MAU")
        return self


@dataclass(frozen=True)
class C2CResult:
    """Per-user unit economics (money per month unless named otherwise)."""

    new_users: float
    new_payers: float
    cac_per_new_user: float
    cac_per_new_payer: float
    paying_rate: float
    revenue_per_mau_month: float
    arppu_month: float
    inference_cost_per_user_month: float | None
    inference_cost_per_payer_month: float | None
    free_user_cost_per_payer_month: float | None
    contribution_per_payer_month: float
    lifetime_months: float
    ltv: float
    ltv_to_cac: float
    payback_months: float
    arppu_for_ltv_cac_3: float
    arppu_for_payback_12: float
    churn_for_ltv_cac_3: float | None
    cost_per_million_for_ltv_cac_3: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_c2c(x: C2CInputs) -> C2CResult:
    """Derive every unit-economics quantity from the aggregates; see the module docstring."""
    if x.new_users is not None:
        new_users = x.new_users
    else:
        assert x.mau_before is not None
        new_users = max(x.mau - x.mau_before, 0.0) + x.user_churn_monthly * x.mau * x.months
    paying_rate = float(f.ratio(x.paying_users, x.mau))
    new_payers = new_users * paying_rate
    cac_user = float(f.ratio(x.sm_spend, new_users))
    cac_payer = float(f.ratio(x.sm_spend, new_payers))
    # revenue is treated as payers' revenue (subscriptions and in-app purchases)
    arppu = float(f.monthly_arppu(x.revenue, x.paying_users, x.months))
    per_mau = float(f.monthly_arppu(x.revenue, x.mau, x.months))
    per_user: float | None = x.inference_cost_per_user
    if per_user is None and x.tokens_per_user_day is not None \
            and x.cost_per_million_tokens is not None:
        per_user = inference_cost_per_user_month(x.tokens_per_user_day,
                                                 x.cost_per_million_tokens)
    per_payer = None if per_user is None else per_user * x.payer_usage_multiple
    free_burden = None if per_user is None else \
        per_user * (x.mau - x.paying_users) / x.paying_users
    contribution = arppu * x.gross_margin
    r = float(f.monthly_rate(x.annual_discount_rate))
    if x.sbg_alpha is not None and x.sbg_beta is not None:
        life = 1.0 + sbg_derl(x.sbg_alpha, x.sbg_beta, r if r > 0 else 1e-9)
    else:
        life = float(f.discounted_lifetime(x.payer_churn_monthly, r))
    ltv = contribution * life
    payback = cac_payer / contribution if contribution > 0 else math.inf
    target = 3.0 * cac_payer
    arppu_3 = target / (x.gross_margin * life) if x.gross_margin > 0 else math.inf
    arppu_12 = cac_payer / 12.0 / x.gross_margin if x.gross_margin > 0 else math.inf
    churn_3: float | None = None
    if contribution > 0 and x.sbg_alpha is None:
        # (1 + r) / (r + c) = target / contribution  =>  c = (1 + r) contribution / target - r
        churn_3 = (1.0 + r) * contribution / target - r
    cost_3: float | None = None
    if per_user is not None and x.tokens_per_user_day and x.cost_per_million_tokens:
        # contribution falls one-for-one with inference cost per payer (own use and free
        # users'); find the cost per token that leaves contribution = target / lifetime
        tokens_per_payer = f.tokens_per_month(x.tokens_per_user_day) * (
            x.payer_usage_multiple + (x.mau - x.paying_users) / x.paying_users)
        other = contribution + (per_payer or 0.0) + (free_burden or 0.0)
        cost_3 = float(f.per_million_tokens(other - target / life, tokens_per_payer))
    return C2CResult(
        new_users, new_payers, cac_user, cac_payer, paying_rate, per_mau, arppu, per_user,
        per_payer, free_burden, contribution, life, ltv, float(f.ratio(ltv, cac_payer)), payback,
        arppu_3, arppu_12, churn_3, cost_3)
