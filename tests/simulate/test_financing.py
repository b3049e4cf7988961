"""Financing as explicit events: committed money only in the base case, IPO net of fees in
the listing month, interest on cash and debt, repayments: against hand computations and the
disclosed IPO figures."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from llmecon.errors import InputError
from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import Financing, Scenario
from llmecon.statements.model import Company
from llmecon.units import load_fx


def cash_only() -> Scenario:
    """No business lines: 100 a month of compute, a little capex, interest at 12% a year."""
    drivers = {"start_cash": 1000.0, "inference_cost_decline_annual": 0.0,
               "training_compute_monthly": 100.0, "training_compute_growth_annual": 0.0,
               "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0,
               "interest_rate_on_cash_annual": 0.12, "capex_monthly": 10.0,
               "lease_payments_monthly": 5.0, "unexplained_operating_monthly": 2.0}
    events = (Financing(0, 240.0, "loan", True, "debt", annual_interest_rate=0.06,
                        repay_after_months=2),
              Financing(1, 600.0, "IPO", True, "ipo", fee_share=0.05),
              Financing(1, 1000.0, "maybe", False, "equity"),
              Financing(0, 50.0, "old loan", True, "debt", annual_interest_rate=0.12,
                        repay_after_months=1, already_received=True))
    return Scenario("cash", "USD", date(2025, 6, 30), 3, (),
                    {k: Dist("fixed", {"value": v}) for k, v in drivers.items()}, events)


def test_committed_financing_interest_and_repayment_to_the_cent() -> None:
    p = deterministic(cash_only())
    # by hand. Operating cash flow = -100 + 2 (unexplained) = -98; capex + lease = 15.
    # month 0: interest on 1000 at 1% = 10; loan 240 in, its interest 240 x 0.5% = 1.20;
    #          old loan interest 50 x 1% = 0.50  -> 1000 - 98 - 15 + 10 + 240 - 1.2 - 0.5
    m0 = 1000 - 98 - 15 + 10 + 240 - 1.20 - 0.50
    # month 1: interest 1% of m0; IPO 600 less 5% fees = 570; loan interest 1.20;
    #          old loan repaid (50), no interest in the month it is repaid
    m1 = m0 - 98 - 15 + 0.01 * m0 + 570 - 1.20 - 50
    # month 2: interest 1% of m1; loan repaid (240); the uncommitted 1000 never counted
    m2 = m1 - 98 - 15 + 0.01 * m1 - 240
    assert m0 == pytest.approx(1135.30)
    np.testing.assert_allclose(p.cash[0], [m0, m1, m2], atol=0.005)
    assert p.interest_income is not None and p.financing_cash_flow is not None
    np.testing.assert_allclose(p.interest_income[0], [10.0, 0.01 * m0, 0.01 * m1], atol=0.005)
    np.testing.assert_allclose(p.financing_cash_flow[0], [238.30, 518.80, -240.00], atol=0.005)
    np.testing.assert_allclose(p.burn[0], [113.0] * 3)  # -(OCF - capex - lease)


def test_all_and_none() -> None:
    s = cash_only()
    every = deterministic(s.with_financing("all"))
    base = deterministic(s)
    assert every.cash[0, 1] - base.cash[0, 1] == pytest.approx(1000.0 * 1.0, abs=0.005)
    none = deterministic(s.with_financing("none"))
    # only the obligations of the loan drawn before the start: 0.50 interest, then repaid
    assert none.cash[0, 0] == pytest.approx(1000 - 98 - 15 + 10 - 0.50)
    with pytest.raises(InputError, match="financing: expected one of committed, all, none"):
        s.with_financing("some")


def test_zhipu_base_counts_committed_money_only(zhipu: Company) -> None:
    s = load_base_scenario(zhipu)
    assert s.financing_included == "committed"
    kinds = {f.kind for f in s.included_financing()}
    assert kinds == {"ipo", "debt"}
    facility = next(f for f in s.financing if f.kind == "bank_facility")
    assert not facility.committed
    assert facility.amount == pytest.approx(0.5 * 8900e6)  # half the disclosed RMB 8.9bn
    debt = next(f for f in s.financing if f.kind == "debt")
    assert debt.amount == pytest.approx(137e6) and debt.already_received  # disclosed
    gap = deterministic(s.with_financing("all")).cash[0, -1] - deterministic(s).cash[0, -1]
    assert gap > 0.5 * 8900e6 * 0.9  # the draw, less its interest


@pytest.mark.parametrize(("cid", "month", "gross_hkd", "net_hkd"), [
    # Zhipu listed 8 Jan 2026: gross HK$4,348.1m, net HK$4,173.4m (itiger 1139112685)
    ("zhipu", 6, 4348.1e6, 4173.4e6),
    # MiniMax listed 9 Jan 2026: gross HK$5,540.2m with the over-allotment (33,577,240
    # shares x HK$165), net US$680m (FY2025 results, cnyes 6359231) = HK$ 680m x 7.7835
    ("minimax", 3, 5540.2e6, 680e6 * 7.7835),
])
def test_ipo_net_of_fees_in_the_listing_month(request: pytest.FixtureRequest, cid: str,
                                              month: int, gross_hkd: float,
                                              net_hkd: float) -> None:
    company: Company = request.getfixturevalue(cid)
    s = load_base_scenario(company)
    ipo = next(f for f in s.financing if f.kind == "ipo")
    listing = {"zhipu": date(2026, 1, 8), "minimax": date(2026, 1, 9)}[cid]
    rate, _ = load_fx().rate("HKD", company.currency, "closing", None, listing)
    assert ipo.month == month  # January 2026: month 0 is the month after the period end
    assert ipo.committed
    assert ipo.amount == pytest.approx(gross_hkd * rate, rel=1e-9)
    assert ipo.net_amount == pytest.approx(net_hkd * rate, rel=2e-3)
