"""The projection engine against a hand computation, and Monte Carlo properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.simulate.distributions import Dist
from llmecon.simulate.run import deterministic, run
from llmecon.simulate.scenario import Financing, LineSpec, Scenario, Shock


def fixed(v: float) -> Dist:
    return Dist("fixed", {"value": v})


def tiny() -> Scenario:
    """A tiny company: one API line and one B2B line, three months."""
    drivers = {
        "start_cash": 1000.00,
        "inference_cost_decline_annual": 0.0,
        "training_compute_monthly": 100.00,
        "training_compute_growth_annual": 0.0,
        "other_opex_monthly": 50.00,
        "opex_growth_annual": 0.0,
        "other_sm_monthly": 20.00,
        "api.tokens_per_month": 1e6,        # one million tokens in month 1
        "api.volume_growth_monthly": 0.10,  # +10% a month
        "api.price_per_m": 300.00,          # 300 per million tokens
        "api.price_decline_monthly": 0.0,
        "api.cost_per_m_tokens": 60.00,
        "api.utilisation": 0.5,             # cost 60 / 0.5 = 120 per million
        "proj.contracts_per_month": 1.0,
        "proj.contract_growth_annual": 0.0,
        "proj.contract_value": 400.00,
        "proj.delivery_cost_share": 0.5,
        "proj.advance_share": 0.25,
        "proj.sm_elasticity": 0.0,
    }
    return Scenario("tiny", "USD", date(2024, 12, 31), 3,
                    (LineSpec("api", "api"),
                     LineSpec("proj", "b2b", delivery_months=1, collection_delay_months=1)),
                    {k: fixed(v) for k, v in drivers.items()},
                    financing=(Financing(2, 500.00, "raise", True),))


def test_hand_computed_three_months_to_the_cent() -> None:
    p = deterministic(tiny())
    # API: tokens 1.00m, 1.10m, 1.21m; revenue = tokens x 300 / 1e6; cost = tokens x 120 / 1e6
    api_rev = [300.00, 330.00, 363.00]
    api_cost = [120.00, 132.00, 145.20]
    # B2B: one 400 contract a month (also in the history); accepted 1 month after signing,
    # so revenue 400 a month; delivery cost 400 x 0.5 spread over 1 month = 200 a month;
    # cash: 25% advance at signing (100) + 75% one month after acceptance (300) = 400
    b2b_rev, b2b_cost, b2b_cash = [400.00] * 3, [200.00] * 3, [400.00] * 3
    revenue = [api_rev[t] + b2b_rev[t] for t in range(3)]
    assert revenue == pytest.approx([700.00, 730.00, 763.00])
    opex = 100.00 + 50.00 + 20.00
    ocf = [api_rev[t] + b2b_cash[t] - api_cost[t] - b2b_cost[t] - opex for t in range(3)]
    assert ocf == pytest.approx([210.00, 228.00, 247.80], abs=0.005)
    cash = [1000.00 + 210.00, 1000.00 + 210.00 + 228.00, 1000.00 + 210.00 + 228.00 + 247.80
            + 500.00]
    np.testing.assert_allclose(p.revenue[0], [700.00, 730.00, 763.00], atol=0.005)
    np.testing.assert_allclose(p.gross_profit[0], [380.00, 398.00, 417.80], atol=0.005)
    np.testing.assert_allclose(p.operating_cash_flow[0], ocf, atol=0.005)
    np.testing.assert_allclose(p.cash[0], cash, atol=0.005)
    # receivables: the 75% of last month's accepted contract not yet collected = 300;
    # contract liabilities: the advance on the contract signed this month = 100
    np.testing.assert_allclose(p.trade_receivables[0], [300.00] * 3, atol=0.005)
    np.testing.assert_allclose(p.contract_liabilities[0], [100.00] * 3, atol=0.005)


def test_shock_applies_in_its_window() -> None:
    s = replace(tiny(), shocks=(Shock("api.price_per_m", 0.5, 1, 1),))
    p = deterministic(s)
    np.testing.assert_allclose(p.revenue[0], [700.00, 400 + 165.00, 763.00], atol=0.005)


def test_zero_variance_monte_carlo_equals_deterministic() -> None:
    s = tiny()
    r = run(s, paths=257, seed=7, keep_paths=True)
    assert r.paths_data is not None
    det = deterministic(s)
    for f in ("cash", "revenue", "gross_profit", "operating_cash_flow"):
        got = getattr(r.paths_data, f)
        assert np.array_equal(got, np.repeat(getattr(det, f), 257, axis=0))


def uncertain() -> Scenario:
    s = tiny()
    d = dict(s.drivers)
    d["api.volume_growth_monthly"] = Dist("normal", {"mean": 0.1, "sd": 0.05})
    d["proj.contract_value"] = Dist("lognormal", {"mean": 400.0, "sd": 80.0})
    d["api.utilisation"] = Dist("beta", {"mean": 0.5, "sd": 0.1})
    d["training_compute_monthly"] = Dist("triangular", {"low": 80, "mode": 100, "high": 150})
    d["other_opex_monthly"] = Dist("uniform", {"low": 40, "high": 60})
    return replace(s, drivers=d, horizon_months=24,
                   correlations=(("api.volume_growth_monthly", "proj.contract_value", 0.5),))


def test_same_seed_same_numbers_any_chunking() -> None:
    s = uncertain()
    a = run(s, paths=20_000, seed=11, keep_paths=True)
    b = run(s, paths=20_000, seed=11, keep_paths=True)
    assert a.paths_data is not None and b.paths_data is not None
    assert np.array_equal(a.paths_data.cash, b.paths_data.cash)
    c = run(s, paths=20_000, seed=12)
    assert not np.array_equal(a.percentiles["cash"], c.percentiles["cash"])


def test_correlation_is_induced() -> None:
    from llmecon.simulate.run import sample_block

    x, _ = sample_block(uncertain(), 3, 0, 8192)
    rho = np.corrcoef(x["api.volume_growth_monthly"], np.log(x["proj.contract_value"]))[0, 1]
    assert rho == pytest.approx(0.5, abs=0.05)


def test_marginals_have_their_moments() -> None:
    from llmecon.simulate.run import sample_block

    x, _ = sample_block(uncertain(), 5, 0, 8192)
    assert x["proj.contract_value"].mean() == pytest.approx(400, rel=0.02)
    assert x["proj.contract_value"].std() == pytest.approx(80, rel=0.05)
    assert x["api.utilisation"].mean() == pytest.approx(0.5, abs=0.01)
    assert x["training_compute_monthly"].min() >= 80
    assert x["training_compute_monthly"].max() <= 150


@pytest.mark.slow
def test_numpy_and_dask_agree_exactly() -> None:
    s = uncertain()
    a = run(s, paths=30_000, seed=5)
    b = run(s, paths=30_000, seed=5, backend="dask", workers=2, chunk_blocks=1)
    for k in a.percentiles:
        assert np.array_equal(a.percentiles[k], b.percentiles[k], equal_nan=True)
    assert np.array_equal(a.prob_cash_out, b.prob_cash_out)


def test_working_capital_by_hand_to_the_cent() -> None:
    """Disclosed-style opening receivables, collected over the delay, in a hand projection:
    API paid one month late (opening 100), B2B two months after acceptance (opening 600)."""
    s = tiny()
    lines = (LineSpec("api", "api", collection_delay_months=1),
             LineSpec("proj", "b2b", delivery_months=1, collection_delay_months=2))
    drivers = {**s.drivers, "api.opening_receivables": fixed(100.0),
               "proj.opening_receivables": fixed(600.0)}
    s = replace(s, lines=lines, drivers=drivers)
    p = deterministic(s)
    # API cash: opening 100, then last month's revenue 300, 330
    # B2B cash: advance 25% x 400 = 100 a month + opening 600 / 2 in months 0-1, then
    #           75% of the contract accepted in month 0 = 300
    # costs: API 120, 132, 145.20; B2B 200; compute + opex + S&M 170
    ocf = [100 + 400 - 120 - 200 - 170, 300 + 400 - 132 - 200 - 170,
           330 + 400 - 145.20 - 200 - 170]
    np.testing.assert_allclose(p.operating_cash_flow[0], [10.00, 198.00, 214.80], atol=0.005)
    np.testing.assert_allclose(p.operating_cash_flow[0], ocf, atol=0.005)
    np.testing.assert_allclose(p.cash[0], [1010.00, 1208.00, 1922.80], atol=0.005)  # +500
    np.testing.assert_allclose(p.trade_receivables[0], [900.00, 930.00, 963.00], atol=0.005)
    np.testing.assert_allclose(p.contract_liabilities[0], [100.00] * 3, atol=0.005)
    assert p.operating_result is not None
    np.testing.assert_allclose(p.operating_result[0], [210.00, 228.00, 247.80], atol=0.005)
    r = run(s, paths=64, seed=1, keep_paths=True)
    assert r.paths_data is not None
    assert np.array_equal(r.paths_data.cash, np.repeat(p.cash, 64, axis=0))


def test_payables_by_hand() -> None:
    """Costs paid a month after they are incurred; 30 owed at the start, paid in month 0."""
    s = replace(tiny(), payables_months=1,
                drivers={**tiny().drivers, "opening_payables": fixed(30.0)})
    p = deterministic(s)
    # costs incurred (accrual): 120 + 200 + 170 = 490; 132 + 370 = 502; 145.20 + 370 = 515.20
    # cash in 700, 730, 763 (tiny()); paid 30 (opening), then 490, 502
    np.testing.assert_allclose(p.operating_cash_flow[0], [670.00, 240.00, 261.00], atol=0.005)
    assert p.payables is not None
    np.testing.assert_allclose(p.payables[0], [490.00, 502.00, 515.20], atol=0.005)


def _project_only(**extra: float) -> Scenario:
    """tiny()'s project line alone (400 a month, delivered in the month signed, accepted the
    next, 50% delivery cost), with ``extra`` drivers."""
    s = tiny()
    return replace(s, lines=(s.lines[1],),
                   drivers={**s.drivers, **{k: fixed(v) for k, v in extra.items()}})


def test_a_cheaper_contract_keeps_its_delivery_cost_by_hand() -> None:
    """An economist's review (econ33 H2): a price war signs the same work 20% cheaper, so
    delivery cost stays and every unit of price comes off gross profit (it once fell with the
    price, holding the margin)."""
    s = replace(_project_only(), shocks=(Shock("proj.contract_value", 0.8, 0, 0),))
    p, base = deterministic(s), deterministic(_project_only())
    # month 0 accepts the contract signed before the start (400, cost 200); months 1-2 accept
    # those signed at 400 x 0.8 = 320 whose work still costs 400 x 0.5 = 200
    np.testing.assert_allclose(p.revenue[0], [400.00, 320.00, 320.00], atol=0.005)
    np.testing.assert_allclose(p.gross_profit[0], [200.00, 120.00, 120.00], atol=0.005)
    d_rev = p.revenue[0] - base.revenue[0]
    d_gp = p.gross_profit[0] - base.gross_profit[0]
    np.testing.assert_allclose(d_gp, d_rev, atol=1e-9)  # dGP / dRev = 1
    # cash, month 0: advance 25% x 320 = 80 + 75% of the 400 accepted before = 300, less
    # delivery 200 and costs 170
    assert p.operating_cash_flow[0, 0] == pytest.approx(80.0 + 300.0 - 200.0 - 170.0)


def test_fewer_contracts_cut_delivery_cost_by_hand() -> None:
    """A budget freeze (70% fewer contracts) cuts the work, so the delivery cost with it."""
    s = replace(_project_only(), shocks=(Shock("proj.contracts_per_month", 0.3, 0, 0),))
    p = deterministic(s)
    # contracts signed from month 0 are 0.3 x 400 = 120, costing 0.3 x 200 = 60
    np.testing.assert_allclose(p.revenue[0], [400.00, 120.00, 120.00], atol=0.005)
    np.testing.assert_allclose(p.gross_profit[0], [200.00, 60.00, 60.00], atol=0.005)


@pytest.mark.parametrize(("revenue_share", "cost_share", "revenue", "cost"), [
    (1.0, 0.0, 400.0 * 1.15, 200.0),          # earned abroad, paid at home: margin up
    (0.0, 1.0, 400.0, 200.0 * 1.15),          # paid abroad: cost up once, revenue not
    (0.5, 0.5, 400.0 * 1.075, 200.0 * 1.075),  # half of each: 1 + 0.5 x 0.15
])
def test_delivery_cost_converts_once_at_the_cost_share_by_hand(
        revenue_share: float, cost_share: float, revenue: float, cost: float) -> None:
    """econ33 H2: delivery cost once moved with the foreign revenue share as well as the
    cost share. The other currency 15% dearer from month 0: a contract signed in month 0 is
    accepted in month 1."""
    s = _project_only(foreign_revenue_share=revenue_share, foreign_cost_share=cost_share)
    p = deterministic(replace(s, shocks=(Shock("fx_index", 1.15, 0, 0),)))
    assert p.revenue[0, 1] == pytest.approx(revenue, abs=0.005)
    assert p.gross_profit[0, 1] == pytest.approx(revenue - cost, abs=0.005)
