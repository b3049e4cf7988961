"""Questions analysts ask of a scenario, answered on its deterministic projection.

- What cost per token (and what yearly decline) gives a target gross margin at the current
  scale?
- At what growth do losses stop widening ("growth that does not get more expensive as it
  grows")? The multiple scales B2B contract growth, API volume growth and C2C users
  acquired per month, and the answer names each lever.
- Which drivers move cash at the horizon most (a tornado of one-way sensitivities)?
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from llmecon import formulas
from llmecon.simulate.distributions import Dist
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import Scenario, Shock

#: Growth rates scaled by the growth multiple (B2B contracts signed, API token volume).
GROWTH_DRIVERS = ("contract_growth_annual", "volume_growth_monthly")
#: C2C users: users acquired per month (marketing / CAC) scale with the multiple at the same
#: marketing spend, so CAC is divided by it (floored here: no acquisition at a zero multiple).
MIN_GROWTH_FACTOR = 1e-9


@dataclass(frozen=True)
class CostForMargin:
    target_gross_margin: float
    current_gross_margin: float
    token_cost_share_of_revenue: float
    cost_multiplier: float | None  # token cost must be this multiple of today's
    yearly_decline_1y: float | None
    yearly_decline_2y: float | None
    why: str = ""


def _month0(s: Scenario, index: float) -> tuple[float, float]:
    """(revenue, gross profit) of the first month with the token-cost index scaled, the
    project lines' seasons left out (each at the level it starts from, its growth to the
    start included), so that the lines' mix is today's, not the first month's season."""
    flat = tuple(replace(ln, seasonality=(1.0, 1.0, 1.0, 1.0)) for ln in s.lines)
    one = replace(s, lines=flat, horizon_months=1,
                  shocks=(*s.shocks, Shock("inference_cost_index", index, 0, 0)))
    p = deterministic(one)
    return float(p.revenue[0, 0]), float(p.gross_profit[0, 0])


def cost_for_margin(s: Scenario, target: float) -> CostForMargin:
    """Token cost multiple (and yearly declines) for ``target`` gross margin at today's scale.

    Gross profit is linear in the token-cost index k: GP(k) = GP(0) - k (GP(0) - GP(1)).
    """
    rev, gp1 = _month0(s, 1.0)
    _, gp0 = _month0(s, 0.0)
    token_cost = gp0 - gp1
    current = gp1 / rev if rev else math.nan
    if token_cost <= 0:
        return CostForMargin(target, current, 0.0, None, None, None,
                             "no token-priced cost in this scenario")
    # one formula with the per-line answers: revenue less GP(0) is the cost held fixed
    k = float(formulas.token_cost_factor(rev, token_cost, rev - gp0, target))
    if k <= 0:
        return CostForMargin(target, current, token_cost / rev, None, None, None,
                             "not reachable by cheaper tokens alone: other costs of revenue "
                             "already exceed the target")
    decline = (lambda years: max(0.0, 1.0 - k ** (1.0 / years))) if k < 1 else \
        (lambda years: 0.0)
    return CostForMargin(target, current, token_cost / rev, k, decline(1), decline(2))


@dataclass(frozen=True)
class GrowthForLosses:
    """The growth multiple at which the monthly loss (-operating cash flow) stops widening.

    ``levers`` names what the multiple scales: each B2B line's contract growth, each API
    line's monthly token-volume growth, and each C2C line's users acquired per month (CAC
    divided by the multiple, marketing spend unchanged)."""

    base_growth_factor: float
    base_loss_slope: float  # change of the monthly loss per month at base growth
    growth_factor: float | None  # multiple of base growth where the slope reaches zero
    revenue_cagr_at_factor: float | None
    why: str = ""
    levers: tuple[str, ...] = ()


def growth_levers(s: Scenario) -> dict[str, str]:
    """Driver -> how the growth multiple ``f`` scales it."""
    out = {}
    for k in s.drivers:
        short = k.split(".")[-1]
        if short in GROWTH_DRIVERS:
            out[k] = f"{k} x f"
        elif short == "cac" and any(ln.kind == "c2c" and k == f"{ln.name}.cac"
                                    for ln in s.lines):
            out[k] = (f"{k} / f (users acquired per month x f at the same marketing "
                      "spend)")
    return out


def _scaled(s: Scenario, factor: float) -> Scenario:
    drivers = dict(s.drivers)
    for k in growth_levers(s):
        c = s.drivers[k].central
        value = c * factor if k.split(".")[-1] in GROWTH_DRIVERS else \
            c / max(factor, MIN_GROWTH_FACTOR)
        drivers[k] = Dist("fixed", {"value": value})
    return replace(s, drivers=drivers)


def _loss_slope_and_cagr(s: Scenario, factor: float) -> tuple[float, float]:
    p = deterministic(_scaled(s, factor))
    loss = -p.operating_cash_flow[0]
    t = np.arange(len(loss))
    slope = float(np.polyfit(t, loss, 1)[0])
    rev = p.revenue[0]
    years = len(rev) / 12
    cagr = float((rev[-12:].sum() / rev[:12].sum()) ** (1 / max(years - 1, 1e-9)) - 1) \
        if len(rev) >= 24 and rev[:12].sum() > 0 else math.nan
    return slope, cagr


def growth_for_losses(s: Scenario) -> GrowthForLosses:
    """The multiple of the scenario's growth at which the monthly loss stops widening (its
    linear trend over the horizon is flat)."""
    base, _ = _loss_slope_and_cagr(s, 1.0)
    levers = tuple(growth_levers(s).values())
    lo, hi = 0.0, 8.0
    f_lo, _ = _loss_slope_and_cagr(s, lo)
    f_hi, _ = _loss_slope_and_cagr(s, hi)
    if (f_lo > 0) == (f_hi > 0):
        return GrowthForLosses(1.0, base, None, None,
                               "the loss trend has the same sign from no growth to 8x the "
                               "scenario's growth", levers)
    for _ in range(50):
        mid = (lo + hi) / 2
        f_mid, _ = _loss_slope_and_cagr(s, mid)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    factor = (lo + hi) / 2
    _, cagr = _loss_slope_and_cagr(s, factor)
    return GrowthForLosses(1.0, base, factor, cagr, "", levers)


@dataclass(frozen=True)
class TornadoBar:
    driver: str
    group: str
    low_value: float
    high_value: float
    cash_low: float
    cash_high: float

    @property
    def swing(self) -> float:
        return abs(self.cash_high - self.cash_low)


def tornado(s: Scenario, spread: float = 0.2) -> list[TornadoBar]:
    """One-way sensitivities of cash at the horizon: each uncertain driver at its 10th and
    90th percentile, each fixed driver at -/+``spread``; sorted by swing, grouped by line
    (or 'company' for company-wide drivers)."""
    bars = []
    for name, d in s.drivers.items():
        if name == "start_cash":
            continue
        if d.degenerate:
            lo, hi = d.central * (1 - spread), d.central * (1 + spread)
        else:
            lo, hi = (float(v) for v in d.ppf(np.array([0.1, 0.9])))
        if lo == hi:
            continue
        cash = []
        for v in (lo, hi):
            drivers = dict(s.drivers)
            drivers[name] = Dist("fixed", {"value": v})
            cash.append(float(deterministic(replace(s, drivers=drivers)).cash[0, -1]))
        group = name.split(".")[0] if "." in name else "company"
        bars.append(TornadoBar(name, group, lo, hi, cash[0], cash[1]))
    return sorted(bars, key=lambda b: b.swing, reverse=True)


def answers_dict(s: Scenario, target: float) -> dict[str, Any]:
    from dataclasses import asdict

    return {"cost_for_margin": asdict(cost_for_margin(s, target)),
            "growth_for_losses": asdict(growth_for_losses(s)),
            "tornado": [{**asdict(b), "swing": b.swing} for b in tornado(s)]}
