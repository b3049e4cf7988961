"""Streaming summaries of Monte Carlo paths: one block at a time, merged in block order.

Each block of projected paths is reduced at once to a :class:`Counts` (quantile sketches
per month, histograms of the runway and break-even month, kept paths: integer counts,
merged exactly in any order) and a :class:`Sums` (sums for means and co-moments for
correlations: floats, folded strictly in block order). A run's result therefore does not
depend on how many workers ran the blocks, nor on the backend; only the means and
correlations depend, at rounding level (about 1e-15 relative), on the block size.

Memory is O(block x months) for the block in hand plus the sketches (see
:mod:`llmecon.simulate.sketch`), whatever the number of paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from llmecon.formulas import gross_margin
from llmecon.simulate.engine import Paths
from llmecon.simulate.sketch import Sketch

Array = np.ndarray[Any, Any]
#: The per-month metrics summarised, in the order they are reported.
METRICS = ("cash", "revenue", "gross_margin", "burn", "trade_receivables",
           "contract_liabilities")
FIELDS = ("cash", "revenue", "gross_profit", "operating_cash_flow", "trade_receivables",
          "contract_liabilities")
#: The engine's extra series the summaries read (burn nets capex and leases).
SUMMARISED = ("capex_and_leases",)


def metrics_of(p: Paths) -> dict[str, Array]:
    """The reported metrics of projected paths, each (paths, months)."""
    return {"cash": p.cash, "revenue": p.revenue,
            "gross_margin": gross_margin(p.revenue, p.revenue - p.gross_profit),
            "burn": p.burn, "trade_receivables": p.trade_receivables,
            "contract_liabilities": p.contract_liabilities}


def _row_total(v: Array) -> Array:
    """Sum over months per path, month by month (the same rounding for any block)."""
    out = v[:, 0].copy()
    for t in range(1, v.shape[1]):
        out += v[:, t]
    return out


def _first(mask: Array) -> Array:
    """Histogram of the first month where ``mask`` holds; the last bin: never. Months are
    walked from the last to the first, each a contiguous column, so the earliest wins."""
    n, h = mask.shape
    first = np.full(n, h, dtype=np.int64)
    for t in range(h - 1, -1, -1):
        np.putmask(first, mask[:, t], t)
    out: Array = np.bincount(first, minlength=h + 1).astype(np.int64)
    return out


@dataclass
class Counts:
    """The exactly mergeable part of a summary (integer counts and exact extremes)."""

    paths: int
    sketches: dict[str, Sketch]  # metric -> per-month sketch
    totals: dict[str, Sketch]  # revenue and gross margin over the horizon, one "month"
    first_out: Array  # (months + 1,) paths whose cash first goes below zero in month m
    first_breakeven: Array  # (months + 1,) first month with operating cash flow >= 0
    kept: list[tuple[int, Paths]] = field(default_factory=list)  # (first path, rows)
    #: path-months a multiplied driver was held at its physical bound, per driver
    #: (:mod:`~llmecon.simulate.bounds`)
    held: dict[str, int] = field(default_factory=dict)

    def merged(self, other: Counts) -> Counts:
        return Counts(self.paths + other.paths,
                      {k: v.merged(other.sketches[k]) for k, v in self.sketches.items()},
                      {k: v.merged(other.totals[k]) for k, v in self.totals.items()},
                      self.first_out + other.first_out,
                      self.first_breakeven + other.first_breakeven,
                      sorted([*self.kept, *other.kept], key=lambda kp: kp[0]),
                      {k: self.held.get(k, 0) + other.held.get(k, 0)
                       for k in {**self.held, **other.held}})


@dataclass
class Sums:
    """One block's float summaries: sums per metric and month, and the block's moments of
    each uncertain driver against cash at the horizon (for correlations)."""

    sums: dict[str, Array]  # metric -> (months,) sum over paths (NaN left out)
    n: int
    mean_x: Array  # (drivers,)
    mean_y: float
    m2_x: Array
    m2_y: float
    c_xy: Array


def _moments(x: Array, y: Array) -> tuple[Array, float, Array, float, Array]:
    mx, my = x.mean(axis=0), float(y.mean())
    dx, dy = x - mx, y - my
    # einsum, not BLAS: a BLAS call wakes threads that spin beside a single-core run
    return mx, my, (dx * dx).sum(axis=0), float(np.einsum("p,p->", dy, dy)), \
        np.einsum("p,pj->j", dy, dx)


def reduce_block(p: Paths, drivers: Array, first: int, keep: int) -> tuple[Counts, Sums]:
    """Reduce a block of projected paths (its first path is ``first``); ``drivers`` is
    (paths, uncertain drivers); rows of paths below ``keep`` are kept whole."""
    m = metrics_of(p)
    n = len(p.cash)
    rev = _row_total(p.revenue)
    totals = {"revenue": rev[:, None],
              "gross_margin": gross_margin(rev, rev - _row_total(p.gross_profit))[:, None]}
    kept = []
    if first < keep:
        rows = slice(0, min(n, keep - first))
        kept.append((first, Paths(*(getattr(p, f)[rows].copy() for f in FIELDS))))
    counts = Counts(n, {k: Sketch.of(v) for k, v in m.items()},
                    {k: Sketch.of(v) for k, v in totals.items()}, _first(p.cash < 0),
                    _first(p.operating_cash_flow >= 0), kept)
    sums = {k: (np.nansum(v, axis=0) if counts.sketches[k].nan.any() else v.sum(axis=0))
            for k, v in m.items()}
    return counts, Sums(sums, n, *_moments(drivers, p.cash[:, -1]))


@dataclass
class Folded:
    """Sums folded in block order (Chan et al.'s pairwise update for the co-moments)."""

    sums: dict[str, Array] | None = None
    n: int = 0
    mean_x: Array = field(default_factory=lambda: np.zeros(0))
    mean_y: float = 0.0
    m2_x: Array = field(default_factory=lambda: np.zeros(0))
    m2_y: float = 0.0
    c_xy: Array = field(default_factory=lambda: np.zeros(0))

    def add(self, b: Sums) -> None:
        if self.sums is None:
            self.sums = {k: v.copy() for k, v in b.sums.items()}
            self.n, self.mean_x, self.mean_y = b.n, b.mean_x, b.mean_y
            self.m2_x, self.m2_y, self.c_xy = b.m2_x, b.m2_y, b.c_xy
            return
        for k, v in b.sums.items():
            self.sums[k] = self.sums[k] + v
        n = self.n + b.n
        dx, dy = b.mean_x - self.mean_x, b.mean_y - self.mean_y
        w = self.n * b.n / n
        self.mean_x = self.mean_x + dx * b.n / n
        self.mean_y = self.mean_y + dy * b.n / n
        self.m2_x = self.m2_x + b.m2_x + dx * dx * w
        self.m2_y = self.m2_y + b.m2_y + dy * dy * w
        self.c_xy = self.c_xy + b.c_xy + dx * dy * w
        self.n = n

    def correlations(self, names: Sequence[str]) -> dict[str, float]:
        """Pearson correlation of each driver with cash at the horizon (NaN: no spread, or
        moments past the largest float, where a quotient would read as no correlation)."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = self.c_xy / (np.sqrt(self.m2_x) * np.sqrt(self.m2_y))
            moments = np.isfinite(self.c_xy) & np.isfinite(self.m2_x) & np.isfinite(self.m2_y)
        r = np.where(moments, r, np.nan)
        return {k: float(v) for k, v in zip(names, r, strict=True)}


def driver_matrix(x: Mapping[str, Array], names: Sequence[str], n: int) -> Array:
    """The uncertain drivers' values as one (paths, drivers) array."""
    if not names:
        return np.zeros((n, 0))
    return np.column_stack([np.asarray(x[k], dtype=float) for k in names])
