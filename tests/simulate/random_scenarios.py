"""Random but valid scenarios for the property tests (tests/simulate/test_invariants.py):
every kind and mix of line (none, one, several of a kind), drivers at their edges (zero
users, zero revenue, a delivery cost above the contract's value: a negative gross margin,
no cash, huge cash), optional drivers, financing of every kind, shocks, regimes and noise
within what a scenario file accepts, horizons from 1 to 240 months (the longest accepted),
any month end."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from llmecon.simulate.distributions import Dist, Regime
from llmecon.simulate.movable import TIME_INDICES, movable
from llmecon.simulate.scenario import Financing, LineSpec, Noise, Scenario, Shock

HORIZONS = (1, 2, 3, 12, 24, 36, 60, 240)  # 240: MAX_HORIZON_MONTHS
LINE_MIXES = (("c2c",), ("b2b",), ("api",), ("c2c", "b2b"), ("b2b", "api"),
              ("c2c", "b2b", "api"), ("b2b", "b2b"), ())


def fixed(v: float) -> Dist:
    return Dist("fixed", {"value": float(v)})


class _Draw:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def pick(self, choices: Any) -> Any:
        return choices[int(self.rng.integers(len(choices)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def money(self, zero: float = 0.15) -> float:
        return 0.0 if self.chance(zero) else float(10 ** self.rng.uniform(0, 9))

    def share(self) -> float:
        r = self.rng.random()
        return 0.0 if r < 0.1 else 1.0 if r < 0.2 else float(self.rng.random())

    def dist(self, v: float, share: bool = False) -> Dist:
        """``v`` fixed, or a distribution centred on it (within a share's range)."""
        r = self.rng.random()
        if r < 0.6 or v == 0:
            return fixed(v)
        if r < 0.75 and share and 0 < v < 1:
            return Dist("beta", {"mean": v, "sd": min(0.1, 0.5 * np.sqrt(v * (1 - v)))})
        if r < 0.85:
            return Dist("triangular", {"low": v * 0.5, "mode": v,
                                       "high": min(v * 1.5, 1.0) if share else v * 1.5})
        if r < 0.93 and not share:
            return Dist("lognormal", {"mean": v, "sd": v * 0.3})
        return Dist("uniform", {"low": v * 0.8, "high": v if share else v * 1.2})


def _line_drivers(r: _Draw, kind: str, p: str) -> dict[str, Dist]:
    if kind == "c2c":
        d = {p + "start_users": r.dist(r.money()), p + "marketing_monthly": fixed(r.money()),
             p + "cac": fixed(r.pick([0.5, 1.0, 10.0, 100.0])),
             p + "user_churn_monthly": r.dist(r.share(), True),
             p + "paying_rate": r.dist(r.share(), True),
             p + "arppu_monthly": r.dist(r.pick([0.0, 1.0, 10.0])),
             p + "tokens_per_user_day": fixed(r.pick([0.0, 1e3, 1e5])),
             p + "cost_per_m_tokens": fixed(r.pick([0.0, 0.1, 10.0])),
             p + "other_cor_share": fixed(r.share())}
        if r.chance(0.3):
            d[p + "payer_sbg_alpha"] = fixed(r.rng.uniform(0.2, 3))
            d[p + "payer_sbg_beta"] = fixed(r.rng.uniform(0.2, 3))
        for name, value in (("organic_acquisition_share", r.share()),
                            ("payer_usage_multiple", r.rng.uniform(0.01, 10)),
                            ("arppu_growth_annual", r.rng.uniform(-0.5, 1))):
            if r.chance(0.3):
                d[p + name] = fixed(value)
    elif kind == "b2b":
        d = {p + "contracts_per_month": r.dist(r.pick([0.0, 1.0, 5.0])),
             p + "contract_growth_annual": fixed(r.rng.uniform(-0.5, 2)),
             p + "contract_value": r.dist(r.money()),
             # above 1: delivery costs more than the contract brings (negative margin)
             p + "delivery_cost_share": fixed(r.pick([0.0, 0.5, 1.0, 1.5, 3.0])),
             p + "advance_share": fixed(r.share()),
             p + "sm_elasticity": fixed(r.rng.uniform(0, 1))}
        for name, value in (("backlog_value_monthly", r.money()),
                            ("backlog_growth_annual", r.rng.uniform(-0.5, 2)),
                            ("delivery_compute_share", r.share())):
            if r.chance(0.45):
                d[p + name] = fixed(value)
    else:
        d = {p + "tokens_per_month": r.dist(r.money()),
             p + "volume_growth_monthly": fixed(r.rng.uniform(-0.2, 0.2)),
             p + "price_per_m": fixed(r.pick([0.0, 0.1, 10.0])),
             p + "price_decline_monthly": fixed(r.rng.uniform(-0.05, 0.1)),
             p + "cost_per_m_tokens": fixed(r.pick([0.0, 0.1, 10.0, 100.0])),
             p + "utilisation": fixed(r.rng.uniform(0.01, 1))}
    if r.chance(0.4):
        d[p + "opening_receivables"] = fixed(r.money())
    return d


def _company_drivers(r: _Draw) -> dict[str, Dist]:
    d = {"start_cash": fixed(r.pick([0.0, 1.0, r.money(), 1e12, 1e15])),
         "inference_cost_decline_annual": fixed(r.rng.uniform(-0.5, 0.9)),
         "training_compute_monthly": r.dist(r.money()),
         "training_compute_growth_annual": fixed(r.rng.uniform(-0.5, 2)),
         "other_opex_monthly": r.dist(r.money()),
         "opex_growth_annual": fixed(r.rng.uniform(-0.5, 1)),
         "other_sm_monthly": fixed(r.money())}
    optional = {"interest_rate_on_cash_annual": r.rng.uniform(0, 0.2),
                "capex_monthly": r.money(), "opening_payables": r.money(),
                "lease_payments_monthly": r.money(),
                "unexplained_operating_monthly": r.rng.uniform(-1, 1) * r.money(),
                "foreign_revenue_share": r.share(), "foreign_cost_share": r.share(),
                "foreign_cash_share": r.share()}
    d.update({k: fixed(v) for k, v in optional.items() if r.chance(0.4)})
    if r.chance(0.3):
        a, b = sorted(r.rng.random(2))
        d.update({"compute_rented_share": fixed(a), "compute_committed_share": fixed(b - a),
                  "compute_owned_share": fixed(1 - b),
                  "compute_commitment_months": fixed(int(r.rng.integers(0, 24)))})
    return d


def _financing(r: _Draw, h: int) -> tuple[Financing, ...]:
    out = []
    for _ in range(int(r.rng.integers(0, 4))):
        drawn = r.chance(0.25)  # debt in the opening cash already
        out.append(Financing(
            0 if drawn else int(r.rng.integers(0, h + 3)), r.money(0) + 1.0, "event",
            r.chance(0.5), r.pick(["ipo", "debt", "equity", "other"]),
            fee_share=float(r.rng.uniform(0, 0.1)),
            annual_interest_rate=float(r.rng.uniform(0, 0.1)),
            repay_after_months=int(r.rng.integers(0, h + 3)) if r.chance(0.5) else None,
            already_received=drawn, in_foreign_currency=r.chance(0.3)))
    return tuple(out)


def _multiplier(r: _Draw, target: str, zero: bool) -> float:
    """A multiplier a scenario file accepts for ``target`` (0 never on an index or a CAC)."""
    divisor = target in TIME_INDICES or target.endswith(".cac")
    return float(r.pick([0.5, 1.3, 2.0, 3.0] if divisor or not zero else [0.0, 0.5, 2.0, 3.0]))


def random_scenario(seed: int, horizon: int | None = None) -> Scenario:
    """A random valid scenario (the same for the same seed)."""
    r = _Draw(seed)
    h = horizon or int(r.pick(HORIZONS))
    y, m = int(r.rng.integers(2023, 2027)), int(r.rng.integers(1, 13))
    start = date(y, m, calendar.monthrange(y, m)[1])
    drivers = _company_drivers(r)
    lines = []
    for i, kind in enumerate(r.pick(LINE_MIXES)):
        name = f"{kind}{i}"
        lines.append(LineSpec(
            name, kind, delivery_months=int(r.pick([1, 2, 3, 6, 9])),
            collection_delay_months=r.pick([None, 0, 1, 2, 3, 6, 12]),
            seasonality=tuple(float(r.pick([1.0, 0.5, 1.5, 0.0])) for _ in range(4))
            if r.chance(0.4) else (1.0, 1.0, 1.0, 1.0),  # type: ignore[arg-type]
            extra_delay_months=int(r.pick([0, 0, 1, 3])),
            extra_delay_start_month=int(r.rng.integers(0, 6)),
            extra_delay_window_months=int(r.pick([0, 1, 6]))))
        drivers.update(_line_drivers(r, kind, name + "."))
    movers = [k for k in [*drivers, *TIME_INDICES] if movable(k)]
    shocks = tuple(Shock(t, _multiplier(r, t, True), int(r.rng.integers(0, h)),
                         int(r.rng.integers(0, 4)))
                   for t in (r.pick(movers) for _ in range(int(r.rng.integers(0, 3)))))
    # some shocks on a driver only where they lower (raise) its draw, chosen from what was
    # drawn (no further draw: the seeds' scenarios stay as they were)
    shocks = tuple(sh if sh.driver in TIME_INDICES else
                   replace(sh, only=(None, "lower", "higher")[(sh.start_month + sh.months) % 3])
                   for sh in shocks)
    noise = tuple(Noise(r.pick(movers), float(r.rng.uniform(0, 0.2)), float(r.rng.random()))
                  for _ in range(int(r.rng.integers(0, 2))))
    drivers_moving = [k for k in movers if k not in TIME_INDICES]
    regimes = tuple(Regime("regime", float(r.rng.random()), int(r.rng.integers(1, 6)),
                           {t: _multiplier(r, t, True)})
                    for t in (r.pick(drivers_moving) for _ in range(int(r.rng.integers(0, 2)))))
    return Scenario("random", "USD", start, h, tuple(lines), drivers,
                    financing=_financing(r, h), shocks=shocks, noise=noise, regimes=regimes,
                    payables_months=int(r.pick([0, 0, 1, 2, 3])),
                    financing_included=r.pick(["committed", "committed", "all", "none"]))
