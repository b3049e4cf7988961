"""Compute economics: a GPU price shock reaches rented compute at once, committed capacity
when its contracts renew, owned compute through capex; inference, training and the compute
share of B2B delivery cost all move (hand computation). The compute costs are the rented and
committed capacity (owned GPUs pay by capex), so they move in those two shares' proportions."""

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


def tiny() -> Scenario:
    """The engine test's tiny company (tests/simulate/test_engine.py): an API line (cost 60
    per million at 50% utilisation, 1m tokens +10% a month at 300 per million) and a B2B line
    (one 400 contract a month, delivery cost 50%), compute 100, other opex 50, S&M 20."""
    drivers = {"start_cash": 1000.0, "inference_cost_decline_annual": 0.0,
               "training_compute_monthly": 100.0, "training_compute_growth_annual": 0.0,
               "other_opex_monthly": 50.0, "opex_growth_annual": 0.0, "other_sm_monthly": 20.0,
               "api.tokens_per_month": 1e6, "api.volume_growth_monthly": 0.10,
               "api.price_per_m": 300.0, "api.price_decline_monthly": 0.0,
               "api.cost_per_m_tokens": 60.0, "api.utilisation": 0.5,
               "proj.contracts_per_month": 1.0, "proj.contract_growth_annual": 0.0,
               "proj.contract_value": 400.0, "proj.delivery_cost_share": 0.5,
               "proj.advance_share": 0.25, "proj.sm_elasticity": 0.0}
    return Scenario("tiny", "USD", date(2024, 12, 31), 3,
                    (LineSpec("api", "api"),
                     LineSpec("proj", "b2b", delivery_months=1, collection_delay_months=1)),
                    {k: Dist("fixed", {"value": v}) for k, v in drivers.items()})


def test_gpu_price_spike_by_hand() -> None:
    s = tiny()
    extra = {"compute_rented_share": 0.5, "compute_committed_share": 0.3,
             "compute_commitment_months": 2, "compute_owned_share": 0.2,
             "proj.delivery_compute_share": 0.4, "capex_monthly": 10.0}
    drivers = {**s.drivers, **{k: Dist("fixed", {"value": v}) for k, v in extra.items()}}
    s = replace(s, drivers=drivers, shocks=(Shock("gpu_price_index", 1.6, 0, 0),))
    p = deterministic(s)
    # the costs are the 0.8 not owned: months 0-1 exposure 0.5 / 0.8 (rented) -> compute
    # x (1 + 0.625 x 0.6) = 1.375; month 2 + committed 0.3 / 0.8 -> all of it, x 1.6
    # API cost 120, 132, 145.2 (tiny()) x factor; B2B delivery 200 x (0.6 + 0.4 x factor),
    # paid in the month delivered and expensed a month later, at acceptance, with its
    # revenue (the contract accepted in month 0 was delivered before the start, at x 1)
    api = [120 * 1.375, 132 * 1.375, 145.2 * 1.6]
    paid = [200 * (0.6 + 0.4 * 1.375)] * 2 + [200 * (0.6 + 0.4 * 1.6)]
    expensed = [200.0, paid[0], paid[1]]
    revenue = [700.0, 730.0, 763.0]
    np.testing.assert_allclose(p.gross_profit[0], [revenue[t] - api[t] - expensed[t]
                                                   for t in range(3)], atol=0.005)
    assert p.gross_profit[0, 0] == pytest.approx(335.0)  # 700 - 165 - 200
    training = [137.5, 137.5, 160.0]
    ocf = [revenue[t] - api[t] - paid[t] - training[t] - 50 - 20 for t in range(3)]
    np.testing.assert_allclose(p.operating_cash_flow[0], ocf, atol=0.005)
    assert p.capex_and_leases is not None
    np.testing.assert_allclose(p.capex_and_leases[0], [16.0] * 3)  # owned: new GPUs x 1.6


def test_zhipu_spike_reaches_b2b_cost_of_revenue(zhipu: Company) -> None:
    """The disclosed compute share of cost of revenue (37.6%, H1 2025), net of the cloud
    line's cost (all compute: econ33 M2), makes B2B delivery cost follow the GPU price:
    (95.453 x 0.376 - 29.1 x 1.004) / (161.777 x 0.409) = 6.674 / 66.167 = 10.1% of the
    project line's cost. With rented compute at 50% and committed at 30% (owned 20%, all
    assumed), the compute paid in month 0 is 0.5 / 0.8 rented, and the delivery cost paid
    rises by 0.101 x 0.625 x 0.6 = 3.8% (not 0.376 x 0.625 x 0.6 = 14.1%; it is expensed at
    acceptance, later)."""
    s = replace(load_base_scenario(zhipu), horizon_months=3)
    b2b = next(ln for ln in s.lines if ln.kind == "b2b")
    only_b2b = replace(s, lines=(b2b,))
    spike = (Shock("gpu_price_index", 1.6, 0, 0),)
    a, b = deterministic(only_b2b), deterministic(replace(only_b2b, shocks=spike))
    # the delivery cost paid: operating cash flow without it (a delivery cost share of 0,
    # the spike on the other compute alike) less with it
    free = replace(only_b2b, drivers={**only_b2b.drivers, (
        f"{b2b.name}.delivery_cost_share"): Dist("fixed", {"value": 0.0})})
    paid_a = deterministic(free).operating_cash_flow[0, 0] - a.operating_cash_flow[0, 0]
    paid_b = deterministic(replace(free, shocks=spike)).operating_cash_flow[0, 0] \
        - b.operating_cash_flow[0, 0]
    assert paid_a > 0
    share = (95.453 * 0.376 - 29.1 * 1.004) / (161.777 * 0.409)
    assert share == pytest.approx(0.101, abs=5e-4)
    assert paid_b / paid_a == pytest.approx(1 + share * 0.625 * 0.6, rel=1e-6)
    # the contract accepted in month 0 was delivered before the start: its cost, expensed
    # now, is the same with and without the spike
    assert a.gross_profit[0, 0] == pytest.approx(b.gross_profit[0, 0], rel=1e-12)
