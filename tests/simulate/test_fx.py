"""Currencies: shares of revenue, costs and cash in another currency move with the
exchange-rate index (hand computation); MiniMax's renminbi revenue share is the disclosed
mainland-China share."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import LineSpec, Scenario, Shock
from llmecon.statements.model import Company


def api_only() -> Scenario:
    drivers = {"start_cash": 1000.0, "inference_cost_decline_annual": 0.0,
               "training_compute_monthly": 100.0, "training_compute_growth_annual": 0.0,
               "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0,
               "api.tokens_per_month": 1e6, "api.volume_growth_monthly": 0.0,
               "api.price_per_m": 300.0, "api.price_decline_monthly": 0.0,
               "api.cost_per_m_tokens": 60.0, "api.utilisation": 0.5,
               "foreign_revenue_share": 0.5, "foreign_cost_share": 0.25,
               "foreign_cash_share": 0.2}
    return Scenario("fx", "USD", date(2025, 9, 30), 2, (LineSpec("api", "api"),),
                    {k: Dist("fixed", {"value": v}) for k, v in drivers.items()},
                    shocks=(Shock("fx_index", 1.1, 1, 0),))


def test_fx_index_moves_revenue_costs_and_cash_by_hand() -> None:
    p = deterministic(api_only())
    # month 0: index 1: revenue 300, costs 120 + 100 -> cash 1000 + 80 = 1080
    # month 1: index 1.1: revenue 300 x (1 + 0.5 x 0.1) = 315; costs 220 x (1 + 0.25 x 0.1)
    #          = 225.5; cash held abroad 20% x 1080 revalued +10% = 21.6
    np.testing.assert_allclose(p.revenue[0], [300.0, 315.0])
    np.testing.assert_allclose(p.operating_cash_flow[0], [80.0, 315.0 - 225.5])
    assert p.fx_revaluation is not None
    np.testing.assert_allclose(p.fx_revaluation[0], [0.0, 21.6])
    np.testing.assert_allclose(p.cash[0], [1080.0, 1080.0 + 89.5 + 21.6])


def test_minimax_renminbi_revenue_share_is_disclosed(minimax: Company) -> None:
    # 9M 2025: mainland China 26.9% of revenue (overseas 73.1%), prospectus via reportify
    s = load_base_scenario(minimax)
    assert s.central("foreign_revenue_share") == pytest.approx(0.269)
    shocked = replace(s, horizon_months=2, shocks=(Shock("fx_index", 1.1, 0, 0),))
    base = deterministic(replace(s, horizon_months=2))
    moved = deterministic(shocked)
    assert moved.revenue[0, 0] / base.revenue[0, 0] == pytest.approx(1 + 0.269 * 0.1)
