"""The calibration against disclosed cash figures, with no plug to the operating cash flow:
other opex comes from the adjusted (non-IFRS) loss, capex and leases from the disclosed
burn, and the gap to the operating cash flow is a named line."""

from __future__ import annotations

import numpy as np
import pytest

from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.statements.model import Company

# Disclosed, per month of the latest period (sources in data/companies/*.yaml and
# shared/reference/prospectus_figures.csv):
# Zhipu H1 2025: operating cash flow RMB -1,327m (v2ex 1180086), 18C cash burn rate
#   RMB 327.3m/month (163.com KHD4OHSP055651K9).
# MiniMax 9M 2025: operating cash flow US$ -209m (doshare 40318), burn US$27.9m/month
#   (qunfachuanzhen; itiger 2593127369).
DISCLOSED = {"zhipu": (-1327e6 / 6, 327.3e6), "minimax": (-209e6 / 9, 27.9e6)}


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_first_months_reproduce_disclosed_cash_flow_capex_and_burn(
        request: pytest.FixtureRequest, cid: str) -> None:
    company: Company = request.getfixturevalue(cid)
    ocf, burn = DISCLOSED[cid]
    p = deterministic(load_base_scenario(company))
    assert p.capex_and_leases is not None
    capex = burn + ocf  # by hand: capex and lease payments = burn - (-OCF per month)
    for got, want in ((p.operating_cash_flow[0, 0], ocf), (p.burn[0, 0], burn),
                      (p.capex_and_leases[0, 0], capex)):
        assert got == pytest.approx(want, rel=0.10)
    assert np.mean(p.operating_cash_flow[0, :3]) == pytest.approx(ocf, rel=0.10)
    assert np.mean(p.burn[0, :3]) == pytest.approx(burn, rel=0.10)


@pytest.mark.parametrize(("cid", "loss"), [("zhipu", 1752e6 / 6), ("minimax", 186.3e6 / 9)])
def test_no_plug_the_residual_is_a_named_line(request: pytest.FixtureRequest, cid: str,
                                              loss: float) -> None:
    """Other opex reproduces the disclosed adjusted loss (Zhipu H1 2025 RMB 1,752m; MiniMax
    9M 2025 US$186.3m) in month 0 before growth; the gap to the operating cash flow is the
    'unexplained' line, shown in the provenance, and smaller than the cash flow itself."""
    s = load_base_scenario(request.getfixturevalue(cid))
    p = deterministic(s)
    assert p.operating_result is not None and p.interest_income is not None
    accrual_loss = -(p.operating_result[0, 0] + p.interest_income[0, 0])
    assert accrual_loss == pytest.approx(loss, rel=0.10)
    assert "unexplained_operating_monthly" in s.provenance
    ocf = DISCLOSED[cid][0]
    assert 0 < abs(s.central("unexplained_operating_monthly")) < 0.5 * abs(ocf)
    assert "plug" not in s.provenance["other_opex_monthly"]


def test_every_line_starts_from_the_calibration_period(minimax: Company,
                                                        minimax_exit: dict[str, float]) -> None:
    """The projection starts at 30 Sep 2025 from MiniMax's 9M 2025 figures; its open platform
    line was read at FY2025 (US$25.963m / 12) while the AI-native products were read at
    9M 2025, so month 1 had a 26.7% gross margin. By hand from 9M 2025 (sources in
    data/companies/minimax.yaml): AI-native US$38.02m at 4.7%, open platform US$15.417m at
    69.4%, each at its exit run-rate (x1.377 and x1.347, see ``minimax_exit``):
    (38.02 x 1.377 x 0.047 + 15.417 x 1.347 x 0.694) / (38.02 x 1.377 + 15.417 x 1.347)
    = 23.1% (disclosed for the nine months: 23.3%)."""
    s = load_base_scenario(minimax)
    p = deterministic(s)
    c2c, api = 38.02 * minimax_exit["ai_native_products"], 15.417 * minimax_exit["open_platform"]
    assert s.drivers["open_platform.tokens_per_month"].central * \
        s.drivers["open_platform.price_per_m"].central / 1e6 == pytest.approx(api * 1e6 / 9,
                                                                             rel=1e-6)
    assert p.revenue[0, 0] == pytest.approx((c2c + api) * 1e6 / 9, rel=0.005)
    by_hand = (c2c * 0.047 + api * 0.694) / (c2c + api)
    assert p.gross_profit[0, 0] / p.revenue[0, 0] == pytest.approx(by_hand, abs=0.003)
