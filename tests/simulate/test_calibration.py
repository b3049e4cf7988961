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
