"""MiniMax FY2025 (announced 2 March 2026) against the reference, shared/reference/
post_listing.md 5a: revenue US$79.038m (+158.9%), gross profit US$20.079m (25.4%)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.api import compare
from llmecon.metrics import signals as s
from llmecon.metrics import tables
from llmecon.metrics.reconcile import problems
from llmecon.statements.model import Company
from llmecon.units import load_fx


def test_fy2025_is_minimax_latest_period(minimax: Company) -> None:
    p = tables.select_period(minimax)
    assert (p.label, p.end.isoformat(), p.months) == ("FY2025", "2025-12-31", 12)
    assert minimax.as_of is not None and minimax.as_of.isoformat() == "2026-03-03"


def test_fy2025_revenue_margin_growth_within_a_tenth_of_a_point(minimax: Company) -> None:
    ctx = s.Context(minimax)
    fy = minimax.period("FY2025")
    assert s.revenue(ctx, fy).value == pytest.approx(79.038e6)
    gm = s.gross_margin(ctx, fy)
    assert gm.basis.startswith("derived")  # recomputed from revenue and gross profit
    assert gm.value == pytest.approx(0.254, abs=0.001)
    growth = s.revenue_growth(ctx, fy)  # like for like: FY2025 against FY2024 (30.523)
    assert growth.value == pytest.approx(1.589, abs=0.001)
    assert growth.value == pytest.approx(79.038 / 30.523 - 1)
    # the lines add up to the total and carry their growth: 53.075 / 21.805 - 1 = +143.4%
    line = s.line_revenue("ai_native_products")(ctx, fy)
    prior = s.line_revenue("ai_native_products")(ctx, minimax.period("FY2024"))
    assert line.value is not None and prior.value is not None
    assert line.value / prior.value - 1 == pytest.approx(1.434, abs=0.001)


def test_fy2025_checks_reproduce(minimax: Company) -> None:
    # gross margin 25.4, growth 158.9 and the line shares 67.2 / 32.8 are check values
    checks = {(f.item, f.segment) for f in minimax.figures
              if f.role == "check" and f.period.label == "FY2025"}
    assert ("gross_margin", None) in checks and ("revenue_growth_yoy", None) in checks
    assert problems(minimax) == []


def test_fy2025_burn_and_runway_use_the_adjusted_loss(minimax: Company) -> None:
    # no FY2025 cash-flow statement: adjusted loss US$251m / 12; the US$1.872bn net loss is
    # mostly a non-cash fair-value loss on preferred shares
    ctx = s.Context(minimax, load_fx())
    fy = minimax.period("FY2025")
    burn = s.monthly_burn(ctx, fy)
    assert burn.value == pytest.approx(251e6 / 12) and burn.method == "adjusted_loss"
    runway = s.runway(ctx, fy)
    assert runway.value == pytest.approx(1050 / (251 / 12))


def test_fy2025_burn_change_is_against_fy2024_on_the_same_basis(minimax: Company) -> None:
    # from an economist's audit: FY2024's most complete burn is its operating cash flow, so
    # the change skipped it and compared FY2025's adjusted loss with 9M 2024's (a
    # low-confidence US$203.8m / 9), printing -7.6% 'good'. FY2024's adjusted loss is
    # disclosed: 251 / 12 against 244.2 / 12 is +2.8%, bad for a company burning cash
    # (the source: 'roughly flat' with 2024)
    row = next(r for r in tables.signals([minimax], [minimax.period("FY2025")]).rows
               if r.key == "monthly_burn")
    assert row.change_from is not None and row.change_from.period.label == "FY2024"
    assert row.change_from.method == "adjusted_loss"
    assert row.change == pytest.approx(251 / 244.2 - 1)
    # the change says which basis it compares (a review: the table shows FY2024's cash
    # burn, 21.5 a month, and the change went the other way, against its adjusted loss)
    from llmecon.report.export import change_marked

    assert change_marked(row) == "+2.8%\u00b0\u2021"
    assert row.assessment == "bad"
    # the burn history behind the report's chart compares the same way
    from llmecon.metrics.financing import burn_history

    fy25 = next(b for b in burn_history(minimax) if b.period == "FY2025")
    assert fy25.basis == "adjusted_loss" and fy25.change == pytest.approx(251 / 244.2 - 1)


def test_two_tables_for_fy2025(minimax: Company, zhipu: Company) -> None:
    ue, cf, _ = compare([zhipu, minimax], period="latest", currency="USD")
    assert [c.header for c in ue.columns] == ["zhipu H1_2025 (6M interim)", "minimax FY2025"]
    rev = next(r for r in ue.rows if r.key == "revenue")
    assert rev.cells[1].value == pytest.approx(79.038e6)
    cash = next(r for r in cf.rows if r.key == "cash_resources")
    assert cash.cells[1].value == pytest.approx(1050e6)


def test_select_period_with_needs_skips_incomplete_results(minimax: Company) -> None:
    p = tables.select_period(minimax, needs=("operating_cash_flow", "rd_compute_cost"))
    assert p.label == "9M_2025"


def test_runway_at_the_latest_cash_burn(minimax: Company, zhipu: Company) -> None:
    # from an economist's audit: FY2025's headline runway (US$1,050m / 251 / 12 = 50.2
    # months) is on the adjusted loss; beside it, the same cash at the newest burn that is a
    # cash measure, 9M 2025's disclosed US$27.9m a month: 1,050 / 27.9 = 37.6 months
    ctx = s.Context(minimax, load_fx())
    mv = s.runway_cash_burn(ctx, minimax.period("FY2025"))
    assert mv.value == pytest.approx(1050 / 27.9)
    assert mv.method != "adjusted_loss" and "9M_2025" in mv.basis
    # where the period's own burn is a cash measure, it is the headline runway: Zhipu H1
    # 2025, RMB 2,552m / 327.3 a month
    z = s.runway_cash_burn(s.Context(zhipu, load_fx()), zhipu.period("H1_2025"))
    assert z.value == pytest.approx(2552 / 327.3)


def test_runway_at_the_latest_cash_burn_stays_within_the_year() -> None:
    # from a review: SoundHound FY2024 (no burn of its own) took FY2023's, ending a full
    # year (366 days) before, for a 'latest cash burn' runway of 34.6 months
    from llmecon.api import load_company

    c = load_company("soundhound")
    ctx = s.Context(c, load_fx())
    assert s.monthly_burn(ctx, c.period("FY2023")).ok
    mv = s.runway_cash_burn(ctx, c.period("FY2024"))
    assert not mv.ok and "in the year to the period end" in mv.why


def test_the_runway_signal_and_peers_use_the_cash_burn(minimax: Company,
                                                       zhipu: Company) -> None:
    # from a second economist's review: the signal and the peers ranking showed 50.2 months
    # on the adjusted loss, where the cash burn (9M 2025: US$27.9m a month, 1.35x the
    # adjusted loss of 186.3 / 9 = 20.7) gives 1,050 / 27.9 = 37.6 months
    from llmecon.api import compare
    from llmecon.metrics.peers import rank_peers

    sig = s.runway_signal(s.Context(minimax, load_fx()), minimax.period("FY2025"))
    assert sig.value == pytest.approx(1050 / 27.9) and sig.method == "reported"
    assert sig.name == "runway"
    _, _, signals = compare([zhipu, minimax])
    row = next(r for r in signals.rows if r.key == "runway" and r.company_id == "minimax")
    assert row.latest.value == pytest.approx(1050 / 27.9)
    ranked = rank_peers([zhipu, minimax], "runway")
    values = {e.company_id: e.value.value for e in ranked.entries}
    assert values["minimax"] == pytest.approx(1050 / 27.9)
    # a period whose burn is a cash measure keeps its own: Zhipu H1 2025, 2,552 / 327.3
    assert values["zhipu"] == pytest.approx(2552 / 327.3)


def test_the_runway_with_the_ipo_uses_the_headline_burn(minimax: Company) -> None:
    # from a hostile audit: beside the 37.6-month headline, "Runway incl. IPO proceeds"
    # stayed on the adjusted loss (78.6 months, as if the IPO added 41); at the cash burn:
    # (1,050 + 680) / 27.9 = 62.0 months: "cash US$1.05bn plus IPO proceeds US$0.68bn"
    # (cnyes 6359231, the FY2025 results), the net proceeds one rounded figure (low)
    mv = s.runway_with_ipo(s.Context(minimax, load_fx()), minimax.period("FY2025"))
    assert mv.value == pytest.approx((1050 + 680) / 27.9, rel=1e-9)
    assert mv.value == pytest.approx(62.0, abs=0.01)
    assert mv.method == "reported" and mv.confidence == "low"
    assert "IPO net proceeds" in mv.basis and "assumed" not in mv.basis


def test_the_runway_signal_ignores_an_older_inflow_and_fills_a_missing_burn(
        tmp_path: Path) -> None:
    # from a hostile audit: an FY2024 adjusted loss of 240 (20 a month) beside an H1 2024
    # operating inflow ranked the company first with "no burn"; a year with no burn of its
    # own had no runway signal although a cash burn of H1 2024 existed
    from llmecon.statements import io

    def company(rows: str) -> Company:
        p = tmp_path / "rw.csv"
        p.write_text("company,period,period_end,period_months,metric,value,currency,unit,"
                     "source_url\n" + rows, encoding="utf-8")
        return io.read_company_file(p)

    cash = "rw,FY2024,2024-12-31,0,cash_and_equivalents,500,USD,million,f\n"
    inflow = company(cash + "rw,FY2024,2024-12-31,12,adjusted_net_loss,240,USD,million,f\n"
                            "rw,H1_2024,2024-06-30,6,operating_cash_flow,30,USD,million,f\n")
    mv = s.runway_signal(s.Context(inflow, load_fx()), inflow.period("FY2024"))
    assert mv.value == pytest.approx(500 / 20) and mv.method == "adjusted_loss"
    burning = company(cash + "rw,FY2024,2024-12-31,12,revenue,10,USD,million,f\n"
                             "rw,H1_2024,2024-06-30,6,operating_cash_flow,-60,USD,million,f\n")
    mv = s.runway_signal(s.Context(burning, load_fx()), burning.period("FY2024"))
    assert mv.value == pytest.approx(500 / 10)  # 60 / 6 a month, H1 2024's
    # from a review: no burn of its own and only an older inflow: n/a, not "no burn"
    quiet = company(cash + "rw,FY2024,2024-12-31,12,revenue,10,USD,million,f\n"
                           "rw,H1_2024,2024-06-30,6,operating_cash_flow,30,USD,million,f\n")
    mv = s.runway_signal(s.Context(quiet, load_fx()), quiet.period("FY2024"))
    assert not mv.ok and "the newest cash measure in the year (H1_2024) is an inflow" in mv.why
