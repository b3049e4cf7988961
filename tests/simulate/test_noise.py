"""Month-to-month volatility: mean-one lognormal AR(1) multipliers whose spread starts at
the monthly sd and widens with time; month 1 stays near the disclosed run-rate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.noise import NoiseBlock, active_noise, ar1_multipliers, log_variance
from llmecon.simulate.run import run
from llmecon.simulate.scenario import LineSpec, Noise, Scenario
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


# disclosed monthly run-rates of the lines as calibrated (the shared unit-economics
# drivers: each line at the latest period that discloses its revenue), in month 1: Zhipu H1
# 2025 cloud RMB 29.1m / 6, and its project line's (revenue less cloud) / 6 with July's
# seasonal weight (acceptance ratios 0.6, 0.9, 1.0, 1.5 by quarter, averaging 0.75 over
# January-June: Q3 is 1.0 / 0.75 of the H1 average); MiniMax AI-native products 9M 2025
# US$38.02m / 9 plus the open platform 9M 2025 US$15.417m / 9
# Zhipu's project line in July 2025: signed in January at the backlog's value (H1 2025's
# RMB 161.777m a month x 1.3624, tests/simulate/test_seasonality.py) grown back six months,
# 1.5 ** -0.5, in a quarter weighing 1.0 / 0.75
#: Zhipu's project revenue in July-September: the assumed 1.0 of Q3 times the second half's
#: scale that FY2024's halves give net of growth (calibrate_lines.acceptance_seasonality):
#: H2/H1 2024 = (312.414 - 44.9) / 44.9 over (190.877 / 44.9) ** 0.5, against the shape's 2.5 / 1.5
ZHIPU_Q3 = (312.414 - 44.9) / 44.9 / (190.877 / 44.9) ** 0.5 * 1.5 / 2.5
RUN_RATE = {"zhipu": (29.1e6 + 161.777e6 * 1.3624 * 1.5 ** -0.5 * ZHIPU_Q3 / 0.75) / 6,
            "minimax": (38.02e6 * 1.377 + 15.417e6 * 1.347) / 9}  # at the exit run-rates


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_month_one_near_run_rate_and_the_fan_widens(request: pytest.FixtureRequest,
                                                    cid: str) -> None:
    """The calibrated scenario run as is (noise reaches real runs through the sampler):
    month 1 within +/-5% of the disclosed run-rate, the fan wider with time, and wider at
    the horizon than the same run without noise."""
    company: Company = request.getfixturevalue(cid)
    s = load_base_scenario(company)
    assert s.noise, "the calibrated scenario carries month-to-month noise"
    rate = RUN_RATE[cid]
    r = run(s, paths=4000, seed=4)
    q = r.percentiles["revenue"]
    p5, p95 = q[0], q[-1]
    assert rate * 0.95 <= p5[0] <= p95[0] <= rate * 1.05
    width = p95 / p5
    assert width[0] < width[11] < width[35]
    quiet = run(replace(s, noise=()), paths=4000, seed=4)
    qq = quiet.percentiles["revenue"]
    assert width[35] > qq[-1, 35] / qq[0, 35]


def _one_api_line(noise: tuple[Noise, ...]) -> Scenario:
    """Everything fixed; revenue = 1e6 tokens x 100 per million = 100 a month, flat."""
    d = {k: Dist("fixed", {"value": v}) for k, v in {
        "start_cash": 1e4, "inference_cost_decline_annual": 0.0,
        "training_compute_monthly": 0.0, "training_compute_growth_annual": 0.0,
        "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0,
        "api.tokens_per_month": 1e6, "api.volume_growth_monthly": 0.0,
        "api.price_per_m": 100.0, "api.price_decline_monthly": 0.0,
        "api.cost_per_m_tokens": 10.0, "api.utilisation": 1.0}.items()}
    return Scenario("one", "USD", date(2024, 12, 31), 24, (LineSpec("api", "api"),), d,
                    noise=noise)


def test_a_run_carries_the_ar1_noise_by_hand() -> None:
    """A random walk (phi = 1, sd 0.05) on token demand in a run with nothing else
    uncertain: log(revenue / 100) has sd 0.05 sqrt(t) in month t (month 1: 0.05, month
    24: 0.05 x sqrt(24) = 0.245) and mean revenue stays 100 (mean-one multipliers)."""
    r = run(_one_api_line((Noise("api.tokens_per_month", 0.05, 1.0),)), paths=20_000,
            seed=3, keep_paths=True)
    assert r.paths_data is not None
    z = np.log(r.paths_data.revenue / 100.0)
    assert z[:, 0].std() == pytest.approx(0.05, rel=0.03)
    assert z[:, 23].std() == pytest.approx(0.05 * np.sqrt(24), rel=0.03)
    assert r.mean["revenue"][23] == pytest.approx(100.0, rel=0.01)
    # without noise every path is the hand projection: 100 a month
    flat = run(_one_api_line(()), paths=50, seed=3)
    assert np.all(flat.percentiles["revenue"] == pytest.approx(100.0, rel=1e-12))


def test_noise_is_seeded_per_path_across_block_sizes() -> None:
    s = _one_api_line((Noise("api.tokens_per_month", 0.05, 0.9),))
    a = run(s, paths=3000, seed=5, block_paths=3000, keep_paths=True)
    b = run(s, paths=3000, seed=5, block_paths=700, keep_paths=True)
    assert a.paths_data is not None and b.paths_data is not None
    np.testing.assert_array_equal(a.paths_data.revenue, b.paths_data.revenue)


def test_block_noise_tile_by_tile_is_the_whole_block_recursion_bit_for_bit() -> None:
    """NoiseBlock (tiles drawn into a buffer, recursion fused with the exponential row by
    row) gives the multipliers of the plain recursion on the concatenated normals, for a
    block that starts and ends inside a tile."""
    s = _one_api_line((Noise("api.tokens_per_month", 0.05, 0.9),
                       Noise("api.price_per_m", 0.02, 1.0)))
    tile, first, n = 8, 5, 13  # tiles 0, 1 and 2; paths 5 to 17
    block = NoiseBlock(s, n, tile)
    normals: list[list[np.ndarray]] = [[], []]
    for k in range(3):
        rng = np.random.default_rng(k)
        lo, hi = max(first - k * tile, 0), min(first + n - k * tile, tile)
        block.add_tile(rng, slice(lo, hi), slice(k * tile + lo - first, k * tile + hi - first))
        rng = np.random.default_rng(k)
        for i in range(2):
            normals[i].append(rng.standard_normal((24, tile))[:, lo:hi])
    got = block.multipliers()
    for (nz, names), eps in zip(active_noise(s), normals, strict=True):
        z = np.concatenate(eps, axis=1) * nz.sd_monthly
        for t in range(1, 24):
            z[t] += nz.autocorrelation * z[t - 1]
        z -= log_variance(nz.sd_monthly, nz.autocorrelation, 24)[:, None] / 2.0
        assert np.array_equal(got[names[0]], np.exp(z).T)
