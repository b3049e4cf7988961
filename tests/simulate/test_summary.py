"""Streaming summaries against exact numpy statistics on runs small enough to hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from llmecon.simulate.run import PERCENTILES, deterministic, run
from llmecon.simulate.scenario import Scenario
from llmecon.simulate.sketch import RELATIVE_ERROR, ZERO_BAND, Sketch, exact_rank_percentiles
from llmecon.simulate.summary import metrics_of

Factory = Callable[..., Scenario]


def _within_bound(got: np.ndarray, values: np.ndarray, method: str) -> None:
    """The stated bound: within RELATIVE_ERROR of the larger order statistic interpolated
    (or ZERO_BAND absolute)."""
    exact = np.nanpercentile(values, PERCENTILES, axis=0, method=method)
    srt = np.sort(values, axis=0)
    n = (~np.isnan(values)).sum(axis=0)
    lo = np.floor(np.outer(np.asarray(PERCENTILES) / 100, n - 1)).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    big = np.maximum(np.abs(np.take_along_axis(srt, lo, 0)),
                     np.abs(np.take_along_axis(srt, hi, 0)))
    assert np.all(np.abs(got - exact) <= RELATIVE_ERROR * big + ZERO_BAND)
    # and the acceptance figure: within 0.1% of the exact percentile
    assert np.all(np.abs(got - exact) <= 1e-3 * np.abs(exact) + ZERO_BAND)


def test_percentiles_within_the_bound_of_numpy(uncertain: Factory) -> None:
    """A 20,000-path run holding its paths: each sketched percentile against
    np.percentile on the same paths."""
    r = run(uncertain(36), paths=20_000, seed=3, keep_paths=True)
    assert r.paths_data is not None
    for k, v in metrics_of(r.paths_data).items():
        _within_bound(r.percentiles[k], v, "linear")
        np.testing.assert_allclose(r.mean[k], np.nanmean(v, axis=0), rtol=1e-12)
    rev = r.paths_data.revenue.sum(axis=1)
    exact = np.percentile(rev, PERCENTILES, method="inverted_cdf")
    assert np.all(np.abs(r.revenue_total_percentiles - exact) <= RELATIVE_ERROR * exact)


def test_counted_statistics_are_exact(uncertain: Factory) -> None:
    """Runway, break-even and probabilities, written out as the full-path formulas."""
    from llmecon.simulate.distributions import Dist

    s = uncertain(24)
    d = dict(s.drivers)
    d["training_compute_monthly"] = Dist("uniform", {"low": 100, "high": 900})
    s = replace(s, drivers=d)
    r = run(s, paths=5_000, seed=9, keep_paths=True)
    p = r.paths_data
    assert p is not None
    out = p.cash < 0
    assert 0 < out.any(axis=1).mean() < 1  # some paths run out of cash, some do not
    np.testing.assert_array_equal(r.prob_cash_out,
                                  np.maximum.accumulate(out, axis=1).mean(axis=0))
    # months are numbered from 1 (month 1 = the first projected month, index 0)
    first = np.where(out.any(axis=1), out.argmax(axis=1) + 1.0, np.inf)
    np.testing.assert_array_equal(r.runway_percentiles,
                                  np.percentile(first, PERCENTILES, method="inverted_cdf"))
    be = p.operating_cash_flow >= 0
    first_be = np.where(be.any(axis=1), be.argmax(axis=1) + 1.0, np.inf)
    np.testing.assert_array_equal(r.breakeven_percentiles,
                                  np.percentile(first_be, PERCENTILES, method="inverted_cdf"))
    assert r.prob_breakeven == np.isfinite(first_be).mean()
    assert r.runway_counts.sum() == 5_000
    for name, rho in r.driver_correlation.items():
        from llmecon.simulate.sampling import sample_paths

        x, _ = sample_paths(s, 9, 0, 5_000)
        assert rho == pytest.approx(np.corrcoef(x[name], p.cash[:, -1])[0, 1], abs=1e-9)


def test_zero_variance_percentiles_are_the_deterministic_projection(uncertain: Factory
                                                                    ) -> None:
    s = uncertain().deterministic()
    r = run(s, paths=300, seed=1)
    det = deterministic(s)
    for q in range(len(PERCENTILES)):
        assert np.array_equal(r.percentiles["cash"][q], det.cash[0])
        assert np.array_equal(r.percentiles["revenue"][q], det.revenue[0])


def test_sketch_merge_is_exact_and_order_free() -> None:
    rng = np.random.default_rng(0)
    v = rng.lognormal(10, 3, (3000, 2)) * rng.choice([-1.0, 1.0], (3000, 2))
    v[::50] = 0.0
    v[::77, 0] = np.nan
    whole = Sketch.of(v)
    parts = [Sketch.of(v[i:i + 700]) for i in range(0, 3000, 700)]
    left = parts[0]
    for p in parts[1:]:
        left = left.merged(p)
    right = parts[-1]
    for p in reversed(parts[:-1]):
        right = p.merged(right)
    for s in (left, right):
        for t in range(2):
            np.testing.assert_array_equal(s.percentiles(PERCENTILES)[:, t],
                                          whole.percentiles(PERCENTILES)[:, t])
    _within_bound(whole.percentiles(PERCENTILES), v, "linear")
    _within_bound(whole.percentiles(PERCENTILES, "inverted_cdf"), v, "inverted_cdf")
    assert list(whole.count()) == [3000 - 39, 3000]


def test_sketch_edges() -> None:
    """All NaN: NaN; one value: itself; extremes exact."""
    s = Sketch.of(np.array([[np.nan], [np.nan]]))
    assert np.isnan(s.percentiles(PERCENTILES)).all()
    one = Sketch.of(np.array([[123.456]]))
    assert np.all(one.percentiles(PERCENTILES) == 123.456)
    v = np.array([[-5.0], [1e-12], [3.0], [7.25]])
    got = Sketch.of(v).percentiles([0, 100])
    assert got[0, 0] == -5.0 and got[1, 0] == 7.25


def test_exact_rank_percentiles_match_numpy() -> None:
    rng = np.random.default_rng(4)
    for n in (1, 2, 19, 20, 21, 100, 1001):
        x = rng.integers(0, 5, n).astype(float)
        x[rng.random(n) < 0.2] = np.inf
        values = np.array([0, 1, 2, 3, 4, np.inf])
        counts = np.array([(x == v).sum() for v in values])
        np.testing.assert_array_equal(exact_rank_percentiles(counts, values, PERCENTILES),
                                      np.percentile(x, PERCENTILES, method="inverted_cdf"))


def test_burn_is_operating_cash_flow_less_capex_and_leases(uncertain: Factory) -> None:
    """Capex 30 and lease payments 5 a month: the summarised burn is -(operating cash flow)
    + 35 in every month (the 18C basis), not -operating cash flow."""
    from llmecon.simulate.distributions import Dist

    s = uncertain(12).deterministic()
    d = dict(s.drivers)
    d["capex_monthly"] = Dist("fixed", {"value": 30.0})
    d["lease_payments_monthly"] = Dist("fixed", {"value": 5.0})
    s = replace(s, drivers=d)
    r = run(s, paths=20, seed=0)
    det = deterministic(s)
    want = -det.operating_cash_flow[0] + 35.0
    for q in range(len(PERCENTILES)):
        np.testing.assert_allclose(r.percentiles["burn"][q], want, rtol=1e-12)
    np.testing.assert_allclose(r.mean["burn"], want, rtol=1e-12)


def test_runway_is_the_calendar_runway_of_each_path(uncertain: Factory) -> None:
    """One definition of runway: the run's percentiles and dates are those of
    simulate.calendar.runway over the paths (month 1 = January 2025 here)."""
    from llmecon.simulate.calendar import runway
    from llmecon.simulate.distributions import Dist

    s = uncertain(24)
    d = dict(s.drivers)
    d["training_compute_monthly"] = Dist("uniform", {"low": 100, "high": 900})
    s = replace(s, drivers=d)
    r = run(s, paths=2_000, seed=9, keep_paths=True)
    assert r.paths_data is not None
    ways = [runway(c, s.start) for c in r.paths_data.cash]
    numbers = np.array([w.month_number for w in ways])
    np.testing.assert_array_equal(r.runway_percentiles,
                                  np.percentile(numbers, PERCENTILES, method="inverted_cdf"))
    for q in r.runway_percentiles:
        if np.isfinite(q):
            path = next(w for w in ways if w.month_number == q)
            assert r.month_end_of(q) == path.month_end
    assert r.month_ends[0].isoformat() == "2025-01-31"


def test_correlations_of_huge_moments_are_not_zero() -> None:
    """A hostile-input audit: a 240-month scenario inside the driver ranges took cash to
    1e150, the product of the second moments overflowed, a numpy warning leaked and the most
    important driver's correlation read 0.0 (a number over inf)."""
    import warnings

    from llmecon.simulate.summary import Folded

    f = Folded(n=10, m2_x=np.array([1e200, np.inf]), m2_y=1e200,
               c_xy=np.array([0.9e200, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may leak
        r = f.correlations(["a", "b"])
    assert r["a"] == pytest.approx(0.9)  # 0.9e200 / (1e100 x 1e100)
    assert np.isnan(r["b"])  # a moment past the largest float: unknown, not "unrelated"
