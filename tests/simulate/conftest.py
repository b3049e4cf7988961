"""Scenarios shared by the Monte Carlo tests (run, summary, backends)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from llmecon.simulate.distributions import Dist, Regime
from llmecon.simulate.scenario import Financing, LineSpec, Noise, Scenario


def fixed(v: float) -> Dist:
    return Dist("fixed", {"value": v})


def uncertain_scenario(horizon: int = 24) -> Scenario:
    """An API line and a B2B line; five kinds of distribution, a correlation, a regime and
    month-to-month noise (so every streaming test runs with noise on)."""
    d = {
        "start_cash": fixed(1000.0), "inference_cost_decline_annual": fixed(0.0),
        "training_compute_monthly": Dist("triangular", {"low": 80, "mode": 100, "high": 150}),
        "training_compute_growth_annual": fixed(0.0),
        "other_opex_monthly": Dist("uniform", {"low": 40, "high": 60}),
        "opex_growth_annual": fixed(0.0), "other_sm_monthly": fixed(20.0),
        "api.tokens_per_month": fixed(1e6),
        "api.volume_growth_monthly": Dist("normal", {"mean": 0.1, "sd": 0.05}),
        "api.price_per_m": fixed(300.0), "api.price_decline_monthly": fixed(0.0),
        "api.cost_per_m_tokens": fixed(60.0),
        "api.utilisation": Dist("beta", {"mean": 0.5, "sd": 0.1}),
        "proj.contracts_per_month": fixed(1.0), "proj.contract_growth_annual": fixed(0.0),
        "proj.contract_value": Dist("lognormal", {"mean": 400.0, "sd": 80.0}),
        "proj.delivery_cost_share": fixed(0.5), "proj.advance_share": fixed(0.25),
        "proj.sm_elasticity": fixed(0.0),
    }
    return Scenario("tiny", "USD", date(2024, 12, 31), horizon,
                    (LineSpec("api", "api"),
                     LineSpec("proj", "b2b", delivery_months=1, collection_delay_months=1)),
                    d, financing=(Financing(2, 500.0, "raise", False),),
                    regimes=(Regime("freeze", 0.3, 4, {"proj.contracts_per_month": 0.4}),),
                    correlations=(("api.volume_growth_monthly", "proj.contract_value", 0.5),),
                    noise=(Noise("*.tokens_per_month", 0.05, 0.9),
                           Noise("proj.contracts_per_month", 0.1, 0.5)))


@pytest.fixture
def uncertain() -> Callable[..., Scenario]:
    """A factory: ``uncertain(horizon=24)`` (see :func:`uncertain_scenario`)."""
    return uncertain_scenario


def _last_over_average(now: float, year_before: float, months: int) -> float:
    """By hand: constant monthly growth g = (now / year_before) ** (1/12); the last of
    ``months`` months over their average is months / (1 + 1/g + ... + 1/g^(months-1))."""
    g = (now / year_before) ** (1 / 12)
    return months / sum(g ** -k for k in range(months))


@pytest.fixture
def minimax_exit() -> dict[str, float]:
    """MiniMax's lines at the end of 9M 2025 over their nine-month averages, from line
    revenue 9M 2025 against 9M 2024 (data/companies/minimax.yaml): AI-native products
    US$38.02m against 13.529m (x1.377), open platform 15.417m against 5.925m (x1.347)."""
    return {"ai_native_products": _last_over_average(38.02, 13.529, 9),
            "open_platform": _last_over_average(15.417, 5.925, 9)}
