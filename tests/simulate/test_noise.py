"""Month-to-month volatility: mean-one lognormal AR(1) multipliers whose spread starts at
the monthly sd and widens with time; month 1 stays near the disclosed run-rate."""

from __future__ import annotations

import numpy as np
import pytest

from llmecon.simulate.engine import project
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.noise import add_noise, ar1_multipliers
from llmecon.simulate.run import run, sample_block
from llmecon.statements.model import Company


def test_ar1_mean_one_and_spread_by_hand() -> None:
    rng = np.random.default_rng(1)
    m = ar1_multipliers(rng, 40_000, 24, 0.05, 1.0)
    assert m.mean(axis=0) == pytest.approx(np.ones(24), abs=0.01)
    z = np.log(m)
    # a random walk: sd of log after t+1 steps = 0.05 sqrt(t + 1)
    assert z[:, 0].std() == pytest.approx(0.05, rel=0.03)
    assert z[:, 23].std() == pytest.approx(0.05 * np.sqrt(24), rel=0.03)


def test_ar1_stationary_limit_and_autocorrelation() -> None:
    rng = np.random.default_rng(2)
    z = np.log(ar1_multipliers(rng, 40_000, 60, 0.1, 0.5))
    # long-run sd = 0.1 / sqrt(1 - 0.25) = 0.11547; corr(z_t, z_t+1) = phi = 0.5
    assert z[:, 59].std() == pytest.approx(0.1 / np.sqrt(0.75), rel=0.03)
    assert np.corrcoef(z[:, 58], z[:, 59])[0, 1] == pytest.approx(0.5, abs=0.02)


# disclosed monthly run-rates: Zhipu H1 2025 revenue RMB 190.877m / 6;
# MiniMax 9M 2025 revenue US$53.437m / 9
RUN_RATE = {"zhipu": 190.877e6 / 6, "minimax": 53.437e6 / 9}


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_month_one_near_run_rate_and_the_fan_widens(request: pytest.FixtureRequest,
                                                    cid: str) -> None:
    company: Company = request.getfixturevalue(cid)
    s = load_base_scenario(company)
    rate = RUN_RATE[cid]
    # parameter uncertainty only (the Monte Carlo as run today)
    r = run(s, paths=4000, seed=4)
    p5, p95 = r.percentiles["revenue"][0, 0], r.percentiles["revenue"][-1, 0]
    assert rate * 0.95 <= p5 <= p95 <= rate * 1.05
    # with month-to-month noise added to a block's multipliers
    x, mults = sample_block(s, 4, 0, 4000)
    rng = np.random.default_rng(np.random.SeedSequence(4, spawn_key=(0, 1)))
    paths = project(s, x, add_noise(mults, s, rng, 4000))
    q = np.percentile(paths.revenue, [5, 95], axis=0)
    assert rate * 0.95 <= q[0, 0] <= q[1, 0] <= rate * 1.05
    width = q[1] / q[0]
    assert width[0] < width[11] < width[35]
