"""Seeded paths: driver values and multipliers per path, and their projection.

Random numbers come in tiles of ``TILE`` paths: tile ``k`` (paths ``k * TILE`` to
``(k + 1) * TILE - 1``) draws from ``SeedSequence(seed, spawn_key=(k,))`` through numpy's
SFC64 bit generator (its normals take about 9 ns here against PCG64's 15 ns, and six noise
processes draw six per path-month). A block of paths (any number of them, from any first
path) draws the tiles it overlaps and keeps its rows, so a path's numbers depend only on the
seed and the path's index: the same seed gives the same paths on every backend, whatever the
block size and the number of workers.

A tile draws, in this order, the correlated normal scores of the uncertain drivers, each regime's
activity and the month-to-month noise (:func:`llmecon.simulate.noise.add_noise`), so noise
reaches every Monte Carlo run and stays seeded per path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, overload

import numpy as np

from llmecon.config.calibration import driver_range
from llmecon.errors import InputError
from llmecon.simulate.distributions import correlated_normals, correlation_factor
from llmecon.simulate.engine import Paths, project
from llmecon.simulate.movable import refuse_fixed
from llmecon.simulate.noise import NoiseBlock, targets
from llmecon.simulate.scenario import Scenario

#: Paths per random-number tile (the unit of seeding; blocks may be any size).
TILE = 1024
#: Default paths per block (the unit of work).
BLOCK = 16384
Array = np.ndarray[Any, Any]


def shock_multipliers(s: Scenario, x: Mapping[str, Array] | None = None
                      ) -> dict[str, Array]:
    """Each shocked driver's multiplier per month, shape (months,), or (paths, months) where
    a shock applies ``only`` where it lowers (raises) the driver's drawn value in ``x``. A
    shock, regime or noise on a driver held fixed over time is refused, however the
    scenario was built."""
    refuse_fixed([*(sh.driver for sh in s.shocks), *(k for g in s.regimes for k in g.multipliers),
                  *(t for n in s.noise for t in targets(s, n))],
                 f"scenario {s.company}: shocks, regimes or noise")
    mults: dict[str, Array] = {}
    for sh in s.shocks:
        end = s.horizon_months if sh.months == 0 else min(sh.start_month + sh.months,
                                                          s.horizon_months)
        if sh.only is None:
            w = np.ones(s.horizon_months)
            w[sh.start_month:end] = sh.multiplier
        else:  # per path: where the multiplier moves the drawn value the named way
            v = np.asarray((x or {}).get(sh.driver, [s.central(sh.driver)]), dtype=float)
            moves = v * sh.multiplier < v if sh.only == "lower" else v * sh.multiplier > v
            w = np.ones((len(v), s.horizon_months))
            w[:, sh.start_month:end] = np.where(moves, sh.multiplier, 1.0)[:, None]
        mults[sh.driver] = mults[sh.driver] * w if sh.driver in mults else w
    return mults


def uncertain_drivers(s: Scenario) -> list[str]:
    """The drivers that are drawn (not degenerate), in the order the draws use."""
    return sorted(k for k, d in s.drivers.items() if not d.degenerate)


def _tile(s: Scenario, seed: int, tile: int, uncertain: Sequence[str], chol: Array,
          noise: NoiseBlock, first: int, n: int) -> tuple[dict[str, Array], list[Array]]:
    """Normal scores per uncertain driver (Gaussian copula) and each regime's activity for
    the ``TILE`` paths of tile ``tile``; its noise goes to ``noise``, the noise of paths
    ``first`` to ``first + n - 1``."""
    rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=(tile,))))
    u = correlated_normals(rng, TILE, uncertain, chol)
    active = [reg.active(rng, TILE, s.horizon_months) for reg in s.regimes]
    lo, hi = max(first - tile * TILE, 0), min(first + n - tile * TILE, TILE)
    at = tile * TILE + lo - first
    noise.add_tile(rng, slice(lo, hi), slice(at, at + hi - lo))
    return u, active


def sample_paths(s: Scenario, seed: int, first: int, n: int
                 ) -> tuple[dict[str, Array], dict[str, Array]]:
    """Driver values (paths,) and multipliers ((months,) or (paths, months)) for paths
    ``first`` to ``first + n - 1``."""
    uncertain = uncertain_drivers(s)
    t0, t1 = first // TILE, (first + n - 1) // TILE
    chol, noise = correlation_factor(uncertain, s.correlations), NoiseBlock(s, n, TILE)
    tiles = [_tile(s, seed, k, uncertain, chol, noise, first, n) for k in range(t0, t1 + 1)]
    rows = slice(first - t0 * TILE, first - t0 * TILE + n)
    u = {k: np.concatenate([t[0][k] for t in tiles])[rows] for k in uncertain}
    x = {k: (_within(k, d.from_normal(u[k])) if k in u else np.full(n, d.central))
         for k, d in s.drivers.items()}
    mults: dict[str, Array] = dict(shock_multipliers(s, x))
    for i, reg in enumerate(s.regimes):
        active = np.concatenate([t[1][i] for t in tiles])[rows]
        for name, factor in reg.multipliers.items():  # 1 x where(...) is where(...) exactly
            w = np.where(active, factor, 1.0)
            mults[name] = mults[name] * w if name in mults else w
    for name, m in noise.multipliers().items():  # month-to-month noise, drawn per tile
        mults[name] = mults[name] * m if name in mults else m
    return x, mults


def _within(name: str, v: Array) -> Array:
    """Draws of driver ``name`` held to its range (:func:`driver_range`): a normal or
    lognormal may reach past it on at most 1% of paths (a scenario that would more is
    refused); those draws take the range's end, never a negative share or multiple."""
    rule = driver_range(name)
    if rule is None:
        return v
    out: Array = np.clip(v, rule[0], rule[1])
    return out


def sample_block(s: Scenario, seed: int, block: int, n: int
                 ) -> tuple[dict[str, Array], dict[str, Array]]:
    """Driver values and multipliers for ``n`` paths of block ``block`` of ``BLOCK`` paths."""
    return sample_paths(s, seed, block * BLOCK, n)


@contextmanager
def overflow_refused(s: Scenario) -> Iterator[None]:
    """A projection that overflows the float range (shocks or growth compounding without
    bound) stops at once with an error naming the company, not numpy's warnings followed by
    infinite or NaN figures."""
    try:
        with np.errstate(over="raise"):
            yield
    except FloatingPointError:
        raise InputError(f"{s.company}: the projection overflows the float range (a value "
                         "beyond 1.8e308): check the scenario's shocks, growth rates and "
                         "drivers for values that compound without bound") from None


def simulate_paths(s: Scenario, seed: int, first: int, n: int,
                   into: Paths | None = None) -> Paths:
    """Project paths ``first`` to ``first + n - 1`` (into ``into`` if given)."""
    with overflow_refused(s):
        x, mults = sample_paths(s, seed, first, n)
        return project(s, x, mults, into)


def deterministic(s: Scenario) -> Paths:
    """The projection at every driver's central value (one path, no regimes)."""
    d = s.deterministic()
    x = {k: np.array([v.central]) for k, v in d.drivers.items()}
    with overflow_refused(s):
        return project(d, x, shock_multipliers(d, x))


class Blocks(Sequence[tuple[int, int]]):
    """(first path, number of paths) of each block, in order, computed when asked: a run of
    10^12 paths has 61 million blocks and holds none of them.

    >>> b = blocks_for(10, 4)
    >>> len(b), b[0], b[-1], b[1:]
    (3, (0, 4), (8, 2), [(4, 4), (8, 2)])
    """

    def __init__(self, paths: int, block_paths: int) -> None:
        self.paths, self.block_paths = paths, block_paths

    def __len__(self) -> int:
        return -(-self.paths // self.block_paths)

    def _block(self, i: int) -> tuple[int, int]:
        first = i * self.block_paths
        return first, min(self.block_paths, self.paths - first)

    @overload
    def __getitem__(self, i: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, i: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(i, slice):
            return [self._block(k) for k in range(*i.indices(len(self)))]
        k = i + len(self) if i < 0 else i
        if not 0 <= k < len(self):
            raise IndexError(i)
        return self._block(k)


def blocks_for(paths: int, block_paths: int = BLOCK) -> Blocks:
    """(first path, number of paths) of each block, in order (a lazy sequence)."""
    return Blocks(paths, block_paths)
