"""Stress presets defined against the base, so they stress the way their name says for a
company of any shape (inv35 finding 9): ``budget-freeze`` holds API volume growth at most
0 (a shrinking line keeps shrinking), ``inference-cost-down`` takes the cost decline to at
least 70% a year (a faster base is kept), ``fx-shock`` expects each company's own margin
direction. By hand on one API line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.config.base import parse_config
from llmecon.config.scenario import StressPreset
from llmecon.simulate.distributions import Dist
from llmecon.simulate.run import deterministic
from llmecon.simulate.sampling import sample_paths
from llmecon.simulate.scenario import LineSpec, Scenario, apply_stresses, stress_presets

COMPANY = {"start_cash": 1000.0, "inference_cost_decline_annual": 0.0,
           "training_compute_monthly": 0.0, "training_compute_growth_annual": 0.0,
           "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0}


def _api(months: int = 3, **drivers: float | Dist) -> Scenario:
    """1bn tokens a month at 1 per million (revenue 1,000), cost 0.5 per million."""
    d = {**COMPANY, "x.tokens_per_month": 1e9, "x.volume_growth_monthly": 0.0,
         "x.price_per_m": 1.0, "x.price_decline_monthly": 0.0, "x.cost_per_m_tokens": 0.5,
         "x.utilisation": 1.0, **drivers}
    return Scenario("hand", "USD", date(2024, 12, 31), months, (LineSpec("x", "api"),),
                    {k: v if isinstance(v, Dist) else Dist("fixed", {"value": v})
                     for k, v in d.items()})


def test_budget_freeze_stops_growth_and_leaves_a_shrinking_line_shrinking() -> None:
    """Growth x 0 where it lowers growth: +5% a month -> 0 (revenue 1,000 flat, from
    1,000, 1,050, 1,102.5); -5% a month kept (1,000, 950, 902.5: the preset set it to 0
    before, 1,000 flat, revenue 55% above the base at 36 months in the audit's case)."""
    for growth, base, frozen in ((0.05, [1000.0, 1050.0, 1102.5], [1000.0] * 3),
                                 (-0.05, [1000.0, 950.0, 902.5], [1000.0, 950.0, 902.5])):
        s = _api(**{"x.volume_growth_monthly": growth})
        np.testing.assert_allclose(deterministic(s).revenue[0], base, rtol=1e-12)
        stressed = apply_stresses(s, ["budget-freeze"])
        np.testing.assert_allclose(deterministic(stressed).revenue[0], frozen, rtol=1e-12)


def test_budget_freeze_decides_path_by_path() -> None:
    """A growth drawn on either side of 0: the 12 frozen months' multiplier is 0 on the
    paths drawn above 0 and 1 on those below, 1 after the freeze."""
    s = _api(months=15, **{"x.volume_growth_monthly": Dist("normal", {"mean": 0.0,
                                                                       "sd": 0.02})})
    x, mults = sample_paths(apply_stresses(s, ["budget-freeze"]), 5, 0, 200)
    g, m = x["x.volume_growth_monthly"], mults["x.volume_growth_monthly"]
    assert 0 < (g > 0).sum() < 200  # both sides drawn
    assert (m[:, :12] == np.where(g > 0, 0.0, 1.0)[:, None]).all()
    assert (m[:, 12:] == 1.0).all()


@pytest.mark.parametrize(("decline", "kept"), [(0.85, 0.85), (0.5, 0.7)])
def test_inference_cost_down_is_at_least_70_percent_a_year(decline: float,
                                                           kept: float) -> None:
    """Cost per token x (1 - decline) ** (12 / 12) at month 12: a base of 85% stays 85%
    (0.5 x 0.15 = 0.075 of cost on 1,000 of revenue: margin 92.5%; the preset's 70% took
    it to 85% before), a base of 50% becomes 70% (0.5 x 0.3 = 0.15: 85%)."""
    s = apply_stresses(_api(months=13, inference_cost_decline_annual=decline),
                       ["inference-cost-down"])
    p = deterministic(s)
    assert p.gross_profit[0, 12] / p.revenue[0, 12] == pytest.approx(1 - 0.5 * (1 - kept),
                                                                     rel=1e-12)


def test_inference_cost_down_holds_a_straddling_base_from_below_draw_by_draw() -> None:
    """A base triangular 60-80-90%: draws above 70% are kept as drawn, those below become
    70%; the central value (mode 80%) stays; a base wholly below 70% becomes fixed 70% (the
    bundled companies' 10-50%: their runs do not move); one wholly above is kept."""
    base = Dist("triangular", {"low": 0.6, "mode": 0.8, "high": 0.9})
    s = _api(inference_cost_decline_annual=base)
    stressed = apply_stresses(s, ["inference-cost-down"])
    d = stressed.drivers["inference_cost_decline_annual"]
    assert d.params["at_least"] == 0.7 and d.central == 0.8
    assert "at least 0.7, draw by draw" in stressed.provenance["inference_cost_decline_annual"]
    before = sample_paths(s, 2, 0, 500)[0]["inference_cost_decline_annual"]
    after = sample_paths(stressed, 2, 0, 500)[0]["inference_cost_decline_annual"]
    assert (before < 0.7).any()
    np.testing.assert_array_equal(after, np.maximum(before, 0.7))
    low = Dist("triangular", {"low": 0.1, "mode": 0.3, "high": 0.5})
    fixed = apply_stresses(replace(s, drivers={**s.drivers,
                                               "inference_cost_decline_annual": low}),
                           ["inference-cost-down"])
    assert fixed.drivers["inference_cost_decline_annual"] == Dist("fixed", {"value": 0.7})
    high = Dist("uniform", {"low": 0.75, "high": 0.95})
    kept = apply_stresses(replace(s, drivers={**s.drivers,
                                              "inference_cost_decline_annual": high}),
                          ["inference-cost-down"])
    assert kept.drivers["inference_cost_decline_annual"] == high


def test_a_scenario_written_with_a_bounded_driver_reads_back() -> None:
    """``scenario show --stress inference-cost-down`` writes the bound; it reads back."""
    from llmecon.config.scenario import ScenarioConfig

    s = apply_stresses(_api(inference_cost_decline_annual=Dist(
        "normal", {"mean": 0.7, "sd": 0.05})), ["inference-cost-down", "budget-freeze"])
    cfg = s.to_config()
    assert cfg.drivers["inference_cost_decline_annual"].params["at_least"] == 0.7
    assert any(sh.only == "lower" for sh in cfg.shocks or ())
    assert isinstance(cfg, ScenarioConfig)


def test_fx_shock_expects_each_companys_own_margin_direction() -> None:
    """More revenue (50%) than cost (10%) in the other currency: the margin rises (the
    audit's 84.3% -> 85.2%), so no direction is expected of every company."""
    pre = parse_config(StressPreset, stress_presets()["fx-shock"], "fx-shock")
    assert "gross_margin" not in pre.expected("another")
    assert pre.expected("zhipu")["gross_margin"] == "lower"
    s = _api(foreign_revenue_share=0.5, foreign_cost_share=0.1)
    base, shocked = deterministic(s), deterministic(apply_stresses(s, ["fx-shock"]))
    # month 0: revenue 1,000 x 1.075, cost 500 x 1.015
    assert shocked.gross_profit[0, 0] / shocked.revenue[0, 0] == pytest.approx(
        1 - 507.5 / 1075, rel=1e-12)
    assert shocked.gross_profit[0, 0] / shocked.revenue[0, 0] > \
        base.gross_profit[0, 0] / base.revenue[0, 0]
