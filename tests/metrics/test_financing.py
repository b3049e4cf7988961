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


def test_gross_only_with_and_without_assumed_fees(minimax_gross_only: Company) -> None:
    # gross HK$5,540.2m = 33,577,240 shares x HK$165, over-allotment included (top168, lbkrs)
    c, fx = minimax_gross_only, load_fx()
    end = c.period("9M_2025").end
    gross = ipo_proceeds(c, end, fx)
    assert gross is not None and gross.basis == "gross"
    assert gross.amount == pytest.approx(33_577_240 * 165 / 7.7835, rel=1e-4)  # US$711.8m
    net = ipo_proceeds(c, end, fx, assumed_fee_share=0.0402)
    assert net is not None and net.basis == "gross less assumed fees"
    assert net.amount == pytest.approx(gross.amount * (1 - 0.0402))
    assert ipo_proceeds(c, net.listing_date, fx) is None  # nothing after the listing


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
    """MiniMax's gross proceeds in HK$ beside its net proceeds in US$ (the FY2025 results:
    'IPO proceeds US$0.68bn', cnyes 6359231): each converts at its own currency's rate.
    Hand computation: HK$5,540.2m (33,577,240 shares x HK$165) at the implied 7.7835 HK$/US$
    of 9 Jan 2026 (fx.yaml) is US$711.8m gross; net US$680m gives fees of
    1 - 680 / 711.8 = 4.47%, not 1 - 680 / 5,540.2 = 87.7% (the HK$ amount read as US$).
    One rounded secondary figure: low confidence, and the runway with it says so."""
    got = ipo_proceeds(minimax, minimax.period("9M_2025").end, load_fx())
    assert got is not None and got.basis == "net" and got.currency == "USD"
    assert got.amount == pytest.approx(680e6)
    assert got.gross_amount == pytest.approx(5540.2e6 / 7.7835)  # US$711.8m
    assert got.fee_share == pytest.approx(1 - 680 / (5540.2 / 7.7835), abs=1e-6)
    assert got.fee_share == pytest.approx(0.0447, abs=1e-4)
    assert got.confidence == "low"
