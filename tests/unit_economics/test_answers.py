"""Per-line answers for a target margin, targets as fraction or percent, and retention
cohorts (hand computations written here)."""

from __future__ import annotations

import numpy as np
import pytest

from llmecon.config.assumptions import load_assumptions
from llmecon.errors import InputError
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company
from llmecon.unit_economics import retention as sbg
from llmecon.unit_economics.answers import company_margin_answers, margin_answers, target_share
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.drivers import company_drivers
from llmecon.unit_economics.rows import LineInputs
from llmecon.units import load_fx


def test_target_accepts_fraction_or_percent_and_refuses_a_bare_30() -> None:
    assert target_share(0.3) == target_share("30%") == pytest.approx(0.3)
    with pytest.raises(InputError, match="did you mean 30%"):
        target_share(30)
    with pytest.raises(InputError, match=r"\[0, 1\)"):
        target_share("100%")


def test_zhipu_per_line_and_company_answers(zhipu: Company) -> None:
    a, fx, (cat, eff) = load_assumptions(), load_fx(), bundled_inference()
    x = LineInputs(zhipu, Resolver(zhipu), a, fx, cat, eff)
    got = {m.line: m for m in margin_answers(x, company_drivers(zhipu, a, fx, cat, eff),
                                             "50%")}
    assert [m.cost_factor for m in company_margin_answers(zhipu, a, fx, cat, eff, 0.5)] == \
        [m.cost_factor for m in got.values()]
    # cloud H1 2025 (RMB m): revenue 29.1, margin -0.4%: all its cost is token cost, so
    # (29.1 x 0.5 - 0) / (29.1 x 1.004) = 0.5 / 1.004 of today
    assert got["cloud_deployment"].cost_factor == pytest.approx(0.5 / 1.004)
    assert not got["cloud_deployment"].already_there
    assert got["cloud_deployment"].cost_per_m_tokens_needed == pytest.approx(
        got["cloud_deployment"].cost_per_m_tokens_now * 0.5 / 1.004)
    # localized H1 2025: margin 59.1%, delivery cost is not token-priced: no factor, and
    # already above the 50% target
    loc = got["localized_deployment"]
    assert loc.cost_factor is None and "no token-priced cost" in loc.why
    assert loc.already_there
    # company = the lines' sum, the delivery cost held fixed (walk20 M4); localized revenue
    # is the company's 190.877 less the cloud's 29.1 = 161.777 (the 162.0 is a check):
    # (190.877 x 0.5 - 161.777 x 0.409) / (29.1 x 1.004) = (95.4385 - 66.1668) / 29.2164
    # = 1.0019 (was 0.5 x 190.877 / 95.453 = 1.000, every cost token-priced)
    assert got["company"].cost_factor == pytest.approx(
        (190.877 * 0.5 - 161.777 * 0.409) / (29.1 * 1.004))


def test_minimax_answers_hold_the_cost_that_is_not_inference_fixed(minimax: Company) -> None:
    # walk20 M4 (USD m, 9M 2025): AI-native revenue 38.02, margin 4.7%; not inference: the
    # company's cost of revenue 53.437 x 76.7% = 40.986 less compute 37.98 = 3.006, all on
    # this line. Token cost 38.02 x 0.953 - 3.006 = 33.227; for 50%:
    # (38.02 x 0.5 - 3.006) / 33.227 = 0.4817 (was (1 - 0.5) / (1 - 0.047) = 0.525)
    got = {m.line: m for m in company_margin_answers(minimax, load_assumptions(), load_fx(),
                                                     *bundled_inference(), 0.5)}
    other = 53.437 * 0.767 - 37.98
    token = 38.02 * 0.953 - other
    assert got["ai_native_products"].cost_factor == pytest.approx((38.02 * 0.5 - other)
                                                                  / token)
    assert got["ai_native_products"].cost_factor == pytest.approx(0.4817, abs=1e-4)
    # open platform 15.417, margin 69.4%: all token cost, 0.5 / 0.306 = 1.634
    assert got["open_platform"].cost_factor == pytest.approx(0.5 / 0.306)
    # company: (53.437 x 0.5 - 3.006) / (33.227 + 15.417 x 0.306) = 0.6249 (was 0.670 from
    # the FY2025 margin with every cost token-priced)
    company = (53.437 * 0.5 - other) / (token + 15.417 * 0.306)
    assert got["company"].cost_factor == pytest.approx(company)
    assert got["company"].cost_factor == pytest.approx(0.6249, abs=1e-4)
    # the first table of `answers` uses the same method on the projection's first month:
    # the two company answers agree within the first month's drift from 9M 2025 (< 1%)
    from llmecon.simulate.answers import cost_for_margin
    from llmecon.simulate.loaders import load_base_scenario

    first = cost_for_margin(load_base_scenario(minimax), 0.5).cost_multiplier
    assert first is not None and first == pytest.approx(company, rel=0.01)


def test_an_unreachable_target_says_so(minimax: Company) -> None:
    # 95%: the AI-native products' cost that is not inference is 3.006 / 38.02 = 7.9% of
    # revenue, above 1 - 95% = 5%: not reachable even at zero token cost
    got = {m.line: m for m in company_margin_answers(minimax, load_assumptions(), load_fx(),
                                                     *bundled_inference(), 0.95)}
    ai = got["ai_native_products"]
    assert ai.cost_factor is None and ai.cost_per_m_tokens_needed is None
    assert "not reachable even at zero token cost" in ai.why and "7.9%" in ai.why


def test_a_single_cohort_follows_the_survival_curve() -> None:
    # one cohort of 1,000 in month 0, none after: active = 1,000 x S(t) (zero variance)
    curve = sbg.RetentionCurve.sbg(0.668, 3.806)
    active = sbg.cohort_survivors(np.r_[1000.0, np.zeros(12)], curve)
    assert active == pytest.approx(1000 * sbg.survival(0.668, 3.806, np.arange(13)))
    # S(1) = beta / (alpha + beta) (Fader & Hardie 2007)
    assert active[1] == pytest.approx(1000 * 3.806 / (0.668 + 3.806))


def test_cohorts_add_up_over_paths() -> None:
    # 100 a month at 10% constant churn: month 2 has 100 + 90 + 81
    curve = sbg.RetentionCurve.constant(0.1)
    paths = np.array([[100.0, 100.0, 100.0], [0.0, 50.0, 0.0]])
    active = sbg.cohort_survivors(paths, curve)
    assert active[0].tolist() == pytest.approx([100, 190, 271])
    assert active[1].tolist() == pytest.approx([0, 50, 45])


def test_a_cost_per_token_on_a_misfit_list_price_is_low_confidence(minimax: Company) -> None:
    # the open platform's utilisation is derived at MiniMax's M2.7 list of 2026-03, after
    # the 9M 2025 period it is read at: the unit-economics table marks it (and the cost per
    # token built on it) low; the answers table now says so too
    got = {m.line: m for m in company_margin_answers(minimax, load_assumptions(), load_fx(),
                                                     *bundled_inference(), 0.5)}
    assert got["open_platform"].confidence == "low"
    # the AI-native line's cost per token is the engine's at the same fleet utilisation
    # (econ33 L1), so it rests on the same list price and is low too
    assert got["ai_native_products"].confidence == "low"


def test_company_row_says_it_is_the_lines_sum_beside_the_disclosed_margin(
        minimax: Company) -> None:
    # walk33 #12: the company's 9M 2025 margin here is built from the lines' rounded
    # disclosed margins, (38.02 x 4.7% + 15.417 x 69.4%) / 53.437 = 23.37%, while the
    # company discloses 23.3% (prospectus): the row says both
    got = {m.line: m for m in company_margin_answers(minimax, load_assumptions(), load_fx(),
                                                     *bundled_inference(), 0.5)}
    company = got["company"]
    assert company.gross_margin == pytest.approx((38.02 * 0.047 + 15.417 * 0.694) / 53.437)
    # the period stays a label; the disclosed margin is a number beside the lines' sum (a
    # review: the JSON period held "9M_2025 (lines' sum; disclosed 23.3%)")
    assert company.period == "9M_2025" and company.disclosed_gross_margin == 0.233
    assert "the lines' sum" in company.basis
    assert got["open_platform"].period == "9M_2025" and got["open_platform"].basis == ""


def test_consumer_and_api_tokens_are_costed_at_one_utilisation(minimax: Company) -> None:
    # econ33 L1: the engine's US$0.07563 per M at full use over the open platform's derived
    # busy share is one cost per token for both lines (the consumer line was at 0.07563);
    # the consumer line's tokens per free user-day are 51,462 at full use times that share,
    # its inference cost (tokens x cost per token) unchanged. The busy share reproduces the
    # open platform's 9M 2025 margin of 69.4% at the M2 launch list (US$0.30 in, 1.20 out,
    # no cache-hit price: 0.2 x 1.20 + 0.8 x 0.30 = 0.48): 0.07563 / (0.48 x 0.306)
    a, fx, (cat, eff) = load_assumptions(), load_fx(), bundled_inference()
    d = company_drivers(minimax, a, fx, cat, eff)
    util = d.value("open_platform.utilisation")
    assert util == pytest.approx(0.07563 / (0.48 * (1 - 0.694)), rel=1e-3)
    per_m = d.value("ai_native_products.cost_per_m_tokens")
    assert per_m == pytest.approx(0.07563 / util, rel=1e-3)
    got = {m.line: m for m in company_margin_answers(minimax, a, fx, cat, eff, 0.5)}
    assert got["ai_native_products"].cost_per_m_tokens_now == pytest.approx(
        got["open_platform"].cost_per_m_tokens_now, rel=1e-12)
    tokens = d.value("ai_native_products.tokens_per_user_day")
    assert tokens == pytest.approx(51_462 * util, rel=1e-3)
    assert tokens * per_m == pytest.approx(51_462 * 0.07563, rel=1e-3)
