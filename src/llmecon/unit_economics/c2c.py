"""Unit economics of a consumer (C2C) AI product from disclosed aggregates.

Prospectuses give MAU, paying users, revenue, selling and marketing, a segment gross margin
and inference cost; not per-customer data. From those aggregates (and explicit assumptions
where nothing is disclosed) this model derives:

- blended CAC per new user and per new payer: S&M over a window / users acquired in the same
  window (net adds over the window plus the users who left and were replaced);
- paying rate, monthly revenue per MAU and per payer, and, where the company discloses
  ARPPU, the payers' own revenue beside it (the rest of the line's revenue is not from
  payers: advertising and other revenue);
- the serving cost per payer per month (the line's cost of revenue per payer), held fixed
  when ARPPU is solved for, and what free users cost each payer;
- contribution per payer per month, LTV over the payer's discounted survival, LTV / CAC,
  CAC payback (simple, and with churn: "never" when LTV < CAC);
- what ARPPU, churn or cost per token would give LTV / CAC >= 3 and payback <= 12 months.

Formulas (monthly; payers pay at the start of each month they are active):

    L        = sum over t >= 0 of S(t) / (1 + r)^t      (= (1 + r) / (r + c) at churn c)
    LTV      = (ARPPU - k) x L                          k = serving cost per payer
    ARPPU for LTV/CAC = 3:           3 x CAC / L + k
    ARPPU for simple payback <= 12:  CAC / 12 + k
    ARPPU for payback <= 12 with churn:  CAC / sum_{t<12} S(t) / (1 + r)^t + k
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np
from pydantic import Field, model_validator

from llmecon import formulas as f
from llmecon.config.assumptions import CheckedInputs, PositiveShare, Share
from llmecon.unit_economics.retention import RetentionCurve

#: Expected discounted months of payment at constant churn (see :mod:`llmecon.formulas`).
lifetime_factor = f.discounted_lifetime
monthly_rate = f.monthly_rate
#: Payback searched over this many months (beyond it: "never" in practice).
PAYBACK_HORIZON_MONTHS = 1200


def inference_cost_per_user_month(tokens_per_user_day: float, cost_per_million: float) -> float:
    """Tokens per active day x days per month at a cost per million tokens.

    >>> round(inference_cost_per_user_month(20_000, 0.5), 6)  # 608,750 tokens at $0.5/M
    0.304375
    """
    return float(f.amount_for_tokens(f.tokens_per_month(tokens_per_user_day), cost_per_million))


def payback_months(cac: float, contribution: float, curve: RetentionCurve,
                   monthly_discount_rate: float) -> float:
    """Months of (surviving, discounted) contribution that repay the CAC; infinite (never)
    when the cumulative value never reaches it within PAYBACK_HORIZON_MONTHS.

    The n-th payment is ``contribution x S(n-1) / (1 + r)^(n-1)``; the answer interpolates
    within the month that crosses the CAC.

    >>> payback_months(7.5, 5.0, RetentionCurve.constant(0.5), 0.0)  # 5 + 5 x 0.5 = 7.5
    2.0
    >>> payback_months(100.0, 5.0, RetentionCurve.constant(0.5), 0.0)  # LTV 10 < CAC
    inf
    """
    if cac <= 0:
        return 0.0
    if contribution <= 0:
        return math.inf
    t = np.arange(PAYBACK_HORIZON_MONTHS, dtype=float)
    terms = contribution * curve.survival(t) / (1.0 + monthly_discount_rate) ** t
    cum = np.cumsum(terms)
    reached = np.nonzero(cum >= cac)[0]
    if reached.size == 0:
        return math.inf
    n = int(reached[0])
    before = float(cum[n - 1]) if n > 0 else 0.0
    return n + (cac - before) / float(terms[n])


class C2CInputs(CheckedInputs):
    """Aggregates for one period of ``months`` (money in one currency, counts in users).

    ``new_users`` may be given; otherwise it is the net change in MAU over the spend window
    (``mau - mau_before`` measured over ``mau_change_months``, prorated to ``months``) plus
    ``user_churn_monthly`` x MAU x months. Inference cost per active user per month is
    ``inference_cost_per_user`` or ``tokens_per_user_day`` x ``cost_per_million_tokens``;
    payers use ``payer_usage_multiple`` times a free user's tokens. ``sbg_alpha``/``sbg_beta``
    (monthly periods) replace the constant payer churn when given. ``payer_revenue`` is the
    payers' own revenue in the period where disclosed (disclosed ARPPU x payers).
    """

    _what: ClassVar[str] = ("a consumer line's unit economics (derived from the company's "
                            "figures and the assumptions' c2c section)")

    months: float = Field(gt=0.0)
    revenue: float = Field(ge=0.0)
    mau: float = Field(gt=0.0)
    paying_users: float = Field(gt=0.0)
    sm_spend: float = Field(ge=0.0)
    gross_margin: float = Field(le=1.0)
    mau_before: float | None = Field(default=None, ge=0.0)
    mau_change_months: float | None = Field(default=None, gt=0.0)
    new_users: float | None = Field(default=None, ge=0.0)
    user_churn_monthly: Share = 0.0
    payer_churn_monthly: PositiveShare = 0.1
    annual_discount_rate: float = Field(default=0.10, ge=0.0)
    inference_cost_per_user: float | None = Field(default=None, ge=0.0)
    tokens_per_user_day: float | None = Field(default=None, ge=0.0)
    cost_per_million_tokens: float | None = Field(default=None, ge=0.0)
    payer_usage_multiple: float = Field(default=3.0, ge=0.01, le=1_000)
    sbg_alpha: float | None = Field(default=None, gt=0.0)
    sbg_beta: float | None = Field(default=None, gt=0.0)
    payer_revenue: float | None = Field(default=None, ge=0.0)

    @model_validator(mode="after")
    def _consistent(self) -> C2CInputs:
        if self.paying_users > self.mau:
            raise ValueError(f"paying_users: {self.paying_users:g} exceed mau {self.mau:g}")
        if self.new_users is None and self.mau_before is None:
            raise ValueError("new_users: give new_users, or mau_before to derive it from net "
                             "new MAU")
        if (self.sbg_alpha is None) != (self.sbg_beta is None):
            raise ValueError("sbg_alpha and sbg_beta: give both or neither")
        return self

    @property
    def retention(self) -> RetentionCurve:
        if self.sbg_alpha is not None and self.sbg_beta is not None:
            return RetentionCurve.sbg(self.sbg_alpha, self.sbg_beta)
        return RetentionCurve.constant(self.payer_churn_monthly)


@dataclass(frozen=True)
class C2CResult:
    """Per-user unit economics (money per month unless named otherwise).

    ``serving_cost_per_payer_month`` is the line's cost of revenue per payer per month (its
    own use and the free users it carries); the solvers hold it fixed. ``payback_months`` is
    with churn and discounting (infinite: never); ``simple_payback_months`` is CAC /
    contribution. ``payer_arppu_month`` / ``other_revenue_per_payer_month`` split revenue per
    payer into payers' own revenue (disclosed ARPPU) and the rest, where ARPPU is disclosed.
    """

    new_users: float
    new_payers: float
    cac_per_new_user: float
    cac_per_new_payer: float
    paying_rate: float
    revenue_per_mau_month: float
    arppu_month: float
    payer_arppu_month: float | None
    other_revenue_per_payer_month: float | None
    serving_cost_per_payer_month: float
    inference_cost_per_user_month: float | None
    inference_cost_per_payer_month: float | None
    free_user_cost_per_payer_month: float | None
    contribution_per_payer_month: float
    lifetime_months: float
    ltv: float
    ltv_to_cac: float
    payback_months: float
    simple_payback_months: float
    arppu_for_ltv_cac_3: float
    arppu_for_payback_12: float
    arppu_for_payback_12_with_churn: float
    churn_for_ltv_cac_3: float | None
    cost_per_million_for_ltv_cac_3: float | None
    retention: str = ""
    #: Why each solved lever is None (the quantity's field name -> the reason)
    not_solved: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def acquired_users(x: C2CInputs) -> float:
    """Users acquired in the spend window: net adds over the window + replaced churners.

    The change ``mau - mau_before`` spans ``mau_change_months`` (12 for a like-for-like
    prior-year comparison); it is prorated to the ``months`` of spend so that flow and
    change cover the same window.
    """
    if x.new_users is not None:
        return x.new_users
    assert x.mau_before is not None
    span = x.mau_change_months or x.months
    net = max(x.mau - x.mau_before, 0.0) * x.months / span
    return net + x.user_churn_monthly * x.mau * x.months


def evaluate_c2c(x: C2CInputs) -> C2CResult:
    """Derive every unit-economics quantity from the aggregates; see the module docstring."""
    new_users = acquired_users(x)
    paying_rate = float(f.ratio(x.paying_users, x.mau))
    new_payers = new_users * paying_rate
    cac_payer = float(f.ratio(x.sm_spend, new_payers))
    arppu = float(f.monthly_arppu(x.revenue, x.paying_users, x.months))
    serving = arppu * (1.0 - x.gross_margin)
    contribution = arppu - serving
    r = float(f.monthly_rate(x.annual_discount_rate))
    curve = x.retention
    life = curve.discounted_lifetime(r)
    ltv = contribution * life
    per_user, per_payer, free_burden = _inference(x)
    payer_arppu = None if x.payer_revenue is None else \
        float(f.monthly_arppu(x.payer_revenue, x.paying_users, x.months))
    first_year = float(np.sum(curve.survival(np.arange(12.0)) / (1.0 + r) ** np.arange(12.0)))
    return C2CResult(
        new_users=new_users, new_payers=new_payers,
        cac_per_new_user=float(f.ratio(x.sm_spend, new_users)), cac_per_new_payer=cac_payer,
        paying_rate=paying_rate,
        revenue_per_mau_month=float(f.monthly_arppu(x.revenue, x.mau, x.months)),
        arppu_month=arppu, payer_arppu_month=payer_arppu,
        other_revenue_per_payer_month=None if payer_arppu is None else arppu - payer_arppu,
        serving_cost_per_payer_month=serving, inference_cost_per_user_month=per_user,
        inference_cost_per_payer_month=per_payer, free_user_cost_per_payer_month=free_burden,
        contribution_per_payer_month=contribution, lifetime_months=life, ltv=ltv,
        ltv_to_cac=float(f.ratio(ltv, cac_payer)),
        payback_months=payback_months(cac_payer, contribution, curve, r),
        simple_payback_months=cac_payer / contribution if contribution > 0 else math.inf,
        arppu_for_ltv_cac_3=3.0 * cac_payer / life + serving,
        arppu_for_payback_12=cac_payer / 12.0 + serving,
        arppu_for_payback_12_with_churn=cac_payer / first_year + serving,
        churn_for_ltv_cac_3=_churn_for(x, contribution, 3.0 * cac_payer, r),
        cost_per_million_for_ltv_cac_3=_cost_for(x, contribution, 3.0 * cac_payer / life,
                                                 per_payer, free_burden),
        retention=curve.label, not_solved=_not_solved(x, contribution, per_payer))


def _not_solved(x: C2CInputs, contribution: float, per_payer: float | None
                ) -> dict[str, str]:
    """Why :func:`_churn_for` and :func:`_cost_for` give no value, by result field."""
    why: dict[str, str] = {}
    if x.sbg_alpha is not None:
        why["churn_for_ltv_cac_3"] = (
            "not solved under a shifted-beta-geometric payer curve: its churn falls with "
            "tenure, so no one constant churn rate gives the target; change sbg_alpha / "
            "sbg_beta, or solve with c2c.payer_churn_monthly (constant churn)")
    elif contribution <= 0:
        why["churn_for_ltv_cac_3"] = ("no churn rate reaches it: the contribution per payer "
                                      "is not positive, so LTV is not either")
    if per_payer is None or not x.tokens_per_user_day or not x.cost_per_million_tokens:
        why["cost_per_million_for_ltv_cac_3"] = ("no tokens per user or cost per token to "
                                                 "solve at (an inference cost per user given "
                                                 "directly)")
    return why


def _inference(x: C2CInputs) -> tuple[float | None, float | None, float | None]:
    """Inference cost per active user, per payer (own use), and free users' per payer."""
    per_user: float | None = x.inference_cost_per_user
    if per_user is None and x.tokens_per_user_day is not None \
            and x.cost_per_million_tokens is not None:
        per_user = inference_cost_per_user_month(x.tokens_per_user_day,
                                                 x.cost_per_million_tokens)
    if per_user is None:
        return None, None, None
    return per_user, per_user * x.payer_usage_multiple, \
        per_user * (x.mau - x.paying_users) / x.paying_users


def _churn_for(x: C2CInputs, contribution: float, target: float, r: float) -> float | None:
    """Constant payer churn giving LTV = target: (1 + r) / (r + c) = target / contribution."""
    if contribution <= 0 or x.sbg_alpha is not None:
        return None
    return (1.0 + r) * contribution / target - r


def _cost_for(x: C2CInputs, contribution: float, needed: float, per_payer: float | None,
              free_burden: float | None) -> float | None:
    """Cost per million tokens leaving ``needed`` contribution per payer-month: contribution
    falls one-for-one with the inference cost a payer carries (own and free users')."""
    if per_payer is None or not x.tokens_per_user_day or not x.cost_per_million_tokens:
        return None
    tokens_per_payer = f.tokens_per_month(x.tokens_per_user_day) * (
        x.payer_usage_multiple + (x.mau - x.paying_users) / x.paying_users)
    other = contribution + per_payer + (free_burden or 0.0)
    return float(f.per_million_tokens(other - needed, tokens_per_payer))
