"""Monte Carlo runs: seeded paths, streamed through mergeable summaries, on numpy or Dask.

A run projects its paths block by block (``block_paths`` at a time) and reduces each block at
once to a summary (:mod:`llmecon.simulate.summary`): quantile sketches per month, counts of
the month cash first goes below zero and of break-even, sums for means, co-moments of each
uncertain driver with cash at the horizon. Memory is O(block x months), not O(paths x
months); ``keep_paths=N`` also keeps the first N paths whole. Paths are seeded per tile
(:mod:`llmecon.simulate.sampling`), so a seed gives the same result on every backend, for
any number of workers and any block size (means and correlations: to rounding, about 1e-15
relative, across block sizes; exactly across backends and workers).

Percentiles of the monthly metrics and of the totals over the horizon are read from the
sketches: each within 0.049% (``sketch.RELATIVE_ERROR``) of the exact order statistics it
interpolates (np.percentile's ``linear`` method); the runway and break-even percentiles
and every probability are exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from llmecon.constants import MAX_PATHS, MEMORY_BUDGET_BYTES
from llmecon.errors import InputError
from llmecon.simulate.backends import (
    Reduced,
    check_workers,
    estimate_memory_bytes,
    run_dask,
    run_numpy,
)
from llmecon.simulate.calendar import check_horizon, month_end, month_ends
from llmecon.simulate.engine import BURN_BASIS, Paths
from llmecon.simulate.events import financing_detail
from llmecon.simulate.movable import TIME_INDICES
from llmecon.simulate.run_summary import (
    DatedPercentiles,
    Percentiles,
    RunSummary,
    dated_percentiles,
    percentiles,
)
from llmecon.simulate.sampling import (
    BLOCK,
    TILE,
    blocks_for,
    deterministic,
    sample_block,
    sample_paths,
    simulate_paths,
    uncertain_drivers,
)
from llmecon.simulate.scenario import Scenario
from llmecon.simulate.sketch import RELATIVE_ERROR, exact_rank_percentiles
from llmecon.simulate.summary import FIELDS, METRICS

if TYPE_CHECKING:
    import pandas as pd

PERCENTILES = (5, 25, 50, 75, 95)
Array = np.ndarray[Any, Any]


@dataclass(frozen=True, eq=False)  # __eq__ by value below; no hash
class SimResult:
    """A Monte Carlo run: percentiles per month, probability of running out of cash, runway
    and break-even. Money is in ``currency`` units (not thousands), ratios are fractions
    (0.3 is 30%). Arrays per month have one column per projected month, the first being the
    calendar month after the scenario's ``start`` (its last day: ``month_ends[0]``); runway
    and break-even are month numbers counted from 1 (``month 1`` is that first month), as in
    :func:`llmecon.simulate.calendar.runway`. Percentile arrays follow :data:`PERCENTILES`
    (5, 25, 50, 75, 95).

    Attributes
    ----------
    company, currency : the company id and the currency of every money amount.
    horizon_months : months projected. paths : paths simulated. seed : the run's seed.
    backend : ``numpy`` or ``dask``. stresses : stress presets applied, in order.
    percentiles : metric -> array (len(PERCENTILES), horizon_months); metrics ``cash``
        (end of month, currency), ``revenue``, ``burn`` (:data:`BURN_BASIS`: operating
        cash flow less capex and lease payments, positive when cash is burnt),
        ``trade_receivables``, ``contract_liabilities`` (currency per month or at month
        end) and ``gross_margin`` (fraction of the month's revenue; paths without revenue
        left out).
    mean : metric -> array (horizon_months,), the mean over paths of the same metrics.
    prob_cash_out : array (horizon_months,), P(cash has gone below zero by month m).
    runway_percentiles : number of the month (from 1) in which cash first closes below zero
        (``inf``: not within the horizon), per percentile.
    breakeven_percentiles : number of the first month (from 1) with operating cash flow
        >= 0 (``inf``: none).
    prob_breakeven : P(some month of the horizon has operating cash flow >= 0), fraction.
    revenue_total_percentiles : revenue summed over the horizon, currency.
    gross_margin_total_percentiles : gross profit / revenue over the horizon, fraction.
    paths_data : the first ``keep_paths`` paths whole (arrays (kept paths, months)), or None.
    runway_counts : array (horizon_months + 1,), paths whose cash first goes below zero in
        month m; the last entry counts paths that stay above zero (the runway histogram).
    breakeven_counts : array (horizon_months + 1,), paths first reaching operating cash
        flow >= 0 in month m; the last entry: never within the horizon.
    driver_correlation : uncertain driver -> Pearson correlation of its drawn value with
        cash at the horizon over all paths (the Monte Carlo tornado's input).
    percentile_relative_error : bound on the relative error of the sketched percentiles
        (fraction; see :mod:`llmecon.simulate.sketch`).
    block_paths : paths per block. workers : processes that ran the blocks.
    start : the period end the projection starts from (None: not known).
    financing_included : which financing the run counts: ``committed``, ``all`` or ``none``.
    financing_events : labels of the financing events counted.
    financing_amounts : their gross amounts, in ``currency`` (the labels carry no amount:
        presenters format it with its currency).
    held_at_bounds : driver -> share of path-months (0-1) its multiplied value passed a
        physical bound and was held there (churn at 100%, volume growth at -100%:
        :mod:`~llmecon.simulate.bounds`); only the drivers held at least once.
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
    runway_counts: Array = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    breakeven_counts: Array = field(default_factory=lambda: np.zeros(0, np.int64),
                                    repr=False)
    driver_correlation: dict[str, float] = field(default_factory=dict, repr=False)
    percentile_relative_error: float = RELATIVE_ERROR
    block_paths: int = BLOCK
    workers: int = 1
    start: date | None = None
    financing_included: str = "committed"
    financing_events: tuple[str, ...] = ()
    financing_amounts: tuple[float, ...] = ()
    held_at_bounds: dict[str, float] = field(default_factory=dict)

    @property
    def month_ends(self) -> tuple[date, ...]:
        """The last day of each projected month (empty when ``start`` is not known)."""
        return () if self.start is None else tuple(month_ends(self.start,
                                                              self.horizon_months))

    def month_end_of(self, number: float) -> date | None:
        """The last day of month ``number`` (from 1); None beyond the horizon."""
        if self.start is None or not np.isfinite(number):
            return None
        return month_end(self.start, int(number) - 1)

    def __repr__(self) -> str:
        med = PERCENTILES.index(50)
        cash = float(self.percentiles["cash"][med, -1])
        stress = "+".join(self.stresses) or "base"
        ends = self.month_ends
        span = f" {ends[0]:%b %Y}-{ends[-1]:%b %Y}" if ends else ""
        return (f"SimResult({self.company} {stress}, {self.paths:,} paths x "
                f"{self.horizon_months} months{span}, seed {self.seed}, {self.backend}, "
                f"financing {self.financing_included}: median cash at horizon "
                f"{cash:,.0f} {self.currency}, P(cash < 0 by horizon) "
                f"{float(self.prob_cash_out[-1]):.1%})")

    #: a run holds arrays and dicts: equal by value (below), not a key (a hash said
    #: "unhashable type: 'dict'" from inside)
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        """Field by field, arrays by their values (NaN equal to NaN): a run unpickled, or
        made again with the same seed, equals the first."""
        if not isinstance(other, SimResult):
            return NotImplemented
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame, one row per metric and month: ``metric``, ``unit``
        (``money`` in ``currency``, or ``ratio``: a fraction), ``currency`` (None for a
        ratio), ``month`` (numbered from 1, as everywhere else), ``month_end`` (a date,
        datetime64; NaT when the start is not known), ``p5`` ... ``p95`` and ``mean``; and
        the rows of metric ``prob_cash_out`` (unit ``ratio``) with the probability in
        ``mean``."""
        import pandas as pd

        ends: list[date | None] = list(self.month_ends) or [None] * self.horizon_months

        def unit(metric: str) -> dict[str, str | None]:
            money = metric not in ("gross_margin", "prob_cash_out")
            return {"unit": "money" if money else "ratio",
                    "currency": self.currency if money else None}

        rows = [{"metric": k, **unit(k), "month": m + 1, "month_end": ends[m],
                 **{f"p{q}": float(v[i, m]) for i, q in enumerate(PERCENTILES)},
                 "mean": float(self.mean[k][m])}
                for k, v in self.percentiles.items() for m in range(self.horizon_months)]
        rows += [{"metric": "prob_cash_out", **unit("prob_cash_out"), "month": m + 1,
                  "month_end": ends[m], "mean": float(p)}
                 for m, p in enumerate(self.prob_cash_out)]
        out = pd.DataFrame(rows)
        out["month_end"] = pd.to_datetime(out["month_end"])  # was text (api36 L7)
        return out

    def summary(self) -> RunSummary:
        """The run at a glance as plain data (what ``simulate --format json`` prints): a
        ``dict`` typed as :class:`~llmecon.simulate.run_summary.RunSummary`."""
        h = self.horizon_months - 1

        def pct(metric: str) -> Percentiles:
            return percentiles(self.percentiles[metric][:, h])

        def dated(values: Array) -> DatedPercentiles:
            return dated_percentiles(self.month_end_of(float(v)) for v in values)

        return {
            "company": self.company, "currency": self.currency, "paths": self.paths,
            "horizon_months": self.horizon_months, "seed": self.seed, "backend": self.backend,
            "stresses": list(self.stresses), "financing": self.financing_included,
            "financing_events": list(self.financing_events),
            "financing_detail": financing_detail(self.financing_events,
                                                 self.financing_amounts, self.currency),
            "burn_basis": BURN_BASIS,
            "start": None if self.start is None else str(self.start),
            "month_ends": [str(d) for d in self.month_ends],
            "prob_cash_out_by_horizon": float(self.prob_cash_out[-1]),
            "cash_at_horizon": pct("cash"), "revenue_last_month": pct("revenue"),
            "gross_margin_last_month": pct("gross_margin"),
            "runway_months": percentiles(self.runway_percentiles),
            "runway_month_ends": dated(self.runway_percentiles),
            "breakeven_month": percentiles(self.breakeven_percentiles),
            "breakeven_month_ends": dated(self.breakeven_percentiles),
            "prob_breakeven_within_horizon": self.prob_breakeven,
            "revenue_over_horizon": percentiles(self.revenue_total_percentiles),
            "gross_margin_over_horizon": percentiles(self.gross_margin_total_percentiles),
            "percentile_relative_error": self.percentile_relative_error,
            "driver_correlation_with_cash_at_horizon": dict(self.driver_correlation),
            "held_at_bounds": dict(self.held_at_bounds),
        }


def _same(a: object, b: object) -> bool:
    """Equal values: arrays element by element (NaN equal to NaN), containers and
    dataclasses member by member."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and \
            a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k])
                                                                    for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(
            _same(x, y) for x, y in zip(a, b, strict=True))
    if is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name))
                                          for f in fields(a))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _refuse_non_finite(s: Scenario, r: Reduced) -> None:
    """NaN or infinite cash is no answer (NaN is never below zero: it would read as 'never
    runs out of cash'): name the first month and how many paths."""
    for metric in ("cash", "revenue"):
        sk = r.counts.sketches[metric]
        sums = r.folded.sums[metric] if r.folded.sums is not None else np.zeros(len(sk.nan))
        bad = sk.nan + (np.isinf(sk.low) | np.isinf(sk.high) | ~np.isfinite(sums))
        if bad.any():
            m = int(np.argmax(bad > 0))
            what = f"{int(sk.nan[m]):,} path(s) with NaN" if sk.nan[m] else \
                "values that overflow"
            raise InputError(f"{s.company}: the projection gives no number for {metric} from "
                             f"month {m} ({what}): check the scenario's drivers and financing "
                             "for NaN, infinite or overflowing values")


def _result(s: Scenario, r: Reduced, seed: int, backend: str, block_paths: int) -> SimResult:
    _refuse_non_finite(s, r)
    c, f = r.counts, r.folded
    h, n = s.horizon_months, c.paths
    assert f.sums is not None
    pct = {k: c.sketches[k].percentiles(PERCENTILES) for k in METRICS}
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = {k: f.sums[k] / c.sketches[k].count() for k in METRICS}
    months = np.append(np.arange(1, h + 1, dtype=float), np.inf)  # numbered from 1
    totals = {k: v.percentiles(PERCENTILES, "inverted_cdf")[:, 0] for k, v in c.totals.items()}
    return SimResult(
        s.company, s.currency, h, n, seed, backend, s.stresses, pct, mean,
        np.cumsum(c.first_out)[:h] / n, exact_rank_percentiles(c.first_out, months,
                                                               PERCENTILES),
        exact_rank_percentiles(c.first_breakeven, months, PERCENTILES),
        float((n - c.first_breakeven[h]) / n), totals["revenue"], totals["gross_margin"],
        _kept(c.kept), c.first_out, c.first_breakeven,
        f.correlations(uncertain_drivers(s)), RELATIVE_ERROR, block_paths, r.workers,
        s.start, s.financing_included, tuple(e.label for e in s.included_financing()),
        tuple(e.amount for e in s.included_financing()),
        {k: v / (n * h) for k, v in sorted(c.held.items())})


def _kept(kept: list[tuple[int, Paths]]) -> Paths | None:
    if not kept:
        return None
    return Paths(*(np.concatenate([getattr(p, k) for _, p in kept]) for k in FIELDS))


def _whole(name: str, value: Any) -> int:
    """``value`` as a whole number (a bool, a float or text is an error, not a guess)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{name}: expected a whole number, found {value!r}")
    return int(value)


def _positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not math.isfinite(value) or value <= 0:
        raise InputError(f"{name}: expected a finite number above 0, found {value!r}")


def _check(s: Scenario, paths: int, seed: int, block_paths: int, keep: int) -> None:
    check_horizon(s.horizon_months)
    if not 1 <= paths <= MAX_PATHS:
        raise InputError(f"paths: expected 1 to {MAX_PATHS:,}, found {paths}")
    if not 0 <= seed < 2**63:
        raise InputError(f"seed: expected a whole number from 0 to 2**63 - 1, found {seed}")
    if block_paths < 1:
        raise InputError(f"block_paths: expected >= 1, found {block_paths}")
    if not 0 <= keep <= paths:
        raise InputError(f"keep_paths: expected 0 to the number of paths ({paths:,}), "
                         f"found {keep}")


def _check_memory(s: Scenario, block_paths: int, keep: int, processes: int,
                  budget: int | None) -> None:
    if budget is None:
        return
    need = estimate_memory_bytes(s.horizon_months, block_paths, keep, processes)
    if need > budget:
        raise InputError(f"memory: this run needs about {need / 2**30:.1f} GiB (blocks of "
                         f"{block_paths:,} paths x {s.horizon_months} months in "
                         f"{processes} process(es), {keep:,} kept paths); the budget is "
                         f"{budget / 2**30:.1f} GiB: keep fewer paths, use smaller blocks "
                         "or raise the budget")


def run(s: Scenario, *, paths: int = 10_000, seed: int = 0, backend: str = "numpy",
        scheduler: str | None = None, workers: int = 2, chunk_blocks: int | None = None,
        keep_paths: int | bool = 0, progress: Callable[[int, int], None] | None = None,
        block_paths: int = BLOCK, scheduler_timeout_s: float = 10.0,
        memory_budget_bytes: int | None = MEMORY_BUDGET_BYTES) -> SimResult:
    """Run the Monte Carlo; ``progress(done_paths, total_paths)`` is called as blocks end.

    ``backend``: ``numpy`` (this process) or ``dask``: ``scheduler`` is the address of an
    existing cluster (``tcp://host:8786``), else ``workers`` local worker processes are
    started; ``chunk_blocks`` blocks go to a worker at a time (default: about four chunks
    per worker, at most 64 blocks). ``keep_paths``: keep the first N paths whole (``True``:
    all of them; memory grows with N). The result does not depend on the backend, the
    workers, the chunks or the block size (see the module notes). The run's memory is
    estimated before it starts (:func:`~llmecon.simulate.backends.estimate_memory_bytes`)
    and refused above ``memory_budget_bytes`` (None: no check)."""
    if not isinstance(s, Scenario):
        raise InputError(f"scenario: expected a Scenario (llmecon.simulate.loaders."
                         f"load_base_scenario(company)), found {type(s).__name__}")
    paths, seed, block_paths, workers = (_whole(k, v) for k, v in (
        ("paths", paths), ("seed", seed), ("block_paths", block_paths), ("workers", workers)))
    keep = paths if keep_paths is True else 0 if keep_paths is False else \
        _whole("keep_paths", keep_paths)
    if chunk_blocks is not None and _whole("chunk_blocks", chunk_blocks) < 1:
        raise InputError(f"chunk_blocks: expected a whole number >= 1, found {chunk_blocks}")
    _positive("scheduler_timeout_s", scheduler_timeout_s)
    if memory_budget_bytes is not None:
        _positive("memory_budget_bytes", memory_budget_bytes)
    _check(s, paths, seed, block_paths, keep)
    block_paths = min(block_paths, paths)  # a block is never larger than the run
    if backend == "dask":
        check_workers(workers, scheduler)
    local = 1 + (workers if backend == "dask" and scheduler is None else 0)
    _check_memory(s, block_paths, keep, local, memory_budget_bytes)
    blocks = blocks_for(paths, block_paths)
    if backend == "numpy":
        if scheduler is not None:
            raise InputError("scheduler: a scheduler address needs backend dask")
        reduced = run_numpy(s, seed, blocks, keep, progress)
    elif backend == "dask":
        reduced = run_dask(s, seed, blocks, keep, progress, scheduler=scheduler,
                           workers=workers, chunk_blocks=chunk_blocks,
                           timeout_s=scheduler_timeout_s)
    else:
        raise InputError(f"backend: expected numpy or dask, found {backend!r}")
    return _result(s, reduced, seed, backend, block_paths)


def run_scenario_tag(s: Scenario) -> str:
    return "+".join(s.stresses) or "base"


__all__ = ["BLOCK", "PERCENTILES", "TILE", "TIME_INDICES", "SimResult", "blocks_for",
           "deterministic", "run", "sample_block", "sample_paths", "simulate_paths"]
