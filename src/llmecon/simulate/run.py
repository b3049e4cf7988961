"""Monte Carlo runs: seeded paths, numpy or Dask backends, summary statistics.

Random numbers come in tiles of ``TILE`` paths: tile ``k`` (paths ``k * TILE`` to
``(k + 1) * TILE - 1``) draws from ``SeedSequence(seed, spawn_key=(k,))``. A block of paths
(``block_paths`` of them, any number) draws the tiles it overlaps and keeps its rows, so a
path's numbers depend only on the seed and the path's index: the same seed gives the same
results on numpy and on Dask, whatever the block size and the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from llmecon.constants import MAX_HORIZON_MONTHS, MAX_PATHS
from llmecon.errors import InputError
from llmecon.formulas import gross_margin
from llmecon.simulate.distributions import correlated_uniforms
from llmecon.simulate.engine import Paths, project
from llmecon.simulate.scenario import TIME_INDICES, Scenario

#: Paths per random-number tile (the unit of seeding; blocks may be any size).
TILE = 1024
#: Default paths per block (the unit of work).
BLOCK = 16384
PERCENTILES = (5, 25, 50, 75, 95)
Array = np.ndarray[Any, Any]


def _shock_mults(s: Scenario) -> dict[str, Array]:
    mults: dict[str, Array] = {}
    for sh in s.shocks:
        m = mults.setdefault(sh.driver, np.ones(s.horizon_months))
        end = s.horizon_months if sh.months == 0 else min(sh.start_month + sh.months,
                                                          s.horizon_months)
        m[sh.start_month:end] *= sh.multiplier
    return mults


def _tile(s: Scenario, seed: int, tile: int, uncertain: Sequence[str]
          ) -> tuple[dict[str, Array], list[Array]]:
    """Uniforms per uncertain driver and each regime's activity for the ``TILE`` paths of
    tile ``tile``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(tile,)))
    u = correlated_uniforms(rng, TILE, uncertain, s.correlations)
    return u, [reg.active(rng, TILE, s.horizon_months) for reg in s.regimes]


def sample_paths(s: Scenario, seed: int, first: int, n: int
                 ) -> tuple[dict[str, Array], dict[str, Array]]:
    """Driver values and multipliers for paths ``first`` to ``first + n - 1``."""
    uncertain = sorted(k for k, d in s.drivers.items() if not d.degenerate)
    t0, t1 = first // TILE, (first + n - 1) // TILE
    tiles = [_tile(s, seed, k, uncertain) for k in range(t0, t1 + 1)]
    rows = slice(first - t0 * TILE, first - t0 * TILE + n)
    u = {k: np.concatenate([t[0][k] for t in tiles])[rows] for k in uncertain}
    x = {k: (d.ppf(u[k]) if k in u else np.full(n, d.central)) for k, d in s.drivers.items()}
    mults: dict[str, Array] = dict(_shock_mults(s))
    for i, reg in enumerate(s.regimes):
        active = np.concatenate([t[1][i] for t in tiles])[rows]
        for name, factor in reg.multipliers.items():
            base = mults.get(name, np.ones(s.horizon_months))
            mults[name] = base * np.where(active, factor, 1.0)
    return x, mults


def sample_block(s: Scenario, seed: int, block: int, n: int
                 ) -> tuple[dict[str, Array], dict[str, Array]]:
    """Driver values and multipliers for ``n`` paths of block ``block`` of ``BLOCK`` paths."""
    return sample_paths(s, seed, block * BLOCK, n)


def simulate_paths(s: Scenario, seed: int, first: int, n: int,
                   into: Paths | None = None) -> Paths:
    """Project paths ``first`` to ``first + n - 1`` (into ``into`` if given)."""
    x, mults = sample_paths(s, seed, first, n)
    return project(s, x, mults, into)


def deterministic(s: Scenario) -> Paths:
    """The projection at every driver's central value (one path, no regimes)."""
    d = s.deterministic()
    x = {k: np.array([v.central]) for k, v in d.drivers.items()}
    return project(d, x, _shock_mults(d))


def blocks_for(paths: int, block_paths: int = BLOCK) -> list[tuple[int, int]]:
    """(first path, number of paths) of each block, in order."""
    return [(b, min(block_paths, paths - b)) for b in range(0, paths, block_paths)]


@dataclass(frozen=True)
class SimResult:
    """A Monte Carlo run: percentiles per month, probability of running out of cash, runway
    and break-even. Money is in ``currency`` units (not thousands), months count from the
    month after the scenario's start (month 0 is the first projected month), ratios are
    fractions (0.3 is 30%). Percentile arrays follow :data:`PERCENTILES` (5, 25, 50, 75, 95).

    Attributes
    ----------
    company, currency : the company id and the currency of every money amount.
    horizon_months : months projected. paths : paths simulated. seed : the run's seed.
    backend : ``numpy`` or ``dask``. stresses : stress presets applied, in order.
    percentiles : metric -> array (len(PERCENTILES), horizon_months); metrics ``cash``
        (end of month, currency), ``revenue``, ``burn`` (-operating cash flow),
        ``trade_receivables``, ``contract_liabilities`` (currency per month or at month
        end) and ``gross_margin`` (fraction of the month's revenue; paths without revenue
        left out).
    mean : metric -> array (horizon_months,), the mean over paths of the same metrics.
    prob_cash_out : array (horizon_months,), P(cash has gone below zero by month m).
    runway_percentiles : month in which cash first goes below zero (``inf``: not within the
        horizon), per percentile, months.
    breakeven_percentiles : first month with operating cash flow >= 0 (``inf``: none), months.
    prob_breakeven : P(some month of the horizon has operating cash flow >= 0), fraction.
    revenue_total_percentiles : revenue summed over the horizon, currency.
    gross_margin_total_percentiles : gross profit / revenue over the horizon, fraction.
    paths_data : the full paths when kept (``keep_paths``), else None.
    """

    company: str
    currency: str
    horizon_months: int
    paths: int
    seed: int
    backend: str
    stresses: tuple[str, ...]
    percentiles: dict[str, Array]
    mean: dict[str, Array]
    prob_cash_out: Array
    runway_percentiles: Array
    breakeven_percentiles: Array
    prob_breakeven: float
    revenue_total_percentiles: Array
    gross_margin_total_percentiles: Array
    paths_data: Paths | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        med = PERCENTILES.index(50)
        cash = float(self.percentiles["cash"][med, -1])
        stress = "+".join(self.stresses) or "base"
        return (f"SimResult({self.company} {stress}, {self.paths:,} paths x "
                f"{self.horizon_months} months, seed {self.seed}, {self.backend}: median cash "
                f"at horizon {cash:,.0f} {self.currency}, P(cash < 0 by horizon) "
                f"{float(self.prob_cash_out[-1]):.1%})")

    def summary(self) -> dict[str, Any]:
        h = self.horizon_months - 1

        def pct(metric: str) -> dict[str, float]:
            return {f"p{q}": float(self.percentiles[metric][i, h])
                    for i, q in enumerate(PERCENTILES)}

        def named(values: Array) -> dict[str, float]:
            return {f"p{q}": float(v) for q, v in zip(PERCENTILES, values, strict=True)}

        return {
            "company": self.company, "currency": self.currency, "paths": self.paths,
            "horizon_months": self.horizon_months, "seed": self.seed, "backend": self.backend,
            "stresses": list(self.stresses),
            "prob_cash_out_by_horizon": float(self.prob_cash_out[-1]),
            "cash_at_horizon": pct("cash"), "revenue_last_month": pct("revenue"),
            "gross_margin_last_month": pct("gross_margin"),
            "runway_months": named(self.runway_percentiles),
            "breakeven_month": named(self.breakeven_percentiles),
            "prob_breakeven_within_horizon": self.prob_breakeven,
            "revenue_over_horizon": named(self.revenue_total_percentiles),
            "gross_margin_over_horizon": named(self.gross_margin_total_percentiles),
        }


def summarise(s: Scenario, p: Paths, seed: int, backend: str, keep_paths: bool) -> SimResult:
    gm = gross_margin(p.revenue, p.revenue - p.gross_profit)
    metrics = {"cash": p.cash, "revenue": p.revenue, "gross_margin": gm,
               "burn": -p.operating_cash_flow, "trade_receivables": p.trade_receivables,
               "contract_liabilities": p.contract_liabilities}
    pct = {k: _percentiles(v) for k, v in metrics.items()}
    mean = {k: (np.nanmean(v, axis=0) if np.isnan(v).any() else v.mean(axis=0))
            for k, v in metrics.items()}
    out = p.cash < 0
    ever = np.maximum.accumulate(out, axis=1)
    first_out = np.where(out.any(axis=1), out.argmax(axis=1).astype(float), np.inf)
    positive = p.operating_cash_flow >= 0
    first_be = np.where(positive.any(axis=1), positive.argmax(axis=1).astype(float), np.inf)
    rev_total = p.revenue.sum(axis=1)
    gm_total = gross_margin(rev_total, rev_total - p.gross_profit.sum(axis=1))
    return SimResult(
        s.company, s.currency, s.horizon_months, len(p.cash), seed, backend, s.stresses, pct,
        mean, ever.mean(axis=0), _quantiles(first_out), _quantiles(first_be),
        float(np.isfinite(first_be).mean()), _quantiles(rev_total), _quantiles(gm_total),
        p if keep_paths else None)


def _percentiles(v: Array) -> Array:
    """Per-month percentiles over paths (NaN-aware only where NaN occurs: it is slower)."""
    if not v.any():
        return np.zeros((len(PERCENTILES), v.shape[1]))
    if np.isnan(v).any():
        return np.asarray(np.nanpercentile(v, PERCENTILES, axis=0))
    return np.asarray(np.percentile(v, PERCENTILES, axis=0))


def _quantiles(values: Array) -> Array:
    """Percentiles without interpolation (so 'beyond the horizon', inf, stays inf)."""
    out: Array = np.nanpercentile(values, PERCENTILES, method="inverted_cdf")
    return out


FIELDS = ("cash", "revenue", "gross_profit", "operating_cash_flow", "trade_receivables",
          "contract_liabilities")


def _chunk(s: Scenario, seed: int, blocks: Sequence[tuple[int, int]]
           ) -> dict[str, Array | None]:
    """A worker's share of paths; series that are all zero travel back as None."""
    parts = [simulate_paths(s, seed, first, n) for first, n in blocks]
    p = Paths(*(np.concatenate([getattr(q, f) for q in parts]) for f in FIELDS))
    return {f: (getattr(p, f) if getattr(p, f).any() else None) for f in FIELDS}


def _empty(paths: int, months: int) -> Paths:
    return Paths(*(np.empty((paths, months), order="F") for _ in FIELDS))


def _put(into: Paths, start: int, part: dict[str, Array | None]) -> None:
    cash = part["cash"]
    assert cash is not None
    n = len(cash)
    for f in FIELDS:
        arr = part[f]
        getattr(into, f)[start:start + n] = 0.0 if arr is None else arr


def _check(s: Scenario, paths: int, seed: int, block_paths: int) -> None:
    if not 1 <= paths <= MAX_PATHS:
        raise InputError(f"paths: expected 1 to {MAX_PATHS:,}, found {paths}")
    if not 1 <= s.horizon_months <= MAX_HORIZON_MONTHS:
        raise InputError(f"horizon_months: expected 1 to {MAX_HORIZON_MONTHS}, found "
                         f"{s.horizon_months}")
    if seed < 0:
        raise InputError(f"seed: expected a whole number >= 0, found {seed}")
    if block_paths < 1:
        raise InputError(f"block_paths: expected >= 1, found {block_paths}")


def run(s: Scenario, *, paths: int = 10_000, seed: int = 0, backend: str = "numpy",
        scheduler: str | None = None, workers: int = 2, chunk_blocks: int = 4,
        keep_paths: bool = False, progress: Callable[[int, int], None] | None = None,
        block_paths: int = BLOCK) -> SimResult:
    """Run the Monte Carlo. ``progress(done_paths, total_paths)`` is called as blocks end.

    ``block_paths`` paths are projected at a time; the results do not depend on it."""
    _check(s, paths, seed, block_paths)
    blocks = blocks_for(paths, block_paths)
    if backend == "numpy":
        merged = _empty(paths, s.horizon_months)
        for first, n in blocks:
            view = Paths(*(getattr(merged, f)[first:first + n] for f in FIELDS))
            simulate_paths(s, seed, first, n, into=view)
            if progress:
                progress(first + n, paths)
    elif backend == "dask":
        merged = _run_dask(s, seed, blocks, scheduler, workers, chunk_blocks, progress, paths)
    else:
        raise InputError(f"backend: expected numpy or dask, found {backend!r}")
    return summarise(s, merged, seed, backend, keep_paths)


def _run_dask(s: Scenario, seed: int, blocks: list[tuple[int, int]], scheduler: str | None,
              workers: int, chunk_blocks: int, progress: Callable[[int, int], None] | None,
              paths: int) -> Paths:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("backend dask: install the extra: pip install 'llmecon[dask]'") \
            from None
    chunks = [blocks[i:i + chunk_blocks] for i in range(0, len(blocks), chunk_blocks)]
    cluster = None
    # a local cluster's workers are threads of this process: paths are not copied between
    # processes, and numpy releases the interpreter lock in the heavy loops
    if scheduler:
        client = Client(scheduler, timeout="10s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=False,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        scen = client.scatter(s, broadcast=True)
        futures = [client.submit(_chunk, scen, seed, c, pure=False) for c in chunks]
        index = {f.key: i for i, f in enumerate(futures)}
        merged = _empty(paths, s.horizon_months)
        done = 0
        for fut in as_completed(futures):
            i = index[fut.key]
            _put(merged, chunks[i][0][0], fut.result())
            fut.release()
            done += sum(n for _, n in chunks[i])
            if progress:
                progress(done, paths)
        return merged
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_scenario_tag(s: Scenario) -> str:
    return "+".join(s.stresses) or "base"


__all__ = ["TIME_INDICES", "SimResult", "deterministic", "run", "summarise"]
