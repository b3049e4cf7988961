"""The one IPO-proceeds lookup and the burn history on one basis, against disclosed figures."""

from __future__ import annotations

import math

import pytest

from llmecon.metrics.financing import burn_history, ipo_proceeds
from llmecon.statements.model import Company
from llmecon.units import load_fx


def test_zhipu_ipo_net_proceeds_disclosed(zhipu: Company) -> None:
    fx = load_fx()
    got = ipo_proceeds(zhipu, zhipu.period("H1_2025").end, fx)
    assert got is not None and got.basis == "net"
    rate, _ = fx.rate("HKD", "CNY", "closing", None, got.listing_date)
    assert got.amount == pytest.approx(4173.4e6 * rate)  # net HK$4,173.4m (itiger)
    assert got.fee_share == pytest.approx(1 - 4173.4 / 4348.1)


def test_minimax_gross_only_with_and_without_assumed_fees(minimax: Company) -> None:
    fx = load_fx()
    end = minimax.period("9M_2025").end
    gross = ipo_proceeds(minimax, end, fx)
    assert gross is not None and gross.basis == "gross"
    assert gross.amount == pytest.approx(4818e6 / 7.7835, rel=1e-4)  # HK$4,818m = US$619m
    net = ipo_proceeds(minimax, end, fx, assumed_fee_share=0.0402)
    assert net is not None and net.basis == "gross less assumed fees"
    assert net.amount == pytest.approx(gross.amount * (1 - 0.0402))
    assert ipo_proceeds(minimax, net.listing_date, fx) is None  # nothing after the listing


def test_zhipu_burn_history_never_mixes_bases(zhipu: Company) -> None:
    h = {p.period: p for p in burn_history(zhipu)}
    # FY2022/FY2023: only adjusted (non-IFRS) losses, RMB 97.417m and 621m
    assert h["FY2022"].basis == "adjusted_loss" and h["FY2022"].non_ifrs
    assert h["FY2023"].burn_monthly == pytest.approx(621e6 / 12)
    # FY2024: operating cash flow -2,245m, capex not disclosed
    assert h["FY2024"].basis == "operating_cash_flow"
    assert math.isnan(h["FY2024"].change)  # no earlier cash-flow period to compare with
    # H1 2025: the disclosed 18C burn rate, RMB 327.3m a month (it includes capex, which
    # operating cash flow, -1,327m / 6 = 221.2m a month, leaves out); nothing earlier is on
    # that basis, so no change (not +18.2% against FY2024's operating cash flow alone)
    assert h["H1_2025"].basis == "reported"
    assert h["H1_2025"].burn_monthly == pytest.approx(327.3e6)
    assert math.isnan(h["H1_2025"].change)


def test_burn_history_agrees_with_the_burn_signal(zhipu: Company, minimax: Company) -> None:
    from llmecon.metrics import tables

    for c in (zhipu, minimax):
        last = burn_history(c)[-1]
        sig = tables.signals([c], [tables.select_period(c)], load_fx())
        row = next(r for r in sig.rows if r.key == "monthly_burn")
        assert row.latest.period.label == last.period and row.latest.method == last.basis
        if math.isnan(last.change):
            assert row.change is None and row.change_from is None
        else:
            assert row.change == pytest.approx(last.change)
    # MiniMax FY2025 adjusted loss 251 / 12 against FY2024's, 244.2 / 12 (US$m): +2.8%
    assert burn_history(minimax)[-1].change == pytest.approx(251 / 244.2 - 1)


def test_gross_and_net_proceeds_in_different_currencies(minimax: Company) -> None:
    """Gross proceeds in HK$ beside net proceeds in US$ (as Bloomberg quotes a Hong Kong
    listing): each converts at its own currency's rate. Hand computation: HK$4,818m at the
    implied 7.7835 HK$/US$ of 9 Jan 2026 (fx.yaml) is US$619.0m gross; net US$594.1m
    (= 619.0 x (1 - 4.02%)) gives fees of 4.02%, not 1 - 594.1 / 4,818 = 87.7% (the HK$
    amount read as US$)."""
    from dataclasses import replace

    from llmecon.statements.model import Figure

    ipo = minimax.period("IPO")
    net = Figure("ipo_net_proceeds", ipo, 594.1e6, "million", currency="USD",
                 source="test: hand computation", confidence="medium")
    company = replace(minimax, figures=(*minimax.figures, net))
    got = ipo_proceeds(company, company.period("9M_2025").end, load_fx())
    assert got is not None and got.basis == "net"
    assert got.amount == pytest.approx(594.1e6)
    assert got.gross_amount == pytest.approx(4818e6 / 7.7835)  # US$619.0m
    assert got.fee_share == pytest.approx(1 - 594.1 / (4818 / 7.7835), abs=1e-6)  # 4.02%
    assert got.fee_share == pytest.approx(0.0402, abs=1e-3)
