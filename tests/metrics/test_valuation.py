"""Valuation from dated market data, computed by hand from the bundled, sourced figures
(shared/reference/prospectus_figures.md: IPO prices, day-1 closes and shares outstanding)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.errors import NotFoundError
from llmecon.metrics.valuation import valuation, valuations
from llmecon.statements import io
from llmecon.statements.model import Company
from llmecon.units import load_fx


def test_minimax_at_its_listing_day_close_on_prospectus_figures(minimax: Company) -> None:
    v = valuation(minimax, load_fx(), "IPO", period="9M_2025")
    assert v.as_of == date(2026, 1, 9) and v.price_currency == "HKD"
    # HK$345 x 309.26m shares = HK$106,694.7m (reported: about HK$106.6bn)
    assert v.market_cap_in_price_currency == pytest.approx(345 * 309.26e6)
    usd_per_hkd = 1 / 7.7835  # the closing rate implied by HK$4,818m = US$619m
    mcap = 345 * 309.26e6 * usd_per_hkd
    assert v.market_cap == pytest.approx(mcap)
    # net cash at 30 Sep 2025: 362.6 + 644.2, plus the IPO's net proceeds of 9 Jan 2026,
    # US$680m (the FY2025 results, cnyes 6359231), as the runway with the IPO counts them
    net_cash = (362.6 + 644.2) * 1e6 + 680e6
    assert v.net_cash == pytest.approx(net_cash)
    assert v.enterprise_value == pytest.approx(mcap - net_cash)
    # TTM revenue to 30 Sep 2025 = FY2024 + 9M_2025 - 9M_2024 = 30.523 + 53.437 - 19.454
    assert v.ttm_revenue == pytest.approx(64.506e6)
    assert v.ev_to_ttm_revenue == pytest.approx((mcap - net_cash) / 64.506e6)
    # +109.09% on the HK$165 offer price, as reported for the first day
    assert v.price_vs_ipo == pytest.approx(345 / 165 - 1)
    assert v.confidence == "low"  # the 9M_2025 cash figure is low confidence


def test_price_vs_ipo_and_forward_multiple_for_zhipu(zhipu: Company) -> None:
    v = valuation(zhipu, load_fx(), "IPO", forward_revenue=1000e6)
    assert v.price_vs_ipo == pytest.approx(131.5 / 116.2 - 1)  # +13.17% as reported
    assert v.enterprise_value is not None
    assert v.ev_to_forward_revenue == pytest.approx(v.enterprise_value / 1000e6)


def test_a_later_price_without_an_fx_rate_says_why(minimax: Company) -> None:
    fx = load_fx()
    no_rate = type(fx)(tuple(r for r in fx.rates if r.end != date(2026, 3, 3)))
    later = valuations(minimax, no_rate)[-1]
    assert later.as_of == date(2026, 3, 3)
    assert later.market_cap_in_price_currency == pytest.approx(800 * 309.26e6)
    assert later.market_cap is None and later.ev_to_ttm_revenue is None
    assert "no closing HKD/USD rate for 2026-03-03" in later.why[0]
    assert later.price_vs_ipo == pytest.approx(800 / 165 - 1)


def test_a_later_price_at_the_peg_band_rate(minimax: Company) -> None:
    """HK$800 x 309.26m shares at 7.80 HKD per USD (the middle of the 7.75-7.85 band,
    low confidence) = US$31.72bn; any rate in the band is within 0.65% of it."""
    later = valuations(minimax, load_fx())[-1]
    assert later.market_cap == pytest.approx(800 * 309.26e6 / 7.80)
    assert 800 * 309.26e6 / 7.85 < later.market_cap < 800 * 309.26e6 / 7.75
    assert later.confidence == "low"


def test_a_user_market_row(tmp_path: Path) -> None:
    p = tmp_path / "co.csv"
    p.write_text("company,period,period_end,metric,value,currency,unit,source_url\n"
                 "co,FY2024,,revenue,100,USD,million,annual report\n"
                 "co,FY2024,,cash_and_equivalents,50,USD,million,annual report\n"
                 "co,FY2024,,bank_borrowings,10,USD,million,annual report\n"
                 "co,MKT,2025-03-31,share_price,12.5,USD,per_share,exchange close\n"
                 "co,MKT,2025-03-31,shares_outstanding,80,,million_shares,annual report\n")
    c = io.read_company_file(p)
    v = valuation(c, load_fx())
    # 12.5 x 80m = 1,000m; EV = 1,000 - (50 - 10) = 960; EV / revenue 100 = 9.6x
    assert v.market_cap == pytest.approx(1000e6)
    assert v.enterprise_value == pytest.approx(960e6)
    assert v.ev_to_ttm_revenue == pytest.approx(9.6)
    assert v.price_vs_ipo is None


def test_no_price_is_a_named_error(tmp_path: Path) -> None:
    p = tmp_path / "co.csv"
    p.write_text("company,period,metric,value,currency,unit,source_url\n"
                 "co,FY2024,revenue,100,USD,million,annual report\n")
    with pytest.raises(NotFoundError, match="co: no share_price figure"):
        valuation(io.read_company_file(p), load_fx())


def test_a_stale_balance_sheet_has_the_burn_since_it_estimated(zhipu: Company,
                                                              minimax: Company) -> None:
    v = valuation(zhipu, load_fx(), "IPO")
    # balance sheet 30 Jun 2025, price 8 Jan 2026: 192 days = 192 / (365.25 / 12) = 6.308
    # months; at the disclosed Chapter 18C burn of RMB 327.3m a month, RMB 2,064.6m spent
    months = 192 / (365.25 / 12)
    assert v.months_since_balance == pytest.approx(months)
    assert v.burn_since_balance == pytest.approx(327.3e6 * months)
    assert v.enterprise_value is not None and v.ttm_revenue is not None
    assert v.ev_cash_rolled_forward == pytest.approx(v.enterprise_value + 327.3e6 * months)
    assert v.ev_cash_rolled_forward_to_ttm_revenue == pytest.approx(
        (v.enterprise_value + 327.3e6 * months) / v.ttm_revenue)
    assert any("not deducted" in b for b in v.basis)
    # the EV itself stays on the reported balance sheet: RMB 45.77bn, 99.8x
    assert v.enterprise_value / v.ttm_revenue == pytest.approx(99.8, abs=0.05)
    # MiniMax's FY2025 balance sheet is 62 days before its price of 3 Mar 2026 (after the
    # results of 2 Mar): nothing estimated
    m = valuations(minimax, load_fx())[-1]
    assert m.months_since_balance == pytest.approx(62 / (365.25 / 12))
    assert m.burn_since_balance is None and m.ev_cash_rolled_forward is None
    # at its listing (9 Jan 2026) the newest published balance sheet is 30 Sep 2025's, 101
    # days old: at the disclosed 9M 2025 burn of US$27.9m a month, US$92.6m spent since
    m = valuation(minimax, load_fx(), "IPO")
    assert m.burn_since_balance == pytest.approx(27.9e6 * 101 / (365.25 / 12))


def _user_company(tmp_path: Path, ocf: str, cash: str, price: str, shares: str,
                  day: str = "2026-06-30") -> Company:
    p = tmp_path / "co.csv"
    rows = [("FY2024", "", "revenue", "100", "USD", "million"),
            ("FY2024", "", "operating_cash_flow", ocf, "USD", "million"),
            ("FY2024", "", "cash_and_equivalents", cash, "USD", "million"),
            ("MKT", day, "share_price", price, "USD", "per_share"),
            ("MKT", day, "shares_outstanding", shares, "", "million_shares")]
    p.write_text("company,period,period_end,metric,value,currency,unit,source_url,confidence\n"
                 + "".join(f"co,{','.join(r)},a filing,high\n" for r in rows))
    return io.read_company_file(p)


def test_the_cash_burnt_since_is_at_most_the_cash_there_was(tmp_path: Path) -> None:
    # a burn of 1,200m a year (100m a month) for 18 months from 50m of cash: 1,800m would
    # have gone, more than there was; the estimate is the 50m, all of it
    v = valuation(_user_company(tmp_path, "-1200", "50", "12", "100"), load_fx())
    assert v.burn_since_balance == pytest.approx(50e6)
    assert v.enterprise_value == pytest.approx(12 * 100e6 - 50e6)
    assert v.ev_cash_rolled_forward == pytest.approx(12 * 100e6)
    assert any("more than its USD 50.0m of cash: all of it" in b for b in v.basis)
    # the balance sheet is 18 months old: the row is low confidence
    assert v.confidence == "low"


def test_amounts_past_the_largest_float_are_na_not_inf(tmp_path: Path) -> None:
    # each figure is finite, but 1e300 x 1e300 million shares overflows a float
    v = valuation(_user_company(tmp_path, "-1e300", "1e300", "1e300", "1e300"), load_fx())
    assert v.market_cap is None and v.enterprise_value is None
    assert v.ev_to_ttm_revenue is None and v.ev_cash_rolled_forward is None
    assert any("market_cap: not a finite number" in w or "market_cap_in_price_currency, "
               "market_cap" in w for w in v.why)
    import json

    from llmecon.report.export import valuations_json

    doc = json.loads(valuations_json([v]))[0]  # it held "inf" strings
    assert doc["market_cap"] is None and doc["ev_cash_rolled_forward_to_ttm_revenue"] is None
    assert not [k for k, x in doc.items() if x in ("inf", "-inf", "nan")]


def test_a_valuation_uses_only_results_published_by_the_price_date(minimax: Company) -> None:
    # from an economist's review: the listing-day multiple (9 Jan 2026) used the FY2025
    # results announced on 2 Mar 2026 (post_listing.md 5a): 152.6x instead of what the
    # market knew, the 30 Sep 2025 balance sheet and TTM revenue to it
    v = valuation(minimax, load_fx(), "IPO")
    usd_per_hkd = 1 / 7.7835
    mcap = 345 * 309.26e6 * usd_per_hkd  # US$13,707.9m
    net_cash = (362.6 + 644.2) * 1e6 + 680e6  # 1,006.8 + the IPO's net US$680m
    assert v.ttm_revenue == pytest.approx((30.523 + 53.437 - 19.454) * 1e6)
    assert v.ev_to_ttm_revenue == pytest.approx((mcap - net_cash) / 64.506e6)  # 186.4x
    assert v.ev_to_ttm_revenue == pytest.approx(186.35, abs=0.05)
    assert "FY2025 not used: published 2026-03-02, after the price date" in v.basis
    # the price of 3 Mar 2026 comes after the results: FY2025 is used (TTM = FY2025)
    later = valuations(minimax, load_fx())[-1]
    assert later.ttm_revenue == pytest.approx(79.038e6)
    # a period named by the user is used as named, saying it came out later
    named = valuation(minimax, load_fx(), "IPO", period="FY2025")
    assert named.ttm_revenue == pytest.approx(79.038e6)
    assert "FY2025 as asked, published 2026-03-02, after the price date" in named.basis


def test_the_cash_burnt_since_counts_the_ipo_proceeds_received(zhipu: Company) -> None:
    # from an economist's review: at 27 Mar 2026, 8.9 months after 30 Jun 2025, the burn of
    # RMB 327.3m a month spends RMB 2,903m, which the RMB 2,552m of cash alone could not pay
    # for but the cash plus the IPO's RMB 3,743.7m (received 8 Jan 2026) could: not capped
    later = valuations(zhipu, load_fx())[-1]
    months = (date(2026, 3, 27) - date(2025, 6, 30)).days / (365.25 / 12)
    assert later.burn_since_balance == pytest.approx(327.3e6 * months, rel=1e-3)
    assert later.burn_since_balance > 2552e6


def _published_company(tmp_path: Path) -> Company:
    # FY2024 came out on 15 Sep 2025, after H1 2025's results (30 Aug) and the price (1 Sep)
    p = tmp_path / "late.csv"
    head = "company,period,period_end,period_months,metric,value,currency,unit,source_url," \
           "period_published\n"
    rows = ["FY2024,2024-12-31,12,revenue,100,USD,million,f,2025-09-15",
            "H1_2024,2024-06-30,6,revenue,40,USD,million,f,",
            "H1_2025,2025-06-30,6,revenue,70,USD,million,f,2025-08-30",
            "H1_2025,2025-06-30,0,cash_and_equivalents,50,USD,million,f,2025-08-30",
            "P,2025-09-01,0,share_price,10,USD,per_share,f,",
            "P,2025-09-01,0,shares_outstanding,100,,million_shares,f,"]
    p.write_text(head + "".join(f"co,{r}\n" for r in rows), encoding="utf-8")
    return io.read_company_file(p)


def test_a_ttm_that_adds_up_a_later_published_period_is_not_used(tmp_path: Path) -> None:
    # from a hostile audit: TTM to H1 2025 = FY2024 + H1 2025 - H1 2024 = 130 used FY2024,
    # published after the price date
    v = valuation(_published_company(tmp_path), load_fx())
    assert v.ttm_revenue is None
    assert "H1_2025 not used: its TTM uses FY2024, published 2025-09-15, after the price " \
           "date" in v.basis
    assert v.net_cash == pytest.approx(50e6)  # the H1 2025 balance sheet was public


def test_a_named_period_that_ends_after_the_price_says_so(tmp_path: Path) -> None:
    from llmecon.api import valuations as api_valuations
    from llmecon.errors import InputError

    c = _published_company(tmp_path)
    v = valuation(c, load_fx(), "P", period="FY2024")
    assert "FY2024 as asked, published 2025-09-15, after the price date" in v.basis
    early = _user_company(tmp_path, "-120", "50", "10", "100", day="2024-06-30")
    w = valuation(early, load_fx(), period="FY2024")
    assert "FY2024 as asked, ending 2024-12-31, after the price date" in w.basis
    assert w.months_since_balance is None and w.burn_since_balance is None  # not -6 months
    with pytest.raises(InputError, match=r"P is a balance date .* not a reporting period"):
        api_valuations(c, period="P")


def test_an_undated_period_does_not_let_a_later_balance_sheet_through(
        tmp_path: Path) -> None:
    # from a review: FY2025 (cash 900, published 2 Mar 2026) shares its end with an
    # undated H2 2025; the balance sheet is read by date, so H2 2025 gave the FY2025 cash to
    # a price of 15 Jan 2026. Both are skipped: the cash and TTM are FY2024's (50, 100)
    p = tmp_path / "leak.csv"
    p.write_text(
        "company,period,period_end,period_months,metric,value,currency,unit,source_url,"
        "period_published\n"
        "co,FY2024,2024-12-31,12,revenue,100,USD,million,f,2025-03-01\n"
        "co,FY2024,2024-12-31,0,cash_and_equivalents,50,USD,million,f,\n"
        "co,FY2025,2025-12-31,12,revenue,300,USD,million,f,2026-03-02\n"
        "co,FY2025,2025-12-31,0,cash_and_equivalents,900,USD,million,f,\n"
        "co,H2_2025,2025-12-31,6,revenue,200,USD,million,f,\n"
        "co,P,2026-01-15,0,share_price,10,USD,per_share,f,\n"
        "co,P,2026-01-15,0,shares_outstanding,100,,million_shares,f,\n", encoding="utf-8")
    v = valuation(io.read_company_file(p), load_fx())
    assert v.net_cash == pytest.approx(50e6) and v.ttm_revenue == pytest.approx(100e6)
    assert "H2_2025 not used: FY2025, published 2026-03-02, after the price date" in v.basis
