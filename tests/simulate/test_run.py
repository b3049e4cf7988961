"""Monte Carlo runs: the same seed gives the same results whatever the block size."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.errors import InputError
from llmecon.simulate.distributions import Dist, Regime
from llmecon.simulate.run import SimResult, run, sample_paths
from llmecon.simulate.scenario import Financing, LineSpec, Scenario


def fixed(v: float) -> Dist:
    return Dist("fixed", {"value": v})


def uncertain(horizon: int = 24) -> Scenario:
    """An API line and a B2B line; five kinds of distribution, a correlation, a regime."""
    d = {
        "start_cash": fixed(1000.0), "inference_cost_decline_annual": fixed(0.0),
        "training_compute_monthly": Dist("triangular", {"low": 80, "mode": 100, "high": 150}),
        "training_compute_growth_annual": fixed(0.0),
        "other_opex_monthly": Dist("uniform", {"low": 40, "high": 60}),
        "opex_growth_annual": fixed(0.0), "other_sm_monthly": fixed(20.0),
        "api.tokens_per_month": fixed(1e6),
        "api.volume_growth_monthly": Dist("normal", {"mean": 0.1, "sd": 0.05}),
        "api.price_per_m": fixed(300.0), "api.price_decline_monthly": fixed(0.0),
        "api.cost_per_m_tokens": fixed(60.0),
        "api.utilisation": Dist("beta", {"mean": 0.5, "sd": 0.1}),
        "proj.contracts_per_month": fixed(1.0), "proj.contract_growth_annual": fixed(0.0),
        "proj.contract_value": Dist("lognormal", {"mean": 400.0, "sd": 80.0}),
        "proj.delivery_cost_share": fixed(0.5), "proj.advance_share": fixed(0.25),
        "proj.sm_elasticity": fixed(0.0),
    }
    return Scenario("tiny", "USD", date(2024, 12, 31), horizon,
                    (LineSpec("api", "api"),
                     LineSpec("proj", "b2b", delivery_months=1, collection_delay_months=1)),
                    d, financing=(Financing(2, 500.0, "raise", False),),
                    regimes=(Regime("freeze", 0.3, 4, {"proj.contracts_per_month": 0.4}),),
                    correlations=(("api.volume_growth_monthly", "proj.contract_value", 0.5),))


def _same(a: SimResult, b: SimResult) -> None:
    for k in a.percentiles:
        assert np.array_equal(a.percentiles[k], b.percentiles[k], equal_nan=True), k
        assert np.array_equal(a.mean[k], b.mean[k], equal_nan=True), k
    for f in ("prob_cash_out", "runway_percentiles", "breakeven_percentiles",
              "revenue_total_percentiles", "gross_margin_total_percentiles"):
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f
    assert a.prob_breakeven == b.prob_breakeven


def test_block_size_changes_nothing() -> None:
    """Blocks of 1, 7, 1000 and the default size: the same numbers for a seed."""
    s = uncertain()
    runs = [run(s, paths=2_500, seed=11, block_paths=b, keep_paths=True)
            for b in (1, 7, 1000, 16384)]
    assert runs[0].paths_data is not None
    for r in runs[1:]:
        assert r.paths_data is not None
        assert np.array_equal(runs[0].paths_data.cash, r.paths_data.cash)
        _same(runs[0], r)
    other = run(s, paths=2_500, seed=12, block_paths=7)
    assert not np.array_equal(runs[0].percentiles["cash"], other.percentiles["cash"])


def test_a_path_depends_only_on_seed_and_index() -> None:
    s = uncertain()
    x_all, m_all = sample_paths(s, 3, 0, 3000)
    x_mid, m_mid = sample_paths(s, 3, 1020, 9)  # straddles the tile boundary at 1024
    for k in x_all:
        assert np.array_equal(x_all[k][1020:1029], x_mid[k])
    key = "proj.contracts_per_month"
    assert np.array_equal(m_all[key][1020:1029], m_mid[key])
    assert m_all[key].shape == (3000, 24) and (m_all[key] < 1).any()  # the regime occurs


def test_repr_names_the_run() -> None:
    r = run(replace(uncertain(), horizon_months=6), paths=200, seed=1)
    text = repr(r)
    assert text.startswith("SimResult(tiny base, 200 paths x 6 months, seed 1, numpy")
    assert "USD" in text and "P(cash < 0 by horizon)" in text


def test_limits_refused() -> None:
    from llmecon.constants import MAX_HORIZON_MONTHS, MAX_PATHS

    with pytest.raises(InputError, match="paths: expected 1 to"):
        run(uncertain(), paths=MAX_PATHS + 1)
    with pytest.raises(InputError, match="horizon_months"):
        run(replace(uncertain(), horizon_months=MAX_HORIZON_MONTHS + 1), paths=10)
    with pytest.raises(InputError, match="block_paths"):
        run(uncertain(), paths=10, block_paths=0)
