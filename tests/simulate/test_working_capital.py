"""Working capital conserves cash: opening balances are the disclosed ones; the cash bridge
holds every month with and without shocks; a collection delay moves cash, not the result;
a price shock touches new contracts only."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from llmecon.simulate.distributions import Dist
from llmecon.simulate.engine import Paths
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import Scenario, Shock, apply_stresses
from llmecon.statements.model import Company


def opening_contract_costs(s: Scenario) -> float:
    """Delivery cost paid before the start on the contracts still in delivery: each is
    delivered evenly over the delivery months, so one signed j months before the start has
    had j of them (its value x delivery cost share x j / delivery months). The value signed
    j months before the start is the backlog's x the quarter's seasonality x (1 + backlog
    growth) ** (-j / 12)."""
    out = 0.0
    for ln in s.lines:
        if ln.kind == "b2b":
            d, backlog = ln.delivery_months, s.central(f"{ln.name}.backlog_value_monthly")
            share = s.central(f"{ln.name}.delivery_cost_share")
            g = 1.0 + s.central(f"{ln.name}.backlog_growth_annual")
            for t in range(-d, 0):
                value = backlog * ln.seasonality[((s.start.month + t) % 12) // 3] * g ** (t / 12)
                out += value * share * -t / d
    return out


def opening_balances(s: Scenario) -> tuple[float, float]:
    """Receivables and contract liabilities before month 0, from the drivers: B2B advances
    on the contracts in delivery = advance share x the value signed in each of the delivery
    months before the start (value signed a month x the signing quarter's seasonality x the
    backlog's growth to the start)."""
    r0 = sum(s.central(f"{ln.name}.opening_receivables") for ln in s.lines
             if f"{ln.name}.opening_receivables" in s.drivers)
    cl0 = 0.0
    for ln in s.lines:
        if ln.kind == "b2b":
            backlog = s.central(f"{ln.name}.backlog_value_monthly")
            # calendar months (0 = January) of the delivery months before the start
            g = 1.0 + s.central(f"{ln.name}.backlog_growth_annual")
            signed = sum(backlog * ln.seasonality[((s.start.month + t) % 12) // 3] * g ** (t / 12)
                         for t in range(-ln.delivery_months, 0))
            cl0 += s.central(f"{ln.name}.advance_share") * signed
    return r0, cl0


@pytest.mark.parametrize(("cid", "receivables"), [
    # Zhipu 30 Jun 2025: gross 171.657 less allowance 25.88 (mffb.com.cn show-465402)
    ("zhipu", 171.657e6 - 25.88e6),
    # MiniMax 30 Sep 2025: 8.06 (doshare.jizhiku.net archives 40318)
    ("minimax", 8.06e6),
])
def test_opening_receivables_are_the_disclosed_ones(request: pytest.FixtureRequest, cid: str,
                                                    receivables: float) -> None:
    s = load_base_scenario(request.getfixturevalue(cid))
    assert opening_balances(s)[0] == pytest.approx(receivables, rel=1e-9)


def bridge_residual(s: Scenario, p: Paths) -> np.ndarray:  # type: ignore[type-arg]
    """Change of (cash + receivables - contract liabilities) less the accrual operating result
    and the cash items outside it (unexplained line, interest, capex, financing)."""
    assert p.operating_result is not None and p.interest_income is not None
    assert p.capex_and_leases is not None and p.financing_cash_flow is not None
    assert p.fx_revaluation is not None and p.payables is not None
    assert p.contract_costs is not None
    r0, cl0 = opening_balances(s)
    position = p.cash[0] + p.trade_receivables[0] - p.contract_liabilities[0] \
        - p.payables[0] + p.contract_costs[0]
    p0, cc0 = s.central("opening_payables"), opening_contract_costs(s)
    before = np.concatenate([[s.central("start_cash") + r0 - cl0 - p0 + cc0], position[:-1]])
    outside = s.central("unexplained_operating_monthly") + p.interest_income[0] \
        - p.capex_and_leases[0] + p.financing_cash_flow[0] + p.fx_revaluation[0]
    out: np.ndarray = (position - before) - outside - p.operating_result[0]  # type: ignore[type-arg]
    return out


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
@pytest.mark.parametrize("stresses", [[], ["budget-freeze"], ["price-war"],
                                      ["marketing-stop", "fx-shock"], ["payables"]])
def test_cash_is_conserved_every_month(request: pytest.FixtureRequest, cid: str,
                                       stresses: list[str]) -> None:
    s = load_base_scenario(request.getfixturevalue(cid))
    if stresses == ["payables"]:  # suppliers paid two months late, 50m owed at the start
        s = replace(s, payables_months=2, drivers={**s.drivers, "opening_payables": Dist(
            "fixed", {"value": 50e6})})
    else:
        s = apply_stresses(s, stresses)
    s = replace(s, horizon_months=24)
    res = bridge_residual(s, deterministic(s))
    assert np.abs(res).max() < 1e-6 * s.central("start_cash")


def test_longer_collection_delay_lowers_cash_not_the_result(zhipu: Company) -> None:
    s = replace(load_base_scenario(zhipu), horizon_months=12)
    late = replace(s, lines=tuple(replace(ln, collection_delay_months=ln.delay_months + 3)
                                  if ln.kind == "b2b" else ln for ln in s.lines))
    a, b = deterministic(s), deterministic(late)
    assert (b.cash[0, :3] < a.cash[0, :3]).all()
    assert a.operating_result is not None and b.operating_result is not None
    np.testing.assert_array_equal(a.operating_result, b.operating_result)
    # by hand: opening receivables 145.777m over 6 months, then over 9: month 0 collects
    # 145.777 / 6 - 145.777 / 9 = 8.10m less
    assert a.cash[0, 0] - b.cash[0, 0] == pytest.approx(145.777e6 * (1 / 6 - 1 / 9), rel=1e-6)


def test_collection_delay_is_one_figure(zhipu: Company) -> None:
    # Zhipu H1 2025: receivable days 112.33 (average receivables / revenue x 181 days),
    # counted on the project line that holds every receivable (RMB 162m of the 190.877m;
    # the cloud line bills without credit): 112.33 x 190.877 / 162 = 132.35 days. 30% of a
    # contract is paid at signing (assumptions), so the invoiced 70% waits
    # 132.35 / 30.4375 / 0.7 = 6.21 months: 6, in the unit economics and the projection
    # (from an economist's audit: on the company's days, 5, the opening receivables ran
    # down faster than the line's billing rebuilt them)
    from llmecon.api import unit_economics

    line = next(ln for ln in load_base_scenario(zhipu).lines if ln.kind == "b2b")
    rows = [r for r in unit_economics(zhipu).rows if r.quantity == "collection delay"]
    assert line.delay_months == 6 and [r.value for r in rows] == [6.0]
    assert round(112.33 * 190.877 / 162 / 30.4375 / 0.7) == 6


def test_price_shock_leaves_signed_backlog_revenue_unchanged(zhipu: Company) -> None:
    s = replace(load_base_scenario(zhipu), horizon_months=12)
    line = next(ln for ln in s.lines if ln.kind == "b2b")
    cut = replace(s, shocks=(Shock(f"{line.name}.contract_value", 0.5, 0, 0),))
    a, b = deterministic(s), deterministic(cut)
    d = line.delivery_months
    np.testing.assert_array_equal(a.revenue[0, :d], b.revenue[0, :d])  # signed before
    assert (b.revenue[0, d:] < a.revenue[0, d:]).all()  # signed after the cut


def test_disclosed_contract_liabilities_set_the_opening_balance(zhipu: Company) -> None:
    """Were Zhipu to disclose contract liabilities (say RMB 81m at 30 June 2025, a made-up
    figure), the advance share is set so the model opens with exactly that balance."""
    balance = zhipu.figure("trade_receivables_gross", "H1_2025")  # an instant figure
    assert balance is not None
    fig = replace(balance, item="contract_liabilities", value=81e6, source="test")
    company = replace(zhipu, figures=(*zhipu.figures, fig))
    s = load_base_scenario(company)
    assert opening_balances(s)[1] == pytest.approx(81e6, rel=1e-9)
    assert "disclosed contract liabilities" in s.provenance["localized_deployment.advance_share"]


def test_the_collection_delay_is_read_against_the_billing_a_line_starts_at() -> None:
    """own36: a consumer line's delay was receivables / the period's average billing, while
    the line starts (and bills) at its exit run-rate: a line that tripled in a year held 2
    months of revenue as receivables against 36 disclosed receivable days.
    tests/data/lumora.yaml, by hand: FY2024 revenue chat 24 and api 12 (x3 on FY2023's 8 and
    4), trade receivables 4.5 at 2024-12-31. The chat line holds 4.5 x 24/36 = 3.0 against
    24/12 = 2.0 billed in an average month (1.5 months: rounded to 2 before), but the last
    month of a constant +9.6% a month (3 ** (1/12)) is 12 / sum(g^-k, k = 0..11) = 1.575
    times the average: 3.0 / (2.0 x 1.575) = 0.95 month, so 1."""
    from pathlib import Path

    from llmecon.api import load_company

    g = 3.0 ** (1 / 12)
    exit_ratio = 12 / sum(g ** -k for k in range(12))
    assert exit_ratio == pytest.approx(1.575, abs=5e-4)
    by_hand = (4.5 * 24 / 36) / (24 / 12 * exit_ratio)
    assert by_hand == pytest.approx(0.9525, abs=5e-4)
    s = load_base_scenario(load_company(str(Path(__file__).parents[1] / "data" /
                                            "lumora.yaml")))
    delays = {ln.name: ln.collection_delay_months for ln in s.lines}
    assert delays == {"chat": 1, "api": 1}
    assert f"= {by_hand:.2f}, rounded to 1" in s.provenance["chat.collection_delay_months"]
    assert "exit run-rate (x1.575" in s.provenance["chat.collection_delay_months"]
