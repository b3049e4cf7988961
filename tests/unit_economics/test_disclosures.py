"""Issue 11: unit economics that agree with the disclosures (hand computations written
here from the disclosed figures in src/llmecon/data/companies and
/work/shared/reference/prospectus_figures.md)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from llmecon.config.assumptions import load_assumptions
from llmecon.constants import DAYS_PER_MONTH
from llmecon.statements.model import Company
from llmecon.unit_economics import retention as sbg
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.c2c import C2CInputs, evaluate_c2c
from llmecon.unit_economics.company import unit_economics_table
from llmecon.unit_economics.drivers import Drivers, company_drivers
from llmecon.units import load_fx

# MiniMax AI-native products, 9M 2025 (USD): revenue 38.02m, gross margin 4.7%, average MAU
# 27.622m (9M 2024: 14.601m), paying users 1.7716m, company S&M 39.32m, ARPPU US$15.
REV, GM, MAU, MAU_BEFORE, PAYERS, SM, MONTHS = 38.02e6, 0.047, 27.622e6, 14.601e6, \
    1.7716e6, 39.32e6, 9
R = 1.10 ** (1 / 12) - 1  # 10% a year, monthly


def _drivers(company: Company, until: date | None = None) -> Drivers:
    return company_drivers(company, load_assumptions(), load_fx(), *bundled_inference(),
                           until=until)


def _rows(company: Company) -> dict[str, tuple[float | None, str, str]]:
    t = unit_economics_table(company, load_assumptions(), load_fx(), *bundled_inference())
    return {r.quantity: (r.value, r.status, r.basis) for r in t.rows}


def test_arppu_needed_holds_serving_cost_per_payer_fixed_minimax() -> None:
    # the check: with the CAC the table printed (new users 37,880,800: the twelve-
    # month MAU change + 10% churn x MAU x 9) the ARPPU for LTV/CAC 3 is about US$7.8 and for
    # payback <= 12 months about US$3.5, not US$118 / US$25.8 (margin held fixed)
    new_users = (MAU - MAU_BEFORE) + 0.10 * MAU * 9
    x = C2CInputs(months=MONTHS, revenue=REV, mau=MAU, paying_users=PAYERS,
                  sm_spend=0.9 * SM, gross_margin=GM, new_users=new_users,
                  payer_churn_monthly=0.12, annual_discount_rate=0.10)
    r = evaluate_c2c(x)
    arppu = REV / PAYERS / 9                                  # 2.3845 a payer-month
    k = arppu * (1 - GM)                                      # 2.2725, held fixed
    cac = 0.9 * SM / (new_users * PAYERS / MAU)               # 14.566
    life = (1 + R) / (R + 0.12)                               # 7.876 months
    assert r.arppu_for_ltv_cac_3 == pytest.approx(3 * cac / life + k)
    assert r.arppu_for_ltv_cac_3 == pytest.approx(7.8, abs=0.05)
    assert r.arppu_for_payback_12 == pytest.approx(cac / 12 + k)
    assert r.arppu_for_payback_12 == pytest.approx(3.5, abs=0.05)


def test_minimax_table_aligned_windows_and_solvers(minimax: Company) -> None:
    rows = _rows(minimax)
    # S&M per net new MAU: 9 months of spend scaled to the 12-month change in (company) MAU
    # 39.32 x 12/9 / (27.638 - 14.605) = 4.02 (not 39.32 / 13.03 = 3.02)
    got = rows["S&M per net new MAU (aligned windows, company)"][0]
    assert got == pytest.approx(39.32e6 * 12 / 9 / (27.638e6 - 14.605e6))
    assert got == pytest.approx(4.02, abs=0.005)
    # new users in the 9-month window: the 12-month change prorated to 9 months + churned
    new_users = (MAU - MAU_BEFORE) * 9 / 12 + 0.10 * MAU * 9
    assert rows["new users acquired in the window"][0] == pytest.approx(new_users)
    cac = 0.9 * SM / (new_users * PAYERS / MAU)
    assert rows["CAC per new payer"][0] == pytest.approx(cac)
    k = REV / PAYERS / 9 * (1 - GM)
    life = (1 + R) / (R + 0.12)
    assert rows["ARPPU needed for LTV/CAC >= 3"][0] == pytest.approx(3 * cac / life + k)
    assert rows["ARPPU needed for payback <= 12 months (simple)"][0] == \
        pytest.approx(cac / 12 + k)
    assert "held fixed" in rows["ARPPU needed for LTV/CAC >= 3"][2]


def test_minimax_disclosed_arppu_and_the_gap(minimax: Company) -> None:
    rows = _rows(minimax)
    # disclosed ARPPU US$15 for 9M 2025, read as per payer over the period: 15/9 a month
    assert rows["ARPPU, disclosed (per payer-month)"][:2] == (pytest.approx(15 / 9),
                                                               "disclosed")
    # payers' revenue 15 x 1.7716m = 26.57m of 38.02m: 30.1% of line revenue not from payers
    assert rows["share of line revenue not from payers (ads, other)"][0] == \
        pytest.approx(1 - 15 * PAYERS / REV)
    assert rows["revenue per payer per month not from payers"][0] == \
        pytest.approx(REV / PAYERS / 9 - 15 / 9)


def test_payback_says_never_when_ltv_below_cac(minimax: Company) -> None:
    rows = _rows(minimax)
    ltv = rows["LTV per payer"][0]
    cac = rows["CAC per new payer"][0]
    assert ltv is not None and cac is not None and ltv < cac
    value, status, basis = rows["CAC payback (with churn)"]
    assert value is None and status == "n/a" and basis.startswith("never (LTV < CAC)")


def test_sbg_lifetime_against_brute_force_including_120_880() -> None:
    for a, b, d in ((0.668, 3.806, 0.1), (1.2, 4.0, 0.01), (120.0, 880.0, R), (2.0, 10.0, R)):
        t = np.arange(0, 200_000)
        brute = float(np.sum(sbg.survival(a, b, t) * np.exp(-t * np.log1p(d))))
        got = sbg.discounted_lifetime(a, b, d)
        assert math.isfinite(got)
        assert got == pytest.approx(brute, rel=1e-9)
    # (120, 880): mean churn 12%, nearly homogeneous: close to constant churn (1+r)/(r+0.12)
    assert sbg.discounted_lifetime(120, 880, R) == pytest.approx((1 + R) / (R + 0.12), rel=0.01)


def test_sbg_curve_drives_c2c_ltv() -> None:
    base = dict(months=3, revenue=3e6, mau=1e6, paying_users=1e5, sm_spend=6e5,
                gross_margin=0.5, mau_before=8e5, annual_discount_rate=0.1)
    r = evaluate_c2c(C2CInputs(**base, sbg_alpha=120.0, sbg_beta=880.0))
    t = np.arange(0, 50_000)
    brute = float(np.sum(sbg.survival(120, 880, t) / (1 + R) ** t))
    assert r.lifetime_months == pytest.approx(brute, rel=1e-9)
    assert r.ltv == pytest.approx(5.0 * brute)              # contribution 10 x 50%
    assert "sBG" in r.retention


def test_zhipu_cloud_token_economics_agree_with_the_disclosed_margin(zhipu: Company) -> None:
    rows = _rows(zhipu)
    # utilisation derived from the disclosed cloud margin (-0.4%), so the modelled margin
    # at list price reproduces it and the line is not "already there" for 50%
    assert rows["utilisation"][1] == "derived"
    assert rows["modelled gross margin at list price"][0] == pytest.approx(-0.004)
    fall = rows["cost must fall to (x of today) for a 50% margin"][0]
    assert fall == pytest.approx(0.5 / 1.004)               # (1 - 0.5) / (1 + 0.004)
    # realised revenue per disclosed token: RMB 29.1m over 181 days / 4.6T tokens a day
    realised = rows["realised revenue per million disclosed tokens"][0]
    assert realised == pytest.approx(29.1e6 / 181 / 4.6e12 * 1e6)
    list_price = next(v for q, (v, _, _) in rows.items() if q.startswith("list price per"))
    assert realised is not None and list_price is not None and realised < list_price / 100
    # at the realised price a 50% margin needs cost per token at half of it
    assert rows["cost per million tokens for a 50% margin at the realised price"][0] == \
        pytest.approx(realised * 0.5)
    cost = rows["inference cost per million tokens"][0]
    assert cost is not None
    assert rows["cost must fall to (x of today) for a 50% margin at the realised price"][0] \
        == pytest.approx(realised * 0.5 / cost)


def test_zhipu_b2b_cac_and_payback(zhipu: Company) -> None:
    d = _drivers(zhipu)
    # S&M FY2024 RMB 387m -> 32.25m a month x 3 months (30 Jun -> 30 Sep 2025) / 4,000 net
    # new customers (8,000 -> 12,000) = RMB 24,187.5
    assert d.value("company.b2b_cac_per_new_customer") == pytest.approx(387e6 / 12 * 3 / 4000)
    # gross profit H1 2025 RMB 95.424m / 6 / 8,000 customers = RMB 1,988 a customer-month
    assert d.value("company.b2b_gross_profit_per_customer_monthly") == \
        pytest.approx(95.424e6 / 6 / 8000)
    assert d.value("company.b2b_cac_payback_months") == \
        pytest.approx((387e6 / 12 * 3 / 4000) / (95.424e6 / 6 / 8000))


def _fictiva(tmp_path: Path, customers_2023: float, margin_times: float = 1.0) -> Company:
    """tests/data/fictiva_b2b.csv with a customer count at FY2023's end (120 at FY2024's)
    and its costs of revenue times ``margin_times`` (reported margins dropped)."""
    import csv

    from llmecon.api import read_company

    src = Path(__file__).parents[1] / "data" / "fictiva_b2b.csv"
    rows = list(csv.reader(src.read_text(encoding="utf-8").splitlines()))
    (count,) = [r for r in rows if r[4] == "customers"]
    rows.append([*count[:1], "FY2023", "2023-12-31", *count[3:5], str(customers_2023),
                 *count[6:]])
    rows = [[*r[:5], str(float(r[5]) * margin_times), *r[6:]] if r[4] == "cost_of_revenue"
            else r for r in rows if r[4] != "gross_margin"]
    path = tmp_path / "fictiva.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return read_company(path)


def test_b2b_payback_from_a_first_count_of_zero_customers_is_na(tmp_path: Path) -> None:
    """0 customers at FY2023's end, 120 at FY2024's: S&M RMB 60m / 12 x 12 months / 120 new
    = RMB 500k per new customer; gross profit per customer at the window's start divides by
    0 customers. It raised ZeroDivisionError ('internal error' in simulate, answers and
    scenario show); now the CAC stands and the other two are n/a, saying why."""
    d = _drivers(_fictiva(tmp_path, 0))
    assert d.value("company.b2b_cac_per_new_customer") == pytest.approx(60e6 / 120)
    per, payback = d["company.b2b_gross_profit_per_customer_monthly"], \
        d["company.b2b_cac_payback_months"]
    assert math.isnan(per.value) and "no customers counted at 2023-12-31" in per.basis
    assert math.isnan(payback.value) and payback.basis.startswith("never")


def test_b2b_payback_of_a_loss_per_customer_is_never_not_negative(tmp_path: Path) -> None:
    """Fictiva at three times its cost of revenue: gross profit FY2023 = 200 - 3 x 100 = RMB
    -100m / 12 / 60 customers = -138,889 a customer-month; CAC RMB 60m / 60 new = 1m. The
    payback read 1m / -138,889 = -7.2 months; now never (n/a in the table)."""
    d = _drivers(_fictiva(tmp_path, 60, margin_times=3.0))
    assert d.value("company.b2b_gross_profit_per_customer_monthly") == \
        pytest.approx((200e6 - 3 * 100e6) / 12 / 60)
    payback = d["company.b2b_cac_payback_months"]
    assert math.isnan(payback.value)
    assert payback.basis.startswith("never: the gross profit per customer per month is not "
                                    "positive")


def test_minimax_modelled_inference_equals_the_disclosed_inference(minimax: Company) -> None:
    # walk20 M5: payers use 3x a free user's tokens, so a free user's tokens come from the
    # inference over usage-weighted users, MAU + (3 - 1) x payers. Disclosed (USD, 9M 2025):
    # line cost of revenue 38.02m x (1 - 4.7%) = 36.233m, less what is not inference (company
    # cost of revenue 53.437m x 76.7% = 40.986m - compute 37.98m = 3.006m) = 33.227m;
    # per payer-month 33.227m / 1.7716m / 9 = US$2.084 (was modelled at US$2.35, +13%)
    inference = REV * (1 - GM) - (53.437e6 * 0.767 - 37.98e6)
    rows = _rows(minimax)
    own = rows["inference cost per payer per month (model)"][0]
    free = rows["free users' inference cost per payer per month"][0]
    assert own is not None and free is not None
    assert (own + free) * PAYERS * MONTHS == pytest.approx(inference, rel=1e-9)
    assert own + free == pytest.approx(2.084, abs=5e-4)
    # own use is 3x a free user's: per free user-month 33.227m / 9 / (27.622m + 2 x 1.7716m)
    per_user = inference / MONTHS / (MAU + 2 * PAYERS)
    assert own == pytest.approx(3 * per_user)
    assert free == pytest.approx(per_user * (MAU - PAYERS) / PAYERS)


def test_the_list_in_force_at_the_period_end_is_used(minimax: Company) -> None:
    """A new user's audit: MiniMax's FY2025 open platform was priced at the M2.7 list of
    2026-03 ("the period's list is not bundled") although M2's launch list of 2025-10
    (US$0.30 in, 1.20 out; post_listing.md 5c) is bundled and in force at 2025-12-31."""
    cat = bundled_inference()[0]
    assert cat.api_price("MiniMax-M2", "MiniMax", period_end=date(2025, 12, 31)).as_of \
        == "2025-10"
    # before any bundled list: the nearest after the period (its date says so)
    assert cat.api_price("MiniMax-M2", "MiniMax", period_end=date(2025, 9, 30)).as_of \
        == "2025-10"
    assert cat.api_price("MiniMax-M2", "MiniMax", period_end=date(2026, 6, 30)).as_of \
        == "2026-03"
    assert cat.api_price("MiniMax-M2", "MiniMax").as_of == "2026-03"  # no period: newest
    t = unit_economics_table(minimax, load_assumptions(), load_fx(), *bundled_inference())
    rows = {r.quantity: r for r in t.rows}
    price = next(r for q, r in rows.items() if q.startswith("list price per million"))
    assert price.value == pytest.approx(0.2 * 1.20 + 0.8 * 0.30)  # 20% output, hits as misses
    assert "list as of 2025-10;" in price.basis and price.confidence == ""
    assert "no cache-hit price: hits at the miss price" in price.basis
    # the busy share is read at 9M 2025 (the newest line margin), before the launch list
    assert rows["utilisation"].confidence == "low"


@pytest.mark.parametrize(("cid", "as_of", "end"), [("zhipu", "2025-09", "2025-06-30")])
def test_api_list_price_after_the_period_is_flagged(request: pytest.FixtureRequest, cid: str,
                                                    as_of: str, end: str) -> None:
    # walk20 M11: Zhipu's H1 2025 cloud line (period end 2025-06-30) is priced at the Z.ai
    # list of 2025-09 (GLM-4.6, released after H1). The table says so and marks what the
    # list drives low confidence.
    company: Company = request.getfixturevalue(cid)
    t = unit_economics_table(company, load_assumptions(), load_fx(), *bundled_inference())
    rows = {r.quantity: r for r in t.rows}
    price = next(r for q, r in rows.items() if q.startswith("list price per million"))
    assert f"list as of {as_of}, after the period end {end}" in price.basis
    assert price.confidence == "low"
    for q in ("tokens per day paid at list price", "utilisation",
              "cost must fall to (x of today) for a 50% margin"):
        assert rows[q].confidence == "low", q
    d = _drivers(company)
    line = company.platform_line
    assert d[f"{line}.list_price_per_m"].confidence == "low"
    assert f"after the period end {end}" in d[f"{line}.list_price_per_m"].basis


def test_price_dating_compares_at_the_precision_given() -> None:
    from llmecon.unit_economics.deployment import price_after_period

    end = date(2025, 6, 30)
    assert price_after_period("2025-07", end) is True       # July 2025 > June 2025
    assert price_after_period("2025-06", end) is False      # the period's own month
    assert price_after_period("2025-06-30", end) is False
    assert price_after_period("2025-02", end) is False
    assert price_after_period("2025 (undated source)", end) is None  # cannot tell
    assert price_after_period("2024 (undated source)", end) is False


def test_zhipu_b2b_acquisition_on_cumulative_counts_is_low_confidence(zhipu: Company) -> None:
    # walk20 M12: 8,000 is 'over 8,000 institutional customers served' at 2025-06-30 (a
    # cumulative count since founding) and 12,000 'institutional/enterprise customers' at
    # 2025-09-30: the basis says both, and the three figures carry low confidence (dagger)
    t = unit_economics_table(zhipu, load_assumptions(), load_fx(), *bundled_inference())
    rows = {r.quantity: r for r in t.rows}
    cac = rows["CAC per new customer (company)"]
    gp = rows["gross profit per customer per month (company)"]
    payback = rows["CAC payback (company, customers)"]
    assert (cac.confidence, gp.confidence, payback.confidence) == ("low", "low", "low")
    assert "cumulative counts of customers served since founding, not an active base" \
        in cac.basis
    assert "counts every customer served since founding (cumulative" in gp.basis
    assert "institutional (H1_2025) vs institutional/enterprise (Q3_2025)" in cac.basis
    assert "understated" in gp.basis and "overstated" in payback.basis
    # the values are unchanged: RMB 24,187.5 / (95.424m / 6 / 8,000) = 12.17 months
    assert payback.value == pytest.approx((387e6 / 12 * 3 / 4000) / (95.424e6 / 6 / 8000))
    from llmecon.report.unit_economics import value_text

    assert value_text(payback, "CNY") == "12.17 months†"


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_table_and_drivers_agree(request: pytest.FixtureRequest, cid: str) -> None:
    company: Company = request.getfixturevalue(cid)
    d = _drivers(company)
    rows = _rows(company)
    for drv in d:
        assert drv.source in ("disclosed", "derived", "assumed") and drv.basis
    assert len(d.to_frame()) == len(d.drivers) == len({x.name for x in d})  # defined once
    if cid == "minimax":
        # tokens per user per day derived from the line's cost of revenue: one value
        tokens = d.for_line("ai_native_products")["tokens_per_user_day"]
        # by hand: line cost of revenue per user-day at the engine's cost per token, less
        # what is not inference: the company's cost of revenue (76.7% of US$53.437m,
        # disclosed) less the inference cloud cost in it (US$37.98m, disclosed, medium), all
        # on the one consumer line: US$3.006m, 7.9% of its revenue (app-store commissions)
        per_m = d.value("ai_native_products.cost_per_m_tokens")
        other = 0.767 * 53.437e6 - 37.98e6
        assert d.value("ai_native_products.other_cor_share") == pytest.approx(other / REV,
                                                                              rel=1e-6)
        # a free user's: over usage-weighted users, MAU + (3 - 1) x payers (walk20 M5)
        by_hand = (REV * (1 - GM) - other) / MONTHS / (MAU + 2 * PAYERS) / DAYS_PER_MONTH \
            / per_m * 1e6
        assert tokens.source == "derived" and tokens.value == pytest.approx(by_hand, rel=0.002)
        assert rows["tokens per user day"][0] == tokens.value
        assert rows["revenue per payer per month (ARPPU)"][0] == \
            d.value("ai_native_products.arppu_monthly")
        line = "open_platform"
    else:
        line = "cloud_deployment"
        # by hand: cost at full use / (list price x (1 - H1 2025 cloud margin -0.4%))
        assert d.value("cloud_deployment.utilisation") == pytest.approx(
            d.value("cloud_deployment.cost_per_m_tokens")
            / (d.value("cloud_deployment.list_price_per_m") * 1.004), rel=1e-9)
    assert rows["utilisation"][0] == d.value(f"{line}.utilisation")


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_projection_calibration_reports_the_same_drivers(request: pytest.FixtureRequest,
                                                         cid: str) -> None:
    # the projection's calibration (simulate.scenario) and these drivers are computed apart;
    # tokens per user per day, utilisation and ARPPU must agree (issue 11). The volumes at
    # the start (users, tokens, contracts signed) are these times the lines' exit run-rates
    # where a year-earlier period gives one, and the project lines' growth into their
    # period: tests/simulate/test_shared_drivers.py checks them
    from llmecon.simulate.loaders import load_base_scenario

    company: Company = request.getfixturevalue(cid)
    s = load_base_scenario(company, load_assumptions())
    d = _drivers(company, until=s.start)  # the lines at the period the projection starts at
    names = {"minimax": ("ai_native_products.tokens_per_user_day",
                         "ai_native_products.arppu_monthly", "ai_native_products.paying_rate",
                         "open_platform.utilisation"),
             "zhipu": ("cloud_deployment.utilisation", "cloud_deployment.tokens_per_month",
                       "localized_deployment.delivery_cost_share")}[cid]
    for name in names:
        assert s.central(name) == pytest.approx(d.value(name), rel=1e-9), name


def test_open_platform_utilisation_from_the_newest_disclosed_line_margin(
        minimax: Company) -> None:
    # FY2025 (the line's newest revenue) discloses no open-platform margin; 9M 2025 does
    # (69.4%). Utilisation = engine cost at full use / (list price x (1 - margin)), so the
    # line serves at the disclosed margin instead of an assumed 60% busy share.
    d = _drivers(minimax)
    cost = d.value("open_platform.cost_per_m_tokens")
    price = d.value("open_platform.list_price_per_m")
    util = d.for_line("open_platform")["utilisation"]
    assert util.source == "derived" and "9M_2025" in util.basis
    assert util.value == pytest.approx(cost / (price * (1 - 0.694)), rel=1e-9)
    assert 1 - cost / (price * util.value) == pytest.approx(0.694, abs=1e-9)
