"""Marginals without scipy.stats on the simulation path, checked against scipy.stats (an
independent implementation) and against closed forms written here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from llmecon.simulate.distributions import Dist, normal_cdf

U = np.array([1e-12, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-6])
Z = np.array([-8.0, -3.0, -1.0, -0.2, 0.0, 0.4, 1.5, 3.0, 6.0])


def _scipy(d: Dist, u: np.ndarray) -> np.ndarray:
    p = d.params
    if d.kind == "normal":
        return stats.norm.ppf(u, loc=p["mean"], scale=p["sd"])
    if d.kind == "lognormal":
        s2 = math.log(1 + (p["sd"] / p["mean"]) ** 2)
        return stats.lognorm.ppf(u, s=math.sqrt(s2), scale=p["mean"] * math.exp(-s2 / 2))
    if d.kind == "triangular":
        lo, mo, hi = p["low"], p["mode"], p["high"]
        return stats.triang.ppf(u, c=(mo - lo) / (hi - lo), loc=lo, scale=hi - lo)
    if d.kind == "uniform":
        return stats.uniform.ppf(u, loc=p["low"], scale=p["high"] - p["low"])
    m, s = p["mean"], p["sd"]
    k = m * (1 - m) / (s * s) - 1
    return stats.beta.ppf(u, m * k, (1 - m) * k)


DISTS = [Dist("normal", {"mean": 0.3, "sd": 0.1}),
         Dist("lognormal", {"mean": 120.0, "sd": 40.0}),
         Dist("triangular", {"low": 0.1, "mode": 0.3, "high": 0.6}),
         Dist("uniform", {"low": -0.05, "high": 0.25}),
         Dist("beta", {"mean": 0.5, "sd": 0.1})]


@pytest.mark.parametrize("d", DISTS, ids=lambda d: d.kind)
def test_quantiles_agree_with_scipy(d: Dist) -> None:
    np.testing.assert_allclose(d.ppf(U), _scipy(d, U), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("d", DISTS, ids=lambda d: d.kind)
def test_values_at_normal_scores_agree_with_scipy(d: Dist) -> None:
    # the copula's normal scores z map to ppf(Phi(z)); normal and lognormal directly. In
    # the upper tail Phi(z) rounds towards 1 (scipy's round trip loses digits there), so
    # the comparison stops at z = 3 and the tail is checked by hand below.
    z = Z[Z <= 3]
    np.testing.assert_allclose(d.from_normal(z), _scipy(d, stats.norm.cdf(z)), rtol=1e-9,
                               atol=1e-12)


def test_upper_tail_by_hand() -> None:
    # z = 6: normal 0.3 + 6 x 0.1; lognormal mean 120, sd 40: s^2 = ln(1 + 1/9),
    # value = 120 exp(-s^2 / 2) exp(6 s)
    assert DISTS[0].from_normal(np.array([6.0]))[0] == pytest.approx(0.9, rel=1e-12)
    s2 = math.log(1 + (40 / 120) ** 2)
    want = 120 * math.exp(-s2 / 2) * math.exp(6 * math.sqrt(s2))
    assert DISTS[1].from_normal(np.array([6.0]))[0] == pytest.approx(want, rel=1e-12)


def test_normal_cdf_and_closed_forms_by_hand() -> None:
    np.testing.assert_allclose(normal_cdf(Z), stats.norm.cdf(Z), rtol=1e-12, atol=1e-300)
    # by hand: a normal's value at z = 1.5 is mean + 1.5 sd = 0.3 + 0.15
    assert DISTS[0].from_normal(np.array([1.5]))[0] == pytest.approx(0.45)
    # triangular (0.1, 0.3, 0.6) at u = 0.2 (below c = 0.4): 0.1 + sqrt(0.2 x 0.5 x 0.2)
    assert DISTS[2].ppf(np.array([0.2]))[0] == pytest.approx(0.1 + math.sqrt(0.02))
    # uniform (-0.05, 0.25) at u = 0.5: the middle, 0.10
    assert DISTS[3].ppf(np.array([0.5]))[0] == pytest.approx(0.10)
    # the ends of [0, 1] and outside it
    assert DISTS[0].ppf(np.array([0.0, 1.0])).tolist() == [-math.inf, math.inf]
    assert np.isnan(DISTS[0].ppf(np.array([1.5]))).all()


def test_scipy_stats_is_not_imported_by_a_run() -> None:
    import subprocess
    import sys

    code = ("import sys; from llmecon.api import load_company; "
            "from llmecon.simulate.loaders import load_base_scenario; "
            "from llmecon.simulate.run import run; "
            "run(load_base_scenario(load_company('minimax'), horizon_months=12), paths=2000); "
            "print('scipy.stats' in sys.modules, 'duckdb' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
