"""Signals on the bundled data against hand computations from the disclosed figures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from llmecon.metrics import signals as s
from llmecon.metrics import tables
from llmecon.metrics.tables import convert_value
from llmecon.statements.model import Company
from llmecon.units import load_fx


def ctx(c: Company) -> s.Context:
    return s.Context(c, load_fx())


def test_zhipu_ttm_revenue(zhipu: Company) -> None:
    # FY2024 312.414 + H1 2025 190.877 - H1 2024 44.9 (RMB m)
    mv = s.revenue_ttm(ctx(zhipu), zhipu.period("H1_2025"))
    assert mv.value == pytest.approx((312.414 + 190.877 - 44.9) * 1e6)


def test_zhipu_burn_from_ocf_labelled(zhipu: Company) -> None:
    # FY2024: operating cash flow -2,245 over twelve months, no capex disclosed
    mv = s.monthly_burn(ctx(zhipu), zhipu.period("FY2024"))
    assert mv.value == pytest.approx(2245e6 / 12)
    assert "capex not disclosed" in mv.basis and mv.method == "operating_cash_flow"


def test_disclosed_burn_rate_preferred_to_operating_cash_flow_alone(
        zhipu: Company, minimax: Company) -> None:
    # The 18C burn rates include capex, which operating cash flow alone leaves out: Zhipu
    # H1 2025 RMB 327.3m a month (OCF -1,327 / 6 = 221.2m); MiniMax 9M 2025 US$27.9m (OCF
    # -209 / 9 = 23.2m). The runway (and the simulation's capex) use the same burn.
    for c, label, value in ((zhipu, "H1_2025", 327.3e6), (minimax, "9M_2025", 27.9e6)):
        mv = s.monthly_burn(ctx(c), c.period(label))
        assert mv.value == pytest.approx(value) and mv.method == "reported"
        assert "disclosed cash burn rate" in mv.basis


def test_burn_falls_back_to_adjusted_net_loss_labelled(zhipu: Company) -> None:
    # no cash-flow statement for FY2023: the adjusted (non-IFRS) loss, RMB 621m, is the cash
    # proxy; the net loss (788m) includes fair-value changes that are not cash
    mv = s.monthly_burn(ctx(zhipu), zhipu.period("FY2023"))
    assert mv.value == pytest.approx(621e6 / 12)
    assert mv.method == "adjusted_loss" and "adjusted (non-IFRS) net loss" in mv.basis


def test_burn_never_from_the_ifrs_net_loss(examplai: Company, zhipu: Company) -> None:
    from dataclasses import replace

    figs = tuple(f for f in examplai.figures if f.item not in ("operating_cash_flow",
                                                               "adjusted_net_loss"))
    c = replace(examplai, figures=figs)
    mv = s.monthly_burn(ctx(c), c.period("FY2024"))
    assert not mv.ok and "IFRS net loss is not used" in mv.why
    # Zhipu H1 2024 discloses only the net loss (no cash flows, no adjusted loss): no burn,
    # where the old fallback printed a net-loss "burn" beside the cash-flow ones
    assert not s.monthly_burn(ctx(zhipu), zhipu.period("H1_2024")).ok


def test_burn_signal_change_on_the_same_basis(zhipu: Company, minimax: Company) -> None:
    sig = tables.signals([zhipu, minimax], [tables.select_period(zhipu),
                                           tables.select_period(minimax)], load_fx())
    rows = {(r.company_id, r.key): r for r in sig.rows}
    z = rows[("zhipu", "monthly_burn")]
    # H1 2025 is the disclosed burn rate (capex included); no earlier period is on that
    # basis, so no change: not against FY2024's operating cash flow alone (+18.2%), nor the
    # FY2023-vs-FY2022 adjusted-loss change an older table showed beside a cash-flow burn
    assert z.latest.method == "reported"
    assert z.change is None and z.change_from is None
    m = rows[("minimax", "monthly_burn")]
    # FY2025 adjusted loss ~US$251m / 12 (post_listing.md) against the newest earlier
    # period's adjusted loss, FY2024's US$244.2m / 12 (FY2024's most complete burn is its
    # operating cash flow, but its adjusted loss is disclosed too), never a cash-flow burn
    assert m.latest.method == "adjusted_loss" and m.change_from is not None
    assert m.change_from.method == "adjusted_loss"
    assert m.change_from.period.label == "FY2024"
    assert m.change == pytest.approx((251 / 12) / (244.2 / 12) - 1)  # +2.8%


def test_zhipu_runway_hand(zhipu: Company) -> None:
    # cash 2,552 at 30 June 2025 / the disclosed burn rate 327.3 a month = 7.80 months
    # (the press: "cash lasts ~9 months without IPO"; zhipu.yaml, cash_burn_rate_monthly)
    mv = s.runway(ctx(zhipu), zhipu.period("H1_2025"))
    assert mv.value == pytest.approx(2552 / 327.3)


def test_runway_with_ipo_converts_hkd_net_of_assumed_fees(
        minimax_gross_only: Company) -> None:
    # gross proceeds only, HK$5,540.2m (= US$711.8m at HKD 7.7835 per USD); fees assumed at
    # Zhipu's disclosed share 1 - 4,173.4 / 4,348.1 = 4.02%:
    # (362.6 + 644.2 + 5,540.2 / 7.7835 x (1 - 0.0402)) / 27.9 (the disclosed burn rate)
    # = 60.57 months
    minimax = minimax_gross_only
    mv = s.runway_with_ipo(ctx(minimax), minimax.period("9M_2025"))
    cash = 362.6 + 644.2 + 5540.2 / 7.7835 * (1 - 0.0402)
    assert mv.value == pytest.approx(cash / 27.9, rel=1e-9)
    assert mv.value == pytest.approx(60.57, abs=0.01)
    assert "gross less assumed fees" in mv.basis and "4.02%" in mv.basis
    assert mv.confidence == "low"  # the cash figures are low confidence in the reference


def test_zhipu_runway_with_ipo_uses_disclosed_net(zhipu: Company) -> None:
    # (2,552 + net HK$4,173.4m at the 8 January 2026 HKD/CNY close) / 327.3 (disclosed)
    fx = load_fx()
    mv = s.runway_with_ipo(ctx(zhipu), zhipu.period("H1_2025"))
    rate, _ = fx.rate("HKD", "CNY", "closing", None, __import__("datetime").date(2026, 1, 8))
    assert mv.value == pytest.approx((2552 + 4173.4 * rate) / 327.3)
    assert "IPO net proceeds" in mv.basis and "assumed" not in mv.basis


def test_revenue_per_employee_minimax_is_on_twelve_months(minimax: Company) -> None:
    # econ33 M3: TTM to 9M 2025 = FY2024 + 9M 2025 - 9M 2024 = 30.523 + 53.437 - 19.45 =
    # US$64.5m (prospectus) over 385 staff at 30 September 2025 = US$167.5k, not the
    # annualised 53.437 x 12/9 / 385 = 185.1k
    mv = s.revenue_per_employee(ctx(minimax), minimax.period("9M_2025"))
    assert mv.value == pytest.approx(64.5e6 / 385, rel=2e-3)
    assert mv.method == "ttm" and not mv.annualised
    assert mv.basis.startswith("trailing twelve months' revenue (TTM = FY2024 + 9M_2025")


def test_revenue_per_employee_zhipu_is_ttm_not_a_doubled_half(zhipu: Company) -> None:
    # econ33 M3: Zhipu's H1 2024 was 44.9 of FY2024's 312.414 (14.4%): H1 x 2 is no year.
    # TTM 312.414 + 190.877 - 44.9 = 458.391 over 888 staff = RMB 516.2k (not 429.9k), a
    # headcount the source derived as R&D staff 657 / R&D share 0.74: the basis says so
    mv = s.revenue_per_employee(ctx(zhipu), zhipu.period("H1_2025"))
    assert mv.value == pytest.approx((312.414 + 190.877 - 44.9) * 1e6 / 888, rel=1e-4)
    assert round(mv.value / 1e3, 1) == 516.2
    assert "derived: 657/0.74" in mv.basis and "reported" not in mv.basis
    assert mv.confidence == "low" and mv.method == "ttm"
    # in US$ each part at its own period's average rate (64.13 / 888 = US$ 72.2k)
    usd = convert_value(mv, "USD", load_fx())
    assert usd.value == pytest.approx(72.2e3, abs=60)


def test_revenue_per_employee_annualises_where_no_ttm_exists(zhipu: Company) -> None:
    # without the prior half-year there is no TTM: the half is annualised, marked, and the
    # basis says why (190.877 x 2 / 888 = RMB 429.9k)
    half = replace(zhipu, figures=tuple(f for f in zhipu.figures
                                        if f.period.label != "H1_2024"))
    mv = s.revenue_per_employee(ctx(half), half.period("H1_2025"))
    assert mv.value == pytest.approx(190.877e6 * 2 / 888, rel=1e-4)
    assert mv.annualised and mv.method == "annualised"
    assert "6M revenue annualised (no trailing twelve months" in mv.basis


def test_a_headcount_reported_as_such_reads_reported(minimax: Company) -> None:
    mv = s.revenue_per_employee(ctx(minimax), minimax.period("9M_2025"))
    assert "headcount at 2025-09-30 (reported)" in mv.basis


def test_paying_rate_and_arppu_minimax(minimax: Company) -> None:
    c = ctx(minimax)
    p = minimax.period("9M_2025")
    assert s.paying_rate(c, p).value == pytest.approx(1.7716 / 27.622)
    assert s.arppu_monthly(c, p).value == pytest.approx(38.02 / 1.7716 / 9)


def test_sm_per_net_new_mau_minimax(minimax: Company) -> None:
    # FY2024 S&M 86.995 / (19.111 - 3.148): total average MAU incl. open platform
    mv = s.sm_per_net_new_mau(ctx(minimax), minimax.period("FY2024"))
    assert mv.value == pytest.approx(86.995 / (19.111 - 3.148))
    assert not mv.annualised


def test_sm_per_net_new_mau_minimax_aligned_windows(minimax: Company) -> None:
    # issue 11: nine months of S&M against a twelve-month change in average MAU printed
    # 39.32 / (27.638 - 14.605) = 3.02; on aligned windows the spend is scaled to twelve
    # months: 39.32 x 12 / 9 / 13.033 = 4.02 (US$ per net new MAU, 9M 2025 vs 9M 2024)
    mv = s.sm_per_net_new_mau(ctx(minimax), minimax.period("9M_2025"))
    sm = next(f.value for f in minimax.figures if f.item == "selling_marketing_expense"
              and f.period.label == "9M_2025" and f.segment is None)
    assert sm == pytest.approx(39.32e6, rel=1e-3)
    assert mv.value == pytest.approx(sm * 12 / 9 / ((27.638 - 14.605) * 1e6), rel=1e-3)
    assert mv.value == pytest.approx(4.02, abs=0.005)
    assert mv.annualised and "x 12/9" in mv.basis


def test_missing_input_says_why(zhipu: Company) -> None:
    mv = s.sm_to_revenue(ctx(zhipu), zhipu.period("H1_2025"))
    assert not mv.ok and "selling_marketing_expense not disclosed for H1_2025" in mv.why


def test_compute_cost_to_revenue_minimax(minimax: Company) -> None:
    # training compute 266.5% of revenue + inference cloud 37.98 / 53.437
    mv = s.compute_cost_to_revenue(ctx(minimax), minimax.period("9M_2025"))
    assert mv.value == pytest.approx(2.665 + 37.98 / 53.437)


def test_platform_share(zhipu: Company, minimax: Company) -> None:
    assert s.platform_share(ctx(zhipu), zhipu.period("FY2024")).value == pytest.approx(
        (312.414 - 264.0) / 312.414)
    assert s.platform_share(ctx(minimax), minimax.period("9M_2025")).value == pytest.approx(
        15.417 / 53.437)


def test_signals_directions_depend_on_model(zhipu: Company, minimax: Company) -> None:
    sig = tables.signals([zhipu, minimax], [tables.select_period(zhipu),
                                           tables.select_period(minimax)], load_fx())
    rows = {(r.company_id, r.key): r for r in sig.rows}
    # Zhipu gross margin FY2024 56.3% vs FY2023 64.6%: a fall, bad
    gm = rows[("zhipu", "gross_margin")]
    assert gm.change == pytest.approx(175.889 / 312.414 - 80.482 / 124.538)
    assert gm.assessment == "bad"
    # MiniMax R&D / revenue FY2025 (253 / 79.038, post_listing.md 5a) vs FY2024
    # (189 / 30.523): falling is good
    rd = rows[("minimax", "rd_to_revenue")]
    assert rd.latest.period.label == "FY2025"
    assert rd.change == pytest.approx(253 / 79.038 - 189.0 / 30.523)
    assert rd.assessment == "good"
    # the cloud share (25.963 / 79.038 against 8.718 / 30.523) rose: neutral for a product company
    assert rows[("minimax", "platform_share")].change == pytest.approx(
        25.963 / 79.038 - (30.523 - 21.805) / 30.523)
    assert rows[("minimax", "platform_share")].assessment == "neutral"


def test_currency_conversion_flows_average_stocks_closing(zhipu: Company) -> None:
    fx = load_fx()
    p = [[zhipu.period("FY2024")]]
    ue = tables.convert_table(tables.unit_economics([zhipu], p, fx), "USD", fx)
    rev = next(r for r in ue.rows if r.key == "revenue").cells[0]
    assert rev.value == pytest.approx(312.414e6 / 7.1217)  # 2024 average USD/CNY
    cf = tables.convert_table(tables.cash_flow_structure([zhipu], [[zhipu.period("H1_2025")]],
                                                         fx), "USD", fx)
    cash = next(r for r in cf.rows if r.key == "cash").cells[0]
    assert cash.value == pytest.approx(2552e6 / 7.1586)  # closing rate 30 June 2025


def test_revenue_cagr_zhipu(zhipu: Company) -> None:
    # (312.414 / 57.409) ** (1 / 2) - 1 = 133.3% (the reference's derived 2022-2024 CAGR)
    mv = s.revenue_cagr(ctx(zhipu), zhipu.period("FY2024"))
    assert mv.value == pytest.approx((312.414 / 57.409) ** 0.5 - 1)
    assert mv.value == pytest.approx(1.333, abs=0.001)
    assert not s.revenue_cagr(ctx(zhipu), zhipu.period("H1_2025")).ok  # full years only


def test_unknown_business_model_is_not_judged(examplai: Company) -> None:
    from dataclasses import replace

    c = replace(examplai, business_model="unknown")
    sig = tables.signals([c], [tables.select_period(c)], load_fx())
    assert {r.assessment for r in sig.rows} == {"n/a"}
    assert all(r.meaning.startswith("direction not judged: business model unknown")
               for r in sig.rows)


def test_a_zero_denominator_is_n_a_with_its_reason(minimax: Company) -> None:
    # MiniMax disclosed revenue of 0 for FY2022: R&D over revenue has no value, and says why
    p = next(q for q in minimax.duration_periods if q.label == "FY2022")
    assert minimax.figure("revenue", "FY2022").value == 0  # type: ignore[union-attr]
    mv = s.rd_to_revenue(s.Context(minimax), p)
    assert mv.value is None and mv.why == "undefined: revenue is 0 in FY2022"
    assert mv.confidence == "unknown"


def test_a_converted_ttm_takes_each_part_at_its_own_period_rate(zhipu: Company) -> None:
    # Zhipu's TTM revenue to June 2025 = FY2024 + H1 2025 - H1 2024 = RMB 312.414m +
    # 190.877m - 44.9m; in US$ at each period's average (fx.yaml: 7.1217, 7.18, 7.104):
    # 43.868 + 26.585 - 6.320 = US$64.13m (the H1 2025 rate alone gives US$63.84m)
    p = next(q for q in zhipu.duration_periods if q.label == "H1_2025")
    mv = tables.convert_value(s.revenue_ttm(ctx(zhipu), p), "USD", load_fx())
    by_hand = (312.414 / 7.1217 + 190.877 / 7.18 - 44.9 / 7.104) * 1e6
    assert mv.currency == "USD" and mv.value == pytest.approx(by_hand, rel=1e-4)
    assert "average rate of each period (FY2024 at 0.1404, H1_2025 at 0.1393" in mv.basis


def test_a_ratio_past_the_largest_float_is_na_without_a_warning(
        tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    # revenue growing from 1e-300 to 1e300 million: the growth overflows a float; it is n/a
    # and says so, and numpy's overflow warning no longer reaches the user's terminal
    from llmecon.statements import io

    p = tmp_path / "big.csv"
    p.write_text("company,period,metric,value,currency,unit,source_url\n"
                 "big,FY2023,revenue,1e-300,USD,million,a filing\n"
                 "big,FY2024,revenue,1e300,USD,million,a filing\n")
    c = io.read_company_file(p)
    mv = s.revenue_growth(ctx(c), c.period("FY2024"))
    assert not mv.ok and "past the largest float" in mv.why
    assert not [w for w in recwarn.list if issubclass(w.category, RuntimeWarning)]


def test_a_derived_value_a_surer_reported_check_confirms_is_as_sure(zhipu: Company) -> None:
    # from an economist's review: Zhipu's H1 2025 gross margin, derived from revenue (high)
    # and cost of revenue (one source, medium), showed ° although four sources report the
    # 50.0% it equals; a check within its tolerance lends its confidence, never lowers one
    from llmecon.metrics.resolve import Resolver

    gm = s.gross_margin(ctx(zhipu), zhipu.period("H1_2025"))
    assert gm.value == pytest.approx(95.424 / 190.877)  # 50.0%
    assert gm.confidence == "high" and "agrees with the reported 50%, high" in gm.basis
    # verifying the check itself does not lean on it: medium, from the raw figures
    check = zhipu.figure("gross_margin", "H1_2025")
    assert check is not None and check.role == "check"
    alone = Resolver(zhipu, exclude=check).get("gross_margin", "H1_2025")
    assert alone.confidence == "medium" and "agrees" not in alone.basis


def test_a_check_never_marks_a_value_a_file_gave_no_confidence(tmp_path: Path) -> None:
    # from a review: figures without a confidence are shown unmarked; a low check that
    # agreed "upgraded" them to low (40.0%†)
    from llmecon.statements import io

    p = tmp_path / "c.csv"
    p.write_text("company,period,period_end,period_months,metric,value,currency,unit,"
                 "source_url,confidence,role\n"
                 "co,FY2024,2024-12-31,12,revenue,100,USD,million,f,,\n"
                 "co,FY2024,2024-12-31,12,cost_of_revenue,60,USD,million,f,,\n"
                 "co,FY2024,2024-12-31,12,gross_margin,40,,percent,f,low,check\n",
                 encoding="utf-8")
    c = io.read_company_file(p)
    gm = s.gross_margin(ctx(c), c.period("FY2024"))
    assert gm.value == pytest.approx(0.4) and gm.confidence == "unknown"


def test_runway_with_ipo_is_as_sure_as_the_rate_that_converts_the_proceeds(
        zhipu: Company) -> None:
    # walk33 #7: Zhipu's net HK$4,173.4m (RMB 3,743.7m, 60% of the numerator) converts at
    # the HKD/CNY cross of 8 January 2026 through the USD/CNY close in fx.yaml (6.99,
    # "approximate; verify": confidence low): the runway is marked low, not medium
    fx = load_fx()
    _, used = fx.rate("HKD", "CNY", "closing", None, __import__("datetime").date(2026, 1, 8))
    assert "low" in {r.confidence for r in used}
    mv = s.runway_with_ipo(ctx(zhipu), zhipu.period("H1_2025"))
    assert mv.value == pytest.approx(19.2, abs=0.05)  # (2,552 + 3,743.7) / 327.3
    assert mv.confidence == "low"


def test_runway_with_ipo_keeps_medium_on_a_medium_rate(minimax_gross_only: Company) -> None:
    # HK$ gross proceeds (medium) convert at the 9 January 2026 close implied by the
    # disclosed US$619m (medium), so the runway incl. IPO stays medium:
    # (1,050 + 5,540.2 / 7.7835 x (1 - 0.0402)) / 27.9 = (1,050 + 683.2) / 27.9 = 62.1
    minimax = minimax_gross_only
    mv = s.runway_with_ipo(ctx(minimax), minimax.period("FY2025"))
    assert mv.value == pytest.approx(62.12, abs=0.01) and mv.confidence == "medium"


def test_receivable_days_without_an_opening_balance_says_so() -> None:
    """A consistency audit: a file disclosing FY2024 receivables (US$20m) and revenue but no
    FY2023 receivables read 'receivable_days not disclosed for FY2024', as if the days were
    a disclosed item; the days average the opening and closing balances, and the opening is
    what is missing. With it, (10 + 20) / 2 / 100 x 366 days (2024 is a leap year) = 54.9."""
    from llmecon.statements.io import read_csv_text

    head = ("company,period,period_end,period_months,metric,value,currency,unit,source_url,"
            "source_count,confidence\n")
    rows = ["rd,META,,,name,RD,,,,,", "rd,META,,,currency,USD,,,,,",
            "rd,FY2023,2023-12-31,12,revenue,40,USD,million,hand,1,high",
            "rd,FY2024,2024-12-31,12,revenue,100,USD,million,hand,1,high",
            "rd,FY2024,2024-12-31,0,trade_receivables,20,USD,million,hand,1,high"]
    c = read_csv_text(head + "\n".join(rows) + "\n", "rd.csv")
    mv = s.receivable_days(ctx(c), c.period("FY2024"))
    assert not mv.ok and "no opening trade receivables (FY2023)" in mv.why
    assert "not disclosed" not in mv.why
    rows.append("rd,FY2023,2023-12-31,0,trade_receivables,10,USD,million,hand,1,high")
    c = read_csv_text(head + "\n".join(rows) + "\n", "rd.csv")
    mv = s.receivable_days(ctx(c), c.period("FY2024"))
    assert mv.value == pytest.approx((10 + 20) / 2 / 100 * 366)


def test_a_signal_without_a_change_says_why(zhipu: Company, minimax: Company) -> None:
    """A walkthrough: every ``change: null`` in ``compare --format json`` came with no reason
    (the README promises one beside every undefined value). Zhipu discloses R&D compute for
    FY2024 and H1 2025 only, so H1 2025 has no H1 2024 to compare with; S&M's latest is
    FY2024 and FY2023 gives none; its disclosed burn rate is H1 2025's alone; MiniMax
    discloses no contract liabilities at all."""
    from llmecon.report.export import signals_dict, to_csv

    st = tables.signals([zhipu, minimax], [zhipu.period("H1_2025"),
                                           minimax.period("FY2025")], load_fx())
    why = {(r.company_id, r.key): r.change_why for r in st.rows}
    assert why["zhipu", "compute_share_of_rd"].startswith(
        "H1_2024: rd_compute_cost not disclosed for H1_2024")
    assert why["zhipu", "sm_to_revenue"] == \
        "FY2023: selling_marketing_expense not disclosed for FY2023"
    assert why["zhipu", "monthly_burn"] == \
        "no earlier period with a value on the same basis (reported)"
    assert why["minimax", "contract_liabilities_to_revenue"] == "no value to compare"
    assert why["zhipu", "gross_margin"] == ""  # FY2024 against FY2023: a change
    assert all(bool(r.change_why) == (r.change is None) for r in st.rows)
    doc = {(d["company"], d["signal"]): d for d in signals_dict(st)}
    assert doc["zhipu", "sm_to_revenue"]["change_why"].startswith("FY2023:")
    assert doc["zhipu", "gross_margin"]["change_why"] is None
    lines = to_csv([], st).splitlines()
    assert lines[0].endswith(",assessment,change_why")
    assert next(x for x in lines if ",sm_to_revenue," in x and ",zhipu," in x).endswith(
        ",n/a,FY2023: selling_marketing_expense not disclosed for FY2023")


def test_a_change_converted_to_another_currency_keeps_its_confidence(tmp_path: Path) -> None:
    """A walkthrough: a renminbi company's burn, RMB 35m a month in H1 2025 ((180 + 30) / 6)
    against 28m in FY2024 ((300 + 36) / 12), is +25.0% unmarked; with ``--currency USD`` the
    same +25.0% came marked † from the low-confidence interim USD rate, which the change,
    computed in renminbi, never uses."""
    from llmecon.api import load_company

    rows = ["company,period,period_end,period_months,metric,value,currency,unit,source_url,"
            "source_count,confidence,note,segment,role,tolerance",
            "lumen,META,,,currency,CNY,,,,,,,,,"]
    for period, end, months, ocf, capex, cash in (("FY2024", "2024-12-31", 12, -300, 36, 1200),
                                                  ("H1_2025", "2025-06-30", 6, -180, 30, 900)):
        for metric, value, m in (("revenue", 100, months), ("operating_cash_flow", ocf, months),
                                 ("capex", capex, months), ("cash_and_equivalents", cash, 0)):
            rows.append(f"lumen,{period},{end},{m},{metric},{value},CNY,million,notes,1,high,"
                        ",,,")
    path = tmp_path / "lumen.csv"
    path.write_text("\n".join(rows) + "\n")
    company = load_company(path)
    fx = load_fx()
    st = tables.signals([company], [company.period("H1_2025")], fx)
    burn = next(r for r in st.rows if r.key == "monthly_burn")
    assert burn.change == pytest.approx(35 / 28 - 1)
    assert burn.change_confidence == "high"
    usd = tables.convert_signals(st, "USD", fx)
    converted = next(r for r in usd.rows if r.key == "monthly_burn")
    assert converted.latest.currency == "USD" and converted.latest.confidence == "low"
    assert converted.change == burn.change and converted.change_confidence == "high"


def test_the_terminal_says_why_a_change_is_na(zhipu: Company, minimax: Company) -> None:
    """A walkthrough: the reason was in JSON and CSV, the terminal showed a bare n/a."""
    from rich.console import Console

    from llmecon.report.terminal import signals as signals_view

    st = tables.signals([zhipu, minimax], [zhipu.period("H1_2025"),
                                           minimax.period("FY2025")], load_fx())
    console = Console(width=400, record=True)
    console.print(signals_view(st))
    text = console.export_text()
    assert "No change for zhipu: FY2023: selling_marketing_expense not disclosed for " \
           "FY2023." in text
    assert "No change for minimax: no value to compare." in text


def test_sm_per_net_new_mau_reads_the_one_line_with_users() -> None:
    """own36: a company giving MAU for its consumer line only (tests/data/lumora.yaml) got
    'mau not disclosed', although paying rate and ARPPU already read the line. By hand:
    FY2024 S&M US$30m / (chat MAU 9m - 4m) = US$6.00; H1 2025 US$21m x 12/6 / (13m - 6.5m
    in H1 2024) = US$6.46, the company's S&M over the line's users, said to be an upper
    bound."""
    from llmecon.api import load_company

    c = load_company(str(Path(__file__).parents[1] / "data" / "lumora.yaml"))
    fy = s.sm_per_net_new_mau(ctx(c), c.period("FY2024"))
    assert fy.value == pytest.approx(30e6 / (9e6 - 4e6))
    h1 = s.sm_per_net_new_mau(ctx(c), c.period("H1_2025"))
    assert h1.value == pytest.approx(21e6 * 2 / (13e6 - 6.5e6))
    assert "MAU [line:chat]" in h1.basis and "upper bound" in h1.basis


@pytest.mark.parametrize("fy2024_mau", [4.0, 3.0])
def test_sm_per_net_new_mau_when_users_fell_says_so(fy2024_mau: float,
                                                    tmp_path: Path) -> None:
    """atk37: tests/data/lumora.yaml with chat MAU FY2024 at 4m or 3m (FY2023: 4m) read
    'undefined (a division by zero, or past the largest float)': no user was added, so there
    is nothing to spread the S&M over, and the reason says that."""
    from llmecon.api import load_company

    text = (Path(__file__).parents[1] / "data" / "lumora.yaml").read_text(encoding="utf-8")
    old = "  period: FY2024\n  value: 9.0\n"
    assert text.count(old) == 1
    f = tmp_path / "fell.yaml"
    f.write_text(text.replace(old, f"  period: FY2024\n  value: {fy2024_mau}\n"),
                 encoding="utf-8")
    c = load_company(str(f))
    fy = s.sm_per_net_new_mau(ctx(c), c.period("FY2024"))
    assert fy.value is None
    assert fy.why == (f"no net new MAU: MAU [line:chat] FY2024 {fy2024_mau * 1e6:,.0f} is not "
                      "above FY2023's 4,000,000")
