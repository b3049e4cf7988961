"""C2C, B2B and API unit economics against hand computations written here."""

from __future__ import annotations

import math

import pytest

from llmecon.errors import InputError
from llmecon.unit_economics.api import ApiInputs, evaluate_api
from llmecon.unit_economics.b2b import ProjectInputs, evaluate_project, reusable_share_sweep
from llmecon.unit_economics.c2c import C2CInputs, evaluate_c2c, lifetime_factor

BASE = C2CInputs(months=3, revenue=3_000_000, mau=1_000_000, paying_users=100_000,
                 sm_spend=600_000, gross_margin=0.5, mau_before=800_000,
                 user_churn_monthly=0.0, payer_churn_monthly=0.1, annual_discount_rate=0.0)


def test_c2c_hand_case() -> None:
    r = evaluate_c2c(BASE)
    # new users = 200,000 net new; paying rate 10% -> 20,000 new payers
    assert r.new_users == 200_000 and r.new_payers == pytest.approx(20_000)
    assert r.cac_per_new_user == pytest.approx(3.0)        # 600,000 / 200,000
    assert r.cac_per_new_payer == pytest.approx(30.0)      # 600,000 / 20,000
    assert r.arppu_month == pytest.approx(10.0)            # 3m / 100k / 3 months
    assert r.contribution_per_payer_month == pytest.approx(5.0)  # 10 x 50%
    assert r.lifetime_months == pytest.approx(10.0)        # 1 / 10% churn, no discounting
    assert r.ltv == pytest.approx(50.0)
    assert r.ltv_to_cac == pytest.approx(50 / 30)
    assert r.simple_payback_months == pytest.approx(6.0)   # 30 / 5
    # with 10% churn: 5 x (1 - 0.9^n) / 0.1 reaches 30 at 0.9^n = 0.4; after 8 payments
    # 50 x (1 - 0.9^8) = 28.4766; the 9th pays 5 x 0.9^8 = 2.1523 -> 8 + 1.5234 / 2.1523
    assert r.payback_months == pytest.approx(8 + (30 - 50 * (1 - 0.9**8)) / (5 * 0.9**8))
    # serving cost per payer held fixed at ARPPU x (1 - GM) = 5
    assert r.serving_cost_per_payer_month == pytest.approx(5.0)
    assert r.arppu_for_ltv_cac_3 == pytest.approx(3 * 30 / 10 + 5)    # 14, not 90/(0.5 x 10)
    assert r.arppu_for_payback_12 == pytest.approx(30 / 12 + 5)       # 7.5
    first_year = sum(0.9**t for t in range(12))                       # = (1 - 0.9^12) / 0.1
    assert r.arppu_for_payback_12_with_churn == pytest.approx(30 / first_year + 5)
    assert r.churn_for_ltv_cac_3 == pytest.approx(5 / 90)   # contribution / (3 x CAC)


def test_c2c_inference_costs_and_free_users() -> None:
    r = evaluate_c2c(BASE.replace(tokens_per_user_day=10_000, cost_per_million_tokens=1.0,
                             payer_usage_multiple=2.0))
    per_user = 10_000 * 365.25 / 12 / 1e6  # tokens a month x $1 per million
    assert r.inference_cost_per_user_month == pytest.approx(per_user)
    assert r.inference_cost_per_payer_month == pytest.approx(2 * per_user)
    assert r.free_user_cost_per_payer_month == pytest.approx(per_user * 900_000 / 100_000)


def test_higher_churn_lowers_ltv() -> None:
    ltvs = [evaluate_c2c(BASE.replace(payer_churn_monthly=c)).ltv for c in (0.05, 0.1, 0.2)]
    assert ltvs[0] > ltvs[1] > ltvs[2]


def test_lifetime_factor_with_discounting() -> None:
    # churn 10%, discount 1%/month: (1.01) / (0.11)
    assert lifetime_factor(0.1, 0.01) == pytest.approx(1.01 / 0.11)


def test_c2c_rejects_bad_inputs() -> None:
    with pytest.raises(InputError, match="paying_users"):
        evaluate_c2c(BASE.replace(paying_users=2_000_000))
    with pytest.raises(InputError, match="payer_churn_monthly"):
        evaluate_c2c(BASE.replace(payer_churn_monthly=0))


PROJECT = ProjectInputs(contract_value=1_000_000, delivery_person_months=10,
                        loaded_cost_per_person_month=30_000, delivery_months=5,
                        hardware_passthrough=200_000, compute_cost=100_000,
                        payments=((0, 0.3), (5, 0.7)), acceptance=((5, 1.0),),
                        collection_delay_months=2)


def test_project_hand_case() -> None:
    r = evaluate_project(PROJECT)
    assert r.delivery_cost == 300_000                 # 10 person-months x 30,000
    assert r.gross_margin == pytest.approx(0.4)       # (1m - 300k - 200k - 100k) / 1m
    # the 300k due at signing is an advance, received at month 0 (the collection delay is
    # counted on the revenue not paid at signing); 700k billed at month 5 is paid at month 7
    # receivables: 700k for months 5-6 -> 1,400k month-units
    assert r.receivable_days == pytest.approx(1_400_000 / 1_000_000 * 365.25 / 12)
    # 300k received at signing before acceptance at month 5 -> a contract liability
    assert r.max_contract_liabilities == pytest.approx(300_000)
    # spend: 200k hardware at month 0, (300k + 100k) / 5 = 80k a month for months 0-4
    timeline = r.timeline["cumulative_cash"]
    assert timeline[0] == pytest.approx(300_000 - 280_000)
    # cash: +20k, -60k, -140k, -220k, -300k (month 4), -300k until the 700k at month 7
    assert timeline[:8] == pytest.approx([20e3, -60e3, -140e3, -220e3, -300e3, -300e3,
                                          -300e3, 400e3])
    assert r.peak_funding_need == pytest.approx(300_000)
    assert r.months_to_cash_positive == 7
    assert r.revenue_per_delivery_employee_year == pytest.approx(1_000_000 / (10 / 12))


def test_project_paid_up_front_has_no_receivable_days() -> None:
    r = evaluate_project(PROJECT.replace(payments=((0, 1.0),), collection_delay_months=0))
    assert r.receivable_days == 0 and r.max_trade_receivables == 0


def test_fully_reusable_delivery_costs_only_the_pass_through() -> None:
    r = evaluate_project(PROJECT.replace(reusable_share=1.0))
    assert r.delivery_cost == 0
    assert r.total_cost == PROJECT.hardware_passthrough + PROJECT.compute_cost


def test_reusable_share_raises_margin_and_output_per_person() -> None:
    rs = reusable_share_sweep(PROJECT, [0.0, 0.5, 0.9])
    assert rs[0].gross_margin < rs[1].gross_margin < rs[2].gross_margin
    assert rs[0].revenue_per_delivery_employee_year < rs[2].revenue_per_delivery_employee_year


def test_project_schedule_must_add_to_one() -> None:
    with pytest.raises(InputError, match="shares that add up to 1"):
        evaluate_project(PROJECT.replace(payments=((0, 0.5),)))


def test_api_hand_case() -> None:
    # 100M input (half cached) + 20M output; list 1.0 / 0.2 / 4.0 per M; 10% free, 20% off
    x = ApiInputs(input_tokens=100e6, output_tokens=20e6, cache_hit=0.5, price_input_miss=1.0,
                  price_input_hit=0.2, price_output=4.0, cost_input_miss=0.1,
                  cost_input_hit=0.01, cost_output=0.5, free_share=0.1, discount=0.2,
                  utilisation=0.5)
    r = evaluate_api(x)
    list_rev = 50 * 1.0 + 50 * 0.2 + 20 * 4.0
    assert r.revenue == pytest.approx(list_rev * 0.9 * 0.8)
    full_cost = 50 * 0.1 + 50 * 0.01 + 20 * 0.5
    assert r.cost == pytest.approx(full_cost / 0.5)
    assert r.break_even_utilisation == pytest.approx(full_cost / r.revenue)
    assert r.realised_price_per_million == pytest.approx(r.revenue / 120)
    assert not math.isnan(r.gross_margin)


def test_zhipu_project_cash_timing_by_hand() -> None:
    # from an economist's audit: the 30% paid at signing was collected five months late, so
    # the peak funding need read RMB 534.8k and the receivable days 152
    from llmecon.api import load_company, unit_economics

    rows = {r.quantity: r.value for r in unit_economics(load_company("zhipu")).rows
            if r.line == "localized_deployment"}
    # a RMB 1.5m project at the line's disclosed 59.1% margin costs 1.5m x 40.9% = 613.5k,
    # spent over 6 months; 30% (450k) arrives at signing, so the cash low is
    # 450k - 613.5k at month 5, before the 60% billed at acceptance (month 6) arrives
    assert rows["peak funding need per project"] == pytest.approx(613.5e3 - 450e3)
    # receivables: 900k billed at month 6 and 150k at month 12, each outstanding 6 months
    # (the line's 132.35 receivable days / 30.4375 / 0.7, rounded): 6,300k receivable-months
    # / 1.5m = 4.2 months x 30.4375 days
    assert rows["collection delay"] == 6
    assert rows["receivable days the project creates"] == pytest.approx(4.2 * 30.4375)


def test_small_project_lines_keep_the_company_receivable_days() -> None:
    # from a review: Zhipu with its H1 2025 project line at RMB 10m of 190.9m read the
    # company's 112.3 receivable days as 112.3 / 5.2% = 2,144 days on the project line, and
    # refused the payment schedule; below half the revenue the other lines bill on credit
    # too, so the company's days stand: 112.3 / 30.4375 / 0.7 = 5.3 months, 5
    from dataclasses import replace

    from llmecon.api import load_company, unit_economics

    zhipu = load_company("zhipu")
    # the line revenues are the disclosed shares of revenue (the amounts check them)
    new = {("revenue", "line:localized_deployment"): 10.0e6,
           ("revenue", "line:cloud_deployment"): 180.877e6,
           ("revenue_share", "line:localized_deployment"): 100 * 10.0 / 190.877,
           ("revenue_share", "line:cloud_deployment"): 100 * 180.877 / 190.877}
    figures = tuple(replace(f, value=new[(f.item, f.segment)])
                    if f.period.label == "H1_2025" and (f.item, f.segment) in new else f
                    for f in zhipu.figures)
    rows = {r.quantity: r for r in unit_economics(replace(zhipu, figures=figures)).rows
            if r.line == "localized_deployment"}
    assert rows["receivable days on the project lines' revenue"].value == pytest.approx(
        rows["receivable days (company)"].value)
    assert "the project lines earn only 5.2%" in rows[
        "receivable days on the project lines' revenue"].basis
    assert rows["collection delay"].value == 5
