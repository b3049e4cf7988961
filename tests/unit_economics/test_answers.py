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
    # cloud H1 2025: margin -0.4% -> cost must fall to 0.5 / 1.004 of today
    assert got["cloud_deployment"].cost_factor == pytest.approx(0.5 / 1.004)
    assert not got["cloud_deployment"].already_there
    assert got["cloud_deployment"].cost_per_m_tokens_needed == pytest.approx(
        got["cloud_deployment"].cost_per_m_tokens_now * 0.5 / 1.004)
    # localized H1 2025: margin 59.1% -> already there for 50% (0.5 / 0.409 > 1)
    assert got["localized_deployment"].cost_factor == pytest.approx(0.5 / 0.409)
    assert got["localized_deployment"].already_there
    # company H1 2025: 0.5 x 190.877 / 95.453 (revenue, cost of revenue, RMB m)
    assert got["company"].cost_factor == pytest.approx(0.5 * 190.877 / 95.453)


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
