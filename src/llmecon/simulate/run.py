"""Monte Carlo runs: seeded blocks of paths, numpy or Dask backends, summary statistics.

Paths are generated in fixed blocks of ``BLOCK`` paths; block ``b`` draws from
``SeedSequence(seed, spawn_key=(b,))``. A backend only decides where blocks run, so the same
seed gives the same numbers on numpy and on Dask, whatever the chunking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from llmecon.errors import InputError
from llmecon.simulate.distributions import correlated_uniforms
from llmecon.simulate.engine import Paths, project
from llmecon.simulate.scenario import TIME_INDICES, Scenario

BLOCK = 16384
PERCENTILES = (5, 25, 50, 75, 95)
MAX_PATHS = 10_000_000
Array = np.ndarray[Any, Any]


def _shock_mults(s: Scenario, paths: int) -> dict[str, Array]:
    mults: dict[str, Array] = {}
    for sh in s.shocks:
        m = mults.setdefault(sh.driver, np.ones(s.horizon_months))
        end = s.horizon_months if sh.months == 0 else min(sh.start_month + sh.months,
                                                          s.horizon_months)
        m[sh.start_month:end] *= sh.multiplier
    return mults


def sample_block(s: Scenario, seed: int, block: int, n: int
                 ) -> tuple[dict[str, Array], dict[str, Array]]:
    """Driver values and multipliers for ``n`` paths of block ``block``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    uncertain = sorted(k for k, d in s.drivers.items() if not d.degenerate)
    u = correlated_uniforms(rng, n, uncertain, s.correlations)
    x = {k: (d.ppf(u[k]) if k in u else np.full(n, d.central)) for k, d in s.drivers.items()}
    mults: dict[str, Array] = dict(_shock_mults(s, n))
    for reg in s.regimes:
        active = reg.active(rng, n, s.horizon_months)
        for name, factor in reg.multipliers.items():
            base = mults.get(name, np.ones(s.horizon_months))
            mults[name] = base * np.where(active, factor, 1.0)
    return x, mults


def simulate_block(s: Scenario, seed: int, block: int, n: int,
                   into: Paths | None = None) -> Paths:
    x, mults = sample_block(s, seed, block, n)
    return project(s, x, mults, into)


def deterministic(s: Scenario) -> Paths:
    """The projection at every driver's central value (one path, no regimes)."""
    d = s.deterministic()
    x = {k: np.array([v.central]) for k, v in d.drivers.items()}
    return project(d, x, _shock_mults(d, 1))


def blocks_for(paths: int) -> list[tuple[int, int]]:
    return [(b, min(BLOCK, paths - b * BLOCK)) for b in range(math.ceil(paths / BLOCK))]


@dataclass(frozen=True)
class SimResult:
    """Percentiles per month, probability of running out of cash, runway and break-even."""

    company: str
    currency: str
    horizon_months: int
    paths: int
    seed: int
    backend: str
    stresses: tuple[str, ...]
    percentiles: dict[str, Array]  # metric -> (len(PERCENTILES), months)
    mean: dict[str, Array]
    prob_cash_out: Array  # P(cash has gone below zero by month t)
    runway_percentiles: Array  # month cash first goes below zero; inf: not within the horizon
    breakeven_percentiles: Array
    prob_breakeven: float
    revenue_total_percentiles: Array  # revenue summed over the horizon
    gross_margin_total_percentiles: Array  # gross profit / revenue over the horizon
    paths_data: Paths | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        h = self.horizon_months - 1

        def pct(metric: str) -> dict[str, float]:
            return {f"p{q}": float(self.percentiles[metric][i, h])
                    for i, q in enumerate(PERCENTILES)}

        return {
            "company": self.company, "currency": self.currency, "paths": self.paths,
            "horizon_months": self.horizon_months, "seed": self.seed, "backend": self.backend,
            "stresses": list(self.stresses),
            "prob_cash_out_by_horizon": float(self.prob_cash_out[-1]),
            "cash_at_horizon": pct("cash"), "revenue_last_month": pct("revenue"),
            "gross_margin_last_month": pct("gross_margin"),
            "runway_months": {f"p{q}": float(v) for q, v in zip(PERCENTILES,
                                                                self.runway_percentiles,
                                                                strict=True)},
            "breakeven_month": {f"p{q}": float(v) for q, v in zip(PERCENTILES,
                                                                  self.breakeven_percentiles,
                                                                  strict=True)},
            "prob_breakeven_within_horizon": self.prob_breakeven,
            "revenue_over_horizon": {f"p{q}": float(v) for q, v in zip(
                PERCENTILES, self.revenue_total_percentiles, strict=True)},
            "gross_margin_over_horizon": {f"p{q}": float(v) for q, v in zip(
                PERCENTILES, self.gross_margin_total_percentiles, strict=True)},
        }


def summarise(s: Scenario, p: Paths, seed: int, backend: str, keep_paths: bool) -> SimResult:
    with np.errstate(divide="ignore", invalid="ignore"):
        gm = np.where(p.revenue > 0, p.gross_profit / np.where(p.revenue > 0, p.revenue, 1.0),
                      np.nan)
    metrics = {"cash": p.cash, "revenue": p.revenue, "gross_margin": gm,
               "burn": -p.operating_cash_flow, "trade_receivables": p.trade_receivables,
               "contract_liabilities": p.contract_liabilities}
    pct = {k: _percentiles(v) for k, v in metrics.items()}
    mean = {k: (np.nanmean(v, axis=0) if np.isnan(v).any() else v.mean(axis=0))
            for k, v in metrics.items()}
    out = p.cash < 0
    ever = np.maximum.accumulate(out, axis=1)
    h = s.horizon_months
    first_out = np.where(out.any(axis=1), out.argmax(axis=1).astype(float), np.inf)
    positive = p.operating_cash_flow >= 0
    first_be = np.where(positive.any(axis=1), positive.argmax(axis=1).astype(float), np.inf)
    rev_total = p.revenue.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        gm_total = np.where(rev_total > 0, p.gross_profit.sum(axis=1) / rev_total, np.nan)
    return SimResult(
        s.company, s.currency, h, len(p.cash), seed, backend, s.stresses, pct, mean,
        ever.mean(axis=0), _quantiles(first_out), _quantiles(first_be),
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


def _concat(parts: Sequence[Paths]) -> Paths:
    return Paths(*(np.concatenate([getattr(q, f) for q in parts]) for f in FIELDS))


def _chunk(s: Scenario, seed: int, blocks: Sequence[tuple[int, int]]
           ) -> dict[str, Array | None]:
    """A worker's share of paths; series that are all zero travel back as None."""
    p = _concat([simulate_block(s, seed, b, n) for b, n in blocks])
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


def run(s: Scenario, *, paths: int = 10_000, seed: int = 0, backend: str = "numpy",
        scheduler: str | None = None, workers: int = 2, chunk_blocks: int = 4,
        keep_paths: bool = False, progress: Callable[[int, int], None] | None = None
        ) -> SimResult:
    """Run the Monte Carlo. ``progress(done_paths, total_paths)`` is called as blocks end."""
    if not 1 <= paths <= MAX_PATHS:
        raise InputError(f"paths: expected 1 to {MAX_PATHS:,}, found {paths}")
    if seed < 0:
        raise InputError(f"seed: expected a whole number >= 0, found {seed}")
    blocks = blocks_for(paths)
    if backend == "numpy":
        merged = _empty(paths, s.horizon_months)
        done = 0
        for b in blocks:
            start = b[0] * BLOCK
            view = Paths(*(getattr(merged, f)[start:start + b[1]] for f in FIELDS))
            simulate_block(s, seed, *b, into=view)
            done += b[1]
            if progress:
                progress(done, paths)
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
            _put(merged, chunks[i][0][0] * BLOCK, fut.result())
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
