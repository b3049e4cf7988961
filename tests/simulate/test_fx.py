"""Currencies: shares of revenue, costs and cash in another currency move with the
exchange-rate index (hand computation); financing received in that currency is foreign cash
from its month (Zhipu's HK$ IPO proceeds); MiniMax's renminbi revenue share is the disclosed
mainland-China share."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import Financing, LineSpec, Scenario, Shock, apply_stresses
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


def test_foreign_financing_joins_the_foreign_cash_by_hand() -> None:
    # api_only(): 20% of the opening 1,000 is foreign (200). 100 arrives in the other
    # currency in month 0 (index 1): the month's flows (+80) are split pro rata, 20% = 16,
    # so foreign cash is 200 + 16 + 100 = 316 of 1,180. Month 1 (index 1.1) revalues it:
    # 316 x 0.1 = 31.6 (the opening share alone would give 0.2 x 1,180 x 0.1 = 23.6).
    # A second 100 landing in month 1 converts at 1.1: 110.
    events = (Financing(0, 100.0, "in the other currency", True, in_foreign_currency=True),
              Financing(1, 100.0, "again", True, in_foreign_currency=True))
    p = deterministic(replace(api_only(), financing=events))
    assert p.fx_revaluation is not None and p.financing_cash_flow is not None
    np.testing.assert_allclose(p.financing_cash_flow[0], [100.0, 110.0])
    np.testing.assert_allclose(p.fx_revaluation[0], [0.0, 31.6])
    np.testing.assert_allclose(p.cash[0], [1180.0, 1180.0 + 89.5 + 31.6 + 110.0])


def test_foreign_cash_is_never_more_than_the_cash_held() -> None:
    # No cash at the start; 100 arrives abroad in month 0, a month that burns 320: cash
    # ends at -220, so no foreign cash is left (capped at the cash held) and the index's
    # 10% move in month 2 revalues nothing (uncapped, 100 x 0.1 = 10).
    drivers = {**api_only().drivers, "start_cash": Dist("fixed", {"value": 0.0}),
               "training_compute_monthly": Dist("fixed", {"value": 500.0})}
    s = replace(api_only(), drivers=drivers, shocks=(Shock("fx_index", 1.1, 2, 0),),
                horizon_months=3,
                financing=(Financing(0, 100.0, "abroad", True, in_foreign_currency=True),))
    p = deterministic(s)
    assert p.fx_revaluation is not None
    # month 0: cash 0 + (300 - 120 - 500) + 100 = -220
    assert p.cash[0, 0] == pytest.approx(-220.0)
    np.testing.assert_allclose(p.fx_revaluation[0], [0.0, 0.0, 0.0])


def test_zhipu_fx_shock_revalues_the_ipo_proceeds_not_the_opening_cash(zhipu: Company) -> None:
    # From an economist's review (H1): the 30% foreign cash share revalued the pre-IPO
    # renminbi in month 1 (+RMB 114.8m) and never the HK$ proceeds, so a dearer US dollar
    # lowered Zhipu's cash at the horizon by RMB 181.6m. Now the opening cash is renminbi
    # (share 0) and the IPO's net HK$4,173.4m (converted at 0.8970 in calibration, RMB
    # 3,743.5m; HKD pegged to the USD) lands in month 6 (Jan 2026) at the month's index:
    # 4,173.4 x 0.8970 x 1.15 = RMB 4,305.1m, +561.5m.
    s = load_base_scenario(zhipu)
    ipo = next(f for f in s.financing if f.kind == "ipo")
    assert ipo.in_foreign_currency and ipo.month == 6
    assert s.central("foreign_cash_share") == 0.0
    assert ipo.net_amount == pytest.approx(4173.4e6 * 0.8970, rel=1e-4)
    base, shocked = deterministic(s), deterministic(apply_stresses(s, ["fx-shock"]))
    assert shocked.fx_revaluation is not None and shocked.financing_cash_flow is not None
    assert base.financing_cash_flow is not None
    # no foreign cash before the listing, and the index is flat after month 0
    np.testing.assert_array_equal(shocked.fx_revaluation[0], 0.0)
    moved = shocked.financing_cash_flow[0] - base.financing_cash_flow[0]
    assert moved[6] == pytest.approx(4173.4e6 * 0.8970 * 0.15, rel=1e-4)  # 561.5m
    np.testing.assert_array_equal(np.delete(moved, 6), 0.0)
    assert shocked.cash[0, -1] > base.cash[0, -1]  # long the US dollar after the IPO


def test_zhipu_ipo_proceeds_are_revalued_after_they_land(zhipu: Company) -> None:
    # With no foreign cash before, the month-6 flows stay in renminbi and the foreign cash
    # at the end of month 6 is the IPO's net proceeds exactly: a 10% dearer US dollar from
    # month 7 revalues them by 10% in month 7 and by nothing before.
    s = load_base_scenario(zhipu)
    net = next(f for f in s.financing if f.kind == "ipo").net_amount
    p = deterministic(replace(s, shocks=(Shock("fx_index", 1.1, 7, 0),)))
    assert p.fx_revaluation is not None
    np.testing.assert_array_equal(p.fx_revaluation[0, :7], 0.0)
    assert p.fx_revaluation[0, 7] == pytest.approx(0.1 * net, rel=1e-12)


def test_minimax_fx_shock_revalues_its_opening_renminbi_in_month_1(minimax: Company) -> None:
    # MiniMax reports in US dollars; its HK$ IPO is pegged to them, so it is not foreign.
    # The fx-shock preset moves the index to 1.15 from month 0: 20% of the opening cash is
    # renminbi (assumed), revalued by 0.2 x opening cash x 0.15 in month 1 and not after.
    s = load_base_scenario(minimax)
    assert not any(f.in_foreign_currency for f in s.financing)
    p = deterministic(apply_stresses(s, ["fx-shock"]))
    assert p.fx_revaluation is not None
    opening = s.central("start_cash")
    assert p.fx_revaluation[0, 0] == pytest.approx(0.2 * opening * 0.15, rel=1e-12)
    np.testing.assert_array_equal(p.fx_revaluation[0, 1:], 0.0)
